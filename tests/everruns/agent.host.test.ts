/**
 * everruns.Agent through the real dynamic-provider host against the emulator: the lifecycle a user
 * runs with the CLI (preview, up, no-op, one-field updates, clearing, drift, refresh, replacement,
 * archive, destroy, import), retries, and every bad input the seed implies.
 */
import { CheckError, Stack } from "../host/engine";
import { world, type World } from "../host/fixture";
import { activeNamed, AGENT_ID_RE, api, MODEL_A, MODEL_B, MODEL_C, pinnedId, T } from "./helpers";

let w: World;
beforeAll(async () => (w = await world()));
afterAll(() => w.close());
beforeEach(async () => {
  await w.ctl.clear();
  await w.ctl.control("everruns", "put-mode", {});
});

const writes = async () => (await w.ctl.writes("everruns")).map((r) => [r.method, r.path, r.body]);
const strip = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith("__")));

const full = {
  name: "support",
  systemPrompt: "You are a helpful assistant.\nAnswer briefly.",
  description: "Answers support questions",
  defaultModelId: MODEL_A,
  capabilities: [{ ref: "current_time" }, { ref: "web_fetch", config: { max_bytes: 1000 } }],
  tags: ["support", "prod"],
};
const wireFull = {
  name: full.name,
  system_prompt: full.systemPrompt,
  description: full.description,
  default_model_id: MODEL_A,
  capabilities: full.capabilities,
  tags: full.tags,
};

describe("Agent lifecycle", () => {
  let id = "";

  test("create is one idempotent PUT on a generated id with exactly the fields set, in snake_case", async () => {
    const s = await w.stack.up(T, "life", full);
    expect(s.op).toBe("create");
    id = s.state.id;
    expect(id).toMatch(AGENT_ID_RE);
    expect(await writes()).toEqual([["PUT", `/v1/agents/${id}`, wireFull]]);
    expect(strip(s.state.outputs)).toEqual({
      ...full,
      agentId: id,
      status: "active",
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      usage: null,
    });
    // hypermedia and other response-only fields are not outputs
    for (const k of ["self_url", "view_url", "ui_link", "allowed_actions", "tools", "id"]) expect(s.state.outputs).not.toHaveProperty(k);
  });

  test("a second preview shows no change and makes no write call", async () => {
    const s = await w.stack.plan(T, "life", full);
    expect(s.op).toBe("same");
    expect(await w.ctl.writes("everruns")).toEqual([]);
  });

  test("refresh right after up changes nothing and the next preview is same", async () => {
    const r = await w.stack.refresh(T, "life");
    expect(r.changedOutputs).toEqual([]);
    expect((await w.stack.plan(T, "life", full)).op).toBe("same");
  });

  test.each([
    ["systemPrompt", { systemPrompt: "You are terse." }, { system_prompt: "You are terse." }],
    ["name", { name: "support-2" }, { name: "support-2" }],
    ["description", { description: "Handles tickets" }, { description: "Handles tickets" }],
    ["defaultModelId", { defaultModelId: MODEL_B }, { default_model_id: MODEL_B }],
  ])("changing %s sends one PATCH carrying exactly that field", async (_, change, wire) => {
    const desired = { ...full, ...change };
    const s = await w.stack.up(T, "life", desired);
    expect(s.op).toBe("update");
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${id}`, wire]]);
    expect(s.state.outputs).toMatchObject(change);
    await w.ctl.clear();
    expect((await w.stack.up(T, "life", full)).op).toBe("update"); // back again
  });

  test("a capability added sends the whole capability list", async () => {
    const capabilities = [...full.capabilities, { ref: "session_file_system" }];
    const s = await w.stack.up(T, "life", { ...full, capabilities });
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${id}`, { capabilities }]]);
    expect(s.state.outputs.capabilities).toEqual(capabilities);
    expect((await w.ctl.get("everruns", "agents", id)).capabilities).toEqual([
      { ref: "current_time", config: {} },
      { ref: "web_fetch", config: { max_bytes: 1000 } },
      { ref: "session_file_system", config: {} },
    ]);
  });

  test("reordering capabilities is a change (order is kept by the server and matters): one PATCH with the new order", async () => {
    const capabilities = [{ ref: "session_file_system" }, ...full.capabilities];
    const s = await w.stack.up(T, "life", { ...full, capabilities });
    expect(s.op).toBe("update");
    expect(s.diffKeys).toEqual(["capabilities"]);
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${id}`, { capabilities }]]);
    expect(((await w.ctl.get("everruns", "agents", id)).capabilities as { ref: string }[]).map((c) => c.ref)).toEqual([
      "session_file_system",
      "current_time",
      "web_fetch",
    ]);
    await w.stack.up(T, "life", full);
  });

  test("a capability written with config {} equals one written without config", async () => {
    const s = await w.stack.plan(T, "life", { ...full, capabilities: [{ ref: "current_time", config: {} }, full.capabilities[1]] });
    expect(s.op).toBe("same");
  });

  test("reordering tags is no change (tags are a set): nothing is sent", async () => {
    const s = await w.stack.up(T, "life", { ...full, tags: ["prod", "support"] });
    expect(s.op).toBe("same");
    expect(await w.ctl.writes("everruns")).toEqual([]);
  });

  test("a tag changed sends the whole tag list", async () => {
    const s = await w.stack.up(T, "life", { ...full, tags: ["support", "staging"] });
    expect(s.op).toBe("update");
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${id}`, { tags: ["support", "staging"] }]]);
    await w.stack.up(T, "life", full);
  });

  test("removing capabilities from the program sends [] and clears them", async () => {
    const { capabilities: _, ...rest } = full;
    const s = await w.stack.up(T, "life", rest);
    expect(s.op).toBe("update");
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${id}`, { capabilities: [] }]]);
    expect((await w.ctl.get("everruns", "agents", id)).capabilities).toEqual([]);
    expect((await w.stack.plan(T, "life", rest)).op).toBe("same");
  });

  test("capabilities: [] in the program also sends []", async () => {
    await w.stack.up(T, "life", full);
    await w.ctl.clear();
    await w.stack.up(T, "life", { ...full, capabilities: [] });
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${id}`, { capabilities: [] }]]);
  });

  test("removing tags from the program sends []", async () => {
    const { tags: _, ...rest } = full;
    await w.stack.up(T, "life", full);
    await w.ctl.clear();
    await w.stack.up(T, "life", rest);
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${id}`, { tags: [] }]]);
    expect((await w.ctl.get("everruns", "agents", id)).tags).toEqual([]);
  });

  test('removing description sends "" (null would mean "no change"), and "" then shows no drift', async () => {
    const { description: _, ...rest } = full;
    await w.stack.up(T, "life", full);
    await w.ctl.clear();
    const s = await w.stack.up(T, "life", rest);
    expect(s.op).toBe("update");
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${id}`, { description: "" }]]);
    expect((await w.ctl.get("everruns", "agents", id)).description).toBe("");
    await w.stack.refresh(T, "life");
    expect((await w.stack.plan(T, "life", rest)).op).toBe("same");
    // "" and null on the server are the same unset description
    await w.ctl.edit("everruns", "agents", id, { description: null });
    await w.stack.refresh(T, "life");
    expect((await w.stack.plan(T, "life", rest)).op).toBe("same");
    expect((await w.stack.plan(T, "life", { ...rest, description: "" })).op).toBe("same");
  });

  test("a system prompt that differs only by one trailing newline is no change", async () => {
    await w.stack.up(T, "life", full);
    await w.ctl.clear();
    expect((await w.stack.up(T, "life", { ...full, systemPrompt: full.systemPrompt + "\n" })).op).toBe("same");
    expect(await w.ctl.writes("everruns")).toEqual([]);
  });

  test("usage, timestamps and hypermedia fields changing on the server never show as a diff", async () => {
    await w.ctl.edit("everruns", "agents", id, {
      usage: { input_tokens: 1200, output_tokens: 340, cache_read_tokens: 0, cache_creation_tokens: 0 },
      updated_at: "2030-01-01T00:00:00Z",
      self_url: "/v2/agents/elsewhere",
      some_future_field: { x: 1 },
    });
    const r = await w.stack.refresh(T, "life");
    expect(r.changedOutputs).toEqual(["updatedAt", "usage"]);
    const p = await w.stack.plan(T, "life", full);
    expect(p.op).toBe("same");
  });

  test("removing defaultModelId replaces the agent (Everruns cannot unset it), creating the new one first", async () => {
    const { defaultModelId: _, ...rest } = full;
    const p = await w.stack.plan(T, "life", rest);
    expect(p.op).toBe("replace");
    expect(p.replaces).toEqual(["defaultModelId"]);
    expect(p.deleteBeforeReplace).toBe(false);
    const s = await w.stack.up(T, "life", rest);
    const next = s.state.id;
    expect(next).not.toBe(id);
    expect(await writes()).toEqual([
      ["PUT", `/v1/agents/${next}`, { name: full.name, system_prompt: full.systemPrompt, description: full.description, capabilities: full.capabilities, tags: full.tags }],
      ["DELETE", `/v1/agents/${id}`, undefined],
    ]);
    expect(s.state.outputs.defaultModelId).toBeNull();
    expect((await w.ctl.get("everruns", "agents", id)).status).toBe("archived");
    expect((await w.stack.plan(T, "life", rest)).op).toBe("same");
    id = next;
  });

  test("an agent archived out of band reads as gone, and the next up creates it again", async () => {
    await api(w.emu, "DELETE", `/v1/agents/${id}`);
    const r = await w.stack.refresh(T, "life");
    expect(r.gone).toBe(true);
    const p = await w.stack.plan(T, "life", full);
    expect(p.op).toBe("create");
    const s = await w.stack.up(T, "life", full);
    expect(s.state.id).not.toBe(id); // no agentId pinned: a new id; the archived one stays taken
    id = s.state.id;
  });

  test("destroy archives the agent (DELETE) and it disappears from the list", async () => {
    await w.ctl.clear();
    await w.stack.destroy(T, "life");
    expect(await writes()).toEqual([["DELETE", `/v1/agents/${id}`, undefined]]);
    expect((await w.ctl.get("everruns", "agents", id)).status).toBe("archived");
    expect((await api(w.emu, "GET", "/v1/agents")).body.data.map((a: { id: string }) => a.id)).not.toContain(id);
  });
});

describe("Agent deleted or archived outside the stack", () => {
  test("destroy of an agent that no longer exists succeeds", async () => {
    const s = await w.stack.up(T, "missing", full);
    await w.ctl.remove("everruns", "agents", s.state.id);
    await expect(w.stack.destroy(T, "missing")).resolves.toBeUndefined();
  });

  test("destroy of an agent already archived succeeds (its DELETE answers 404)", async () => {
    const s = await w.stack.up(T, "archived", full);
    await api(w.emu, "DELETE", `/v1/agents/${s.state.id}`);
    await w.ctl.clear();
    await expect(w.stack.destroy(T, "archived")).resolves.toBeUndefined();
    expect((await w.ctl.requests("everruns")).map((r) => r.method)).toEqual(["DELETE"]);
  });

  test("refresh of an agent deleted out of band reads as gone", async () => {
    const s = await w.stack.up(T, "vanished", full);
    await w.ctl.remove("everruns", "agents", s.state.id);
    expect((await w.stack.refresh(T, "vanished")).gone).toBe(true);
  });
});

describe("Agent drift: each field changed out of band is found by refresh and healed by up", () => {
  const cases: [label: string, field: string, edit: Record<string, unknown>, wire: Record<string, unknown>][] = [
    ["name", "name", { name: "renamed in the UI" }, { name: full.name }],
    ["systemPrompt", "systemPrompt", { system_prompt: "You are a pirate." }, { system_prompt: full.systemPrompt }],
    ["description", "description", { description: "edited by hand" }, { description: full.description }],
    ["description set to null", "description", { description: null }, { description: full.description }],
    ["defaultModelId", "defaultModelId", { default_model_id: MODEL_C }, { default_model_id: MODEL_A }],
    ["capabilities (config)", "capabilities", { capabilities: [{ ref: "current_time", config: {} }, { ref: "web_fetch", config: { max_bytes: 5 } }] }, { capabilities: full.capabilities }],
    ["capabilities (order)", "capabilities", { capabilities: [{ ref: "web_fetch", config: { max_bytes: 1000 } }, { ref: "current_time", config: {} }] }, { capabilities: full.capabilities }],
    ["tags", "tags", { tags: ["support"] }, { tags: full.tags }],
  ];
  test.each(cases)("%s", async (label, field, edit, wire) => {
    const name = `drift-${label.replace(/\W+/g, "-")}`;
    const id = (await w.stack.up(T, name, full)).state.id;
    await w.ctl.edit("everruns", "agents", id, edit);
    const r = await w.stack.refresh(T, name);
    expect(r.changedOutputs).toEqual([field]);
    const p = await w.stack.plan(T, name, full);
    expect(p.op).toBe("update");
    expect(p.diffKeys).toEqual([field]);
    await w.ctl.clear();
    await w.stack.up(T, name, full);
    expect(await writes()).toEqual([["PATCH", `/v1/agents/${id}`, wire]]);
    await w.stack.refresh(T, name);
    expect((await w.stack.plan(T, name, full)).op).toBe("same");
    await w.stack.destroy(T, name);
  });

  test("tags reordered on the server are no drift", async () => {
    const id = (await w.stack.up(T, "drift-tag-order", full)).state.id;
    await w.ctl.edit("everruns", "agents", id, { tags: ["prod", "support"] });
    await w.stack.refresh(T, "drift-tag-order");
    expect((await w.stack.plan(T, "drift-tag-order", full)).op).toBe("same");
    await w.stack.destroy(T, "drift-tag-order");
  });

  test("a field the program never set is left alone when it changes on the server", async () => {
    const min = { name: "minimal", systemPrompt: "Hi." };
    const id = (await w.stack.up(T, "drift-unmanaged", min)).state.id;
    await w.ctl.edit("everruns", "agents", id, { description: "set in the UI", tags: ["ui"], default_model_id: MODEL_B });
    await w.stack.refresh(T, "drift-unmanaged");
    expect((await w.stack.plan(T, "drift-unmanaged", min)).op).toBe("same");
    await w.stack.destroy(T, "drift-unmanaged");
  });
});

describe("Agent with a caller-chosen agentId", () => {
  test("create PUTs on that id, and the outputs carry it", async () => {
    const agentId = pinnedId();
    const s = await w.stack.up(T, "pinned", { ...full, agentId });
    expect(s.state.id).toBe(agentId);
    expect(s.state.outputs.agentId).toBe(agentId);
    expect(await writes()).toEqual([["PUT", `/v1/agents/${agentId}`, wireFull]]);
    expect((await w.stack.plan(T, "pinned", { ...full, agentId })).op).toBe("same");
    await w.stack.destroy(T, "pinned");
  });

  test("a 500 answered after the write is retried through the upsert and leaves exactly one agent", async () => {
    const agentId = pinnedId();
    const name = `retried-${agentId}`;
    await w.ctl.control("everruns", "fail-after-write", { count: 1 });
    const s = await w.stack.up(T, "retried", { ...full, name, agentId });
    expect(s.state.id).toBe(agentId);
    expect(await writes()).toEqual([
      ["PUT", `/v1/agents/${agentId}`, { ...wireFull, name }],
      ["PUT", `/v1/agents/${agentId}`, { ...wireFull, name }],
    ]);
    expect((await activeNamed(w.emu, name)).map((a) => a.id)).toEqual([agentId]);
    await w.stack.destroy(T, "retried");
  });

  test("a 500 before the write on a create with a generated id is retried on the same id", async () => {
    const name = "retried-generated";
    await w.ctl.fault({ platform: "everruns", method: "PUT", status: 500, body: { error: "Internal server error" }, count: 1 });
    const s = await w.stack.up(T, "retried-gen", { ...full, name });
    const paths = (await w.ctl.writes("everruns")).map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual([`PUT /v1/agents/${s.state.id}`, `PUT /v1/agents/${s.state.id}`]);
    expect((await activeNamed(w.emu, name)).map((a) => a.id)).toEqual([s.state.id]);
    await w.stack.destroy(T, "retried-gen");
  });

  test("changing agentId replaces the agent, creating the new one first", async () => {
    const a = pinnedId();
    const b = pinnedId();
    await w.stack.up(T, "moved", { ...full, agentId: a });
    await w.ctl.clear();
    const s = await w.stack.up(T, "moved", { ...full, agentId: b });
    expect(s.op).toBe("replace");
    expect(s.replaces).toEqual(["agentId"]);
    expect(s.deleteBeforeReplace).toBe(false);
    expect((await writes()).map(([m, p]) => `${m} ${p}`)).toEqual([`PUT /v1/agents/${b}`, `DELETE /v1/agents/${a}`]);
    await w.stack.destroy(T, "moved");
  });

  test("removing agentId from the program keeps the agent and its id", async () => {
    const agentId = pinnedId();
    await w.stack.up(T, "unpinned", { ...full, agentId });
    await w.ctl.clear();
    expect((await w.stack.up(T, "unpinned", full)).op).toBe("same");
    expect(await w.ctl.writes("everruns")).toEqual([]);
    await w.stack.destroy(T, "unpinned");
  });

  test("removing defaultModelId archives first, then the upsert revives the same id without a model and without capabilities left over", async () => {
    const agentId = pinnedId();
    await w.stack.up(T, "pinned-replace", { ...full, agentId });
    await w.ctl.clear();
    const { defaultModelId: _m, capabilities: _c, ...rest } = full;
    const s = await w.stack.up(T, "pinned-replace", { ...rest, agentId });
    expect(s.op).toBe("replace");
    expect(s.deleteBeforeReplace).toBe(true);
    const body = { name: full.name, system_prompt: full.systemPrompt, description: full.description, tags: full.tags };
    // PUT keeps existing capabilities when it is sent none, so a PATCH clears them.
    expect(await writes()).toEqual([
      ["DELETE", `/v1/agents/${agentId}`, undefined],
      ["PUT", `/v1/agents/${agentId}`, body],
      ["PATCH", `/v1/agents/${agentId}`, { capabilities: [] }],
    ]);
    const live = await w.ctl.get("everruns", "agents", agentId);
    expect(live).toMatchObject({ status: "active", default_model_id: null, capabilities: [] });
    expect(s.state.outputs).toMatchObject({ status: "active", defaultModelId: null, capabilities: [] });
    expect((await activeNamed(w.emu, full.name)).filter((a) => a.id === agentId)).toHaveLength(1);
    await w.stack.refresh(T, "pinned-replace");
    expect((await w.stack.plan(T, "pinned-replace", { ...rest, agentId })).op).toBe("same");
    await w.stack.destroy(T, "pinned-replace");
  });

  test("a server whose upsert keeps an omitted default_model_id gets a warning saying so", async () => {
    await w.ctl.control("everruns", "put-mode", { keepOmitted: true });
    const agentId = pinnedId();
    await w.stack.up(T, "pinned-keep", { ...full, agentId });
    const { defaultModelId: _, ...rest } = full;
    const before = w.stack.host.stderr.length;
    await w.stack.up(T, "pinned-keep", { ...rest, agentId });
    const said = await w.stack.host.output(before);
    expect(said).toContain(`agent ${agentId} existed already and keeps default_model_id ${MODEL_A}`);
    expect(said).toContain("give it a new agentId");
    await w.stack.destroy(T, "pinned-keep");
  });

  test("an archived agent is re-created by refresh + up on the same id, which the upsert un-archives", async () => {
    const agentId = pinnedId();
    const name = `revived-${agentId}`;
    await w.stack.up(T, "revived", { ...full, name, agentId });
    await api(w.emu, "DELETE", `/v1/agents/${agentId}`);
    expect((await w.stack.refresh(T, "revived")).gone).toBe(true);
    await w.ctl.clear();
    const s = await w.stack.up(T, "revived", { ...full, name, agentId });
    expect(s.op).toBe("create");
    expect(s.state.id).toBe(agentId);
    expect((await writes()).map(([m, p]) => `${m} ${p}`)).toEqual([`PUT /v1/agents/${agentId}`]);
    expect((await activeNamed(w.emu, name)).map((a) => a.id)).toEqual([agentId]);
    await w.stack.destroy(T, "revived");
  });

  test("where the upsert leaves an archived agent archived, a PATCH restores it", async () => {
    await w.ctl.control("everruns", "put-mode", { unarchive: false });
    const agentId = pinnedId();
    await w.stack.up(T, "restored", { ...full, agentId });
    await api(w.emu, "DELETE", `/v1/agents/${agentId}`);
    await w.stack.refresh(T, "restored");
    await w.ctl.clear();
    const s = await w.stack.up(T, "restored", { ...full, agentId });
    expect((await writes()).map(([m, p, b]) => [m, p, m === "PATCH" ? b : undefined])).toEqual([
      ["PUT", `/v1/agents/${agentId}`, undefined],
      ["PATCH", `/v1/agents/${agentId}`, { status: "active" }],
    ]);
    expect(s.state.outputs.status).toBe("active");
    expect((await w.ctl.get("everruns", "agents", agentId)).status).toBe("active");
    await w.stack.destroy(T, "restored");
  });
});

describe("Agent import", () => {
  test("import by id yields the same outputs as create did, with no diff", async () => {
    const created = (await w.stack.up(T, "orig", full)).state;
    const other = new Stack(w.stack.host);
    const imported = await other.import(T, "adopted", created.id, full);
    expect(strip(imported.outputs)).toEqual(strip(created.outputs));
    expect((await other.plan(T, "adopted", full)).op).toBe("same");
    expect((await other.plan(T, "adopted", { ...full, agentId: created.id })).op).toBe("same");
    await w.stack.destroy(T, "orig");
  });

  test("an archived agent cannot be imported: it reads as gone", async () => {
    const created = (await w.stack.up(T, "orig-archived", full)).state;
    await w.stack.destroy(T, "orig-archived");
    await expect(new Stack(w.stack.host).import(T, "late", created.id, full)).rejects.toThrow(/does not exist/);
  });

  test("a malformed id is refused before any request", async () => {
    await expect(new Stack(w.stack.host).import(T, "bad-id", "agt_123", full)).rejects.toThrow(/agent_ followed by 32 lowercase hex digits/);
    expect(await w.ctl.requests("everruns")).toEqual([]);
  });
});

describe("Agent retries and errors", () => {
  test("a 429 with Retry-After is waited out, then the PATCH succeeds", async () => {
    const s = await w.stack.up(T, "throttled", full);
    await w.ctl.clear();
    await w.ctl.fault({ platform: "everruns", method: "PATCH", status: 429, retryAfter: "1", body: { error: "Too many requests" }, count: 1 });
    const t0 = Date.now();
    await w.stack.up(T, "throttled", { ...full, name: "throttled-2" });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(await writes()).toEqual([
      ["PATCH", `/v1/agents/${s.state.id}`, { name: "throttled-2" }],
      ["PATCH", `/v1/agents/${s.state.id}`, { name: "throttled-2" }],
    ]);
    expect((await w.ctl.get("everruns", "agents", s.state.id)).name).toBe("throttled-2");
    await w.stack.destroy(T, "throttled");
  });

  test("a 500 on PATCH is not retried (PATCH is not the upsert) and the {error} message is shown", async () => {
    await w.stack.up(T, "failing", full);
    await w.ctl.clear();
    await w.ctl.fault({ platform: "everruns", method: "PATCH", status: 500, body: { error: "Internal server error" }, count: 1 });
    await expect(w.stack.up(T, "failing", { ...full, name: "x" })).rejects.toThrow(/everruns: PATCH \/v1\/agents\/agent_[0-9a-f]{32} failed with 500 Internal Server Error: Internal server error/);
    expect((await w.ctl.writes("everruns")).length).toBe(1);
    await w.stack.destroy(T, "failing");
  });

  test("the generic 400 for limits is explained", async () => {
    await w.stack.up(T, "limited", full);
    await w.ctl.fault({ platform: "everruns", method: "PATCH", status: 400, body: { error: "Input exceeds allowed limits" }, count: 1 });
    await expect(w.stack.up(T, "limited", { ...full, name: "y" })).rejects.toThrow(/Input exceeds allowed limits \(Everruns does not say which field: the limits are name 2 KiB, description 10 KiB, system prompt 1 MiB/);
    await w.stack.destroy(T, "limited");
  });

  test("a well-formed model id the server does not have fails with a hint to list the models", async () => {
    const unknownModel = `model_${"f".repeat(32)}`;
    await expect(w.stack.up(T, "no-model", { ...full, defaultModelId: unknownModel })).rejects.toThrow(
      /failed with 500 Internal Server Error: Internal server error \(a default_model_id that does not exist on this server, "model_f{32}", fails this way: list the models with GET \/v1\/llm-models\)/,
    );
    expect((await activeNamed(w.emu, full.name)).filter((a) => a.default_model_id === unknownModel)).toEqual([]);
  });
});

describe("Agent validation at check, before any request", () => {
  const ok = { name: "a", systemPrompt: "p" };
  const caps = (n: number) => Array.from({ length: n }, (_, i) => ({ ref: `cap_${i}` }));
  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    ["empty name", { ...ok, name: "" }, "name", /must not be empty/],
    ["256-character name", { ...ok, name: "x".repeat(256) }, "name", /at most 255 characters \(got 256\)/],
    ["missing name", { systemPrompt: "p" }, "name", /is required/],
    ["numeric name", { ...ok, name: 7 }, "name", /must be a string/],
    ["missing systemPrompt", { name: "a" }, "systemPrompt", /is required/],
    ["systemPrompt over 1 MiB of UTF-8 (fewer characters)", { ...ok, systemPrompt: "é".repeat(524_289) }, "systemPrompt", /at most 1 MiB \(1048576 bytes of UTF-8; got 1048578 bytes\)/],
    ["description over 10 KiB", { ...ok, description: "d".repeat(10_241) }, "description", /at most 10 KiB \(10240 bytes of UTF-8; got 10241 bytes\)/],
    ["defaultModelId without prefix", { ...ok, defaultModelId: "gpt-4o" }, "defaultModelId", /model_ followed by 32 lowercase hex digits \(got "gpt-4o"\)/],
    ["defaultModelId in upper case", { ...ok, defaultModelId: `model_${"A".repeat(32)}` }, "defaultModelId", /lowercase hex/],
    ["defaultModelId of 30 digits", { ...ok, defaultModelId: "model_01933b5a0000700080000000000001" }, "defaultModelId", /32 lowercase hex/],
    ["defaultModelId of 33 digits", { ...ok, defaultModelId: `model_${"0".repeat(33)}` }, "defaultModelId", /32 lowercase hex/],
    ["agentId with the agt_ prefix", { ...ok, agentId: `agt_${"0".repeat(32)}` }, "agentId", /agent_ followed by 32 lowercase hex digits/],
    ["agentId that is a bare UUID", { ...ok, agentId: "3c90c3cc-0d44-4b50-8888-8dd25736052a" }, "agentId", /agent_ followed by/],
    ["251 capabilities", { ...ok, capabilities: caps(251) }, "capabilities", /at most 250 items \(got 251\)/],
    ["empty capability ref", { ...ok, capabilities: [{ ref: "" }] }, "capabilities[0].ref", /must not be empty/],
    ["51-character capability ref", { ...ok, capabilities: [{ ref: "current_time" }, { ref: "r".repeat(51) }] }, "capabilities[1].ref", /at most 50 characters/],
    ["a ref of 51 emoji", { ...ok, capabilities: [{ ref: "😀".repeat(51) }] }, "capabilities[0].ref", /at most 50 characters \(got 51\)/],
    ["capability without ref", { ...ok, capabilities: [{ config: {} }] }, "capabilities[0].ref", /is required/],
    ["capability with a misspelt member", { ...ok, capabilities: [{ ref: "web_fetch", confg: {} }] }, "capabilities[0]", /unknown property confg/],
    ["capability config that is not an object", { ...ok, capabilities: [{ ref: "web_fetch", config: "fast" }] }, "capabilities[0].config", /must be an object/],
    ["capability given as a bare string", { ...ok, capabilities: ["current_time"] }, "capabilities[0]", /must be an object/],
    ["duplicate capability ref", { ...ok, capabilities: [{ ref: "web_fetch" }, { ref: "current_time" }, { ref: "web_fetch", config: { a: 1 } }] }, "capabilities[2].ref", /duplicates capabilities\[0\]\.ref \("web_fetch"\)/],
    ["tags that are not strings", { ...ok, tags: ["a", 2] }, "tags[1]", /must be a string/],
    ["tags given as a string", { ...ok, tags: "a,b" }, "tags", /must be a list/],
  ];
  test.each(bad)("%s fails at check", async (_, inputs, property, reason) => {
    const err = (await w.stack.plan(T, "bad", inputs).catch((e) => e)) as CheckError;
    expect(err).toBeInstanceOf(CheckError);
    expect(err.failures).toEqual([{ property, reason: expect.stringMatching(reason) }]);
    expect(await w.ctl.requests("everruns")).toEqual([]);
  });

  const good: [string, Record<string, unknown>][] = [
    ["255 characters of four UTF-8 bytes each", { ...ok, name: "😀".repeat(255) }],
    ["an empty system prompt", { name: "a", systemPrompt: "" }],
    ["exactly 10 KiB of description", { ...ok, description: "d".repeat(10_240) }],
    ["exactly 1 MiB of system prompt", { ...ok, systemPrompt: "p".repeat(1024 * 1024) }],
    ["250 capabilities", { ...ok, capabilities: caps(250) }],
    ["a ref of 50 emoji (characters, as the VARCHAR(50) column counts them)", { ...ok, capabilities: [{ ref: "😀".repeat(50) }] }],
    ["a 50-character ref and an MCP ref", { ...ok, capabilities: [{ ref: "r".repeat(50) }, { ref: "mcp:3c90c3cc-0d44-4b50-8888-8dd25736052a", config: { x: [1] } }] }],
    // The seed's own example model id has 31 hex digits: the seed wins over api/everruns.md's 32.
    ["the seed's example defaultModelId", { ...ok, defaultModelId: "model_01933b5a00007000800000000000001" }],
    ["a caller-chosen id", { ...ok, agentId: `agent_${"0123456789abcdef".repeat(2)}` }],
  ];
  test.each(good)("%s passes check", async (_, inputs) => {
    expect((await w.stack.plan(T, "good", inputs)).op).toBe("create");
  });

  test("several bad properties give one failure each", async () => {
    const err = (await w.stack.plan(T, "bad", { name: "", systemPrompt: 1, defaultModelId: "m", agentId: "a", capabilities: [{ ref: "x" }, { ref: "x" }] }).catch((e) => e)) as CheckError;
    expect(err.failures.map((f) => f.property).sort()).toEqual(["agentId", "capabilities[1].ref", "defaultModelId", "name", "systemPrompt"]);
  });
});
