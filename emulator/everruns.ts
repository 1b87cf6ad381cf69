/**
 * Everruns agents API (seed 002 and api/everruns.md): `Authorization: ApiKey <key>` (or the bare key)
 * when a key is configured and no auth otherwise, `{error}` bodies, typed-body rejections as axum's
 * plain-text 422, the generic 400 "Input exceeds allowed limits", database errors as a bare 500
 * (duplicate capability refs, unknown model ids, over-wide columns), archive-only DELETE, the PUT
 * upsert (201 created / 200 replaced, empty capabilities kept) and WithUrls hypermedia fields.
 *
 * Controls (`POST /_emulator/everruns/<action>`):
 * - `fail-after-write` `{count}`: the next `count` PUT/POST/PATCH calls apply, then answer 500
 *   (an answer lost after the write: what makes a non-idempotent create dangerous).
 * - `put-mode` `{unarchive?, keepOmitted?}`: how PUT treats an existing agent where the real server's
 *   behaviour is not known: whether it un-archives (default true) and whether it keeps omitted
 *   `description` / `default_model_id` (default false: they become null).
 */
import { randomBytes } from "node:crypto";
import type { EmuRequest, EmuResponse, Handler, PlatformContext, PlatformModule } from "./server";

const AGENT_ID = /^agent_[0-9a-f]{32}$/;
const MODEL_ID = /^model_[0-9a-f]{32}$/;
const HEX = (n: number) => n.toString(16).padStart(32, "0");
/** Models every emulator starts with (well-known id ranges: 0x2xx OpenAI, 0x3xx Anthropic). */
export const EVERRUNS_MODELS: Record<string, string> = {
  [`model_${HEX(0x201)}`]: "gpt-4o",
  [`model_${HEX(0x202)}`]: "gpt-4o-mini",
  [`model_${HEX(0x301)}`]: "claude-sonnet-4",
};

const err = (status: number, error: string): EmuResponse => ({ status, body: { error } });
/** axum's `Json` extractor rejects a body that does not fit the typed DTO before the handler runs. */
const unprocessable = (why: string): EmuResponse => ({ status: 422, body: `Failed to deserialize the JSON body into the target type: ${why}` });
const LIMITS = err(400, "Input exceeds allowed limits");
const DB_ERROR = err(500, "Internal server error");
const NOT_FOUND = err(404, "Agent not found");

type Agent = Record<string, unknown>;
type Body = Record<string, unknown>;
const agents = (c: PlatformContext) => c.store.collection("agents");
const setting = (c: PlatformContext, name: string) => c.store.collection("controls").get(name) ?? {};
const bytes = (s: unknown) => (typeof s === "string" ? Buffer.byteLength(s, "utf8") : 0);
const models = (c: PlatformContext) => {
  const m = c.store.collection("models");
  if (!m.size) for (const [id, name] of Object.entries(EVERRUNS_MODELS)) m.set(id, { id, model_id: name, display_name: name, status: "active" });
  return m;
};

function newId(): string {
  const b = randomBytes(16);
  b.writeUIntBE(Date.now(), 0, 6);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  return `agent_${b.toString("hex")}`;
}

const isStr = (v: unknown) => typeof v === "string";
const optional = (b: Body, k: string, ok: (v: unknown) => boolean) => b[k] === undefined || b[k] === null || ok(b[k]);

/**
 * The request body against the DTO (422), the API limits (400) and what the database would refuse (500).
 * `kind`: create (POST), upsert (PUT) or update (PATCH).
 */
function problem(b: Body, kind: "create" | "upsert" | "update", c: PlatformContext): EmuResponse | undefined {
  if (typeof b !== "object" || b === null || Array.isArray(b)) return unprocessable("expected a JSON object");
  if (kind !== "update") {
    if (!isStr(b.name)) return unprocessable("missing or invalid field `name`");
    if (!isStr(b.system_prompt)) return unprocessable("missing or invalid field `system_prompt`");
  }
  for (const k of ["name", "system_prompt", "description"]) if (!optional(b, k, isStr)) return unprocessable(`${k}: invalid type, expected a string`);
  if (!optional(b, "default_model_id", (v) => isStr(v) && MODEL_ID.test(v as string))) return unprocessable("default_model_id: invalid model id");
  if (kind === "create" && !optional(b, "id", (v) => isStr(v) && AGENT_ID.test(v as string))) return unprocessable("id: invalid agent id");
  if (kind === "update" && !optional(b, "status", (v) => v === "active" || v === "archived")) return unprocessable("status: unknown variant, expected `active` or `archived`");
  if (!optional(b, "tags", (v) => Array.isArray(v) && v.every(isStr))) return unprocessable("tags: invalid type, expected a sequence of strings");
  const capsOk = (v: unknown) =>
    Array.isArray(v) && v.every((x) => typeof x === "object" && x !== null && !Array.isArray(x) && isStr((x as Body).ref));
  if (!optional(b, "capabilities", capsOk)) return unprocessable("capabilities: each item needs a string `ref`");
  // API validation: a generic message that never names the field.
  const caps = (b.capabilities as Body[] | null | undefined) ?? [];
  if (bytes(b.name) > 2048 || bytes(b.description) > 10 * 1024 || bytes(b.system_prompt) > 1024 * 1024 || caps.length > 250) return LIMITS;
  // Database: VARCHAR(255) name, VARCHAR(50) capability id, UNIQUE(agent_id, capability_id), FK to llm_models.
  if (isStr(b.name) && [...(b.name as string)].length > 255) return DB_ERROR;
  if (caps.some((x) => [...String(x.ref)].length > 50)) return DB_ERROR;
  if (new Set(caps.map((x) => x.ref)).size !== caps.length) return DB_ERROR;
  if (isStr(b.default_model_id) && !models(c).has(b.default_model_id as string)) return DB_ERROR;
  return undefined;
}

const caps = (v: unknown) => ((v as Body[] | undefined) ?? []).map((x) => ({ ref: x.ref, config: x.config ?? {} }));

/** Responses carry the WithUrls hypermedia fields and `tools` of later server versions. */
const view = (a: Agent): Body => ({
  ...a,
  tools: [],
  self_url: `/v1/agents/${a.id}`,
  view_url: `/agents/${a.id}`,
  ui_link: `/ui/agents/${a.id}`,
  allowed_actions: a.status === "archived" ? ["restore"] : ["update", "archive", "copy", "export"],
});

/** Applies `fail-after-write`: the write happened, the answer says 500. */
function answer(c: PlatformContext, r: EmuResponse): EmuResponse {
  const f = setting(c, "failAfterWrite") as { count?: number };
  if ((f.count ?? 0) > 0) {
    f.count!--;
    return DB_ERROR;
  }
  return r;
}

function newAgent(c: PlatformContext, id: string, b: Body): Agent {
  const now = c.now();
  const a: Agent = {
    id, name: b.name, description: b.description ?? null, system_prompt: b.system_prompt,
    default_model_id: b.default_model_id ?? null, capabilities: caps(b.capabilities), tags: b.tags ?? [],
    status: "active", created_at: now, updated_at: now, usage: null,
  };
  agents(c).set(id, a);
  return a;
}

const badId = (id: string) => (AGENT_ID.test(id) ? undefined : err(400, `Invalid agent ID: ${id}`));
const body = (req: EmuRequest) => (req.body ?? {}) as Body;

const routes: [string, string, Handler][] = [
  ["POST", "/v1/agents", (req, c) => {
    const b = body(req);
    const bad = problem(b, "create", c);
    if (bad) return bad;
    if (isStr(b.id) && agents(c).has(b.id as string)) return err(409, "Agent with this ID already exists");
    return answer(c, { status: 201, body: view(newAgent(c, (b.id as string) ?? newId(), b)) });
  }],
  ["PUT", "/v1/agents/:id", (req, c) => {
    const id = req.params.id;
    const b = body(req);
    const bad = badId(id) ?? problem(b, "upsert", c);
    if (bad) return bad;
    const a = agents(c).get(id);
    if (!a) return answer(c, { status: 201, body: view(newAgent(c, id, b)) });
    const mode = setting(c, "putMode") as { unarchive?: boolean; keepOmitted?: boolean };
    a.name = b.name;
    a.system_prompt = b.system_prompt;
    for (const k of ["description", "default_model_id"]) if (b[k] !== undefined || !mode.keepOmitted) a[k] = b[k] ?? null;
    a.tags = b.tags ?? [];
    // Quirk (confirmed): on an existing agent, empty or omitted capabilities keep the stored ones.
    if (Array.isArray(b.capabilities) && b.capabilities.length) a.capabilities = caps(b.capabilities);
    if (mode.unarchive !== false) a.status = "active";
    a.updated_at = c.now();
    return answer(c, { status: 200, body: view(a) });
  }],
  ["GET", "/v1/agents", (req, c) => {
    const q = req.query.get("search")?.toLowerCase();
    const data = [...agents(c).values()]
      .filter((a) => a.status === "active")
      .filter((a) => !q || String(a.name).toLowerCase().includes(q) || String(a.description ?? "").toLowerCase().includes(q))
      .reverse() // newest first
      .map(view);
    return { status: 200, body: { data } };
  }],
  ["GET", "/v1/agents/:id", (req, c) => {
    const bad = badId(req.params.id);
    if (bad) return bad;
    const a = agents(c).get(req.params.id); // archived agents are returned too
    return a ? { status: 200, body: view(a) } : NOT_FOUND;
  }],
  ["PATCH", "/v1/agents/:id", (req, c) => {
    const b = body(req);
    const bad = badId(req.params.id) ?? problem(b, "update", c);
    if (bad) return bad;
    const a = agents(c).get(req.params.id); // no status filter: archived agents can be updated (and restored)
    if (!a) return NOT_FOUND;
    // `col = COALESCE($n, col)`: null and omitted both mean "no change".
    for (const k of ["name", "description", "system_prompt", "default_model_id", "tags", "status"]) if (b[k] !== undefined && b[k] !== null) a[k] = b[k];
    if (Array.isArray(b.capabilities)) a.capabilities = caps(b.capabilities);
    a.updated_at = c.now();
    return answer(c, { status: 200, body: view(a) });
  }],
  ["DELETE", "/v1/agents/:id", (req, c) => {
    const bad = badId(req.params.id);
    if (bad) return bad;
    const a = agents(c).get(req.params.id);
    // `UPDATE ... SET status='archived' WHERE ... AND status='active'`: no hard delete; archived again is 404.
    if (!a || a.status !== "active") return NOT_FOUND;
    a.status = "archived";
    a.updated_at = c.now();
    return { status: 204 };
  }],
  ["GET", "/v1/llm-models", (_req, c) => ({ status: 200, body: { data: [...models(c).values()] } })],
];

export const everrunsModule: PlatformModule = {
  name: "everruns",
  defaultKey: "evr_emulator_test_key",
  auth: (req: EmuRequest, key) => {
    if (!key) return undefined; // AUTH_MODE=none
    const h = req.headers.authorization;
    if (!h) return err(401, "Authentication required");
    const presented = h.startsWith("ApiKey ") ? h.slice("ApiKey ".length) : h; // `ApiKey evr_...` or the bare key
    return presented === key ? undefined : err(401, "Unauthorized");
  },
  routes,
  controls: {
    "fail-after-write": (req, c) => {
      c.store.collection("controls").set("failAfterWrite", { count: Number((req.body as Body)?.count ?? 1) });
      return { status: 204 };
    },
    "put-mode": (req, c) => {
      c.store.collection("controls").set("putMode", { ...(req.body as Body) });
      return { status: 204 };
    },
  },
  collections: ["agents"],
};
