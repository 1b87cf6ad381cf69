/**
 * letta.Agent through the real dynamic-provider host against the emulator: the lifecycle a user runs
 * with the CLI, and what makes this resource worth having: `pulumi preview --refresh` stays quiet about
 * what the agent does to itself (messages, memory, last-run stats) and loud about what a person changed.
 */
import { CheckError, Secret, Stack, secret } from "../host/engine";
import { world, type World } from "../host/fixture";
import { AGENT_ID_RE, api, INCLUDE, live, make, T } from "./helpers";
import { CREATE_TOKEN_KEY } from "../../provider/letta/agent";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let w: World;
let toolA = "";
let toolB = "";
beforeAll(async () => {
  w = await world();
  toolA = await make(w, "tools", { name: "lookup_order" });
  toolB = await make(w, "tools", { name: "refund_order" });
});
afterAll(() => w.close());
beforeEach(() => w.ctl.clear());

const writes = async () => (await w.ctl.writes("letta")).map((r) => [r.method, r.path, r.body]);

describe("Agent lifecycle", () => {
  let id = "";
  let base: string[] = [];
  const desired = () => ({
    name: "support bot",
    system: "You are a support agent.\nBe brief.",
    description: "Answers order questions",
    model: "openai/gpt-4o-mini",
    toolIds: [toolA],
    tags: ["support", "prod"],
    metadata: { team: "cx", tier: 1 },
    secrets: { ORDERS_TOKEN: "s3cr3t-orders-token" },
    timezone: "Europe/Berlin",
    memoryBlocks: [{ label: "persona", value: "I help with orders.", limit: 5000 }],
  });

  test("create is one POST /v1/agents/ with exactly the fields set, in snake_case", async () => {
    const s = await w.stack.up(T, "life", desired());
    expect(s.op).toBe("create");
    id = s.state.id;
    expect(id).toMatch(AGENT_ID_RE);
    expect(await writes()).toEqual([[
      "POST", "/v1/agents/", {
        name: "support bot", system: "You are a support agent.\nBe brief.", description: "Answers order questions",
        model: "openai/gpt-4o-mini", tool_ids: [toolA], tags: ["support", "prod"], metadata: { team: "cx", tier: 1, [CREATE_TOKEN_KEY]: expect.stringMatching(UUID_RE) },
        secrets: { ORDERS_TOKEN: "s3cr3t-orders-token" }, timezone: "Europe/Berlin",
        memory_blocks: [{ label: "persona", value: "I help with orders.", limit: 5000 }],
      },
    ]]);
    const out = s.state.outputs;
    base = out.baseToolIds as string[];
    expect(base.length).toBeGreaterThan(3); // the server's base tools
    expect(out.toolIds).toEqual([toolA]);
    expect((out.baseBlockIds as string[]).length).toBe(1); // the block memoryBlocks created
    expect(out).toMatchObject({ name: "support bot", agentType: "memgpt_v2_agent", embedding: "openai/text-embedding-3-small", contextWindowLimit: 128000 });
    expect(out.createdAt).toEqual(expect.any(String));
    expect(out.updatedAt).toEqual(expect.any(String));
  });

  test("a second preview shows no change and makes no write call", async () => {
    const s = await w.stack.up(T, "life", desired());
    expect(s.op).toBe("same");
    expect(await writes()).toEqual([]);
  });

  test("refresh asks for every relation with include= and leaves nothing to change", async () => {
    await w.stack.refresh(T, "life");
    const gets = (await w.ctl.requests("letta")).filter((r) => r.method === "GET");
    expect(gets).toEqual([expect.objectContaining({ path: `/v1/agents/${id}`, query: { include: INCLUDE } })]);
    expect((await w.stack.plan(T, "life", desired())).op).toBe("same");
  });

  test("after the agent runs (messages, memory, last run), refresh and preview show no change", async () => {
    const before = await live(w, id);
    await w.ctl.control("letta", "run", { agentId: id, label: "persona", value: "I learned the user likes short answers." });
    await w.ctl.control("letta", "run", { agentId: id });
    const after = await live(w, id);
    expect(after.message_ids.length).toBe(before.message_ids.length + 4);
    expect(after.last_stop_reason).toBe("end_turn");
    expect(after.blocks[0].value).not.toBe(before.blocks[0].value);
    const r = await w.stack.refresh(T, "life");
    expect(r.changedOutputs).toEqual(["updatedAt"]);
    const p = await w.stack.plan(T, "life", desired());
    expect(p.op).toBe("same");
    expect(p.diffKeys).toEqual([]);
    await w.ctl.clear();
    await w.stack.up(T, "life", desired());
    expect(await writes()).toEqual([]);
  });

  test("reordering tags or toolIds makes no call", async () => {
    const d = { ...desired(), tags: ["prod", "support"], toolIds: [toolA] };
    const s = await w.stack.up(T, "life", d);
    expect(s.op).toBe("same");
    expect(await writes()).toEqual([]);
  });

  test("changing one field sends one PATCH with exactly that field", async () => {
    const s = await w.stack.up(T, "life", { ...desired(), description: "Answers order and refund questions" });
    expect(s.op).toBe("update");
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${id}`, { description: "Answers order and refund questions" }]]);
  });

  test("removing description clears it with \"\"", async () => {
    const { description: _, ...rest } = desired();
    const s = await w.stack.up(T, "life", rest);
    expect(s.op).toBe("update");
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${id}`, { description: "" }]]);
    expect((await live(w, id)).description).toBe("");
    await w.stack.refresh(T, "life");
    expect((await w.stack.plan(T, "life", rest)).op).toBe("same");
  });

  test("changing toolIds keeps the base tools the server attached: the PATCH sends them along", async () => {
    const { description: _, ...rest } = desired();
    const s = await w.stack.up(T, "life", { ...rest, toolIds: [toolA, toolB] });
    expect(s.op).toBe("update");
    const [[, , body]] = await writes();
    expect(Object.keys(body as object)).toEqual(["tool_ids"]);
    expect(new Set((body as { tool_ids: string[] }).tool_ids)).toEqual(new Set([toolA, toolB, ...base]));
    const agent = await live(w, id);
    expect(new Set(agent.tools.map((t: { id: string }) => t.id))).toEqual(new Set([toolA, toolB, ...base]));
    expect(s.state.outputs.toolIds).toEqual([toolA, toolB]);
    expect(s.state.outputs.baseToolIds).toEqual(base);
    await w.ctl.clear();
    const r = await w.stack.up(T, "life", { ...rest, toolIds: [toolB, toolA], tags: ["prod", "support"] });
    expect(r.op).toBe("same");
    expect(await writes()).toEqual([]);
  });

  test("removing toolIds detaches only the user's tools; base tools stay", async () => {
    const { description: _, toolIds: __, ...rest } = desired();
    await w.stack.up(T, "life", rest);
    const [[, , body]] = await writes();
    expect(new Set((body as { tool_ids: string[] }).tool_ids)).toEqual(new Set(base));
    expect((await live(w, id)).tools.map((t: { id: string }) => t.id).sort()).toEqual([...base].sort());
    await w.stack.up(T, "life", { ...rest, toolIds: [toolA] }); // back to the tool it had
  });

  test("a tag added out of band is found by refresh and removed by up", async () => {
    const { description: _, ...rest } = desired();
    await w.ctl.edit("letta", "agents", id, { tags: ["support", "prod", "experiment"] });
    const r = await w.stack.refresh(T, "life");
    expect(r.changedOutputs).toContain("tags");
    const p = await w.stack.plan(T, "life", rest);
    expect(p.op).toBe("update");
    expect(p.diffKeys).toEqual(["tags"]);
    await w.ctl.clear();
    await w.stack.up(T, "life", rest);
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${id}`, { tags: ["support", "prod"] }]]);
    expect((await live(w, id)).tags).toEqual(["support", "prod"]);
  });

  test("changing the model sends modelSettings and contextWindowLimit along, so nothing set is lost", async () => {
    const { description: _, ...rest } = desired();
    const d = { ...rest, modelSettings: { temperature: 0.2 }, contextWindowLimit: 64000 };
    await w.stack.up(T, "life", d);
    await w.ctl.clear();
    const s = await w.stack.up(T, "life", { ...d, model: "openai/gpt-4.1" });
    expect(s.op).toBe("update");
    expect(await writes()).toEqual([[
      "PATCH", `/v1/agents/${id}`, { model: "openai/gpt-4.1", model_settings: { temperature: 0.2 }, context_window_limit: 64000 },
    ]]);
    const agent = await live(w, id);
    expect(agent.llm_config).toMatchObject({ handle: "openai/gpt-4.1", temperature: 0.2, context_window: 64000 });
    await w.stack.refresh(T, "life");
    expect((await w.stack.plan(T, "life", { ...d, model: "openai/gpt-4.1" })).op).toBe("same");
  });

  test("secrets never appear in plaintext: not in the checkpoint, not in provider output", async () => {
    const cp = w.stack.checkpoint();
    expect(cp).not.toContain("s3cr3t-orders-token");
    expect(await w.stack.host.output()).not.toContain("s3cr3t-orders-token");
    const outs = w.stack.get(T, "life")!.outputs;
    expect(outs.secrets).toBeInstanceOf(Secret);
  });

  test("an agent deleted out of band reads as gone; destroy of a missing agent succeeds", async () => {
    const st = w.stack.get(T, "life")!;
    await w.ctl.remove("letta", "agents", st.id);
    expect((await w.stack.refresh(T, "life")).gone).toBe(true);
    w.stack.state.set(st.urn, st);
    await expect(w.stack.destroy(T, "life")).resolves.toBeUndefined();
  });

  test("destroy sends DELETE and the agent is gone", async () => {
    const s = await w.stack.up(T, "gone", { name: "short lived" });
    await w.ctl.clear();
    await w.stack.destroy(T, "gone");
    expect(await writes()).toEqual([["DELETE", `/v1/agents/${s.state.id}`, undefined]]);
    expect((await api(w, "GET", `/v1/agents/${s.state.id}`)).status).toBe(404);
  });
});

describe("what cannot change in place replaces the agent", () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>, string][] = [
    ["agentType", { agentType: "memgpt_v2_agent" }, { agentType: "letta_v1_agent" }, "agentType"],
    ["hidden (the API ignores it on update)", { hidden: false }, { hidden: true }, "hidden"],
    ["memoryBlocks", { memoryBlocks: [{ label: "human", value: "a" }] }, { memoryBlocks: [{ label: "human", value: "b" }] }, "memoryBlocks"],
    ["includeBaseTools", { includeBaseTools: true }, { includeBaseTools: false }, "includeBaseTools"],
  ];
  test.each(cases)("a changed %s replaces", async (_, a, b, field) => {
    const name = `replace-${field}`;
    const first = await w.stack.up(T, name, { name: "r", ...a });
    await w.ctl.clear();
    const s = await w.stack.up(T, name, { name: "r", ...b });
    expect(s.op).toBe("replace");
    expect(s.replaces).toEqual([field]);
    expect((await writes()).map(([m]) => m)).toEqual(["POST", "DELETE"]);
    expect(s.state.id).not.toBe(first.state.id);
    await w.stack.destroy(T, name);
  });

  test("hidden never produces an endless diff: the replacement carries it at create", async () => {
    await w.stack.up(T, "hid", { name: "h", hidden: false });
    const s = await w.stack.up(T, "hid", { name: "h", hidden: true });
    expect((await live(w, s.state.id)).hidden).toBe(true);
    await w.stack.refresh(T, "hid");
    expect((await w.stack.plan(T, "hid", { name: "h", hidden: true })).op).toBe("same");
    await w.stack.destroy(T, "hid");
  });
});

describe("secrets are write-only", () => {
  const N = "sec";
  let id = "";
  test("created secret: state is secret, the server echo never reaches outputs", async () => {
    const s = await w.stack.up(T, N, { name: "s", secrets: { A: "alpha-secret-1", B: "bravo-secret-2" } });
    id = s.state.id;
    expect((await live(w, id)).secrets.map((x: { value: string }) => x.value).sort()).toEqual(["alpha-secret-1", "bravo-secret-2"]);
    expect(w.stack.checkpoint()).not.toMatch(/alpha-secret-1|bravo-secret-2/);
    await w.stack.refresh(T, N);
    expect(w.stack.checkpoint()).not.toMatch(/alpha-secret-1|bravo-secret-2/);
    expect((await w.stack.plan(T, N, { name: "s", secrets: { A: "alpha-secret-1", B: "bravo-secret-2" } })).op).toBe("same");
  });

  test("a change is detected against the last applied value, never the server's answer", async () => {
    await w.ctl.edit("letta", "agents", id, { secrets: { A: "changed-out-of-band" } });
    await w.stack.refresh(T, N);
    expect((await w.stack.plan(T, N, { name: "s", secrets: { A: "alpha-secret-1", B: "bravo-secret-2" } })).op).toBe("same");
    await w.ctl.clear();
    const s = await w.stack.up(T, N, { name: "s", secrets: { A: "alpha-secret-1", B: "bravo-secret-3" } });
    expect(s.op).toBe("update");
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${id}`, { secrets: { A: "alpha-secret-1", B: "bravo-secret-3" } }]]);
  });

  test("a removed key is cleared by sending the whole map without it", async () => {
    await w.stack.up(T, N, { name: "s", secrets: { A: "alpha-secret-1" } });
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${id}`, { secrets: { A: "alpha-secret-1" } }]]);
    expect((await live(w, id)).secrets.map((x: { key: string }) => x.key)).toEqual(["A"]);
  });

  test("removing all secrets sends {}; only when a seed-era server keeps them does a follow-up add the deprecated alias", async () => {
    await w.stack.up(T, N, { name: "s" });
    expect(await writes()).toEqual([
      ["PATCH", `/v1/agents/${id}`, { secrets: {} }],
      ["PATCH", `/v1/agents/${id}`, { secrets: {}, tool_exec_environment_variables: {} }],
    ]);
    expect((await live(w, id)).secrets).toEqual([]);
    expect(w.stack.checkpoint()).not.toMatch(/alpha-secret-1/);
  });

  test("a failing request carrying secrets never shows them in the error or the provider's output", async () => {
    await w.ctl.fault({ platform: "letta", method: "PATCH", status: 400, body: { detail: "bad secret value hidden-value-xyz" } });
    const err = await w.stack.up(T, N, { name: "s", secrets: secret({ K: "hidden-value-xyz" }) as never }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toMatch(/400/);
    expect(String((err as Error).message)).not.toContain("hidden-value-xyz");
    expect(await w.stack.host.output()).not.toContain("hidden-value-xyz");
    expect(w.stack.checkpoint()).not.toContain("hidden-value-xyz");
    await w.stack.destroy(T, N);
  });
});

describe("server defaults, 404s and model settings", () => {
  test("fields never set do not drift, whatever the server fills in", async () => {
    const s = await w.stack.up(T, "min", { name: "minimal" });
    expect(s.state.outputs).toMatchObject({ model: "openai/gpt-4o-mini", timezone: "UTC", messageBufferAutoclear: false });
    await w.ctl.edit("letta", "agents", s.state.id, { timezone: "Asia/Tokyo", tags: ["someone-else"] });
    await w.stack.refresh(T, "min");
    expect((await w.stack.plan(T, "min", { name: "minimal" })).op).toBe("same");
    await w.stack.destroy(T, "min");
  });

  test("modelSettings compares only the members set; a server-side change of one of them is drift", async () => {
    const d = { name: "ms", model: "openai/gpt-4o-mini", modelSettings: { temperature: 0.3, maxOutputTokens: 2048 } };
    const s = await w.stack.up(T, "ms", d);
    expect(s.state.outputs.modelSettings).toEqual({ temperature: 0.3, maxOutputTokens: 2048 });
    expect(await writes()).toEqual([["POST", "/v1/agents/", { name: "ms", model: "openai/gpt-4o-mini", model_settings: { temperature: 0.3, max_output_tokens: 2048 }, metadata: { [CREATE_TOKEN_KEY]: expect.stringMatching(UUID_RE) } }]]);
    await w.stack.refresh(T, "ms");
    expect((await w.stack.plan(T, "ms", d)).op).toBe("same");
    const llm = (await live(w, s.state.id)).llm_config;
    await w.ctl.edit("letta", "agents", s.state.id, { llm_config: { ...llm, temperature: 0.9 } });
    await w.stack.refresh(T, "ms");
    const p = await w.stack.plan(T, "ms", d);
    expect(p.diffKeys).toEqual(["modelSettings"]);
    await w.ctl.clear();
    await w.stack.up(T, "ms", d);
    // model_settings alone fails on seed-era servers: the model goes along
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${s.state.id}`, { model_settings: { temperature: 0.3, max_output_tokens: 2048 }, model: "openai/gpt-4o-mini" }]]);
    expect((await live(w, s.state.id)).llm_config.temperature).toBe(0.3);
  });

  test("parallelToolCalls survives unrelated PATCHes on a server that resets it when omitted (a follow-up sets it back)", async () => {
    const d = { name: "ptc", model: "openai/gpt-4o-mini", modelSettings: { parallelToolCalls: true } };
    const s = await w.stack.up(T, "ptc", d);
    await w.ctl.clear();
    await w.stack.up(T, "ptc", { ...d, name: "ptc2" });
    expect(await writes()).toEqual([
      ["PATCH", `/v1/agents/${s.state.id}`, { name: "ptc2" }],
      ["PATCH", `/v1/agents/${s.state.id}`, { parallel_tool_calls: true }],
    ]);
    expect((await live(w, s.state.id)).llm_config.parallel_tool_calls).toBe(true);
    await w.stack.refresh(T, "ptc");
    expect((await w.stack.plan(T, "ptc", { ...d, name: "ptc2" })).op).toBe("same");
    await w.stack.destroy(T, "ptc");
  });

  test("parallelToolCalls false is never sent as the deprecated field: the reset gives false anyway", async () => {
    const d = { name: "ptcf", model: "openai/gpt-4o-mini", modelSettings: { parallelToolCalls: false } };
    const s = await w.stack.up(T, "ptcf", d);
    await w.ctl.clear();
    await w.stack.up(T, "ptcf", { ...d, name: "ptcf2" });
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${s.state.id}`, { name: "ptcf2" }]]);
    await w.stack.destroy(T, "ptcf");
  });

  test("a secrets follow-up on a seed-era server carries parallel_tool_calls too, or it would reset it", async () => {
    const d = { name: "both", model: "openai/gpt-4o-mini", modelSettings: { parallelToolCalls: true }, secrets: { K: "both-secret-1" } };
    const s = await w.stack.up(T, "both", d);
    await w.ctl.clear();
    const { secrets: _, ...rest } = d;
    await w.stack.up(T, "both", { ...rest, name: "both2" });
    expect(await writes()).toEqual([
      ["PATCH", `/v1/agents/${s.state.id}`, { name: "both2", secrets: {} }],
      ["PATCH", `/v1/agents/${s.state.id}`, { secrets: {}, tool_exec_environment_variables: {}, parallel_tool_calls: true }],
    ]);
    const agent = await live(w, s.state.id);
    expect(agent.secrets).toEqual([]);
    expect(agent.llm_config.parallel_tool_calls).toBe(true);
    await w.stack.destroy(T, "both");
  });

  test("removing modelSettings resets them: {} with the model, which rebuilds the defaults", async () => {
    const s = await w.stack.up(T, "ms", { name: "ms", model: "openai/gpt-4o-mini" });
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${s.state.id}`, { model_settings: {}, model: "openai/gpt-4o-mini" }]]);
    expect((await live(w, s.state.id)).llm_config.temperature).toBe(0.7);
    await w.stack.destroy(T, "ms");
  });

  test("a 404 from PATCH about a model handle is a clear error, and the agent stays in the stack", async () => {
    const s = await w.stack.up(T, "h404", { name: "h", model: "openai/gpt-4o-mini" });
    const err = (await w.stack.up(T, "h404", { name: "h", model: "openai/gpt-9-imaginary" }).catch((e) => e)) as Error;
    expect(err.message).toMatch(/404/);
    expect(err.message).toMatch(/openai\/gpt-9-imaginary.*not available on this server; the agent itself is fine/);
    expect(w.stack.get(T, "h404")!.id).toBe(s.state.id);
    expect((await w.stack.refresh(T, "h404")).gone).toBe(false);
    await w.stack.destroy(T, "h404");
  });

  test("a 404 from PATCH for an unknown tool id is an error naming the ids, not a deleted agent", async () => {
    await w.stack.up(T, "t404", { name: "t" });
    const err = (await w.stack.up(T, "t404", { name: "t", toolIds: ["tool-00000000-0000-4000-8000-000000000000"] }).catch((e) => e)) as Error;
    expect(err.message).toMatch(/404.*not known to the server/);
    expect((await w.stack.refresh(T, "t404")).gone).toBe(false);
    await w.stack.destroy(T, "t404");
  });

  test("removing a field that nothing clears fails at preview instead of reporting success", async () => {
    await w.stack.up(T, "rej", { name: "r", model: "openai/gpt-4o-mini", maxFilesOpen: 4 });
    await w.ctl.clear();
    const err = (await w.stack.plan(T, "rej", { name: "r" }).catch((e) => e)) as CheckError;
    expect(err).toBeInstanceOf(CheckError);
    expect(err.failures.map((f) => f.property).sort()).toEqual(["maxFilesOpen", "model"]);
    expect(err.failures.find((f) => f.property === "model")!.reason).toMatch(/cannot be unset/);
    expect(await w.ctl.requests("letta")).toEqual([]);
    await w.stack.destroy(T, "rej");
  });

  test("removing clearable fields sends their empty value", async () => {
    const s = await w.stack.up(T, "clr", {
      name: "c", system: "x", tags: ["a"], metadata: { a: 1 }, sourceIds: [await make(w, "sources", { name: "docs" })],
      identityIds: [await make(w, "identities", { name: "u" })], toolRules: [{ type: "run_first", toolName: "lookup_order" }],
      projectId: "p1", templateId: "t1", baseTemplateId: "b1", messageBufferAutoclear: true, enableSleeptime: true, timezone: "Asia/Tokyo",
    });
    await w.ctl.clear();
    await w.stack.up(T, "clr", { name: "c" });
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${s.state.id}`, {
      system: "", source_ids: [], tags: [], tool_rules: [], metadata: {}, identity_ids: [], project_id: "", template_id: "",
      base_template_id: "", message_buffer_autoclear: false, enable_sleeptime: false, timezone: "UTC",
    }]]);
    await w.stack.refresh(T, "clr");
    expect((await w.stack.plan(T, "clr", { name: "c" })).op).toBe("same");
    await w.stack.destroy(T, "clr");
  });
});

describe("a current (last-version) server gets exactly the changed fields, no deprecated field", () => {
  beforeAll(() => w.ctl.control("letta", "version", { version: "last" }));
  afterAll(() => w.ctl.control("letta", "version", { version: "seed" }));

  test("removing all secrets is one PATCH {secrets: {}}", async () => {
    const s = await w.stack.up(T, "cur-sec", { name: "s", secrets: { K: "current-secret-1" } });
    await w.ctl.clear();
    await w.stack.up(T, "cur-sec", { name: "s" });
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${s.state.id}`, { secrets: {} }]]);
    expect((await live(w, s.state.id)).secrets).toEqual([]);
    await w.stack.destroy(T, "cur-sec");
  });

  test("with parallelToolCalls set, an unrelated change is one PATCH holding that change only", async () => {
    const d = { name: "cur-ptc", model: "openai/gpt-4o-mini", modelSettings: { parallelToolCalls: true } };
    const s = await w.stack.up(T, "cur-ptc", d);
    await w.ctl.clear();
    await w.stack.up(T, "cur-ptc", { ...d, name: "cur-ptc2" });
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${s.state.id}`, { name: "cur-ptc2" }]]);
    expect((await live(w, s.state.id)).llm_config.parallel_tool_calls).toBe(true);
    await w.stack.refresh(T, "cur-ptc");
    expect((await w.stack.plan(T, "cur-ptc", { ...d, name: "cur-ptc2" })).op).toBe("same");
    await w.stack.destroy(T, "cur-ptc");
  });
});

describe("import", () => {
  test("import by id adopts the agent with no diff, base tools recognised", async () => {
    const d = { name: "imported", model: "openai/gpt-4o-mini", toolIds: [toolA], tags: ["x"] };
    const created = (await w.stack.up(T, "orig", d)).state;
    const other = new Stack(w.stack.host);
    const imported = await other.import(T, "adopted", created.id, d);
    expect(imported.outputs.toolIds).toEqual([toolA]);
    expect(new Set(imported.outputs.baseToolIds as string[])).toEqual(new Set(created.outputs.baseToolIds as string[]));
    expect((await other.plan(T, "adopted", d)).op).toBe("same");
    await w.stack.destroy(T, "orig");
  });

  test("an id that is not agent-<uuid4> is a clear error before any call", async () => {
    const other = new Stack(w.stack.host);
    for (const bad of ["agent-123", "3c90c3cc-0d44-4b50-8888-8dd25736052a", "agent-3C90C3CC-0D44-4B50-8888-8DD25736052A"]) {
      const err = (await other.import(T, "bad", bad, { name: "x" }).catch((e) => e)) as Error;
      expect(err.message).toMatch(/agent-.*lowercase UUID v4/);
    }
    expect(await w.ctl.requests("letta")).toEqual([]);
  });
});

describe("auth", () => {
  test("a self-hosted server without a password needs no key", async () => {
    await w.ctl.setKey("letta", undefined);
    const stack = await Stack.start({ ...w.config, "letta:apiKey": undefined });
    try {
      const s = await stack.up(T, "nokey", { name: "open server" });
      expect(s.state.id).toMatch(AGENT_ID_RE);
      await stack.destroy(T, "nokey");
    } finally {
      await stack.stop();
      await w.ctl.setKey("letta", w.config["letta:apiKey"]);
    }
  });

  test("a wrong key gives the server's 401 without the key in the message", async () => {
    const stack = await Stack.start({ ...w.config, "letta:apiKey": "wrong-key-abc" });
    try {
      const err = (await stack.up(T, "badkey", { name: "x" }).catch((e) => e)) as Error;
      expect(err.message).toMatch(/401 Unauthorized: Unauthorized/);
      expect(err.message).not.toContain("wrong-key-abc");
    } finally {
      await stack.stop();
    }
  });
});
