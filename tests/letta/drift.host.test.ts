/**
 * letta.Agent drift, field by field: each user-settable field changed out of band on the emulator is
 * found by refresh, shown by the next preview as exactly that field, and healed by up; afterwards
 * refresh + preview is quiet. What the agent changes itself (and secrets, which are write-only) is not drift.
 */
import { world, type World } from "../host/fixture";
import { live, make, T } from "./helpers";

let w: World;
let desired: Record<string, unknown>;
let toolB = "";
beforeAll(async () => {
  w = await world();
  const toolA = await make(w, "tools", { name: "lookup_order" });
  toolB = await make(w, "tools", { name: "refund_order" });
  desired = {
    name: "drift agent", system: "You are careful.", description: "d", model: "openai/gpt-4o-mini",
    embedding: "openai/text-embedding-3-small", modelSettings: { temperature: 0.5 }, contextWindowLimit: 32000,
    toolIds: [toolA], sourceIds: [await make(w, "sources", { name: "docs" })], blockIds: [await make(w, "blocks", { label: "policy", value: "be kind" })],
    tags: ["a", "b"], toolRules: [{ type: "max_count_per_step", toolName: "lookup_order", maxCountLimit: 2 }, { type: "exit_loop", toolName: "send_message" }],
    metadata: { k: "v" }, secrets: { S: "drift-secret-value" }, identityIds: [await make(w, "identities", { name: "u" })],
    projectId: "proj-1", templateId: "tmpl-1", baseTemplateId: "btmpl-1", messageBufferAutoclear: false, enableSleeptime: false,
    timezone: "Europe/Paris", maxFilesOpen: 5, perFileViewWindowCharLimit: 10000, hidden: false, agentType: "memgpt_v2_agent",
    memoryBlocks: [{ label: "persona", value: "I am careful." }], includeBaseTools: true,
  };
  await w.stack.up(T, "drift", desired);
});
afterAll(async () => {
  await w.stack.destroy(T, "drift");
  await w.close();
});
beforeEach(() => w.ctl.clear());

const id = () => w.stack.get(T, "drift")!.id;
type Edit = (a: Record<string, any>) => Record<string, unknown>;
const llm = (a: Record<string, any>, x: Record<string, unknown>) => ({ llm_config: { ...a.llm_config, ...x } });

const inPlace: [string, Edit, string[]][] = [
  ["name", () => ({ name: "renamed by hand" }), ["name"]],
  ["system", () => ({ system: "You are reckless." }), ["system"]],
  ["description", () => ({ description: "edited" }), ["description"]],
  ["model", (a) => llm(a, { handle: "openai/gpt-4o" }), ["model", "model_settings", "context_window_limit"]],
  ["embedding", (a) => ({ embedding_config: { ...a.embedding_config, handle: "openai/text-embedding-3-large" } }), ["embedding"]],
  ["modelSettings", (a) => llm(a, { temperature: 0.95 }), ["model_settings", "model", "context_window_limit"]],
  ["contextWindowLimit", (a) => llm(a, { context_window: 16000 }), ["context_window_limit", "model", "model_settings"]],
  ["toolIds", (a) => ({ tool_ids: [...a.tool_ids.slice(0, -1), toolB] }), ["tool_ids"]],
  ["sourceIds", () => ({ source_ids: [] }), ["source_ids"]],
  ["blockIds", (a) => ({ block_ids: a.block_ids.slice(0, -1) }), ["block_ids"]],
  ["tags", () => ({ tags: ["a"] }), ["tags"]],
  ["toolRules", (a) => ({ tool_rules: a.tool_rules.slice(1) }), ["tool_rules"]],
  ["metadata", () => ({ metadata: { k: "changed" } }), ["metadata"]],
  ["identityIds", () => ({ identity_ids: [] }), ["identity_ids"]],
  ["projectId", () => ({ project_id: "proj-2" }), ["project_id"]],
  ["templateId", () => ({ template_id: "tmpl-2" }), ["template_id"]],
  ["baseTemplateId", () => ({ base_template_id: "btmpl-2" }), ["base_template_id"]],
  ["messageBufferAutoclear", () => ({ message_buffer_autoclear: true }), ["message_buffer_autoclear"]],
  ["enableSleeptime", () => ({ enable_sleeptime: true }), ["enable_sleeptime"]],
  ["timezone", () => ({ timezone: "Asia/Tokyo" }), ["timezone"]],
  ["maxFilesOpen", () => ({ max_files_open: 7 }), ["max_files_open"]],
  ["perFileViewWindowCharLimit", () => ({ per_file_view_window_char_limit: 20000 }), ["per_file_view_window_char_limit"]],
];

test.each(inPlace)("%s changed out of band: preview shows exactly it, up PATCHes it back", async (field, edit, wire) => {
  await w.ctl.edit("letta", "agents", id(), edit(await w.ctl.get("letta", "agents", id())));
  await w.stack.refresh(T, "drift");
  const p = await w.stack.plan(T, "drift", desired);
  expect(p.op).toBe("update");
  expect(p.diffKeys).toEqual([field]);
  await w.ctl.clear();
  await w.stack.up(T, "drift", desired);
  const writes = await w.ctl.writes("letta");
  expect(writes).toHaveLength(1);
  expect(writes[0].method).toBe("PATCH");
  expect(Object.keys(writes[0].body as object).sort()).toEqual([...wire].sort());
  await w.stack.refresh(T, "drift");
  expect((await w.stack.plan(T, "drift", desired)).op).toBe("same");
});

const replacing: [string, Edit][] = [
  ["hidden", () => ({ hidden: true })],
  ["agentType", () => ({ agent_type: "letta_v1_agent" })],
];
test.each(replacing)("%s changed out of band: preview shows it, up replaces the agent", async (field, edit) => {
  const before = id();
  await w.ctl.edit("letta", "agents", before, edit({}));
  await w.stack.refresh(T, "drift");
  const p = await w.stack.plan(T, "drift", desired);
  expect(p.diffKeys).toEqual([field]);
  expect(p.op).toBe("replace");
  await w.stack.up(T, "drift", desired);
  expect(id()).not.toBe(before);
  await w.stack.refresh(T, "drift");
  expect((await w.stack.plan(T, "drift", desired)).op).toBe("same");
});

test("run-time state, secrets and create-only inputs changed on the server are not drift", async () => {
  const a = await w.ctl.get("letta", "agents", id());
  await w.ctl.control("letta", "run", { agentId: id(), label: "persona", value: "I changed my own mind." });
  await w.ctl.edit("letta", "agents", id(), {
    secrets: { S: "rotated-by-hand" }, created_by_id: "user-other", last_run_duration_ms: 99,
    message_ids: [...(a.message_ids as string[]), "message-x"],
  });
  const r = await w.stack.refresh(T, "drift");
  expect(r.changedOutputs).toEqual(["updatedAt"]);
  const p = await w.stack.plan(T, "drift", desired);
  expect(p.op).toBe("same");
  expect(p.diffKeys).toEqual([]);
  expect((await live(w, id())).blocks.some((b: { value: string }) => b.value === "I changed my own mind.")).toBe(true);
  expect(w.stack.checkpoint()).not.toMatch(/drift-secret-value|rotated-by-hand/);
});
