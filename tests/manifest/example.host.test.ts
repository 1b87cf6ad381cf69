/**
 * examples/manifest run as a Pulumi program (SDK mock runtime, dynamic resources routed to the real
 * dynamic-provider host) against the emulator: up creates every entry with the prompt files' text and
 * resolved references, a second preview is a no-op, editing one prompt file changes exactly that
 * field, and destroy removes everything.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { REPO, type ResourceState, type Step } from "../host/engine";
import { world, type World } from "../host/fixture";
import { ProgramStack } from "../host/program";

const ORG = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const SOURCE = path.join(REPO, "examples/manifest");
// The compiled program (bin/examples/manifest/index.js): `export = () => { manifest.load("agents.yaml") ... }`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const program: () => unknown = require("../../examples/manifest/index");

let w: World;
let ps: ProgramStack;
let dir: string;
const cwd = process.cwd();

/** Runs the program from `dir`, as `pulumi` does from the project folder. */
async function run(preview: boolean) {
  process.chdir(dir);
  try {
    const r = await ps.run(() => program(), { preview, project: "agents-manifest" });
    expect(r.errors).toEqual([]);
    // under `up` every step carries the resource's state after it
    return Object.fromEntries(r.steps.map((s) => [s.name, s as Step & { state: ResourceState }]));
  } finally {
    process.chdir(cwd);
  }
}

beforeAll(async () => {
  // A copy of the example (manifest + prompts), so a test can edit a prompt as a pull request would.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "agents-manifest-"));
  fs.cpSync(SOURCE, dir, { recursive: true, filter: (p) => !p.endsWith(".ts") });
  pulumi.runtime.setConfig("agents-manifest:organizationId", ORG);
  w = await world();
  ps = new ProgramStack(w.stack);
});
afterAll(async () => {
  await ps.stop();
  await w.emu.close();
});
beforeEach(() => w.ctl.clear());

test("up declares every entry of agents.yaml, with prompt files and references resolved", async () => {
  const steps = await run(false);
  expect(Object.fromEntries(Object.entries(steps).map(([n, s]) => [n, [s.token, s.op]]))).toEqual({
    browser: ["asteroid:AgentProfile", "create"],
    browsers: ["asteroid:AgentProfilePool", "create"],
    support: ["everruns:Agent", "create"],
    triage: ["odeus:Agent", "create"],
    researcher: ["letta:Agent", "create"],
  });
  const support = fs.readFileSync(path.join(SOURCE, "prompts/support.md"), "utf8");
  const triage = fs.readFileSync(path.join(SOURCE, "prompts/triage.md"), "utf8");
  expect(steps.support.state.outputs).toMatchObject({
    systemPrompt: support,
    description: "Answers customer questions; browses with the support-browsers pool.",
    tags: ["support", "tier-1"],
  });
  expect(steps.researcher.state.outputs).toMatchObject({
    system: fs.readFileSync(path.join(SOURCE, "prompts/researcher.md"), "utf8"),
    description: "Looks orders up for Customer support.",
  });
  expect(steps.triage.state.outputs).toMatchObject({ instruction: triage, conversationStarters: ["Where is my order?", "I want to return an item"] });
  // ${config:organizationId} on the profile, then ${browser.organizationId} on the pool
  expect(steps.browsers.state.outputs).toMatchObject({ name: "support-browsers", organizationId: ORG });
  const writes = await w.ctl.writes();
  expect([...new Set(writes.map((r) => r.platform))].sort()).toEqual(["asteroid", "everruns", "letta", "odeus"]);
  expect(writes.find((r) => r.platform === "everruns")?.body).toMatchObject({ system_prompt: support });
});

test("a second preview changes nothing and makes no write call", async () => {
  const steps = await run(true);
  expect(Object.values(steps).map((s) => s.op)).toEqual(["same", "same", "same", "same", "same"]);
  expect(await w.ctl.writes()).toEqual([]);
});

test("editing one prompt file is an update of exactly that field", async () => {
  fs.appendFileSync(path.join(dir, "prompts/triage.md"), "Never answer the customer yourself.\n");
  const preview = await run(true);
  expect(Object.fromEntries(Object.entries(preview).map(([n, s]) => [n, s.op]))).toEqual({
    browser: "same",
    browsers: "same",
    support: "same",
    triage: "update",
    researcher: "same",
  });
  expect(preview.triage.diffKeys).toEqual(["instruction"]);
  await run(false);
  const patches = (await w.ctl.writes()).filter((r) => r.method === "PATCH");
  expect(patches.map((r) => [r.platform, Object.keys(r.body as object).sort()])).toEqual([["odeus", ["agentId", "instruction"]]]);
  expect((patches[0].body as { instruction: string }).instruction).toBe(fs.readFileSync(path.join(dir, "prompts/triage.md"), "utf8"));
});

test("destroy removes every resource", async () => {
  expect((await ps.destroy()).sort()).toEqual(["browser", "browsers", "researcher", "support", "triage"]);
});
