/**
 * Values a program marks `pulumi.secret()` stay out of warnings, errors and excerpts, like write-only
 * values. The dynamic-provider host strips secret marks before the provider sees its inputs, so the
 * resource classes pass the names of the marked inputs along (`__secretInputs`, names only).
 */
import * as pulumi from "@pulumi/pulumi";
import { everruns, odeus } from "../../provider";
import { Secret, stripSecrets } from "./engine";
import { world, type World } from "./fixture";
import { ProgramStack } from "./program";

let w: World;
beforeAll(async () => (w = await world()));
afterAll(() => w.close());

const SECRET = "USER-SECRET-PROMPT-7777";

test("a marked input is never printed: not in a read-back warning, a server error that echoes it, or an unreadable answer's excerpt", async () => {
  const program = new ProgramStack(w.stack);
  const agent = (description: string) => () =>
    new everruns.Agent("marked", { name: "marked", systemPrompt: pulumi.secret(`You are ${SECRET}.`), description: pulumi.secret(`${description} ${SECRET}`) });
  expect((await program.run(agent("first"), { preview: false })).errors).toEqual([]);
  const st = w.stack.get("everruns:Agent", "marked")!;
  expect(st.outputs.__secretInputs).toEqual(["systemPrompt", "description"]);

  // The server rewrites the description: the warning names the field, never the value.
  const from = w.stack.host.stderr.length;
  await w.ctl.fault({ platform: "everruns", method: "PATCH", rewrite: { description: "rewritten by server" } });
  expect((await program.run(agent("second"), { preview: false })).errors).toEqual([]);
  const warned = await w.stack.host.output(from, /rewrote/);
  expect(warned).toMatch(/the server rewrote "description"/);
  expect(warned).not.toContain(SECRET);

  // A 400 that echoes the value, and an answer cut short that holds it: the errors redact it. (The
  // inputs are those the SDK registered, `__secretInputs` included, with a new description.)
  const registered = w.stack.get("everruns:Agent", "marked")!.inputs;
  const again = (d: string) => w.stack.up("everruns:Agent", "marked", { ...registered, description: new Secret(`${d} ${SECRET}`) }).then(() => "", (e: Error) => e.message);
  await w.ctl.fault({ platform: "everruns", method: "PATCH", status: 400, body: { error: `invalid system_prompt: You are ${SECRET}.` } });
  const bad = await again("third");
  expect(bad).toMatch(/failed with 400 Bad Request: invalid system_prompt: \[secret\]/);
  expect(bad).not.toContain(SECRET);
  // A cut answer is read back (the update shows in full, so it succeeds); the warning quotes the
  // answer's excerpt, redacted.
  const before = w.stack.host.stderr.length;
  await w.ctl.fault({ platform: "everruns", method: "PATCH", answer: "truncated" });
  expect(await again("fourth")).toBe("");
  const quoted = await w.stack.host.output(before, /shows the whole update/);
  expect(quoted).toMatch(/answered 200 with JSON that is cut short or malformed: .*\[secret\]/);
  expect(quoted).not.toContain(SECRET);
  expect(JSON.stringify(stripSecrets(w.stack.get("everruns:Agent", "marked")!.outputs.__secretInputs))).not.toContain(SECRET);
  await w.stack.destroy("everruns:Agent", "marked");
});

test("an Odeus instruction marked secret is redacted from the server's error", async () => {
  const program = new ProgramStack(w.stack);
  expect((await program.run(() => new odeus.Agent("o", { name: "o", instruction: pulumi.secret(`Be ${SECRET}`) }), { preview: false })).errors).toEqual([]);
  const registered = w.stack.get("odeus:Agent", "o")!.inputs;
  expect(registered.__secretInputs).toEqual(["instruction"]);
  await w.ctl.fault({ platform: "odeus", method: "PATCH", path: "/agent/v1/update", status: 400, body: { status: "error", message: `bad instruction: Be ${SECRET}!` } });
  const e = (await w.stack.up("odeus:Agent", "o", { ...registered, instruction: new Secret(`Be ${SECRET}!`) }).catch((x) => x)) as Error;
  expect(e.message).toMatch(/failed with 400 Bad Request: bad instruction: \[secret\]/);
  expect(e.message).not.toContain(SECRET);
  await w.stack.destroy("odeus:Agent", "o");
});
