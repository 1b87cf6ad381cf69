/**
 * The secret invariant, over all five resources: for each write-only value, after create, update and
 * read with the server dropping or rewriting each field of its answer in turn (and echoing write-only
 * values in plaintext there, as Letta does for `secrets`), no non-secret output holds it, nor the
 * host's output. Resources without write-only fields are checked to declare none.
 */
import { holdsSecret } from "../../provider/core/fields";
import { resources } from "../../provider/registry";
import { checkpointJSON } from "../host/engine";
import { setup, writeOnlyOf, type Env, type Subject } from "./matrix";
import { everrunsAgent, lettaAgent, odeusAgent, pool, profile } from "./subjects";

let env: Env;
beforeAll(async () => {
  env = await setup();
});
afterAll(() => env.w.close());

/** The same shape with every string leaf replaced by a write-only value (cycling), as a server echoing them would answer. */
function echo(v: unknown, secrets: string[], i = { n: 0 }): unknown {
  if (typeof v === "string") return secrets[i.n++ % secrets.length];
  if (Array.isArray(v)) return v.length ? v.map((x) => echo(x, secrets, i)) : [secrets[0]];
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, echo(x, secrets, i)]));
  return v === null || v === undefined ? secrets[0] : v;
}

/** Outputs as a checkpoint would store them: secret outputs encrypted, everything else in the clear. */
const plaintext = (s: Subject, n: string) => {
  const st = env.stack.get(s.token, n);
  return st ? checkpointJSON(st.outputs) : "";
};

let seq = 0;
async function tryField(s: Subject, field: string, variant: "drop" | "echo", op: "create" | "update" | "read"): Promise<void> {
  const { w, stack } = env;
  const n = `inv-${++seq}`;
  const secrets = writeOnlyOf(s, n);
  if (op !== "create") await stack.up(s.token, n, s.desired(n));
  const id = stack.get(s.token, n)?.id ?? "";
  const call = s.calls[op]!(id);
  // The field as the server would show it now, to rewrite it with the same shape.
  const live = (await w.ctl.list(s.platform, s.token === "asteroid:AgentProfilePool" ? "pools" : s.token === "asteroid:AgentProfile" ? "profiles" : "agents")).find(
    (o) => o.id === id,
  );
  // A server can echo only what it was given: the first values, and on update the rotated ones too.
  const given = writeOnlyOf({ ...s, changed: op === "update" ? s.changed : s.desired }, n);
  const value = variant === "drop" ? null : echo(live?.[field] ?? "x", given);
  await w.ctl.fault({ platform: s.platform, ...call, rewrite: { [field]: value } });
  let err: Error | undefined;
  if (op === "read") await stack.refresh(s.token, n).catch((e) => (err = e));
  else await stack.up(s.token, n, op === "create" ? s.desired(n) : s.changed(n)).catch((e) => (err = e));
  await w.ctl.clearFaults();
  const where = `${s.token} ${op} with the answer's ${field} ${variant === "drop" ? "dropped" : "echoing write-only values"}`;
  const out = plaintext(s, n);
  for (const v of secrets) {
    expect({ where, leak: out.includes(v) ? `state: ${v}` : err?.message.includes(v) ? `error: ${v}` : "none" }).toEqual({ where, leak: "none" });
    written.push(v);
  }
  if (stack.get(s.token, n)) await stack.destroy(s.token, n).catch(() => undefined);
}

/** Every write-only value used so far: the host's output is searched for all of them once per test. */
const written: string[] = [];
async function noneInHostOutput(from: number): Promise<void> {
  const lines = (await env.stack.host.output(from)).split("\n");
  const leaks = lines.filter((l) => written.some((v) => l.includes(v)));
  expect(leaks).toEqual([]);
}

/** The top-level members of each answer (the API documentation's response objects), dropped or rewritten in turn. */
const ANSWER_FIELDS: Record<string, string[]> = {
  [profile.token]: [
    "name", "description", "proxyMode", "customProxy", "credentials", "cookies", "captchaSolverActive", "stickyIP", "extraStealth",
    "cachePersistence", "adblockActive", "popupBlockerActive", "inboxEmail", "createdAt", "updatedAt",
  ],
  [lettaAgent.token]: [
    "name", "system", "description", "metadata", "tags", "tools", "blocks", "secrets", "tool_exec_environment_variables",
    "tool_rules", "llm_config", "model", "embedding", "model_settings", "timezone", "created_at", "updated_at",
  ],
};

for (const s of [profile, lettaAgent]) {
  describe(`${s.token}: no write-only value outside a secret output`, () => {
    for (const op of ["create", "update", "read"] as const) {
      test(`${op}: each field of the answer dropped, then echoing write-only values`, async () => {
        const from = env.stack.host.stderr.length;
        for (const field of ANSWER_FIELDS[s.token]) for (const variant of ["drop", "echo"] as const) await tryField(s, field, variant, op);
        await noneInHostOutput(from);
      });
    }
  });
}

describe("resources without write-only fields", () => {
  for (const s of [pool, everrunsAgent, odeusAgent]) {
    test(`${s.token} declares none, so its outputs never hold one`, () => {
      expect(Object.values(resources[s.token].fields).filter(holdsSecret)).toEqual([]);
      expect(writeOnlyOf(s, "x")).toEqual([]);
    });
  }
  test("the two that have them declare them as secret outputs", () => {
    for (const t of [profile.token, lettaAgent.token]) expect(Object.values(resources[t].fields).some(holdsSecret)).toBe(true);
  });
});
