/**
 * everruns.Agent (seed 002, api/everruns.md). PATCH /v1/agents/{id} is the seed; create through the
 * idempotent upsert PUT /v1/agents/{id}, GET and DELETE (archive) are from the server source and its
 * OpenAPI. Every path of the resource is in this file.
 *
 * Quirks that shape the table: PATCH reads `null` as "no change", so `description` is cleared with
 * `""` and `default_model_id` cannot be cleared at all (removing it replaces the agent); `tags` and
 * `capabilities` are replaced wholesale and `[]` clears them; DELETE only archives, and an archived
 * agent still answers GET, so reading one means "gone".
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { defineResource, f, type Ctx, type Wire } from "../core/fields";
import { quote } from "../core/check";
import { chars, maxBytes } from "../core/strings";
import { isObject } from "../core/values";
import { ApiError } from "../http/errors";
import { loose, maybe } from "../core/answers";

export const AGENT_ID = /^agent_[0-9a-f]{32}$/;
/**
 * `model_<32 hex>` (api/everruns.md). The seed's own example, `model_01933b5a00007000800000000000001`,
 * has 31 digits; where the sources disagree the seed wins, so 31 are accepted too.
 */
export const MODEL_ID = /^model_[0-9a-f]{31,32}$/;
export const LIMITS = {
  nameChars: 255,
  descriptionBytes: 10 * 1024,
  systemPromptBytes: 1024 * 1024,
  capabilities: 250,
  refChars: 50,
};

const path = (id: string) => `/v1/agents/${encodeURIComponent(id)}`;

/** The agent as the API returns it (OpenAPI `Agent`, api/everruns.md): what the provider reads, typed. */
const answer = loose({
  id: z.string().regex(AGENT_ID),
  name: z.string(),
  system_prompt: z.string(),
  description: maybe(z.string()),
  default_model_id: maybe(z.string()),
  capabilities: maybe(z.array(loose({ ref: z.string(), config: maybe(z.record(z.string(), z.unknown())) }))),
  tags: maybe(z.array(z.string())),
  status: z.string(),
  created_at: maybe(z.string()),
  updated_at: maybe(z.string()),
});

/** A new agent id shaped like the server's own (UUIDv7: time-ordered, 74 random bits). */
export function newAgentId(now = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  return `agent_${b.toString("hex")}`;
}


const capability = z.strictObject({
  /** Reference to the capability ID, e.g. `current_time`, `web_fetch`, `mcp:<server-uuid>`. */
  ref: chars(1, LIMITS.refChars), // characters as the VARCHAR(50) column counts them: code points
  /** Per-agent configuration for this capability (capability-specific). */
  config: z.looseObject({}).optional(),
});
type Capability = { ref: string; config?: Record<string, unknown> };

const emptyConfig = (c: unknown) => c === undefined || c === null || (isObject(c) && Object.keys(c).length === 0);
/** Compare capabilities with a missing or null config as `{}` (what reads back for one is not documented). */
const normalizeCapabilities = (v: unknown) =>
  Array.isArray(v) ? v.map((c) => (isObject(c) ? { ref: c.ref, config: emptyConfig(c.config) ? {} : c.config } : c)) : (v ?? []);
/** Read back in the shape a program writes: an empty config is left out. */
const capabilitiesFromWire = (v: unknown) =>
  Array.isArray(v) ? v.map((c) => (isObject(c) ? (emptyConfig(c.config) ? { ref: c.ref } : { ref: c.ref, config: c.config }) : c)) : v;

export const agent = defineResource({
  platform: "everruns",
  type: "Agent",
  doc:
    "An Everruns agent: the behaviour (system prompt, default model) and capabilities of an AI assistant. " +
    "Deleting it archives it; its id stays taken.",
  // A replacement that keeps a caller-chosen id must archive the old agent before the upsert revives it.
  uniqueName: "agentId",
  fields: {
    name: f.scalar(
      chars(1, LIMITS.nameChars),
      "The name of the agent. Used for display purposes. 1-255 characters.",
      { required: true },
    ),
    systemPrompt: f.text(
      maxBytes(LIMITS.systemPromptBytes, "1 MiB"),
      "The system prompt that defines the agent's behavior and capabilities. Sent as the first message in every " +
        "conversation. At most 1 MiB of UTF-8. Compared exactly, except for one trailing newline.",
      { required: true, wire: "system_prompt" },
    ),
    description: f.scalar(
      maxBytes(LIMITS.descriptionBytes, "10 KiB"),
      "A human-readable description of what the agent does. At most 10 KiB of UTF-8. Removing it sends `\"\"` " +
        "(the API cannot set it back to null); `\"\"`, null and unset are the same description.",
      { onRemove: { send: "" }, normalize: (v: unknown) => v ?? "" },
    ),
    defaultModelId: f.scalar(
      z.string().regex(MODEL_ID, "must be model_ followed by 32 lowercase hex digits"),
      "The ID of the default LLM model to use for this agent (`model_<32 hex>`); sessions can override it. " +
        "Unset means the system default model. Everruns cannot unset it on an existing agent: removing it " +
        "from the program replaces the agent.",
      { wire: "default_model_id", onRemove: { replace: true } },
    ),
    capabilities: f.list(
      z.array(capability).max(LIMITS.capabilities),
      "Capabilities to enable for this agent, each a `ref` (capability ID, 1-50 characters, unique within the " +
        "agent) with an optional per-agent `config`. Order is kept and matters. At most 250. Sent whole; " +
        "removing the list sends `[]`.",
      { onRemove: { send: [] }, normalize: normalizeCapabilities, fromWire: capabilitiesFromWire, identity: { key: (c) => String(c.ref), keyLabel: "ref" } },
    ),
    tags: f.set(
      z.array(z.string()),
      "Tags for organizing and filtering agents. Compared as a set: reordering them is no change. Sent whole; " +
        "removing the list sends `[]`.",
      { onRemove: { send: [] }, normalize: (v: unknown) => v ?? [] },
    ),
    agentId: f.forceNew(
      z.string().regex(AGENT_ID, "must be agent_ followed by 32 lowercase hex digits"),
      "The agent's id (`agent_<32 lowercase hex>`), chosen by the caller; generated when unset. The create is an " +
        "idempotent upsert on this id. Changing it replaces the agent. An archived agent keeps its id, so reusing " +
        "the id of a deleted agent revives that agent.",
      { wire: "id", read: "id" },
    ),
    status: f.computed("Current lifecycle status of the agent: `active` (an archived agent reads as deleted)."),
    createdAt: f.computed("Timestamp when the agent was created.", { read: "created_at" }),
    updatedAt: f.computed("Timestamp when the agent was last updated.", { read: "updated_at" }),
    // The schema only types the output; the member names of the server's TokenUsage are not documented.
    usage: {
      ...f.computed("Token totals accumulated across sessions (null until there are any): counts by kind (input, output, cache read, cache creation). Changes on its own; never a diff."),
      schema: z.record(z.string(), z.number()).nullable(),
    },
  },
  rules: (inputs, fail) => {
    // Two entries with the same ref break the server's UNIQUE(agent_id, capability_id): a bare 500.
    const first = new Map<string, number>();
    (Array.isArray(inputs.capabilities) ? (inputs.capabilities as Capability[]) : []).forEach((c, i) => {
      if (!isObject(c) || typeof c.ref !== "string") return;
      const j = first.get(c.ref);
      if (j === undefined) first.set(c.ref, i);
      else fail(`capabilities[${i}].ref`, `duplicates capabilities[${j}].ref (${quote(c.ref)}): each capability can be enabled once per agent`);
    });
  },
  idOf: (b) => String(b.id ?? ""),
  validateId: (id) => (AGENT_ID.test(id) ? undefined : "an Everruns agent id is agent_ followed by 32 lowercase hex digits"),
  // The id is chosen before the PUT: an unconfirmed create is recorded under it and finished by the
  // next `up` with the same idempotent PUT.
  recover: { by: "id", find: (ctx, attempt) => (attempt.id ? get(ctx, attempt.id) : Promise.resolve(undefined)) },
  api: {
    async create(ctx, body, _inputs, attempt) {
      const { id: given, ...fields } = body;
      const id = typeof given === "string" ? given : (attempt.id ?? newAgentId());
      attempt.id = id;
      // PUT is idempotent, so a 500 (or a lost answer) is retried on the same id: never a second agent.
      const res = await send(ctx, "PUT", id, fields, [500]);
      return res.status === 200 ? reviveExisting(ctx, id, fields, res.body as Wire) : (res.body as Wire);
    },
    read: (ctx, id) => get(ctx, id),
    async update(ctx, id, body) {
      const res = (await send(ctx, "PATCH", id, body)).body as Wire;
      // PATCH has no status filter: it also changes an archived agent, which reads as deleted.
      if (res.status === "archived") {
        throw new Error(
          `everruns: agent ${id} is archived (deleted outside Pulumi), so the update did not reach an active agent. ` +
            "Run `pulumi refresh` to drop it from the stack, then `pulumi up` to create it again (with the same agentId, the upsert revives it).",
        );
      }
      return res;
    },
    async delete(ctx, id) {
      // 404: missing, or archived already.
      await ctx.http.request("DELETE", path(id), { accept: [404] });
    },
  },
});

/** GET; 404 and an archived agent read as gone (DELETE only archives, api/everruns.md). */
async function get(ctx: Ctx, id: string): Promise<Wire | undefined> {
  const res = await ctx.http.request("GET", path(id), { accept: [404], expect: answer });
  const body = res.body as Wire;
  return res.status === 404 || body.status === "archived" ? undefined : body;
}

async function send(ctx: Ctx, method: "PUT" | "PATCH", id: string, body: Wire, retryStatuses?: number[]) {
  try {
    return await ctx.http.request(method, path(id), { body, retryStatuses, expect: answer });
  } catch (e) {
    throw explain(e, body);
  }
}

/**
 * The upsert answered 200: the id existed. Either a retried create of ours, or an agent created
 * before with this agentId (archived by a delete or a replacement). PUT cannot clear capabilities
 * on an existing agent, and may leave it archived: finish with one PATCH where needed.
 */
async function reviveExisting(ctx: Ctx, id: string, sent: Wire, got: Wire): Promise<Wire> {
  const patch: Wire = {};
  if (got.status === "archived") patch.status = "active";
  const sentCaps = (sent.capabilities as unknown[] | undefined) ?? [];
  if (sentCaps.length === 0 && Array.isArray(got.capabilities) && got.capabilities.length > 0) patch.capabilities = [];
  if (sent.default_model_id === undefined && got.default_model_id) {
    ctx.warn(
      `agent ${id} existed already and keeps default_model_id ${got.default_model_id}, which Everruns cannot unset; ` +
        `to get an agent on the system default model, give it a new agentId.`,
    );
  }
  return Object.keys(patch).length ? ((await send(ctx, "PATCH", id, patch)).body as Wire) : got;
}

/** Adds what the server's deliberately vague errors usually mean. */
function explain(e: unknown, body: Wire): unknown {
  if (!(e instanceof ApiError)) return e;
  if (e.status === 400 && /exceeds allowed limits/i.test(e.serverMessage)) {
    e.message +=
      " (Everruns does not say which field: the limits are name 2 KiB, description 10 KiB, system prompt 1 MiB, " +
      "250 capabilities, capability refs 50 characters)";
  } else if (e.status === 500 && body.default_model_id !== undefined) {
    e.message += ` (a default_model_id that does not exist on this server, ${JSON.stringify(body.default_model_id)}, fails this way: list the models with GET /v1/llm-models)`;
  }
  return e;
}
