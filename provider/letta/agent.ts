/**
 * letta.Agent (seed 003 "Modify Agent", api/letta.md). Create `POST /v1/agents/`, read
 * `GET /v1/agents/{agent_id}` with every `include=` the resource manages, update one
 * `PATCH /v1/agents/{agent_id}`, delete `DELETE /v1/agents/{agent_id}`.
 *
 * A Letta agent edits itself while it runs (messages, memory block values, last-run stats): none of
 * that is an input, so none of it can show as drift. Tools and blocks the server attaches by itself
 * at create are recorded in `baseToolIds` / `baseBlockIds` and kept on every PATCH (see `attached`).
 */
import { z } from "zod";
import { ApiError } from "../http/errors";
import { id as anId, loose, maybe } from "../core/answers";
import { defineResource, f, type Ctx, type Recovery, type Wire } from "../core/fields";
import { isObject } from "../core/values";
import { camel, dropNulls, renameItems, renameKeys, snake } from "./platform";

type Props = Record<string, unknown>;

/* ---------- validation ---------- */

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/** The seed's agent id pattern: `agent-<uuid4>`, lowercase, 42 characters. */
export const AGENT_ID = /^agent-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const prefixedId = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}-${UUID}$`, "i"), { message: `must be a ${prefix} id: "${prefix}-" followed by a UUID` });

const handle = (what: string) =>
  z.string().regex(/^[^\s/]+\/\S+$/, { message: `must be a ${what} handle of the form "provider/model-name"` });

const ZONES = new Set([...Intl.supportedValuesOf("timeZone"), "UTC"]);
/** IANA names: the canonical list, plus the aliases the runtime knows (Etc/UTC, US/Pacific). */
function isTimeZone(tz: string): boolean {
  if (ZONES.has(tz)) return true;
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const positiveInt = z.number().int().min(1);

export const AGENT_TYPES = [
  "memgpt_agent", "memgpt_v2_agent", "letta_v1_agent", "react_agent", "workflow_agent",
  "split_thread_agent", "sleeptime_agent", "voice_convo_agent", "voice_sleeptime_agent",
] as const;

/** The prompt templates the server fills in when a rule has none (letta/schemas/tool_rule.py). */
export const DEFAULT_PROMPTS: Record<string, string> = {
  constrain_child_tools: "<tool_rule>\nAfter using {{ tool_name }}, you must use one of these tools: {{ children | join(', ') }}\n</tool_rule>",
  parent_last_tool: "<tool_rule>\n{{ children | join(', ') }} can only be used after {{ tool_name }}\n</tool_rule>",
  conditional: "<tool_rule>\n{{ tool_name }} will determine which tool to use next based on its output\n</tool_rule>",
  exit_loop: "<tool_rule>\n{{ tool_name }} ends your response (yields control) when called\n</tool_rule>",
  continue_loop: "<tool_rule>\n{{ tool_name }} requires continuing your response when called\n</tool_rule>",
  required_before_exit: "<tool_rule>{{ tool_name }} must be called before ending the conversation</tool_rule>",
  max_count_per_step: "<tool_rule>\n{{ tool_name }}: max {{ max_count_limit }} use(s) per response\n</tool_rule>",
};
export const TOOL_RULE_TYPES = [
  "run_first", "exit_loop", "continue_loop", "constrain_child_tools", "parent_last_tool",
  "conditional", "max_count_per_step", "required_before_exit", "requires_approval",
] as const;

const ruleBase = { toolName: z.string().min(1), promptTemplate: z.string().optional(), args: z.record(z.string(), z.unknown()).optional() };
const rule = (type: string, extra: z.ZodRawShape = {}) => z.object({ type: z.literal(type), ...ruleBase, ...extra }).strict();
const toolRule = z.preprocess(
  (v) => renameKeys(v, camel),
  z.discriminatedUnion(
    "type",
    [
      rule("run_first"), rule("exit_loop"), rule("continue_loop"), rule("required_before_exit"), rule("requires_approval"),
      rule("constrain_child_tools", { children: z.array(z.string().min(1)).min(1) }),
      rule("parent_last_tool", { children: z.array(z.string().min(1)).min(1) }),
      rule("conditional", {
        defaultChild: z.string().min(1).optional(),
        childOutputMapping: z.record(z.string(), z.string().min(1)),
        requireOutputMapping: z.boolean().optional(),
      }),
      rule("max_count_per_step", { maxCountLimit: positiveInt }),
    ],
    { error: () => `type must be one of ${TOOL_RULE_TYPES.map((t) => JSON.stringify(t)).join(", ")}` },
  ),
);

/** The block a `memoryBlocks` item creates (letta CreateBlock). */
const memoryBlock = z.preprocess(
  (v) => renameKeys(v, camel),
  z.object({
    label: z.string().min(1),
    value: z.string(),
    limit: positiveInt.optional(),
    description: z.string().optional(),
    readOnly: z.boolean().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    tags: z.array(z.string()).optional(),
  }).strict(),
);
const BLOCK_LIMIT = 100000;

/** Members of model settings that hold user data (a JSON schema) and keep their keys as written. */
const OPAQUE = ["jsonSchema", "schema"];

/** Provider-specific settings; the common members are checked, the rest passed through. */
const modelSettings = z.preprocess(
  (v) => renameKeys(v, camel, true, OPAQUE),
  z.looseObject({
    providerType: z.string().min(1).optional(),
    temperature: z.number().min(0).optional(),
    maxOutputTokens: positiveInt.optional(),
    parallelToolCalls: z.boolean().optional(),
  }),
);
/* ---------- wire mapping ---------- */

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => (isObject(x) ? String(x.id) : String(x))) : []);
const uniq = (xs: string[]) => [...new Set(xs)];
/** A synthetic member the api layer adds to every response: what the server attached by itself. */
const ATTACHED = "__attached";
type Attached = { tools: string[]; blocks: string[] };
const attachedOf = (b: Wire): Attached => (b[ATTACHED] as Attached) ?? { tools: [], blocks: [] };

/** Tool rules in the program's shape: camelCase members, no nulls, no server-default prompt. */
function normalizeRules(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  return v.map((r) => {
    const x = dropNulls(renameKeys(r, camel)) as Props;
    if (!isObject(x)) return x;
    if (x.promptTemplate === DEFAULT_PROMPTS[String(x.type)]) delete x.promptTemplate;
    if (x.requireOutputMapping === false) delete x.requireOutputMapping;
    return x;
  });
}
const settingsIn = (v: unknown) => (v === null ? undefined : dropNulls(renameKeys(v, camel, true, OPAQUE)));

const llm = (b: Wire): Props => (isObject(b.llm_config) ? b.llm_config : {});
const embeddingCfg = (b: Wire): Props => (isObject(b.embedding_config) ? b.embedding_config : {});

/**
 * The server-attached rule (documented in docs/letta.md): the tools (blocks) in the create response
 * that the program did not list are the server's (base tools, blocks from memoryBlocks and defaults).
 * Later, the recorded ids that are still attached stay the server's, minus any the program now lists.
 * Without a record (import), tools whose `tool_type` starts with `letta_` count as the server's.
 */
function attached(res: Wire, record: { tools?: unknown; blocks?: unknown } | "create", listed: { tools?: unknown; blocks?: unknown }): Wire {
  const pick = (kind: "tools" | "blocks") => {
    const live = ids(res[kind]);
    const mine = new Set(ids(listed[kind]));
    const rec = record === "create" ? live : record[kind];
    const base = Array.isArray(rec)
      ? ids(rec).filter((id) => live.includes(id))
      : kind === "tools"
        ? (res.tools as unknown[] ?? []).filter((t) => isObject(t) && String(t.tool_type ?? "").startsWith("letta_")).map((t) => String((t as Props).id))
        : [];
    return base.filter((id) => !mine.has(id));
  };
  const out: Wire = { ...res, [ATTACHED]: { tools: pick("tools"), blocks: pick("blocks") } };
  // Responses echo secret values in plaintext (api/letta.md §7): they never go further than here.
  delete out.secrets;
  delete out.tool_exec_environment_variables;
  return out;
}

/** Whether a response still lists secrets (values are never looked at). */
const holdsSecrets = (b: Wire) =>
  [b.secrets, b.tool_exec_environment_variables].some((x) => (Array.isArray(x) ? x.length > 0 : isObject(x) && Object.keys(x).length > 0));
/** The server's parallel-tool-calls setting in a response, when it shows one. */
const parallelToolCallsOf = (b: Wire): unknown =>
  (isObject(b.model_settings) ? b.model_settings.parallel_tool_calls : undefined) ?? llm(b).parallel_tool_calls;

const INCLUDE = ["agent.tags", "agent.tools", "agent.blocks", "agent.sources", "agent.identities"];

/**
 * The reserved metadata key that carries a create's token, so the agent an unconfirmed create made can
 * be found again (names are not unique). It never shows in outputs, diffs or reports; a program may not set it.
 */
export const CREATE_TOKEN_KEY = "pulumi-agents:create-token";
const withoutToken = (m: unknown): unknown => {
  if (!isObject(m) || !(CREATE_TOKEN_KEY in m)) return m;
  const { [CREATE_TOKEN_KEY]: _token, ...rest } = m;
  return rest;
};

const record = z.record(z.string(), z.unknown());
/** The agent as the API returns it (AgentState, api/letta.md §6): what the provider reads, typed. */
const answer = loose({
  id: z.string().regex(AGENT_ID),
  name: z.string(),
  system: maybe(z.string()),
  agent_type: maybe(z.string()),
  description: maybe(z.string()),
  metadata: maybe(record),
  tags: maybe(z.array(z.string())),
  tools: maybe(z.array(loose({ id: anId }))),
  blocks: maybe(z.array(loose({ id: anId }))),
  sources: maybe(z.array(loose({ id: anId }))),
  identities: maybe(z.array(loose({ id: anId }))),
  tool_rules: maybe(z.array(record)),
  llm_config: maybe(record),
  embedding_config: maybe(record),
  model_settings: maybe(record),
});
/** A list page: a plain array (api/letta.md §4). */
const listAnswer = z.array(loose({ id: anId, metadata: maybe(record) }));
/** Agents per list page, and pages read at most, when looking for an unconfirmed create. */
const PAGE = 50;
const MAX_PAGES = 20;

/**
 * Recovery by create token: the agent this create made carries the token in its metadata. The list is
 * read newest first (narrowed by the name sent, when there is one) until the token is found or the list
 * ends; then the agent is read in full.
 */
const byToken: Recovery = {
  by: "token",
  async find(ctx, attempt, { body, name }) {
    let after: string | undefined;
    for (let n = 0; n < MAX_PAGES; n++) {
      const query = { limit: String(PAGE), order: "desc", order_by: "created_at", ...(name ? { name } : {}), ...(after ? { after } : {}) };
      const list = (await ctx.http.request("GET", path(), { query, expect: listAnswer })).body as Wire[];
      const hit = list.find((a) => isObject(a.metadata) && a.metadata[CREATE_TOKEN_KEY] === attempt.token);
      if (hit) {
        const res = await get(ctx, String(hit.id));
        if (!res) return undefined;
        // Right after the create the body says what the program listed; later the import rule applies.
        return body ? attached(res, "create", { tools: body.tool_ids, blocks: body.block_ids }) : attached(res, {}, {});
      }
      if (list.length < PAGE) return undefined;
      after = String(list[list.length - 1].id);
    }
    throw new Error(`the agent was not among the ${PAGE * MAX_PAGES} newest agents${name ? ` named ${JSON.stringify(name)}` : ""}`);
  },
};
const path = (id?: string) => (id ? `/v1/agents/${encodeURIComponent(id)}` : "/v1/agents/");

/** A 404 from create or PATCH names a model handle or tool the server does not know: say so. */
function explain404(e: unknown, body: Wire): never {
  if (e instanceof ApiError && e.status === 404) {
    const m = e.serverMessage;
    if (/^NOT_FOUND: Handle/i.test(m) || /handle/i.test(m)) {
      e.message += ` (the model or embedding handle ${JSON.stringify(body.model ?? body.embedding)} is not available on this server; the agent itself is fine)`;
    } else if (/^Agent/i.test(m)) {
      e.message += " (the agent was deleted outside Pulumi: run `pulumi refresh` to drop it from the stack, then `pulumi up` to create it again)";
    } else {
      e.message += " (an id in the request is not known to the server: check toolIds, blockIds, sourceIds and identityIds)";
    }
  }
  throw e;
}

/* ---------- the table ---------- */

export const agent = defineResource({
  platform: "letta",
  type: "Agent",
  doc: "A stateful Letta agent: its prompt, model, tools, memory blocks and settings.",
  fields: {
    name: f.scalar(
      z.string().min(1).regex(/^[\p{L}\p{N} _'-]+$/u, { message: "may hold only letters, digits, spaces and - _ '" }),
      "The name of the agent. Names are not unique. A random name is chosen when omitted.",
      { onRemove: { reject: "an agent always has a name and nothing clears it: keep `name` in the program (set it to the name you want)" } },
    ),
    system: f.text(z.string(), "The system prompt used by the agent. Removing it sends \"\" (an empty prompt): the server cannot restore its default.", {
      onRemove: { send: "" },
    }),
    description: f.scalar(z.string(), "The description of the agent. Removing it clears it (\"\").", { onRemove: { send: "" } }),
    model: f.scalar(handle("model"), "The model handle used by the agent (format: provider/model-name).", {
      read: (b: Wire) => b.model ?? llm(b).handle,
      sendWith: ["modelSettings", "contextWindowLimit"],
      onRemove: { reject: "the model cannot be unset: the server keeps the current model. Keep `model` in the program (set it to the model you want)" },
    }),
    embedding: f.scalar(handle("embedding"), "The embedding model handle used by the agent (format: provider/model-name).", {
      read: (b: Wire) => b.embedding ?? embeddingCfg(b).handle,
      onRemove: { reject: "the embedding model cannot be unset: the server keeps the current one. Keep `embedding` in the program" },
    }),
    modelSettings: f.object(modelSettings, "The model settings for the agent (`provider_type`, `temperature`, `max_output_tokens`, `parallel_tool_calls`, ...). Only the members you set are compared. Requires `model`.", {
      wire: "model_settings",
      partial: true,
      toWire: (v: unknown) => renameKeys(v, snake, true, OPAQUE),
      fromWire: settingsIn,
      normalize: (v: unknown) => (v === undefined || v === null ? v : renameKeys(v, camel, true, OPAQUE)),
      sendWith: ["model", "contextWindowLimit"],
      onRemove: { send: {} },
    }),
    contextWindowLimit: f.scalar(positiveInt, "The context window limit used by the agent.", {
      wire: "context_window_limit",
      read: (b: Wire) => llm(b).context_window ?? b.context_window_limit,
      sendWith: ["model", "modelSettings"],
      onRemove: { reject: "the context window cannot be reset in place: keep `contextWindowLimit` in the program (set it to the size you want)" },
    }),
    toolIds: f.set(z.array(prefixedId("tool")), "The ids of the tools used by the agent. Tools the server attached by itself (see `baseToolIds`) are kept.", {
      wire: "tool_ids",
      read: (b: Wire) => ids(b.tools).filter((id) => !attachedOf(b).tools.includes(id)),
      onRemove: { send: [] },
    }),
    sourceIds: f.set(z.array(prefixedId("source")), "The ids of the sources used by the agent.", {
      wire: "source_ids",
      read: (b: Wire) => ids(b.sources),
      onRemove: { send: [] },
    }),
    blockIds: f.set(z.array(prefixedId("block")), "The ids of the blocks used by the agent. Blocks attached at create (see `baseBlockIds`) are kept.", {
      wire: "block_ids",
      read: (b: Wire) => ids(b.blocks).filter((id) => !attachedOf(b).blocks.includes(id)),
      onRemove: { send: [] },
    }),
    tags: f.set(z.array(z.string().min(1)), "The tags associated with the agent.", { onRemove: { send: [] } }),
    toolRules: f.list(z.array(toolRule), "The tool rules governing the agent, in order: each `{ type, toolName }` plus what its type needs (`children` for `constrain_child_tools` and `parent_last_tool`, `childOutputMapping` for `conditional`, `maxCountLimit` for `max_count_per_step`), and optionally a `promptTemplate` (the server's default one is never a difference). Sent whole; removing it sends `[]`.", {
      wire: "tool_rules",
      identity: { key: (r) => `${r.toolName ?? r.tool_name} / ${r.type}`, keyLabel: "tool name + type" },
      toWire: (v: unknown) => renameItems(v, snake),
      fromWire: (v: unknown) => (v === null ? undefined : normalizeRules(v)),
      normalize: normalizeRules,
      onRemove: { send: [] },
    }),
    metadata: f.map(z.record(z.string(), z.unknown()), `The metadata of the agent. The key \`${CREATE_TOKEN_KEY}\` is reserved.`, {
      onRemove: { send: {} },
      fromWire: withoutToken,
    }),
    secrets: f.map(z.record(z.string(), z.string()), "The environment variables for tool execution specific to this agent. Write-only: always secret, never read back.", {
      secret: true,
      onRemove: { send: {} },
    }),
    identityIds: f.set(z.array(prefixedId("identity")), "The ids of the identities associated with this agent.", {
      wire: "identity_ids",
      read: (b: Wire) => (Array.isArray(b.identities) ? ids(b.identities) : ids(b.identity_ids)),
      onRemove: { send: [] },
    }),
    projectId: f.scalar(z.string().min(1), "The id of the project the agent belongs to.", { wire: "project_id", onRemove: { send: "" } }),
    templateId: f.scalar(z.string().min(1), "The id of the template the agent belongs to.", { wire: "template_id", onRemove: { send: "" } }),
    baseTemplateId: f.scalar(z.string().min(1), "The base template id of the agent.", { wire: "base_template_id", onRemove: { send: "" } }),
    messageBufferAutoclear: f.scalar(z.boolean(), "If set to True, the agent will not remember previous messages (though the agent will still retain state via core memory blocks and archival/recall memory). Default false.", {
      wire: "message_buffer_autoclear",
      onRemove: { send: false },
    }),
    enableSleeptime: f.scalar(z.boolean(), "If set to True, memory management will move to a background agent thread.", {
      wire: "enable_sleeptime",
      onRemove: { send: false },
    }),
    timezone: f.scalar(z.string().refine(isTimeZone, { message: 'must be an IANA time zone such as "Europe/Berlin" or "UTC"' }), "The timezone of the agent (IANA format). Default UTC.", {
      onRemove: { send: "UTC" },
    }),
    maxFilesOpen: f.scalar(positiveInt.max(1000), "Maximum number of files that can be open at once for this agent. Setting this too high may exceed the context window, which will break the agent.", {
      wire: "max_files_open",
      onRemove: { reject: "the server computes this limit when unset and nothing resets it in place: keep `maxFilesOpen` in the program" },
    }),
    perFileViewWindowCharLimit: f.scalar(positiveInt.max(2147483647), "The per-file view window character limit for this agent. Setting this too high may exceed the context window, which will break the agent.", {
      wire: "per_file_view_window_char_limit",
      onRemove: { reject: "the server computes this limit when unset and nothing resets it in place: keep `perFileViewWindowCharLimit` in the program" },
    }),
    hidden: f.forceNew(z.boolean(), "If set to True, the agent will be hidden. The API ignores it on update, so a change replaces the agent."),
    agentType: f.forceNew(z.enum(AGENT_TYPES), "The type of agent. Cannot be changed in place: a change replaces the agent.", { wire: "agent_type" }),
    memoryBlocks: f.list(z.array(memoryBlock), "The memory blocks created with the agent (label, value, limit, description, readOnly, metadata, tags). Create-only: the agent edits block values as it runs; a change replaces the agent.", {
      wire: "memory_blocks",
      createOnly: true,
      identity: { key: (b) => String(b.label), keyLabel: "label" },
      toWire: (v: unknown) => renameItems(v, snake),
    }),
    includeBaseTools: f.scalar(z.boolean(), "Whether the server attaches its base tools at create (default true). Create-only: a change replaces the agent.", {
      wire: "include_base_tools",
      createOnly: true,
    }),
    createdAt: f.computed("When the agent was created.", { read: "created_at" }),
    updatedAt: f.computed("When the agent was last updated (also moves when the agent runs).", { read: "updated_at" }),
    // The schema only types the output (`Output<string[]>`); computed fields are never validated.
    baseToolIds: {
      ...f.computed("The tools the server attached by itself at create (base tools); kept on every update.", { read: (b: Wire) => attachedOf(b).tools }),
      schema: z.array(z.string()),
    },
    baseBlockIds: {
      ...f.computed("The blocks attached at create that `blockIds` did not list (from memoryBlocks and server defaults); kept on every update.", {
        read: (b: Wire) => attachedOf(b).blocks,
      }),
      schema: z.array(z.string()),
    },
  },
  rules(inputs, fail, unknown) {
    if (isObject(inputs.metadata) && CREATE_TOKEN_KEY in inputs.metadata) {
      fail(`metadata.${CREATE_TOKEN_KEY}`, "is reserved: the provider keeps a create's token there to find an agent whose create was not confirmed");
    }
    if (inputs.modelSettings !== undefined && inputs.model === undefined && !unknown.has("model")) {
      fail("modelSettings", "needs `model` as well: the server applies model settings only together with a model handle");
    }
    const blocks = Array.isArray(inputs.memoryBlocks) ? (inputs.memoryBlocks as unknown[]) : [];
    const labels = new Map<string, number>();
    blocks.forEach((raw, i) => {
      const b = renameKeys(raw, camel) as Props;
      if (!isObject(b)) return;
      const limit = typeof b.limit === "number" ? b.limit : BLOCK_LIMIT;
      if (typeof b.value === "string" && b.value.length > limit) {
        fail(`memoryBlocks[${i}].value`, `is ${b.value.length} characters, more than the block's limit of ${limit}`);
      }
      if (typeof b.label === "string") {
        const first = labels.get(b.label);
        if (first !== undefined) fail(`memoryBlocks[${i}].label`, `duplicates memoryBlocks[${first}].label: each block needs its own label`);
        else labels.set(b.label, i);
      }
    });
  },
  idOf: (b) => String(b.id ?? ""),
  validateId: (id) =>
    AGENT_ID.test(id) ? undefined : 'a Letta agent id is "agent-" followed by a lowercase UUID v4 (42 characters), e.g. agent-3c90c3cc-0d44-4b50-8888-8dd25736052a',
  recover: byToken,
  api: {
    async create(ctx, body, _inputs, attempt) {
      let res: Wire;
      const sent = { ...body, metadata: { ...(isObject(body.metadata) ? body.metadata : {}), [CREATE_TOKEN_KEY]: attempt.token } };
      try {
        res = (await ctx.http.request("POST", path(), { body: sent, expect: answer })).body as Wire;
      } catch (e) {
        return explain404(e, body);
      }
      // A server answering without relations: read them, so the server-attached record is right.
      if (!Array.isArray(res.tools) && typeof res.id === "string") res = (await get(ctx, res.id)) ?? res;
      return attached(res, "create", { tools: body.tool_ids, blocks: body.block_ids });
    },
    async read(ctx, id, props) {
      const res = await get(ctx, id);
      if (!res) return undefined;
      return attached(res, { tools: props?.baseToolIds, blocks: props?.baseBlockIds }, { tools: props?.toolIds, blocks: props?.blockIds });
    },
    async update(ctx, id, body, inputs, olds = {}) {
      const send: Wire = { ...body };
      // PATCH replaces these lists wholesale: keep what the server attached by itself.
      if (Array.isArray(send.tool_ids)) send.tool_ids = uniq([...(send.tool_ids as string[]), ...ids(olds.baseToolIds)]);
      if (Array.isArray(send.block_ids)) send.block_ids = uniq([...(send.block_ids as string[]), ...ids(olds.baseBlockIds)]);
      const patch = async (b: Wire): Promise<Wire> => {
        try {
          return (await ctx.http.request("PATCH", path(id), { body: b, expect: answer })).body as Wire;
        } catch (e) {
          return explain404(e, b);
        }
      };
      let res = await patch(send);
      // Deprecated fields go out only when the answer shows a seed-era server that needs them (api/letta.md
      // §5, §8.8-9), in one follow-up PATCH; a current server gets exactly the changed fields.
      const fix: Wire = {};
      // Seed-era servers read `secrets or tool_exec_environment_variables`: `secrets: {}` alone is a no-op.
      if (isObject(send.secrets) && !Object.keys(send.secrets).length && holdsSecrets(res)) {
        Object.assign(fix, { secrets: {}, tool_exec_environment_variables: {} });
      }
      // Seed-era servers default the deprecated top-level parallel_tool_calls to false: a PATCH without it resets it.
      const ptc = isObject(inputs.modelSettings) ? (renameKeys(inputs.modelSettings, camel) as Props).parallelToolCalls : undefined;
      // (A follow-up made for secrets would reset it too.)
      if (ptc === true && (parallelToolCallsOf(res) === false || Object.keys(fix).length)) fix.parallel_tool_calls = true;
      if (Object.keys(fix).length) res = await patch(fix);
      return attached(res, { tools: olds.baseToolIds, blocks: olds.baseBlockIds }, { tools: inputs.toolIds, blocks: inputs.blockIds });
    },
    async delete(ctx, id) {
      await ctx.http.request("DELETE", path(id), { accept: [404] });
    },
  },
});

/** GET with every relation the resource manages; a 404 here (and only here) means the agent is gone. */
async function get(ctx: Ctx, id: string): Promise<Wire | undefined> {
  const res = await ctx.http.request("GET", path(id), { query: { include: INCLUDE }, accept: [404], expect: answer });
  return res.status === 404 ? undefined : (res.body as Wire);
}
