/**
 * The Everruns emulator module on its own: the API behaviour the provider is built against
 * (api/everruns.md), so a provider test that passes means something.
 */
import { startAll, type Emulator } from "../../emulator";
import { api, MODEL_A, MODEL_B } from "./helpers";

let emu: Emulator;
beforeAll(async () => (emu = await startAll()));
afterAll(() => emu.close());

let seq = 0;
const newId = () => `agent_${(0xe000 + seq++).toString(16).padStart(32, "0")}`;
const agent = { name: "emu", system_prompt: "Be useful." };

describe("everruns emulator", () => {
  test("POST creates with 201; POST again with the same id is 409", async () => {
    const id = newId();
    const a = await api(emu, "POST", "/v1/agents", { ...agent, id });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ id, status: "active", capabilities: [], tags: [], description: null, default_model_id: null, usage: null });
    expect(await api(emu, "POST", "/v1/agents", { ...agent, id })).toEqual({ status: 409, body: { error: "Agent with this ID already exists" } });
  });

  test("POST without an id generates an agent_<32 hex> id", async () => {
    const a = await api(emu, "POST", "/v1/agents", agent);
    expect(a.body.id).toMatch(/^agent_[0-9a-f]{32}$/);
  });

  test("PUT creates (201), then replaces (200); empty capabilities keep the stored ones", async () => {
    const id = newId();
    const first = await api(emu, "PUT", `/v1/agents/${id}`, { ...agent, capabilities: [{ ref: "web_fetch" }], default_model_id: MODEL_A, description: "d" });
    expect(first.status).toBe(201);
    expect(first.body.capabilities).toEqual([{ ref: "web_fetch", config: {} }]);
    const second = await api(emu, "PUT", `/v1/agents/${id}`, { ...agent, name: "emu-2" });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ name: "emu-2", capabilities: [{ ref: "web_fetch", config: {} }], description: null, default_model_id: null });
  });

  test("responses carry hypermedia fields", async () => {
    const id = newId();
    const r = await api(emu, "PUT", `/v1/agents/${id}`, agent);
    expect(r.body).toMatchObject({ self_url: `/v1/agents/${id}`, view_url: expect.any(String), ui_link: expect.any(String), allowed_actions: expect.any(Array) });
  });

  test("PATCH: null and omitted mean no change; tags and capabilities replace wholesale; [] clears", async () => {
    const id = newId();
    await api(emu, "PUT", `/v1/agents/${id}`, { ...agent, description: "keep", default_model_id: MODEL_A, tags: ["a", "b"], capabilities: [{ ref: "x" }, { ref: "y" }] });
    let r = await api(emu, "PATCH", `/v1/agents/${id}`, { description: null, default_model_id: null, name: null, tags: ["c"] });
    expect(r.body).toMatchObject({ name: "emu", description: "keep", default_model_id: MODEL_A, tags: ["c"], capabilities: [{ ref: "x", config: {} }, { ref: "y", config: {} }] });
    r = await api(emu, "PATCH", `/v1/agents/${id}`, { description: "", capabilities: [], default_model_id: MODEL_B });
    expect(r.body).toMatchObject({ description: "", capabilities: [], default_model_id: MODEL_B, tags: ["c"] });
  });

  test("DELETE archives: GET still returns the agent, the list leaves it out, a second DELETE is 404; PATCH restores", async () => {
    const id = newId();
    await api(emu, "PUT", `/v1/agents/${id}`, agent);
    expect((await api(emu, "DELETE", `/v1/agents/${id}`)).status).toBe(204);
    expect((await api(emu, "GET", `/v1/agents/${id}`)).body.status).toBe("archived");
    expect((await api(emu, "GET", "/v1/agents")).body.data.map((a: { id: string }) => a.id)).not.toContain(id);
    expect(await api(emu, "DELETE", `/v1/agents/${id}`)).toEqual({ status: 404, body: { error: "Agent not found" } });
    expect((await api(emu, "PATCH", `/v1/agents/${id}`, { status: "active" })).body.status).toBe("active");
    expect((await api(emu, "GET", "/v1/agents")).body.data.map((a: { id: string }) => a.id)).toContain(id);
  });

  test("unknown and malformed ids", async () => {
    expect(await api(emu, "GET", `/v1/agents/${newId()}`)).toEqual({ status: 404, body: { error: "Agent not found" } });
    expect(await api(emu, "GET", "/v1/agents/agt_1")).toEqual({ status: 400, body: { error: "Invalid agent ID: agt_1" } });
    expect((await api(emu, "PUT", "/v1/agents/agent_XYZ", agent)).status).toBe(400);
  });

  test("limits are a generic 400; database failures a bare 500; typed-body errors a plain-text 422", async () => {
    const limits = { status: 400, body: { error: "Input exceeds allowed limits" } };
    const db = { status: 500, body: { error: "Internal server error" } };
    const put = (b: Record<string, unknown>) => api(emu, "PUT", `/v1/agents/${newId()}`, { ...agent, ...b });
    expect(await put({ description: "d".repeat(10 * 1024 + 1) })).toEqual(limits);
    expect(await put({ system_prompt: "p".repeat(1024 * 1024 + 1) })).toEqual(limits);
    expect(await put({ name: "n".repeat(2049) })).toEqual(limits);
    expect(await put({ capabilities: Array.from({ length: 251 }, (_, i) => ({ ref: `c${i}` })) })).toEqual(limits);
    expect(await put({ capabilities: [{ ref: "web_fetch" }, { ref: "web_fetch" }] })).toEqual(db);
    expect(await put({ default_model_id: `model_${"f".repeat(32)}` })).toEqual(db);
    expect(await put({ name: "n".repeat(256) })).toEqual(db);
    const bad = await put({ default_model_id: "gpt-4o" });
    expect(bad.status).toBe(422);
    expect(typeof bad.body).toBe("string");
    expect((await api(emu, "PUT", `/v1/agents/${newId()}`, { name: "no prompt" })).status).toBe(422);
  });

  test("the model list holds the models agents may use", async () => {
    const r = await api(emu, "GET", "/v1/llm-models");
    expect(r.body.data.map((m: { id: string }) => m.id)).toEqual(expect.arrayContaining([MODEL_A, MODEL_B]));
  });
});
