/**
 * The Letta emulator speaks the API the way the seed and api/letta.md describe it, so the provider's
 * tests cannot pass on a wrong sentinel: null never clears, relations need include=, hidden is ignored
 * by PATCH, a model change rebuilds the model settings, and errors are FastAPI `{detail}` bodies.
 * Also the platform's error-body reader, which must take both 422 shapes.
 */
import { request } from "undici";
import { useEmulator } from "../host/fixture";
import { lettaErrorMessage } from "../../provider/letta/platform";

const env = useEmulator();

async function call(method: string, path: string, body?: unknown, auth = true): Promise<{ status: number; body: any }> {
  const res = await request(`${env.emu.baseUrl("letta")}${path}`, {
    method: method as "GET",
    headers: { ...(auth ? { authorization: `Bearer ${env.emu.key("letta")}` } : {}), "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
}
const ALL = "?include=agent.tags&include=agent.tools&include=agent.blocks&include=agent.secrets";

describe("Letta emulator", () => {
  let id = "";
  test("create fills in server defaults: base tools, default blocks, model settings, UTC, initial messages", async () => {
    const r = await call("POST", "/v1/agents/", { name: "a", tags: ["t"], description: "d", metadata: { m: 1 }, secrets: { K: "v" } });
    expect(r.status).toBe(200);
    id = r.body.id;
    expect(id).toMatch(/^agent-[0-9a-f-]{36}$/);
    expect(r.body.tools.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(["send_message", "conversation_search", "memory_insert"]));
    expect(r.body.blocks.map((b: { label: string }) => b.label)).toEqual(["persona", "human"]);
    expect(r.body).toMatchObject({ timezone: "UTC", model: "openai/gpt-4o-mini", agent_type: "memgpt_v2_agent" });
    expect(r.body.model_settings).toMatchObject({ temperature: 0.7, max_output_tokens: 4096, parallel_tool_calls: false });
    expect(r.body.message_ids).toHaveLength(3);
    expect(r.body.secrets[0]).toMatchObject({ key: "K", value: "v" }); // plaintext, as the real server does
  });

  test("include_base_tools: false attaches no base tools", async () => {
    const r = await call("POST", "/v1/agents/", { include_base_tools: false });
    expect(r.body.tools).toEqual([]);
  });

  test("GET omits relations unless asked with include=", async () => {
    const bare = (await call("GET", `/v1/agents/${id}`)).body;
    expect([bare.tags, bare.tools, bare.blocks, bare.sources, bare.identities, bare.secrets]).toEqual([[], [], [], [], [], []]);
    const full = (await call("GET", `/v1/agents/${id}${ALL}`)).body;
    expect(full.tags).toEqual(["t"]);
    expect(full.tools.length).toBeGreaterThan(0);
    expect(full.secrets).toHaveLength(1);
  });

  test("PATCH: null and omitted mean no change; \"\", [] and {} clear", async () => {
    let r = await call("PATCH", `/v1/agents/${id}`, { description: null, tags: null, metadata: null });
    expect(r.body).toMatchObject({ description: "d", tags: ["t"], metadata: { m: 1 } });
    r = await call("PATCH", `/v1/agents/${id}`, { description: "", tags: [], metadata: {} });
    expect(r.body).toMatchObject({ description: "", tags: [], metadata: {} });
  });

  test("PATCH ignores hidden, and secrets:{} alone (seed era) unless the deprecated alias is {} too", async () => {
    expect((await call("PATCH", `/v1/agents/${id}`, { hidden: true })).body.hidden).toBe(null);
    expect((await call("PATCH", `/v1/agents/${id}`, { secrets: {} })).body.secrets).toHaveLength(1);
    expect((await call("PATCH", `/v1/agents/${id}`, { secrets: {}, tool_exec_environment_variables: {} })).body.secrets).toEqual([]);
  });

  test("a model change rebuilds the settings from defaults unless they are sent along", async () => {
    await call("PATCH", `/v1/agents/${id}`, { model: "openai/gpt-4o-mini", model_settings: { temperature: 0.1 }, context_window_limit: 9000 });
    let r = await call("PATCH", `/v1/agents/${id}`, { model: "openai/gpt-4o" });
    expect(r.body.llm_config).toMatchObject({ temperature: 0.7, context_window: 128000 });
    r = await call("PATCH", `/v1/agents/${id}`, { model_settings: { temperature: 0.2 } });
    expect(r).toEqual({ status: 500, body: { detail: "An unknown error occurred" } });
  });

  test("an omitted parallel_tool_calls resets it to false (seed: defaults to false)", async () => {
    let r = await call("PATCH", `/v1/agents/${id}`, { model: "openai/gpt-4o", model_settings: { parallel_tool_calls: true }, parallel_tool_calls: true });
    expect(r.body.model_settings.parallel_tool_calls).toBe(true);
    r = await call("PATCH", `/v1/agents/${id}`, { name: "b" });
    expect(r.body.model_settings.parallel_tool_calls).toBe(false);
  });

  test("a last-version server: secrets:{} alone clears, an omitted parallel_tool_calls is left alone", async () => {
    await env.ctl.control("letta", "version", { version: "last" });
    try {
      await call("PATCH", `/v1/agents/${id}`, { secrets: { K: "v" }, model: "openai/gpt-4o", model_settings: { parallel_tool_calls: true } });
      const r = await call("PATCH", `/v1/agents/${id}`, { name: "c", secrets: {} });
      expect(r.body.secrets).toEqual([]);
      expect(r.body.model_settings.parallel_tool_calls).toBe(true);
      expect(r.body.name).toBe("c");
    } finally {
      await env.ctl.control("letta", "version", { version: "seed" });
    }
    await expect(env.ctl.control("letta", "version", { version: "v9" })).rejects.toThrow(/422/);
  });

  test("errors: unknown handle 404 NOT_FOUND, bad agent id 422 string detail, bad body 422 array detail, 401", async () => {
    expect(await call("PATCH", `/v1/agents/${id}`, { model: "openai/nope" })).toMatchObject({ status: 404, body: { detail: expect.stringMatching(/^NOT_FOUND: Handle openai\/nope not found/) } });
    const bad = await call("GET", "/v1/agents/agent-123");
    expect(bad.status).toBe(422);
    expect(typeof bad.body.detail).toBe("string");
    const typed = await call("PATCH", `/v1/agents/${id}`, { tags: "x" });
    expect(typed).toMatchObject({ status: 422, body: { detail: [{ loc: ["body", "tags"], msg: expect.any(String) }] } });
    expect(await call("GET", `/v1/agents/${id}`, undefined, false)).toEqual({ status: 401, body: { detail: "Unauthorized" } });
    expect((await call("GET", "/v1/agents/agent-3c90c3cc-0d44-4b50-8888-8dd25736052a")).body).toEqual({ detail: "Agent with ID agent-3c90c3cc-0d44-4b50-8888-8dd25736052a not found" });
  });

  test("the run control appends messages, edits a memory block and records the run", async () => {
    const before = (await call("GET", `/v1/agents/${id}${ALL}`)).body;
    await env.ctl.control("letta", "run", { agentId: id, label: "human", value: "likes tea" });
    const after = (await call("GET", `/v1/agents/${id}${ALL}`)).body;
    expect(after.message_ids.length).toBe(before.message_ids.length + 2);
    expect(after.blocks.find((b: { label: string }) => b.label === "human").value).toBe("likes tea");
    expect(after.last_run_completion).toEqual(expect.any(String));
    expect(after.last_run_duration_ms).toEqual(expect.any(Number));
    expect(after.last_stop_reason).toBe("end_turn");
  });

  test("DELETE answers 200 once, then 404", async () => {
    expect((await call("DELETE", `/v1/agents/${id}`)).status).toBe(200);
    expect(await call("DELETE", `/v1/agents/${id}`)).toEqual({ status: 404, body: { detail: `Agent not found with id=${id}` } });
  });
});

describe("lettaErrorMessage", () => {
  test.each([
    [{ detail: "NOT_FOUND: Handle x/y not found" }, "NOT_FOUND: Handle x/y not found"],
    [{ detail: "[{'type': 'string_pattern_mismatch', 'loc': ('path', 'agent_id')}]" }, "[{'type': 'string_pattern_mismatch', 'loc': ('path', 'agent_id')}]"],
    [{ detail: [{ loc: ["body", "tags"], msg: "Input should be a valid list" }, { loc: ["body", "name"], msg: "bad" }] }, "tags: Input should be a valid list; name: bad"],
    [{ message: "gateway" }, "gateway"],
    ["plain", undefined],
  ])("%j -> %s", (body, msg) => {
    expect(lettaErrorMessage(body)).toBe(msg);
  });
});
