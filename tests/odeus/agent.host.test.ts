/**
 * odeus.Agent through the real dynamic-provider host against the emulator: the lifecycle a user runs
 * with the CLI, the seed's clearing sentinels, drafts and publishing (on, off, unavailable), deletion
 * by disabling, retries, the create that must not be retried, drift per field, and bad inputs.
 */
import { CheckError, Host, Stack } from "../host/engine";
import { world, type World } from "../host/fixture";

const T = "odeus:Agent";
const ACT1 = "8d0b6f0e-2f6b-4c1e-9d55-0e7c8a1b2c3d";
const ACT2 = "1f3e5d7c-9b1a-4c2e-8f4d-6a8b0c2e4f6a";
const ATT1 = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const ATT2 = "5d2b6a8e-1c3f-4e7a-9b0d-2f4c6e8a0b1c";

type Props = Record<string, unknown>;
const full: Props = {
  name: "Document Analyzer",
  description: "Analyzes documents",
  emoji: "📄",
  instruction: "You analyze documents.\nAnswer briefly.\n",
  model: "gpt-5",
  creativity: 0.5,
  conversationStarters: ["Summarize this", "Find the risks"],
  actions: [{ actionId: ACT1, requiresConfirmation: false }],
  inputFields: [
    { slug: "doc", type: "FILE", label: "Document", fileTypes: ["pdf"] },
    { slug: "tone", type: "SELECT", label: "Tone", options: ["formal", "casual"], required: true },
  ],
  attachments: [ATT1],
  webSearch: true,
  imageGeneration: true,
  dataAnalyst: true,
  inputType: "STRUCTURED",
  canvas: true,
  extendedThinking: true,
};
const without = (o: Props, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
const visible = (o: Props) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith("__")));

let w: World;
beforeAll(async () => (w = await world()));
afterAll(() => w.close());
beforeEach(async () => {
  await w.ctl.clear();
  await w.ctl.control("odeus", "publishing", { enabled: true });
  await w.ctl.control("odeus", "admin", { admin: true });
});

const writes = async () => (await w.ctl.writes("odeus")).map((r) => [r.method, r.path, r.body]);
const idOf = (name: string) => w.stack.get(T, name)!.id;

describe("Agent lifecycle with publishing (the default)", () => {
  test("create sends one POST with exactly the fields set, then publishes; outputs map the renamed response fields", async () => {
    const s = await w.stack.up(T, "life", full);
    expect(s.op).toBe("create");
    const id = s.state.id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await writes()).toEqual([
      ["POST", "/agent/v1/create", full],
      ["POST", "/agent/v1/publish", { agentId: id }],
    ]);
    expect(visible(s.state.outputs)).toEqual({ ...full, createdAt: expect.any(String), updatedAt: expect.any(String) });
    expect((await w.ctl.get("odeus", "published", id)).name).toBe("Document Analyzer");
  });

  test("a second preview shows no change and makes no call at all", async () => {
    expect((await w.stack.plan(T, "life", full)).op).toBe("same");
    expect((await w.stack.plan(T, "life", { ...full, publish: true })).op).toBe("same"); // true is the default
    expect(await w.ctl.requests("odeus")).toEqual([]);
  });

  test("a refresh right after create changes nothing", async () => {
    const r = await w.stack.refresh(T, "life");
    expect(r.changedOutputs).toEqual([]);
    expect((await w.stack.plan(T, "life", full)).op).toBe("same");
  });

  test("changing one field sends one PATCH with agentId and that field only, then publishes; refresh right after shows no change", async () => {
    const desired = { ...full, name: "Advanced Document Analyzer" };
    const s = await w.stack.up(T, "life", desired);
    expect(s.op).toBe("update");
    expect(await writes()).toEqual([
      ["PATCH", "/agent/v1/update", { agentId: s.state.id, name: "Advanced Document Analyzer" }],
      ["POST", "/agent/v1/publish", { agentId: s.state.id }],
    ]);
    const r = await w.stack.refresh(T, "life");
    expect(r.changedOutputs).toEqual([]);
    expect((await w.stack.plan(T, "life", desired)).op).toBe("same");
  });

  test("an array field is sent whole when one item changes", async () => {
    const desired = { ...full, name: "Advanced Document Analyzer", conversationStarters: ["Summarize this", "List the risks"] };
    const s = await w.stack.up(T, "life", desired);
    expect((await writes())[0]).toEqual(["PATCH", "/agent/v1/update", { agentId: s.state.id, conversationStarters: ["Summarize this", "List the risks"] }]);
    await w.stack.refresh(T, "life");
    expect((await w.stack.plan(T, "life", desired)).op).toBe("same");
  });

  test("several changes go in one PATCH, the renamed fields under their request names", async () => {
    const desired = {
      ...full, name: "Advanced Document Analyzer", conversationStarters: ["Summarize this", "List the risks"],
      emoji: "🧾", creativity: 0.2, webSearch: false, dataAnalyst: false, canvas: false,
    };
    const s = await w.stack.up(T, "life", desired);
    expect(await writes()).toEqual([
      ["PATCH", "/agent/v1/update", { agentId: s.state.id, emoji: "🧾", creativity: 0.2, webSearch: false, dataAnalyst: false, canvas: false }],
      ["POST", "/agent/v1/publish", { agentId: s.state.id }],
    ]);
    const r = await w.stack.refresh(T, "life");
    expect(r.changedOutputs).toEqual([]);
    expect(r.state!.outputs).toMatchObject({ emoji: "🧾", creativity: 0.2, webSearch: false, dataAnalyst: false, canvas: false });
  });

  test("an agent deleted out of band reads as gone", async () => {
    const s = await w.stack.up(T, "ghost", { name: "ghost" });
    await w.ctl.remove("odeus", "agents", s.state.id);
    await w.ctl.remove("odeus", "published", s.state.id);
    expect((await w.stack.refresh(T, "ghost")).gone).toBe(true);
  });

  test("a 400 'Agent not found' on get also reads as gone; any other 400 is an error", async () => {
    const s = await w.stack.up(T, "ghost400", { name: "ghost400" });
    await w.ctl.fault({ platform: "odeus", method: "GET", path: "/agent/v1/get", status: 400, body: { message: "Invalid agentId" }, count: 1 });
    await expect(w.stack.refresh(T, "ghost400")).rejects.toThrow(/GET \/agent\/v1\/get failed with 400 Bad Request: Invalid agentId/);
    await w.ctl.fault({ platform: "odeus", method: "GET", path: "/agent/v1/get", status: 400, body: { message: "Agent not found" }, count: 1 });
    expect((await w.stack.refresh(T, "ghost400")).gone).toBe(true);
    expect(s.state.id).toBeTruthy();
  });

  test("fileTypes read back as a comma-separated string compare equal to the list", async () => {
    const desired = { name: "files", inputType: "STRUCTURED", inputFields: [{ slug: "doc", type: "FILE", label: "Doc", fileTypes: ["pdf", "docx"] }] };
    const s = await w.stack.up(T, "files", desired);
    const published = await w.ctl.get("odeus", "published", s.state.id);
    const fields = published.inputFields as Props[];
    await w.ctl.edit("odeus", "published", s.state.id, { inputFields: [{ ...fields[0], fileTypes: "pdf, docx" }] });
    await w.stack.refresh(T, "files");
    expect(w.stack.get(T, "files")!.outputs.inputFields).toEqual(desired.inputFields);
    expect((await w.stack.plan(T, "files", desired)).op).toBe("same");
  });

  test("action and attachment UUIDs that the server returns in lower case are no change", async () => {
    const desired = { name: "case", actions: [{ actionId: ACT1.toUpperCase(), requiresConfirmation: true }], attachments: [ATT1.toUpperCase()] };
    const s = await w.stack.up(T, "case", desired);
    expect((await writes())[0]).toEqual(["POST", "/agent/v1/create", desired]); // sent as written
    await w.ctl.edit("odeus", "published", s.state.id, { actions: [{ actionId: ACT1, requiresConfirmation: true, connectionId: null }], attachments: [ATT1] });
    await w.stack.refresh(T, "case");
    expect((await w.stack.plan(T, "case", desired)).op).toBe("same");
  });

  test("a key without access to the agent is an error on refresh, not a deletion", async () => {
    const s = await w.stack.up(T, "locked", { name: "locked" });
    await w.ctl.control("odeus", "access", { agentId: s.state.id, revoked: true });
    await expect(w.stack.refresh(T, "locked")).rejects.toThrow(/GET \/agent\/v1\/get failed with 403 Forbidden: Insufficient permissions/);
    expect(w.stack.get(T, "locked")).toBeDefined();
    await w.ctl.control("odeus", "access", { agentId: s.state.id, revoked: false });
  });

  test("import by id yields the same outputs as create, with no diff", async () => {
    const desired = { ...full, name: "imported" };
    const created = (await w.stack.up(T, "orig", desired)).state;
    const other = new Stack(w.stack.host);
    const imported = await other.import(T, "adopted", created.id, desired);
    expect(visible(imported.outputs)).toEqual(visible(created.outputs));
    expect((await other.plan(T, "adopted", desired)).op).toBe("same");
  });

  test("import of an id that is not a UUID fails with the reason", async () => {
    const other = new Stack(w.stack.host);
    await expect(other.import(T, "bad", "agent-1", { name: "x" })).rejects.toThrow(/an Odeus agent id is a UUID/);
  });
});

describe("requiresConfirmation is always sent, defaulting to true", () => {
  test("an omitted requiresConfirmation is sent as true and compares equal to true", async () => {
    const s = await w.stack.up(T, "confirm", { name: "confirm", actions: [{ actionId: ACT1 }] });
    expect((await writes())[0]).toEqual(["POST", "/agent/v1/create", { name: "confirm", actions: [{ actionId: ACT1, requiresConfirmation: true }] }]);
    expect(s.state.outputs.actions).toEqual([{ actionId: ACT1, requiresConfirmation: true }]);
    expect((await w.stack.plan(T, "confirm", { name: "confirm", actions: [{ actionId: ACT1, requiresConfirmation: true }] })).op).toBe("same");
    await w.stack.refresh(T, "confirm");
    expect((await w.stack.plan(T, "confirm", { name: "confirm", actions: [{ actionId: ACT1 }] })).op).toBe("same");
  });

  test("adding an action sends the whole list with every requiresConfirmation explicit; reordering is no change", async () => {
    const desired = { name: "confirm", actions: [{ actionId: ACT1 }, { actionId: ACT2, requiresConfirmation: false }] };
    const s = await w.stack.up(T, "confirm", desired);
    expect((await writes())[0]).toEqual([
      "PATCH", "/agent/v1/update",
      { agentId: s.state.id, actions: [{ actionId: ACT1, requiresConfirmation: true }, { actionId: ACT2, requiresConfirmation: false }] },
    ]);
    const reordered = { name: "confirm", actions: [{ actionId: ACT2, requiresConfirmation: false }, { actionId: ACT1 }] };
    expect((await w.stack.plan(T, "confirm", reordered)).op).toBe("same");
  });

  test("flipping requiresConfirmation from the default to false is a change", async () => {
    const s = await w.stack.up(T, "confirm", { name: "confirm", actions: [{ actionId: ACT1, requiresConfirmation: false }, { actionId: ACT2, requiresConfirmation: false }] });
    expect(s.op).toBe("update");
    expect((await writes())[0][2]).toEqual({ agentId: s.state.id, actions: [{ actionId: ACT1, requiresConfirmation: false }, { actionId: ACT2, requiresConfirmation: false }] });
  });
});

describe("removing a field from the program", () => {
  const sentinels: [string, unknown][] = [
    ["emoji", null],
    ["description", ""],
    ["instruction", ""],
    ["conversationStarters", []],
    ["actions", []],
    ["inputFields", []],
    ["attachments", []],
    ["creativity", 0.3],
    ["webSearch", false],
    ["imageGeneration", false],
    ["dataAnalyst", false],
    ["canvas", false],
    ["extendedThinking", false],
  ];
  test.each(sentinels)("removing %s sends %j in one PATCH, and a refresh after shows no change", async (field, sentinel) => {
    const name = `clear-${field}`;
    await w.stack.up(T, name, full);
    await w.ctl.clear();
    const desired = without(full, field);
    const s = await w.stack.up(T, name, desired);
    expect(s.op).toBe("update");
    expect(await writes()).toEqual([
      ["PATCH", "/agent/v1/update", { agentId: s.state.id, [field]: sentinel }],
      ["POST", "/agent/v1/publish", { agentId: s.state.id }],
    ]);
    expect((await w.stack.refresh(T, name)).changedOutputs).toEqual([]);
    expect((await w.stack.plan(T, name, desired)).op).toBe("same");
    await w.stack.destroy(T, name);
  });

  test('removing inputType sends "PROMPT" (after the input fields it needed are gone too)', async () => {
    await w.stack.up(T, "clear-inputType", full);
    await w.ctl.clear();
    const s = await w.stack.up(T, "clear-inputType", without(full, "inputType"));
    expect((await writes())[0]).toEqual(["PATCH", "/agent/v1/update", { agentId: s.state.id, inputType: "PROMPT" }]);
  });

  test("removing model leaves the agent's model alone: no call, no diff", async () => {
    await w.stack.up(T, "clear-model", full);
    await w.ctl.clear();
    const s = await w.stack.up(T, "clear-model", without(full, "model"));
    expect(s.op).toBe("same");
    expect(await writes()).toEqual([]);
  });

  test("a field the program never set is left alone", async () => {
    const s = await w.stack.up(T, "untouched", { name: "untouched" });
    expect(s.state.outputs).toMatchObject({ description: "", emoji: null, creativity: 0.3, inputType: "PROMPT", model: "gpt-5" });
    await w.ctl.edit("odeus", "published", s.state.id, { description: "set in the UI" });
    await w.stack.refresh(T, "untouched");
    expect((await w.stack.plan(T, "untouched", { name: "untouched" })).op).toBe("same");
  });
});

describe("drafts without publishing", () => {
  test("publish: false on create makes no publish call; the unpublished draft reads back with no diff", async () => {
    const desired = { ...full, name: "draft-only", publish: false };
    const s = await w.stack.up(T, "draft", desired);
    expect((await writes()).map((x) => x[1])).toEqual(["/agent/v1/create"]);
    expect(s.state.outputs.unpublished).toBeUndefined();
    expect((await w.stack.refresh(T, "draft")).changedOutputs).toEqual([]);
    expect((await w.stack.plan(T, "draft", desired)).op).toBe("same");
  });

  test("a published agent updated with publish: false keeps the applied values while the published version lags", async () => {
    await w.stack.up(T, "lag", full);
    const desired = { ...full, name: "Renamed in draft", publish: false };
    await w.ctl.clear();
    const s = await w.stack.up(T, "lag", desired);
    expect(await writes()).toEqual([["PATCH", "/agent/v1/update", { agentId: s.state.id, name: "Renamed in draft" }]]);
    expect(s.state.outputs.name).toBe("Renamed in draft");
    expect(Object.keys(s.state.outputs.unpublished as Props)).toEqual(["name"]);
    // The API returns the published version, which still has the old name.
    expect((await w.ctl.get("odeus", "published", s.state.id)).name).toBe("Document Analyzer");
    const r = await w.stack.refresh(T, "lag");
    expect(r.changedOutputs).toEqual([]);
    expect(r.state!.outputs.name).toBe("Renamed in draft");
    expect((await w.stack.plan(T, "lag", desired)).op).toBe("same");
  });

  test("a field changed in the published version while another lags is reported alone", async () => {
    const desired = { ...full, name: "Renamed in draft", publish: false };
    await w.ctl.edit("odeus", "published", idOf("lag"), { canvasEnabled: false });
    await w.stack.refresh(T, "lag");
    const p = await w.stack.plan(T, "lag", desired);
    expect(p.op).toBe("update");
    expect(p.diffKeys).toEqual(["canvas"]);
  });

  test("once someone publishes the draft in the UI, the published values are read and nothing is pending", async () => {
    const desired = { ...full, name: "Renamed in draft", publish: false };
    await w.ctl.control("odeus", "publishDraft", { agentId: idOf("lag") });
    const r = await w.stack.refresh(T, "lag");
    expect(r.changedOutputs).toEqual(["canvas", "unpublished"]);
    expect(r.state!.outputs.unpublished).toBeUndefined();
    expect((await w.stack.plan(T, "lag", desired)).op).toBe("same");
  });

  test("switching publish back on publishes; 409 nothing-to-publish counts as success", async () => {
    const before = w.stack.host.stderr.length;
    const s = await w.stack.up(T, "lag", { ...full, name: "Renamed in draft" });
    expect(await w.stack.host.output(before)).not.toMatch(/warning/);
    expect(s.op).toBe("update");
    expect(s.diffKeys).toEqual(["publish"]);
    const reqs = await w.ctl.requests("odeus");
    expect(reqs.filter((r) => r.method !== "GET").map((r) => [r.method, r.path])).toEqual([["POST", "/agent/v1/publish"]]);
    expect(s.state.outputs.publish).toBeUndefined();
    expect((await w.stack.plan(T, "lag", { ...full, name: "Renamed in draft" })).op).toBe("same");
  });

  test("a publish endpoint answering 405 counts as unavailable too", async () => {
    await w.stack.up(T, "nopub405", { name: "nopub405" });
    await w.ctl.fault({ platform: "odeus", method: "POST", path: "/agent/v1/publish", status: 405, count: 1 });
    const before = w.stack.host.stderr.length;
    const s = await w.stack.up(T, "nopub405", { name: "nopub405-renamed" });
    expect(await w.stack.host.output(before, /answered 405/)).toMatch(/answered 405/);
    expect(s.state.outputs.unpublished).toEqual({ name: expect.any(String) });
    expect((await w.stack.refresh(T, "nopub405")).changedOutputs).toEqual([]);
  });

  test("where the server has no publish endpoint (404), the update warns, keeps the draft values and shows no drift", async () => {
    await w.stack.up(T, "nopub", full);
    await w.ctl.control("odeus", "publishing", { enabled: false });
    await w.ctl.clear();
    const desired = { ...full, instruction: "A new prompt.\n" };
    const before = w.stack.host.stderr.length;
    const s = await w.stack.up(T, "nopub", desired);
    expect((await writes()).map((x) => x.slice(0, 2))).toEqual([["PATCH", "/agent/v1/update"], ["POST", "/agent/v1/publish"]]);
    expect(await w.stack.host.output(before, /publishing is not available on this server \(POST \/agent\/v1\/publish answered 404\)/)).toMatch(/publishing is not available on this server \(POST \/agent\/v1\/publish answered 404\)/);
    expect(Object.keys(s.state.outputs.unpublished as Props)).toEqual(["instruction"]);
    expect((await w.stack.refresh(T, "nopub")).changedOutputs).toEqual([]);
    expect((await w.stack.plan(T, "nopub", desired)).op).toBe("same");
  });
});

describe("retries and failures", () => {
  test("a 429 on update is retried (Retry-After honoured) and the update succeeds", async () => {
    await w.stack.up(T, "busy", { name: "busy" });
    await w.ctl.clear();
    await w.ctl.fault({ platform: "odeus", method: "PATCH", path: "/agent/v1/update", status: 429, retryAfter: "0", count: 1 });
    const s = await w.stack.up(T, "busy", { name: "busy-2" });
    const patch = ["PATCH", "/agent/v1/update", { agentId: s.state.id, name: "busy-2" }];
    expect((await writes()).slice(0, 2)).toEqual([patch, patch]);
    expect(s.state.outputs.name).toBe("busy-2");
  });

  test.each([500, 503])("a failed create (%i) is not retried and its error says the agent may exist and how to import it", async (status) => {
    await w.ctl.fault({ platform: "odeus", method: "POST", path: "/agent/v1/create", status, body: { message: "boom" }, count: 1 });
    const err = (await w.stack.up(T, `fails-${status}`, { name: "fails" }).catch((e) => e)) as Error;
    expect(err.message).toMatch(new RegExp(`POST /agent/v1/create failed with ${status}`));
    expect(err.message).toMatch(/may have created the agent "fails" anyway\. Odeus has no API to list agents/);
    expect(err.message).toMatch(/`import: "<agent id>"`/);
    expect((await w.ctl.requests("odeus")).map((r) => [r.method, r.path])).toEqual([["POST", "/agent/v1/create"]]);
    expect(w.stack.get(T, `fails-${status}`)).toBeUndefined();
  });

  test("a create the server rejects (400) says so without suggesting an import", async () => {
    const err = (await w.stack.up(T, "rejected", { name: "rejected", model: "no-such-model" }).catch((e) => e)) as Error;
    expect(err.message).toMatch(/failed with 400 Bad Request: Model "no-such-model" is not in the workspace's active models/);
    expect(err.message).not.toMatch(/import/);
  });

  test("a publish the key may not do (403) fails the create but keeps the agent in the stack", async () => {
    await w.ctl.fault({ platform: "odeus", method: "POST", path: "/agent/v1/publish", status: 403, body: { error: "Insufficient permissions" }, count: 1 });
    const err = (await w.stack.up(T, "nopublish", { name: "nopublish" }).catch((e) => e)) as Error;
    expect(err.message).toMatch(/403 Forbidden: Insufficient permissions.*Set `publish: false`/);
    expect(err.message).toMatch(/was created with id [0-9a-f-]{36}/);
  });
});

describe("destroy disables the agent", () => {
  test("destroy sends PATCH /agent/v1/disable and warns that the agent stays in the workspace", async () => {
    const s = await w.stack.up(T, "bye", { name: "bye" });
    await w.ctl.clear();
    const before = w.stack.host.stderr.length;
    await w.stack.destroy(T, "bye");
    expect(await writes()).toEqual([["PATCH", "/agent/v1/disable", { agentId: s.state.id, disabled: true }]]);
    expect(await w.ctl.control("odeus", "state", { agentId: s.state.id })).toMatchObject({ disabled: true });
    expect(await w.stack.host.output(before, /is disabled, not deleted/)).toMatch(/is disabled, not deleted/);
  });

  test("without admin permission (403) destroy removes it from the stack with a warning that it still exists", async () => {
    const s = await w.stack.up(T, "bye-403", { name: "bye" });
    await w.ctl.control("odeus", "admin", { admin: false });
    const before = w.stack.host.stderr.length;
    await expect(w.stack.destroy(T, "bye-403")).resolves.toBeUndefined();
    expect(w.stack.get(T, "bye-403")).toBeUndefined();
    expect(await w.stack.host.output(before, new RegExp(`may not disable agent ${s.state.id} .*still exists and stays active`))).toMatch(new RegExp(`may not disable agent ${s.state.id} .*still exists and stays active`));
    expect(await w.ctl.control("odeus", "state", { agentId: s.state.id })).toMatchObject({ disabled: false });
  });

  test("an agent already gone (404) is removed from the stack with a warning", async () => {
    const s = await w.stack.up(T, "bye-404", { name: "bye" });
    await w.ctl.remove("odeus", "agents", s.state.id);
    const before = w.stack.host.stderr.length;
    await expect(w.stack.destroy(T, "bye-404")).resolves.toBeUndefined();
    expect(await w.stack.host.output(before, /was not found or is not visible to this API key \(404\)/)).toMatch(/was not found or is not visible to this API key \(404\)/);
  });
});

describe("drift per field", () => {
  const edits: [field: string, responseKey: string, outOfBand: unknown][] = [
    ["name", "name", "Renamed in the UI"],
    ["description", "description", "Edited in the UI"],
    ["emoji", "emojiIcon", "🤖"],
    ["instruction", "instruction", "Another prompt"],
    ["model", "model", "gpt-4.1"],
    ["creativity", "temperature", 0.9],
    ["conversationStarters", "conversationStarters", ["Only this"]],
    ["actions", "actions", [{ actionId: ACT1, requiresConfirmation: true, connectionId: null }]],
    ["inputFields", "inputFields", [{ slug: "doc", type: "TEXT", label: "Document", description: "", required: false, order: 0, options: [], fileTypes: null, emailDomain: null }]],
    ["attachments", "attachments", [ATT1, ATT2]],
    ["webSearch", "webSearchEnabled", false],
    ["imageGeneration", "imageGenerationEnabled", false],
    ["dataAnalyst", "codeInterpreterEnabled", false],
    ["inputType", "inputType", "PROMPT"],
    ["canvas", "canvasEnabled", false],
    ["extendedThinking", "extendedThinking", false],
  ];

  beforeAll(async () => {
    await w.stack.up(T, "drift", full);
  });

  test.each(edits)("%s changed out of band is found by refresh, shown alone by preview, and healed by up", async (field, key, value) => {
    const id = idOf("drift");
    await w.ctl.edit("odeus", "published", id, { [key]: value });
    const r = await w.stack.refresh(T, "drift");
    expect(r.changedOutputs).toContain(field);
    const p = await w.stack.plan(T, "drift", full);
    expect(p.op).toBe("update");
    expect(p.diffKeys).toEqual([field]);
    await w.ctl.clear();
    await w.stack.up(T, "drift", full);
    expect((await writes())[0]).toEqual(["PATCH", "/agent/v1/update", { agentId: id, [field]: full[field] }]);
    await w.stack.refresh(T, "drift");
    expect((await w.stack.plan(T, "drift", full)).op).toBe("same");
  });

  test("after up and refresh the preview is same (no perpetual diff)", async () => {
    await w.stack.refresh(T, "drift");
    expect((await w.stack.plan(T, "drift", full)).op).toBe("same");
  });
});

describe("dedicated deployments", () => {
  test("a base URL ending in /api/public is used as given", async () => {
    const host = await Host.start({ ...w.config, "odeus:baseUrl": `${w.emu.baseUrl("odeus")}/api/public` });
    try {
      const st = new Stack(host);
      await st.up(T, "dedicated", { name: "dedicated", publish: false });
      expect((await w.ctl.requests("odeus")).map((r) => r.path)).toEqual(["/api/public/agent/v1/create", "/api/public/agent/v1/get"]);
    } finally {
      await host.stop();
    }
  });
});

describe("validation at check, before any request", () => {
  const ok = { name: "ok" };
  const bad: [string, Props, string, RegExp][] = [
    ["missing name", {}, "name", /is required/],
    ["empty name", { name: "" }, "name", /must not be empty/],
    ["81-character name", { name: "x".repeat(81) }, "name", /at most 80 characters \(got 81\)/],
    ["501-character description", { ...ok, description: "d".repeat(501) }, "description", /at most 500 characters/],
    ["17-character emoji", { ...ok, emoji: "e".repeat(17) }, "emoji", /at most 16 characters/],
    ["40001-character instruction", { ...ok, instruction: "i".repeat(40001) }, "instruction", /at most 40000 characters/],
    ["creativity above 1", { ...ok, creativity: 1.5 }, "creativity", /at most 1/],
    ["creativity below 0", { ...ok, creativity: -0.1 }, "creativity", /at least 0/],
    ["21 conversation starters", { ...ok, conversationStarters: Array.from({ length: 21 }, (_, i) => `s${i}`) }, "conversationStarters", /at most 20 items/],
    ["empty conversation starter", { ...ok, conversationStarters: ["a", ""] }, "conversationStarters[1]", /must not be empty/],
    ["256-character conversation starter", { ...ok, conversationStarters: ["s".repeat(256)] }, "conversationStarters[0]", /at most 255 characters/],
    ["non-UUID actionId", { ...ok, actions: [{ actionId: "send-mail" }] }, "actions[0].actionId", /must be a UUID/],
    ["non-boolean requiresConfirmation", { ...ok, actions: [{ actionId: ACT1, requiresConfirmation: "yes" }] }, "actions[0].requiresConfirmation", /must be a boolean/],
    ["unknown action member", { ...ok, actions: [{ actionId: ACT1, confirm: true }] }, "actions[0]", /unknown property confirm/],
    ["duplicate actionId", { ...ok, actions: [{ actionId: ACT1 }, { actionId: ACT1.toUpperCase() }] }, "actions[1].actionId", /duplicates actions\[0\]/],
    ["non-UUID attachment", { ...ok, attachments: [ATT1, "file.pdf"] }, "attachments[1]", /must be a UUID/],
    ["unknown inputType", { ...ok, inputType: "FORM" }, "inputType", /"PROMPT", "STRUCTURED"/],
    ["unknown input field type", { ...ok, inputFields: [{ slug: "a", type: "COLOR", label: "A" }] }, "inputFields[0].type", /must be one of "TEXT"/],
    ["input field without label", { ...ok, inputFields: [{ slug: "a", type: "TEXT" }] }, "inputFields[0].label", /is required/],
    ["input field with empty slug", { ...ok, inputFields: [{ slug: "", type: "TEXT", label: "A" }] }, "inputFields[0].slug", /must not be empty/],
    ["duplicate slug", { ...ok, inputFields: [{ slug: "a", type: "TEXT", label: "A" }, { slug: "a", type: "DATE", label: "B" }] }, "inputFields[1].slug", /duplicates inputFields\[0\]\.slug/],
    ["SELECT without options", { ...ok, inputFields: [{ slug: "a", type: "SELECT", label: "A" }] }, "inputFields[0].options", /is required for a SELECT field/],
    ["MULTI_SELECT with no options", { ...ok, inputFields: [{ slug: "a", type: "MULTI_SELECT", label: "A", options: [] }] }, "inputFields[0].options", /is required for a MULTI_SELECT field/],
    ["negative order", { ...ok, inputFields: [{ slug: "a", type: "TEXT", label: "A", order: -1 }] }, "inputFields[0].order", /at least 0/],
    ["non-boolean webSearch", { ...ok, webSearch: "on" }, "webSearch", /must be a boolean/],
    ["non-boolean publish", { ...ok, publish: "yes" }, "publish", /must be a boolean/],
    ["empty model", { ...ok, model: "" }, "model", /must not be empty/],
  ];
  test.each(bad)("%s fails at check", async (_, inputs, property, reason) => {
    const err = (await w.stack.plan(T, "bad", inputs).catch((e) => e)) as CheckError;
    expect(err).toBeInstanceOf(CheckError);
    expect(err.failures).toEqual([{ property, reason: expect.stringMatching(reason) }]);
    expect(await w.ctl.requests("odeus")).toEqual([]);
  });

  test("the limits themselves pass", async () => {
    const edge = {
      name: "n".repeat(80), description: "d".repeat(500), emoji: "e".repeat(16), instruction: "i".repeat(40000), creativity: 1,
      conversationStarters: Array.from({ length: 20 }, () => "s".repeat(255)),
      inputFields: [{ slug: "a", type: "MULTI_SELECT", label: "A", options: ["x"] }], inputType: "STRUCTURED",
    };
    expect((await w.stack.plan(T, "edge", edge)).op).toBe("create");
  });
});
