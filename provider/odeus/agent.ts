/**
 * odeus.Agent (seed 001 "Agent Update API", api/odeus.md). Create, get and update are documented; the
 * prose parameter table and the response format are the current API (the seed's OpenAPI block is the
 * legacy Assistants schema: other names, other limits). Publish and disable come from the Langdock pages
 * that Odeus white-labels and are inferred for Odeus.
 *
 * Drafts: update writes the draft and get returns the published version. With `publish` (default true)
 * the provider publishes after every write. Without publishing, fields whose published value lags the
 * applied draft are listed in the `unpublished` output with a fingerprint of the lagging published
 * value; read reports the applied value for them until that published value changes.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { defineResource, f, type Ctx, type FieldSpec, type Wire } from "../core/fields";
import { norm } from "../core/plan";
import { quote } from "../core/check";
import { chars } from "../core/strings";
import { serverValue } from "../core/state";
import { canonical, isObject } from "../core/values";
import { ApiError } from "../http/errors";
import { loose, mayHaveActed, maybe } from "../core/answers";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuid = z.string().regex(UUID_RE, { message: "must be a UUID" });
const A = "/agent/v1";
/** The body key under which the provider hands the `unpublished` output to the core (never sent). */
const PENDING = "__unpublished";

/** Input field types (api/odeus.md, from a third-party client; the official list was not retrieved). */
export const INPUT_FIELD_TYPES = ["TEXT", "MULTI_LINE_TEXT", "NUMBER", "CHECKBOX", "FILE", "SELECT", "MULTI_SELECT", "DATE", "EMAIL"] as const;
const SELECT_TYPES = ["SELECT", "MULTI_SELECT"];

const action = z.strictObject({
  actionId: uuid,
  requiresConfirmation: z.boolean().optional(),
});
const inputField = z.strictObject({
  slug: z.string().min(1),
  type: z.enum(INPUT_FIELD_TYPES),
  label: z.string().min(1),
  description: z.string().optional(),
  required: z.boolean().optional(),
  order: z.number().int().min(0).optional(),
  options: z.array(z.string()).optional(),
  fileTypes: z.array(z.string()).optional(),
  emailDomain: z.string().optional(),
});

type Item = Record<string, unknown>;
const items = (v: unknown): Item[] => (Array.isArray(v) ? v.filter(isObject) : []);
const str = (v: unknown, dflt = ""): unknown => (v === undefined || v === null ? dflt : v);

/** `requiresConfirmation` is always explicit: its default (true today) has changed over time. */
const explicitActions = (v: unknown) => items(v).map((a) => ({ actionId: a.actionId, requiresConfirmation: a.requiresConfirmation ?? true }));
/** The same with lower-case ids, for comparison (the server answers UUIDs in lower case). */
const comparableActions = (v: unknown) =>
  explicitActions(v).map((a) => ({ ...a, actionId: typeof a.actionId === "string" ? a.actionId.toLowerCase() : a.actionId }));

/** `fileTypes` comes back as a list or, on some deployments, a comma-separated string. */
const fileTypesOf = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : typeof v === "string" && v.trim() ? v.split(",").map((s) => s.trim()) : [];

/** An input field with every documented default filled in (comparison only). */
const fullField = (x: Item, i: number): Item => ({
  slug: x.slug, type: x.type, label: x.label,
  description: str(x.description), required: x.required ?? false, order: x.order ?? i,
  options: x.options ?? [], fileTypes: fileTypesOf(x.fileTypes), emailDomain: x.emailDomain === undefined || x.emailDomain === null || x.emailDomain === "" ? null : x.emailDomain,
});

/** A response input field in input shape: members holding their default are left out, as a program would. */
function shortField(x: Item, i: number): Item {
  const full = fullField(x, i);
  const out: Item = { slug: full.slug, type: full.type, label: full.label };
  if (full.description !== "") out.description = full.description;
  if (full.required !== false) out.required = full.required;
  if (full.order !== i) out.order = full.order;
  if ((full.options as unknown[]).length) out.options = full.options;
  if ((full.fileTypes as unknown[]).length) out.fileTypes = full.fileTypes;
  if (full.emailDomain !== null) out.emailDomain = full.emailDomain;
  return out;
}

const orEmpty = (v: unknown) => (v === undefined || v === null ? [] : v);
const lowerAll = (v: unknown) => (Array.isArray(v) ? v.map((s) => (typeof s === "string" ? s.toLowerCase() : s)) : orEmpty(v));

const fields = {
  name: f.scalar(chars(1, 80), "Agent name (1-80 characters).", { required: true }),
  description: f.scalar(chars(0, 500), "Description (max 500 characters). Removing it sends \"\", which clears it.", {
    onRemove: { send: "" }, normalize: (v: unknown) => str(v),
  }),
  emoji: f.scalar(chars(1, 16), "Emoji icon (max 16 characters). Read back from `emojiIcon`; removing it sends null, which clears it.", {
    read: "emojiIcon", onRemove: { send: null },
  }),
  instruction: f.text(chars(0, 40000), "System prompt (max 40000 characters). Removing it sends \"\", which clears it.", {
    onRemove: { send: "" }, normalize: (v: unknown) => str(v),
  }),
  model: f.scalar(z.string().min(1), "Model identifier (deployment name from the Models API, e.g. `gpt-5`). The workspace default when never set. Removing it leaves the agent's current model: the API documents no way back to the workspace default."),
  creativity: f.scalar(z.number().min(0).max(1), "Temperature between 0 and 1 (default 0.3). Read back from `temperature`; removing it sends 0.3.", {
    read: "temperature", onRemove: { send: 0.3 },
  }),
  conversationStarters: f.list(z.array(chars(1, 255)).max(20), "Suggested prompts, max 20, each 1-255 characters. Sent whole; removing it sends [].", {
    onRemove: { send: [] }, normalize: orEmpty,
  }),
  actions: f.set(z.array(action), "Actions from enabled integrations: `{ actionId, requiresConfirmation }`. `requiresConfirmation` defaults to true and is always sent. Order does not matter; sent whole; removing it sends [].", {
    identity: { key: (a) => String(a.actionId).toLowerCase(), keyLabel: "actionId" },
    toWire: explicitActions, fromWire: explicitActions, normalize: (v: unknown) => comparableActions(orEmpty(v)), onRemove: { send: [] },
  }),
  inputFields: f.list(z.array(inputField), "Form fields for STRUCTURED agents: `{ slug, type, label, description?, required?, order?, options?, fileTypes?, emailDomain? }`. Sent whole; removing it sends [].", {
    identity: { key: (x) => String(x.slug), keyLabel: "slug" },
    fromWire: (v: unknown) => (Array.isArray(v) ? items(v).map(shortField) : v),
    normalize: (v: unknown) => items(orEmpty(v)).map(fullField),
    onRemove: { send: [] },
  }),
  attachments: f.set(z.array(uuid), "Attachment UUIDs. Order does not matter; sent whole; removing it sends [].", {
    normalize: lowerAll, onRemove: { send: [] },
  }),
  webSearch: f.scalar(z.boolean(), "Enable web search (default false). Read back from `webSearchEnabled`; removing it sends false.", { read: "webSearchEnabled", onRemove: { send: false } }),
  imageGeneration: f.scalar(z.boolean(), "Enable image generation (default false). Read back from `imageGenerationEnabled`; removing it sends false.", { read: "imageGenerationEnabled", onRemove: { send: false } }),
  dataAnalyst: f.scalar(z.boolean(), "Enable code interpreter (default false). Read back from `codeInterpreterEnabled`; removing it sends false.", { read: "codeInterpreterEnabled", onRemove: { send: false } }),
  inputType: f.scalar(z.enum(["PROMPT", "STRUCTURED"]), "Input type: \"PROMPT\" (default) or \"STRUCTURED\". Removing it sends \"PROMPT\".", { onRemove: { send: "PROMPT" } }),
  canvas: f.scalar(z.boolean(), "Enable canvas (default false). Read back from `canvasEnabled`; removing it sends false.", { read: "canvasEnabled", onRemove: { send: false } }),
  extendedThinking: f.scalar(z.boolean(), "Enable extended thinking mode (default false; only on models that support it). Removing it sends false.", { onRemove: { send: false } }),
  publish: f.scalar(z.boolean(), "Provider setting, never sent as an agent field: publish the draft after every create and update (default true). With false, changes stay in the draft until someone publishes it in the Odeus UI.", {
    providerOnly: true, onRemove: { send: true }, normalize: (v: unknown) => v ?? true,
  }),
  unpublished: {
    ...f.computed("Fields applied to the agent's draft that its published version does not show yet (publish off or unavailable), each with a fingerprint of the lagging published value. Empty or absent when nothing is waiting.", { read: PENDING }),
    schema: z.record(z.string(), z.string()),
  },
  createdAt: f.computed("When the agent was created."),
  updatedAt: f.computed("When the agent was last updated."),
};

/** The fields that are agent settings (not computed, not provider settings). */
const agentFields = (): [string, FieldSpec][] => Object.entries(fields).filter(([, s]) => s.kind !== "computed" && !s.providerOnly);
/** The response property a field is read from. */
const responseKey = (name: string, spec: FieldSpec) => (typeof spec.read === "string" ? spec.read : spec.wire ?? name);
const fingerprint = (name: string, spec: FieldSpec, body: Wire) =>
  createHash("sha256").update(canonical(norm(spec, serverValue(name, spec, body)) ?? null)).digest("hex").slice(0, 16);

/** `{status, message, agent}` (or, on some deployments, the bare agent) -> the agent. */
const unwrap = (body: unknown): unknown => (isObject(body) && isObject(body.agent) ? body.agent : body);
function agentOf(body: unknown): Wire {
  return unwrap(body) as Wire;
}

/** The agent as the API returns it (api/odeus.md "Response format", renamed fields included): what the provider reads, typed. */
const answer = z.preprocess(
  unwrap,
  loose({
    id: z.string().min(1),
    name: maybe(z.string()),
    description: maybe(z.string()),
    instruction: maybe(z.string()),
    emojiIcon: maybe(z.string()),
    model: maybe(z.string()),
    temperature: maybe(z.number()),
    conversationStarters: maybe(z.array(z.string())),
    actions: maybe(z.array(loose({ actionId: z.string() }))),
    inputFields: maybe(z.array(loose({ slug: z.string() }))),
    attachments: maybe(z.array(z.string())),
    webSearchEnabled: maybe(z.boolean()),
    imageGenerationEnabled: maybe(z.boolean()),
    codeInterpreterEnabled: maybe(z.boolean()),
    canvasEnabled: maybe(z.boolean()),
    extendedThinking: maybe(z.boolean()),
    inputType: maybe(z.string()),
  }),
);

async function getAgent(ctx: Ctx, id: string): Promise<Wire | undefined> {
  const path = `${A}/get`;
  const res = await ctx.http.request("GET", path, { query: { agentId: id }, accept: [400, 404], expect: answer });
  if (res.status === 404) return undefined;
  if (res.status === 400) {
    // The API documents 400 as "invalid parameters or resource not found".
    const msg = String((isObject(res.body) && (res.body.message ?? res.body.error)) || "");
    if (/not found/i.test(msg)) return undefined;
    throw new ApiError("odeus", "GET", path, 400, msg, res.body);
  }
  return agentOf(res.body);
}

/** Fields whose published value differs from the draft just written, with the published value's fingerprint. */
function lagging(draft: Wire, live: Wire): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, spec] of agentFields()) {
    if (canonical(norm(spec, serverValue(name, spec, draft)) ?? null) !== canonical(norm(spec, serverValue(name, spec, live)) ?? null)) {
      out[name] = fingerprint(name, spec, live);
    }
  }
  return out;
}

/**
 * The published version, with the applied draft values kept for fields still waiting to be published:
 * a field stays pending while its published value is the one seen when the draft was written.
 */
function keepDraft(live: Wire, props: Record<string, unknown> | undefined): Wire {
  const pending = props?.unpublished;
  if (!isObject(pending)) return live;
  const out: Wire = { ...live };
  const still: Record<string, string> = {};
  for (const [name, fp] of Object.entries(pending)) {
    const spec = (fields as Record<string, FieldSpec>)[name];
    if (!spec || fingerprint(name, spec, live) !== fp) continue; // published since, or changed out of band: show it
    out[responseKey(name, spec)] = props![name];
    still[name] = String(fp);
  }
  if (Object.keys(still).length) {
    out[PENDING] = still;
    if (props!.updatedAt !== undefined) out.updatedAt = props!.updatedAt;
  }
  return out;
}

/**
 * Create is never retried, and an unconfirmed one cannot be recovered: Odeus has no list endpoint, so
 * an agent whose id was lost cannot be found again by the API. The error says exactly that, with the
 * name sent and how to adopt the agent (docs/odeus.md "Recovery").
 */
function explainCreate(e: unknown, body: Wire): unknown {
  if (mayHaveActed(e) || (e instanceof ApiError && e.status === 404)) {
    (e as Error).message +=
      `. The server may have created the agent ${JSON.stringify(body.name)} anyway. Odeus has no API to list agents, so the ` +
      "provider cannot find it again and did not retry (a retry could leave a duplicate). Look for it in the Odeus UI " +
      "(agents created through the API belong to the API key): if it exists, adopt it by adding the resource option " +
      "`import: \"<agent id>\"` and run `pulumi up` again; if it does not, just run `pulumi up` again.";
  }
  return e;
}

export const agent = defineResource({
  platform: "odeus",
  type: "Agent",
  doc: "An Odeus agent: its configuration, drafts and publishing. Deleting it disables it (Odeus has no delete endpoint).",
  fields,
  rules(inputs, fail) {
    const slugs = new Map<unknown, number>();
    items(inputs.inputFields).forEach((x, i) => {
      const first = slugs.get(x.slug);
      if (first !== undefined) fail(`inputFields[${i}].slug`, `duplicates inputFields[${first}].slug ${quote(x.slug)}: slugs must be unique`);
      else slugs.set(x.slug, i);
      if (SELECT_TYPES.includes(String(x.type)) && !(Array.isArray(x.options) && x.options.length)) {
        fail(`inputFields[${i}].options`, `is required for a ${x.type} field: list the choices`);
      }
    });
    const ids = new Map<string, number>();
    items(inputs.actions).forEach((x, i) => {
      const id = String(x.actionId).toLowerCase();
      const first = ids.get(id);
      if (first !== undefined) fail(`actions[${i}].actionId`, `duplicates actions[${first}].actionId: each action can be attached once`);
      else ids.set(id, i);
    });
  },
  idOf: (b) => String(b.id ?? ""),
  validateId: (id) => (UUID_RE.test(id) ? undefined : "an Odeus agent id is a UUID"),
  api: {
    async create(ctx, body) {
      let agentBody: Wire;
      try {
        agentBody = agentOf((await ctx.http.request("POST", `${A}/create`, { body, expect: answer })).body);
      } catch (e) {
        throw explainCreate(e, body);
      }
      return agentBody;
    },
    read: async (ctx, id, props) => {
      const live = await getAgent(ctx, id);
      return live && keepDraft(live, props);
    },
    async update(ctx, id, body) {
      return agentOf((await ctx.http.request("PATCH", `${A}/update`, { body: { agentId: id, ...body }, expect: answer })).body);
    },
    async afterWrite(ctx, id, inputs, body) {
      const wrote = Object.keys(body).length > 0;
      if (inputs.publish !== false) {
        const path = `${A}/publish`;
        let status: number;
        try {
          status = (await ctx.http.request("POST", path, { body: { agentId: id }, accept: [404, 405, 409, 501] })).status;
        } catch (e) {
          if (e instanceof ApiError && e.status === 403) {
            e.message += ". Publishing needs owner or editor access to the agent; the change is saved in its draft. " +
              "Set `publish: false` to manage the draft only and publish it from the Odeus UI.";
          }
          throw e;
        }
        // 409 "nothing to publish" means the published version already matches the draft.
        if (![404, 405, 501].includes(status)) return wrote ? { ...body } : undefined;
        ctx.warn(
          `publishing is not available on this server (POST ${path} answered ${status}): agent ${id} was changed in its draft only, ` +
            `which the Odeus API does not return until the agent is published. Publish it in the Odeus UI; until then the ` +
            `provider keeps the applied values in state (see the \`unpublished\` output) instead of reporting drift.`,
        );
      }
      if (!wrote) return undefined; // nothing written now: the core reads the agent back
      const live = await getAgent(ctx, id);
      if (!live) return body;
      const pending = lagging(body, live);
      return Object.keys(pending).length ? { ...body, [PENDING]: pending } : { ...body };
    },
    async delete(ctx, id) {
      const res = await ctx.http.request("PATCH", `${A}/disable`, { body: { agentId: id, disabled: true }, accept: [403, 404] });
      if (res.status === 403) {
        ctx.warn(`the API key may not disable agent ${id} (403: disabling needs admin permission). The agent still exists and stays active in the Odeus workspace; it is only removed from the stack. Disable or delete it in the Odeus UI.`);
      } else if (res.status === 404) {
        ctx.warn(`agent ${id} was not found or is not visible to this API key (404). It is removed from the stack; if it still exists, disable or delete it in the Odeus UI.`);
      } else {
        ctx.warn(`agent ${id} is disabled, not deleted: the Odeus API cannot delete agents, so it stays (disabled) in the workspace. Delete it in the Odeus UI if you want it gone.`);
      }
    },
  },
});
