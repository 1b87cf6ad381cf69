/**
 * Letta recovery of an unconfirmed create (docs/letta.md "Recovery from failures"): the create's token
 * lives in a reserved metadata key. When the agent cannot be found right away, a placeholder is
 * recorded; `pulumi refresh` adopts the agent (the id changes to the real one), and `pulumi up`
 * replaces the placeholder, deleting the agent the token finds, so one agent remains either way.
 */
import { world, type World } from "../host/fixture";
import { CREATE_TOKEN_KEY } from "../../provider/letta/agent";
import { T } from "./helpers";

let w: World;
beforeAll(async () => (w = await world()));
afterAll(() => w.close());
beforeEach(() => w.ctl.clearFaults());

const desired = (name: string) => ({ name, system: "You help.", model: "openai/gpt-4o-mini", metadata: { team: "x" } });
const agentsNamed = async (name: string) => (await w.ctl.list("letta", "agents")).filter((a) => a.name === name);

/** The create's answer is lost after the server acted, and the list cannot be read right then. */
async function lostCreate(name: string): Promise<Error> {
  await w.ctl.fault({ platform: "letta", method: "POST", path: "/v1/agents/", drop: true, after: true });
  await w.ctl.fault({ platform: "letta", method: "GET", path: "/v1/agents/", status: 503, count: 10 });
  const e = (await w.stack.up(T, name, desired(name)).catch((x) => x)) as Error;
  await w.ctl.clearFaults();
  return e;
}

test("refresh adopts the agent an unconfirmed create made: the placeholder id becomes the real one", async () => {
  const e = await lostCreate("adopt me");
  expect(e.message).toMatch(/letta: POST \/v1\/agents\/ failed.*may have been created.*looking it up failed.*unconfirmed-create-/s);
  const made = await agentsNamed("adopt me");
  expect(made).toHaveLength(1);
  expect(w.stack.get(T, "adopt me")!.id).toMatch(/^unconfirmed-create-/);
  expect((made[0].metadata as Record<string, unknown>)[CREATE_TOKEN_KEY]).toEqual(expect.any(String));
  const r = await w.stack.refresh(T, "adopt me");
  expect(r.gone).toBe(false);
  expect(w.stack.get(T, "adopt me")!.id).toBe(made[0].id);
  expect((await w.stack.plan(T, "adopt me", desired("adopt me"))).op).toBe("same");
  // The token never shows in outputs.
  expect(JSON.stringify(w.stack.get(T, "adopt me")!.outputs)).not.toContain(CREATE_TOKEN_KEY);
  await w.stack.destroy(T, "adopt me");
  expect(await agentsNamed("adopt me")).toHaveLength(0);
});

test("the next up replaces the placeholder and deletes the agent the lost create made: one agent remains", async () => {
  await lostCreate("replace me");
  const orphan = (await agentsNamed("replace me"))[0];
  const s = await w.stack.up(T, "replace me", desired("replace me"));
  expect(s.op).toBe("replace");
  const left = await agentsNamed("replace me");
  expect(left.map((a) => a.id)).toEqual([s.state.id]);
  expect(s.state.id).not.toBe(orphan.id);
  expect((await w.stack.plan(T, "replace me", desired("replace me"))).op).toBe("same");
  await w.stack.destroy(T, "replace me");
});

test("a refresh that finds nothing drops the placeholder; the next up creates the agent", async () => {
  await w.ctl.fault({ platform: "letta", method: "POST", path: "/v1/agents/", drop: true });
  await w.stack.up(T, "never made", desired("never made")).catch(() => undefined);
  expect(await agentsNamed("never made")).toHaveLength(0);
  expect((await w.stack.refresh(T, "never made")).gone).toBe(true);
  const s = await w.stack.up(T, "never made", desired("never made"));
  expect(s.op).toBe("create");
  expect((await agentsNamed("never made")).map((a) => a.id)).toEqual([s.state.id]);
  await w.stack.destroy(T, "never made");
});
