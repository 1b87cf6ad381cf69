/**
 * A JavaScript program passes anything: a misspelt top-level property must fail at check (preview)
 * like a misspelt nested one, naming the closest accepted property, instead of being ignored.
 * Through the real SDK (mock runtime) and the real dynamic-provider host; then a table of cases
 * against check itself.
 */
import * as pulumi from "@pulumi/pulumi";
import { check } from "../../provider/core/check";
import { resources } from "../../provider/registry";
import * as agents from "../../provider";
import { startAll, type Emulator } from "../../emulator";
import { emulatorConfig } from "../host/fixture";
import { CheckError, Stack } from "../host/engine";

const ORG = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

let emu: Emulator;
let stack: Stack;
beforeAll(async () => {
  emu = await startAll();
  stack = await Stack.start(emulatorConfig(emu));
});
afterAll(async () => {
  await stack?.stop();
  await emu?.close();
});

test("top_level_typo_fails_at_preview: a JavaScript program's selectionStrategey is a check failure with a suggestion", async () => {
  // What the SDK registers for the program's resource (as the engine receives it), then the host's check.
  const registered: Record<string, unknown>[] = [];
  await pulumi.runtime.setMocks({ newResource: (a) => (registered.push(a.inputs), { id: "id", state: a.inputs }), call: () => ({}) }, "program", "dev", true);
  const Pool = agents.asteroid.AgentProfilePool as unknown as new (name: string, args: Record<string, unknown>) => unknown;
  new Pool("checkout", { name: "checkout", organizationId: ORG, selectionStrategey: "most_recently_used" });
  for (let i = 0; i < 200 && !registered.length; i++) await new Promise((r) => setTimeout(r, 10));
  expect(registered[0]).toMatchObject({ selectionStrategey: "most_recently_used" });
  const err = await stack.plan("asteroid:AgentProfilePool", "checkout", registered[0]).catch((e) => e);
  expect(err).toBeInstanceOf(CheckError);
  expect((err as CheckError).failures).toEqual([{ property: "selectionStrategey", reason: "unknown property; did you mean selectionStrategy?" }]);
});

const pool = resources["asteroid:AgentProfilePool"];
const everruns = resources["everruns:Agent"];
const letta = resources["letta:Agent"];
const okPool = { name: "checkout", organizationId: ORG };

test.each([
  ["a one-letter slip", pool, { ...okPool, selectionStrategey: "x" }, [["selectionStrategey", "unknown property; did you mean selectionStrategy?"]]],
  ["another case", pool, { ...okPool, Name: "x" }, [["Name", "unknown property; did you mean name?"]]],
  ["the API's snake_case name", everruns, { name: "a", systemPrompt: "p", default_model_id: "model_x" }, [["default_model_id", "unknown property; did you mean defaultModelId?"]]],
  [
    "nothing close: the accepted names are listed",
    pool,
    { ...okPool, poolSize: 3 },
    [["poolSize", "unknown property; asteroid.AgentProfilePool takes name, organizationId, allowConcurrentUse, selectionStrategy"]],
  ],
  ["an output the platform sets", pool, { ...okPool, createdAt: "2024-01-01" }, [["createdAt", "is an output of asteroid.AgentProfilePool, set by the platform; it cannot be set"]]],
  ["nested, in a list item", everruns, { name: "a", systemPrompt: "p", capabilities: [{ ref: "web_fetch", confg: {} }] }, [["capabilities[0]", "unknown property confg; did you mean config?"]]],
  [
    "nested, in the variant of a union its type picks",
    letta,
    { toolRules: [{ type: "conditional", toolName: "route", childOutputMapping: {}, defaultChlid: "x" }] },
    [["toolRules[0]", "unknown property defaultChlid; did you mean defaultChild?"]],
  ],
  ["a member no variant of that type has: no suggestion", letta, { toolRules: [{ type: "run_first", toolName: "x", children: ["y"] }] }, [["toolRules[0]", "unknown property children"]]],
  ["engine keys and undefined values are not properties", pool, { ...okPool, __provider: "exports.handler = ...", allowConcurrentUse: undefined }, []],
] as const)("%s", (_, def, news, expected) => {
  const { failures } = check(def, {}, news as Record<string, unknown>);
  expect(failures.map((f) => [f.property, f.reason])).toEqual(expected);
});
