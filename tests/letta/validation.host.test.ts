/**
 * letta.Agent validation at check time, through the real host: one failure per bad property, named
 * as the user wrote it, with a reason a person understands, and no HTTP call.
 */
import { CheckError } from "../host/engine";
import { world, type World } from "../host/fixture";
import { T } from "./helpers";

let w: World;
beforeAll(async () => (w = await world()));
afterAll(() => w.close());
beforeEach(() => w.ctl.clear());

const TOOL = "tool-3c90c3cc-0d44-4b50-8888-8dd25736052a";
const bad: [string, Record<string, unknown>, string, RegExp][] = [
  ["model without provider", { model: "gpt-4o-mini" }, "model", /handle of the form "provider\/model-name"/],
  ["model with a space", { model: "openai/gpt 4o" }, "model", /provider\/model-name/],
  ["embedding without provider", { embedding: "text-embedding-3-small" }, "embedding", /embedding handle/],
  ["unknown time zone", { timezone: "Mars/Olympus_Mons" }, "timezone", /IANA time zone/],
  ["offset instead of a zone", { timezone: "+02:00" }, "timezone", /IANA time zone/],
  ["zero context window", { contextWindowLimit: 0 }, "contextWindowLimit", /at least 1/],
  ["fractional context window", { contextWindowLimit: 1.5 }, "contextWindowLimit", /whole number/],
  ["negative maxFilesOpen", { maxFilesOpen: -1 }, "maxFilesOpen", /at least 1/],
  ["too many open files", { maxFilesOpen: 1001 }, "maxFilesOpen", /at most 1000/],
  ["zero per-file window", { perFileViewWindowCharLimit: 0 }, "perFileViewWindowCharLimit", /at least 1/],
  ["unknown agent type", { agentType: "gpt_agent" }, "agentType", /must be one of .*memgpt_v2_agent.*letta_v1_agent/],
  ["unknown tool rule type", { toolRules: [{ type: "sometimes", toolName: "x" }] }, "toolRules[0].type", /type must be one of .*run_first/],
  ["tool rule without a tool", { toolRules: [{ type: "run_first" }] }, "toolRules[0].toolName", /is required/],
  ["max-count rule without its limit", { toolRules: [{ type: "max_count_per_step", toolName: "x" }] }, "toolRules[0].maxCountLimit", /is required/],
  ["child rule without children", { toolRules: [{ type: "constrain_child_tools", toolName: "x", children: [] }] }, "toolRules[0].children", /at least 1 item/],
  ["conditional rule without mapping", { toolRules: [{ type: "conditional", toolName: "x" }] }, "toolRules[0].childOutputMapping", /is required/],
  ["tool rule with an unknown member", { toolRules: [{ type: "run_first", toolName: "x", children: ["y"] }] }, "toolRules[0]", /unknown property children/],
  ["tool id without its prefix", { toolIds: ["3c90c3cc-0d44-4b50-8888-8dd25736052a"] }, "toolIds[0]", /must be a tool id/],
  ["block id given as a tool id", { blockIds: [TOOL] }, "blockIds[0]", /must be a block id/],
  ["source id malformed", { sourceIds: ["source-1"] }, "sourceIds[0]", /must be a source id/],
  ["identity id malformed", { identityIds: ["identity-xyz"] }, "identityIds[0]", /must be a identity id/],
  ["empty tag", { tags: ["ok", ""] }, "tags[1]", /must not be empty/],
  ["name with a slash", { name: "support/bot" }, "name", /letters, digits, spaces/],
  ["empty name", { name: "" }, "name", /must not be empty/],
  ["metadata not an object", { metadata: "x" }, "metadata", /must be a record, not string/],
  ["hidden not a boolean", { hidden: "yes" }, "hidden", /must be a boolean/],
  ["modelSettings without model", { modelSettings: { temperature: 0.2 } }, "modelSettings", /needs `model`/],
  ["negative temperature", { model: "openai/gpt-4o", modelSettings: { temperature: -1 } }, "modelSettings.temperature", /at least 0/],
  ["block value above its limit", { memoryBlocks: [{ label: "p", value: "abcdef", limit: 3 }] }, "memoryBlocks[0].value", /6 characters, more than the block's limit of 3/],
  ["duplicate block labels", { memoryBlocks: [{ label: "p", value: "a" }, { label: "p", value: "b" }] }, "memoryBlocks[1].label", /duplicates memoryBlocks\[0\]\.label/],
  ["block without a label", { memoryBlocks: [{ value: "a" }] }, "memoryBlocks[0].label", /is required/],
];

test.each(bad)("%s fails at check", async (_, inputs, property, reason) => {
  const err = (await w.stack.plan(T, "bad", inputs).catch((e) => e)) as CheckError;
  expect(err).toBeInstanceOf(CheckError);
  expect(err.failures).toEqual([{ property, reason: expect.stringMatching(reason) }]);
  expect(await w.ctl.requests("letta")).toEqual([]);
});

test("a bad secret value is reported without showing it", async () => {
  const err = (await w.stack.plan(T, "bad", { secrets: { TOKEN: 12345678 } }).catch((e) => e)) as CheckError;
  expect(err.failures).toEqual([{ property: "secrets.TOKEN", reason: expect.stringMatching(/must be a string/) }]);
  expect(JSON.stringify(err.failures)).not.toContain("12345678");
});

test("good values pass: aliases of IANA zones, UTC, snake_case tool rule members, nested model names", async () => {
  const s = await w.stack.plan(T, "good", {
    timezone: "UTC", model: "openrouter/meta-llama/llama-3-70b", modelSettings: { temperature: 0 },
    toolRules: [{ type: "conditional", tool_name: "x", child_output_mapping: { yes: "y" } }, { type: "requires_approval", toolName: "z" }],
    memoryBlocks: [{ label: "human", value: "x", read_only: true }],
  });
  expect(s.failures).toEqual([]);
  expect((await w.stack.plan(T, "good2", { timezone: "Etc/UTC" })).failures).toEqual([]);
  expect((await w.stack.plan(T, "good3", { timezone: "America/New_York" })).failures).toEqual([]);
});

test("several bad properties give one failure each", async () => {
  const err = (await w.stack.plan(T, "bad", { model: "x", timezone: "nowhere", agentType: "z" }).catch((e) => e)) as CheckError;
  expect(err.failures.map((f) => f.property).sort()).toEqual(["agentType", "model", "timezone"]);
});
