/**
 * Odeus agent API (seed 001 and api/odeus.md): `Authorization: Bearer` auth, `{status, message, agent}`
 * envelopes, errors carrying `message` (or `error` for permission problems), the prose table's limits,
 * and the draft/published split: create and update change the draft; get returns the published version,
 * or the draft when the agent was never published; publish answers 409 when there is nothing to publish.
 * Every route is also served under `/api/public` (dedicated deployments).
 *
 * Collections (out-of-band edits through `/_emulator/objects/odeus/<collection>/<id>`): `agents` holds the
 * drafts, `published` the published versions, both in response shape (`emojiIcon`, `temperature`, ...).
 *
 * Controls (`POST /_emulator/odeus/<action>`):
 * - `publishing` `{enabled}`: false makes `POST /agent/v1/publish` answer 404, as on a server without it.
 * - `admin` `{admin}`: false makes disable answer 403 (the key is not an admin).
 * - `access` `{agentId, revoked}`: the key loses (or regains) access to one agent: 403 on get, update, publish.
 * - `publishDraft` `{agentId}`: what a person publishing from the Odeus UI does.
 */
import { randomUUID } from "node:crypto";
import type { EmuRequest, EmuResponse, Handler, PlatformContext, PlatformModule } from "./server";

type Rec = Record<string, unknown>;
const fail = (status: number, message: string): EmuResponse => ({ status, body: { status: "error", message } });
const denied = (message: string): EmuResponse => ({ status: 403, body: { error: message } });
const isUuid = (v: unknown) => typeof v === "string" && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
/** Limits are documented in characters: counted as code points (an emoji is one character). */
const isStr = (v: unknown, min: number, max: number) => typeof v === "string" && [...v].length >= min && [...v].length <= max;

export const ODEUS_MODELS = ["gpt-5", "gpt-4.1", "claude-sonnet-4-5", "mistral-large"];
const FIELD_TYPES = ["TEXT", "MULTI_LINE_TEXT", "NUMBER", "CHECKBOX", "FILE", "SELECT", "MULTI_SELECT", "DATE", "EMAIL"];
const BOOLEANS: Record<string, string> = {
  webSearch: "webSearchEnabled", imageGeneration: "imageGenerationEnabled", dataAnalyst: "codeInterpreterEnabled",
  canvas: "canvasEnabled", extendedThinking: "extendedThinking",
};
const KNOWN = ["name", "description", "emoji", "instruction", "model", "creativity", "conversationStarters", "actions", "inputFields", "attachments", "inputType", ...Object.keys(BOOLEANS)];

/** The first problem with a create or update body (the prose table), or undefined. */
function problem(b: Rec, create: boolean): string | undefined {
  const unknown = Object.keys(b).filter((k) => !KNOWN.includes(k) && !(k === "agentId" && !create));
  if (unknown.length) return `Unknown field(s): ${unknown.join(", ")}`;
  if ((create || "name" in b) && !isStr(b.name, 1, 80)) return "Name must be between 1-80 characters";
  if ("description" in b && !isStr(b.description, 0, 500)) return "Description must be at most 500 characters";
  if ("emoji" in b && b.emoji !== null && !isStr(b.emoji, 0, 16)) return "Emoji must be at most 16 characters";
  if ("instruction" in b && !isStr(b.instruction, 0, 40000)) return "Instruction must be at most 40000 characters";
  if ("model" in b && !ODEUS_MODELS.includes(b.model as string)) return `Model ${JSON.stringify(b.model)} is not in the workspace's active models`;
  if ("creativity" in b && (typeof b.creativity !== "number" || b.creativity < 0 || b.creativity > 1)) return "Creativity must be between 0 and 1";
  if ("conversationStarters" in b) {
    const c = b.conversationStarters;
    if (!Array.isArray(c) || c.length > 20 || !c.every((s) => isStr(s, 1, 255))) return "conversationStarters: at most 20, each 1-255 characters";
  }
  if ("actions" in b) {
    const a = b.actions;
    if (!Array.isArray(a) || !a.every((x) => x && isUuid(x.actionId) && (x.requiresConfirmation === undefined || typeof x.requiresConfirmation === "boolean"))) {
      return "actions: each needs an actionId (uuid) and an optional boolean requiresConfirmation";
    }
  }
  if ("inputFields" in b) {
    const f = b.inputFields;
    if (!Array.isArray(f)) return "inputFields must be an array";
    const slugs = new Set<unknown>();
    for (const x of f as Rec[]) {
      if (!x || !isStr(x.slug, 1, 64) || slugs.has(x.slug)) return "inputFields: each needs a unique slug";
      slugs.add(x.slug);
      if (!FIELD_TYPES.includes(x.type as string)) return `inputFields: unknown type ${JSON.stringify(x.type)}`;
      if (!isStr(x.label, 1, 255)) return "inputFields: each needs a label";
      if ((x.type === "SELECT" || x.type === "MULTI_SELECT") && !(Array.isArray(x.options) && x.options.length)) return "inputFields: select fields need options";
    }
  }
  if ("attachments" in b && !(Array.isArray(b.attachments) && b.attachments.every(isUuid))) return "attachments must be attachment UUIDs";
  if ("inputType" in b && !["PROMPT", "STRUCTURED"].includes(b.inputType as string)) return 'inputType must be "PROMPT" or "STRUCTURED"';
  for (const k of Object.keys(BOOLEANS)) if (k in b && typeof b[k] !== "boolean") return `${k} must be a boolean`;
  return undefined;
}

/** Request fields -> the stored agent in response shape. */
function apply(agent: Rec, b: Rec): void {
  if ("name" in b) agent.name = b.name;
  if ("description" in b) agent.description = b.description;
  if ("instruction" in b) agent.instruction = b.instruction;
  if ("emoji" in b) agent.emojiIcon = b.emoji; // only null clears it (seed): "" is stored as sent
  if ("model" in b) agent.model = b.model;
  if ("creativity" in b) agent.temperature = b.creativity;
  if ("inputType" in b) agent.inputType = b.inputType;
  if ("conversationStarters" in b) agent.conversationStarters = b.conversationStarters;
  if ("attachments" in b) agent.attachments = b.attachments;
  for (const [k, r] of Object.entries(BOOLEANS)) if (k in b) agent[r] = b[k];
  if ("actions" in b) {
    agent.actions = (b.actions as Rec[]).map((a) => ({ actionId: a.actionId, requiresConfirmation: a.requiresConfirmation ?? true, connectionId: null }));
  }
  if ("inputFields" in b) {
    agent.inputFields = (b.inputFields as Rec[]).map((x, i) => ({
      slug: x.slug, type: x.type, label: x.label, description: x.description ?? "", required: x.required ?? false,
      order: x.order ?? i, options: x.options ?? [], fileTypes: x.fileTypes ?? null, emailDomain: x.emailDomain ?? null,
    }));
  }
}

const drafts = (c: PlatformContext) => c.store.collection("agents");
const published = (c: PlatformContext) => c.store.collection("published");
const meta = (c: PlatformContext, id: string) => {
  const m = c.store.collection("meta");
  let x = m.get(id);
  if (!x) m.set(id, (x = { dirty: true, revoked: false, disabled: false, version: 0 }));
  return x;
};
const settings = (c: PlatformContext) => {
  const s = c.store.collection("settings");
  let x = s.get("global");
  if (!x) s.set("global", (x = { publishing: true, admin: true }));
  return x;
};
const copy = <T>(v: T): T => structuredClone(v);
const body = (req: EmuRequest): Rec => (req.body && typeof req.body === "object" ? (req.body as Rec) : {});

/** The agent a request names, or the error to answer with (400 bad id, 404 unknown, 403 no access). */
function target(c: PlatformContext, agentId: unknown): { id: string; draft: Rec } | EmuResponse {
  if (!isUuid(agentId)) return fail(400, "agentId must be a valid UUID");
  const id = String(agentId);
  const draft = drafts(c).get(id);
  if (!draft) return fail(404, "Agent not found");
  if (meta(c, id).revoked) return denied("Insufficient permissions - no access to this agent");
  return { id, draft };
}
const isResponse = (x: unknown): x is EmuResponse => typeof (x as EmuResponse).status === "number";

function publish(c: PlatformContext, id: string): EmuResponse {
  const m = meta(c, id);
  if (!m.dirty) return fail(409, "Nothing to publish: the draft has no changes");
  published(c).set(id, copy(drafts(c).get(id)!));
  m.dirty = false;
  m.version = Number(m.version) + 1;
  return { status: 200, body: { status: "success", message: "Agent published successfully", version: { id: randomUUID(), version: m.version, createdAt: c.now() } } };
}

const routes: [string, string, Handler][] = [
  ["POST", "/agent/v1/create", (req, c) => {
    const b = body(req);
    const bad = problem(b, true);
    if (bad) return fail(400, bad);
    const now = c.now();
    const agent: Rec = {
      id: randomUUID(), name: b.name, description: "", instruction: "", emojiIcon: null, model: ODEUS_MODELS[0], temperature: 0.3,
      conversationStarters: [], inputType: "PROMPT", webSearchEnabled: false, imageGenerationEnabled: false,
      codeInterpreterEnabled: false, canvasEnabled: false, extendedThinking: false, actions: [], inputFields: [], attachments: [],
      createdAt: now, updatedAt: now,
    };
    apply(agent, b);
    drafts(c).set(String(agent.id), agent);
    meta(c, String(agent.id));
    return { status: 201, body: { status: "success", message: "Agent created successfully", agent: copy(agent) } };
  }],
  ["GET", "/agent/v1/get", (req, c) => {
    const t = target(c, req.query.get("agentId"));
    if (isResponse(t)) return t;
    return { status: 200, body: { status: "success", agent: copy(published(c).get(t.id) ?? t.draft) } };
  }],
  ["PATCH", "/agent/v1/update", (req, c) => {
    const b = body(req);
    const t = target(c, b.agentId);
    if (isResponse(t)) return t;
    const bad = problem(b, false);
    if (bad) return fail(400, bad);
    apply(t.draft, b);
    t.draft.updatedAt = c.now();
    meta(c, t.id).dirty = true;
    return { status: 200, body: { status: "success", message: "Agent updated successfully", agent: copy(t.draft) } };
  }],
  ["POST", "/agent/v1/publish", (req, c) => {
    if (!settings(c).publishing) return { status: 404, body: { message: "Not found" } };
    const b = body(req);
    const t = target(c, b.agentId);
    if (isResponse(t)) return t;
    if (b.description !== undefined && !isStr(b.description, 0, 100)) return fail(400, "description must be at most 100 characters");
    return publish(c, t.id);
  }],
  ["PATCH", "/agent/v1/disable", (req, c) => {
    const b = body(req);
    if (!isUuid(b.agentId)) return fail(400, "agentId must be a valid UUID");
    if (typeof b.disabled !== "boolean") return fail(400, "disabled must be a boolean");
    const id = String(b.agentId);
    if (!drafts(c).has(id) || meta(c, id).revoked) return fail(404, "Agent not found");
    if (!settings(c).admin) return denied("Admin permission required to disable agents");
    meta(c, id).disabled = b.disabled;
    return { status: 200, body: { status: "success", message: b.disabled ? "Agent disabled" : "Agent enabled" } };
  }],
  ["GET", "/agent/v1/models", () => ({
    status: 200,
    body: { object: "list", data: ODEUS_MODELS.map((id) => ({ id, object: "model", created: 0, region: "global", supportsExtendedThinking: id === "gpt-5" })) },
  })],
];

const controls: Record<string, Handler> = {
  publishing: (req, c) => ((settings(c).publishing = body(req).enabled !== false), { status: 204 }),
  admin: (req, c) => ((settings(c).admin = body(req).admin !== false), { status: 204 }),
  access: (req, c) => {
    const id = String(body(req).agentId);
    if (!drafts(c).has(id)) return fail(404, "Agent not found");
    meta(c, id).revoked = body(req).revoked !== false;
    return { status: 204 };
  },
  publishDraft: (req, c) => {
    const id = String(body(req).agentId);
    return drafts(c).has(id) ? publish(c, id) : fail(404, "Agent not found");
  },
  /** Whether an agent is disabled (disable has no readable trace in the agent object). */
  state: (req, c) => ({ status: 200, body: copy(meta(c, String(body(req).agentId))) }),
};

export const odeusModule: PlatformModule = {
  name: "odeus",
  defaultKey: "odeus-test-key",
  auth: (req: EmuRequest, key) =>
    key && req.headers.authorization !== `Bearer ${key}` ? { status: 401, body: { error: "Invalid or missing API key" } } : undefined,
  routes: [...routes, ...routes.map(([m, p, h]): [string, string, Handler] => [m, `/api/public${p}`, h])],
  controls,
  collections: ["agents", "published"],
};
