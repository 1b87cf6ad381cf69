/**
 * Letta (seed 003 and api/letta.md): Bearer auth when a key is configured, FastAPI `{detail}` errors
 * and 422 validation bodies, agents created with server-side defaults (base tools, default blocks,
 * model settings, timezone, initial messages), GET that omits relations unless asked with
 * `include=agent.tags` etc., PATCH where `null` and omitted both mean "no change", a `run`
 * control that makes an agent edit itself the way a running agent does, and a `version` control
 * choosing seed-era PATCH quirks (the default) or the last version's.
 *
 * Agents are stored with their relations as id lists (`tool_ids`, `block_ids`, `source_ids`,
 * `identity_ids`), secrets as a map, and the model as `llm_config`, so out-of-band edits through
 * `/_emulator/objects/letta/agents/<id>` read naturally.
 */
import { randomUUID } from "node:crypto";
import type { EmuRequest, EmuResponse, Handler, PlatformContext, PlatformModule } from "./server";

type Obj = Record<string, unknown>;
const detail = (status: number, message: string): EmuResponse => ({ status, body: { detail: message } });
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const newId = (prefix: string) => `${prefix}-${randomUUID()}`;
export const AGENT_ID = /^agent-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Model handles this server knows, with their largest context window and provider. */
export const MODELS: Record<string, { provider: string; maxContext: number }> = {
  "openai/gpt-4o-mini": { provider: "openai", maxContext: 128000 },
  "openai/gpt-4o": { provider: "openai", maxContext: 128000 },
  "openai/gpt-4.1": { provider: "openai", maxContext: 1047576 },
  "anthropic/claude-sonnet-4-20250514": { provider: "anthropic", maxContext: 200000 },
  "letta/letta-free": { provider: "openai", maxContext: 8192 },
};
export const EMBEDDINGS = ["openai/text-embedding-3-small", "openai/text-embedding-3-large", "letta/letta-free"];
export const DEFAULT_MODEL = "openai/gpt-4o-mini";
export const DEFAULT_EMBEDDING = "openai/text-embedding-3-small";
const AGENT_TYPES = ["memgpt_agent", "memgpt_v2_agent", "letta_v1_agent", "react_agent", "workflow_agent", "split_thread_agent", "sleeptime_agent", "voice_convo_agent", "voice_sleeptime_agent"];

/** The base tools attached when `include_base_tools` is not false, by agent type. */
function baseToolNames(agentType: string): [string, string][] {
  const memory: [string, string][] = agentType === "memgpt_agent"
    ? [["core_memory_append", "letta_memory_core"], ["core_memory_replace", "letta_memory_core"]]
    : [["memory_insert", "letta_memory_core"], ["memory_replace", "letta_memory_core"]];
  const core: [string, string][] = [["conversation_search", "letta_core"], ["archival_memory_insert", "letta_core"], ["archival_memory_search", "letta_core"]];
  return [...(agentType === "letta_v1_agent" ? [] : [["send_message", "letta_core"] as [string, string]]), ...core, ...memory];
}

/** The prompt templates the server fills into a tool rule that has none (letta/schemas/tool_rule.py). */
const RULE_PROMPTS: Record<string, string> = {
  constrain_child_tools: "<tool_rule>\nAfter using {{ tool_name }}, you must use one of these tools: {{ children | join(', ') }}\n</tool_rule>",
  parent_last_tool: "<tool_rule>\n{{ children | join(', ') }} can only be used after {{ tool_name }}\n</tool_rule>",
  conditional: "<tool_rule>\n{{ tool_name }} will determine which tool to use next based on its output\n</tool_rule>",
  exit_loop: "<tool_rule>\n{{ tool_name }} ends your response (yields control) when called\n</tool_rule>",
  continue_loop: "<tool_rule>\n{{ tool_name }} requires continuing your response when called\n</tool_rule>",
  required_before_exit: "<tool_rule>{{ tool_name }} must be called before ending the conversation</tool_rule>",
  max_count_per_step: "<tool_rule>\n{{ tool_name }}: max {{ max_count_limit }} use(s) per response\n</tool_rule>",
};
const withRuleDefaults = (rules: unknown): unknown =>
  Array.isArray(rules)
    ? rules.map((r) => isObj(r) ? {
        prompt_template: RULE_PROMPTS[String(r.type)] ?? null, args: null,
        ...(r.type === "conditional" ? { default_child: null, require_output_mapping: false } : {}),
        ...Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null)),
      } : r)
    : rules;

const col = (c: PlatformContext, name: string) => c.store.collection(name);

/* ---------- validation: FastAPI 422 bodies ---------- */

type Check = "str" | "bool" | "int" | "strs" | "obj" | "objs" | "strmap";
const FIELDS: Record<string, Check> = {
  name: "str", system: "str", description: "str", timezone: "str", project_id: "str", template_id: "str", base_template_id: "str",
  model: "str", embedding: "str", agent_type: "str", tool_ids: "strs", source_ids: "strs", block_ids: "strs", identity_ids: "strs",
  tags: "strs", message_ids: "strs", tool_rules: "objs", memory_blocks: "objs", metadata: "obj", model_settings: "obj",
  secrets: "strmap", tool_exec_environment_variables: "strmap", message_buffer_autoclear: "bool", enable_sleeptime: "bool",
  hidden: "bool", include_base_tools: "bool", parallel_tool_calls: "bool", context_window_limit: "int", max_files_open: "int",
  per_file_view_window_char_limit: "int", last_run_duration_ms: "int",
};
const ok: Record<Check, (v: unknown) => boolean> = {
  str: (v) => typeof v === "string",
  bool: (v) => typeof v === "boolean",
  int: (v) => Number.isInteger(v),
  strs: (v) => Array.isArray(v) && v.every((x) => typeof x === "string"),
  obj: isObj,
  objs: (v) => Array.isArray(v) && v.every(isObj),
  strmap: (v) => isObj(v) && Object.values(v).every((x) => typeof x === "string"),
};
const MSG: Record<Check, string> = {
  str: "Input should be a valid string", bool: "Input should be a valid boolean", int: "Input should be a valid integer",
  strs: "Input should be a valid list of strings", obj: "Input should be a valid dictionary", objs: "Input should be a valid list of objects",
  strmap: "Input should be a valid dictionary of strings",
};

/** The validation errors of a body, as FastAPI's array of `{type, loc, msg, input}`. */
function bodyErrors(b: Obj): Obj[] {
  const errors: Obj[] = [];
  for (const [k, v] of Object.entries(b)) {
    const t = FIELDS[k];
    if (!t || v === null || ok[t](v)) continue;
    errors.push({ type: `${t}_type`, loc: ["body", k], msg: MSG[t], input: v });
  }
  if (typeof b.agent_type === "string" && !AGENT_TYPES.includes(b.agent_type)) {
    errors.push({ type: "enum", loc: ["body", "agent_type"], msg: `Input should be ${AGENT_TYPES.map((t) => `'${t}'`).join(", ")}`, input: b.agent_type });
  }
  return errors;
}

/** A bad path id: the real server answers 422 with `detail` as the Python repr of the error list (a string). */
const badAgentId = (id: string): EmuResponse => ({
  status: 422,
  body: {
    trace_id: randomUUID().replace(/-/g, ""),
    detail: `[{'type': 'string_pattern_mismatch', 'loc': ('path', 'agent_id'), 'msg': "String should match pattern '${AGENT_ID.source}'", 'input': '${id}'}]`,
  },
});

/* ---------- model configuration ---------- */

function llmConfig(handle: string, contextWindow?: unknown): Obj {
  const m = MODELS[handle];
  return {
    handle, model: handle.split("/").slice(1).join("/"), model_endpoint_type: m.provider, provider_type: m.provider,
    context_window: typeof contextWindow === "number" ? contextWindow : Math.min(m.maxContext, 128000),
    temperature: 0.7, max_tokens: 4096, parallel_tool_calls: false,
  };
}
/** Merges `model_settings` (snake_case) into an llm_config. */
function applySettings(llm: Obj, s: Obj): void {
  if (typeof s.temperature === "number") llm.temperature = s.temperature;
  if (typeof s.max_output_tokens === "number") llm.max_tokens = s.max_output_tokens;
  if (typeof s.parallel_tool_calls === "boolean") llm.parallel_tool_calls = s.parallel_tool_calls;
  if (isObj(s.reasoning)) llm.reasoning = s.reasoning;
  if (isObj(s.response_format)) llm.response_format = s.response_format;
}
const modelSettingsOf = (llm: Obj): Obj => ({
  provider_type: llm.provider_type, temperature: llm.temperature, max_output_tokens: llm.max_tokens,
  parallel_tool_calls: llm.parallel_tool_calls, reasoning: llm.reasoning ?? null, response_format: llm.response_format ?? null,
});
/** Problems with a model handle: 400 without a "/", 404 when unknown (api/letta.md §2). */
function modelProblem(handle: string): EmuResponse | undefined {
  if (!handle.includes("/")) return detail(400, `Handle ${handle} must be in the format provider/model-name`);
  if (!MODELS[handle]) return detail(404, `NOT_FOUND: Handle ${handle} not found, must be one of ${JSON.stringify(Object.keys(MODELS))}`);
  return undefined;
}
/** File limits computed from the context window when unset. */
function fileDefaults(window: number): [number, number] {
  if (window <= 8192) return [3, 5000];
  if (window <= 32000) return [5, 15000];
  if (window <= 128000) return [10, 25000];
  return [15, 40000];
}

/* ---------- rendering ---------- */

const RELATIONS = ["agent.tags", "agent.tools", "agent.blocks", "agent.sources", "agent.identities", "agent.secrets", "agent.managed_group", "agent.pending_approval"];

function render(c: PlatformContext, a: Obj, include: Set<string>): Obj {
  const has = (r: string) => include.has(r);
  const objs = (name: string, list: unknown) => (list as string[]).map((id) => col(c, name).get(id)).filter(Boolean);
  const llm = a.llm_config as Obj;
  const blocks = has("agent.blocks") ? objs("blocks", a.block_ids) : [];
  const secrets = Object.entries((a.secrets as Obj) ?? {}).map(([key, value]) => ({
    id: `agent-env-${randomUUIDFor(String(a.id), key)}`, agent_id: a.id, key, value, value_enc: `enc:${Buffer.from(String(value)).toString("base64")}`, description: null,
  }));
  const [files, chars] = fileDefaults(Number(llm.context_window));
  const out: Obj = {
    id: a.id, name: a.name, system: a.system, agent_type: a.agent_type, description: a.description ?? null, metadata: a.metadata ?? null,
    llm_config: llm, embedding_config: a.embedding_config, model: llm.handle, embedding: (a.embedding_config as Obj).handle,
    model_settings: modelSettingsOf(llm), response_format: llm.response_format ?? null,
    tags: has("agent.tags") ? a.tags : [],
    tools: has("agent.tools") ? objs("tools", a.tool_ids) : [],
    blocks, memory: { blocks, file_blocks: [], prompt_template: "" },
    sources: has("agent.sources") ? objs("sources", a.source_ids) : [],
    identities: has("agent.identities") ? objs("identities", a.identity_ids) : [],
    identity_ids: a.identity_ids,
    secrets: has("agent.secrets") ? secrets : [],
    tool_exec_environment_variables: has("agent.secrets") ? secrets : [],
    managed_group: null, multi_agent_group: null,
    tool_rules: a.tool_rules, message_ids: a.message_ids,
    project_id: a.project_id ?? null, template_id: a.template_id ?? null, base_template_id: a.base_template_id ?? null,
    deployment_id: null, entity_id: null,
    message_buffer_autoclear: a.message_buffer_autoclear, enable_sleeptime: a.enable_sleeptime ?? null,
    timezone: a.timezone, hidden: a.hidden ?? null,
    max_files_open: a.max_files_open ?? files, per_file_view_window_char_limit: a.per_file_view_window_char_limit ?? chars,
    created_by_id: a.created_by_id, last_updated_by_id: a.last_updated_by_id, created_at: a.created_at, updated_at: a.updated_at,
    last_run_completion: a.last_run_completion ?? null, last_run_duration_ms: a.last_run_duration_ms ?? null, last_stop_reason: a.last_stop_reason ?? null,
  };
  return out;
}
/** A stable secret id per agent and key. */
function randomUUIDFor(agentId: string, key: string): string {
  let h = 0;
  for (const ch of agentId + key) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const hex = h.toString(16).padStart(8, "0");
  return `${hex}-0000-4000-8000-${hex}${hex.slice(0, 4)}`;
}

/* ---------- routes ---------- */

const ALL = new Set(RELATIONS);
/** Which server behaviour PATCH follows (api/letta.md §5): "seed" (default) or "last". */
const versionOf = (c: PlatformContext): string => String(col(c, "settings").get("global")?.version ?? "seed");
const agents = (c: PlatformContext) => col(c, "agents");
const USER = "user-00000000-0000-4000-8000-000000000000";

/** The base tool of a name, created on first use like the server's built-ins. */
function baseTool(c: PlatformContext, name: string, toolType: string): string {
  for (const t of col(c, "tools").values()) if (t.name === name && t.tool_type === toolType) return String(t.id);
  const t = { id: newId("tool"), name, tool_type: toolType, description: `Built-in ${name}`, json_schema: { name }, source_code: null, tags: ["letta-base"] };
  col(c, "tools").set(t.id, t);
  return t.id;
}

function newBlock(c: PlatformContext, b: Obj): Obj {
  const block = {
    id: newId("block"), label: b.label, value: b.value ?? "", limit: b.limit ?? 100000, description: b.description ?? null,
    read_only: b.read_only ?? false, metadata: b.metadata ?? {}, tags: b.tags ?? [],
  };
  col(c, "blocks").set(block.id, block);
  return block;
}

const body = (req: EmuRequest): Obj => (isObj(req.body) ? req.body : {});
/** `null` and absent both mean "not given" (api/letta.md §5). */
const given = (b: Obj, k: string) => b[k] !== undefined && b[k] !== null;

const createAgent: Handler = (req, c) => {
  const b = body(req);
  const errors = bodyErrors(b);
  if (errors.length) return { status: 422, body: { detail: errors } };
  if (given(b, "name") && !/^[\p{L}\p{N} _'-]+$/u.test(String(b.name))) return detail(400, `Invalid agent name ${b.name}: only letters, digits, spaces and -_' are allowed`);
  const handle = given(b, "model") ? String(b.model) : DEFAULT_MODEL;
  const bad = modelProblem(handle);
  if (bad) return bad;
  const embedding = given(b, "embedding") ? String(b.embedding) : DEFAULT_EMBEDDING;
  if (!EMBEDDINGS.includes(embedding)) return detail(400, `Embedding handle ${embedding} not found`);
  const toolIds = (b.tool_ids as string[] | undefined) ?? [];
  const unknownTool = toolIds.find((id) => !col(c, "tools").has(id));
  if (unknownTool) return detail(400, `Tool ${unknownTool} not found`);
  const agentType = given(b, "agent_type") ? String(b.agent_type) : "memgpt_v2_agent";
  const llm = llmConfig(handle, b.context_window_limit);
  if (isObj(b.model_settings)) applySettings(llm, b.model_settings);
  const base = b.include_base_tools === false ? [] : baseToolNames(agentType).map(([n, t]) => baseTool(c, n, t));
  const memory = Array.isArray(b.memory_blocks)
    ? (b.memory_blocks as Obj[])
    : [{ label: "persona", value: "I am a helpful assistant." }, { label: "human", value: "Nothing is known about the human yet." }];
  const created = memory.map((m) => String(newBlock(c, m).id));
  const attached = ((b.block_ids as string[] | undefined) ?? []).filter((id) => col(c, "blocks").has(id)); // unknown ids are dropped
  const tags = (b.tags as string[] | undefined) ?? [];
  const now = c.now();
  const a: Obj = {
    id: newId("agent"), name: given(b, "name") ? b.name : `agent-${randomUUID().slice(0, 8)}`,
    system: given(b, "system") ? b.system : `You are Letta, a ${agentType} with persistent memory.`, agent_type: agentType,
    description: b.description ?? null, metadata: b.metadata ?? null, tags,
    tool_ids: [...new Set([...base, ...toolIds])], block_ids: [...new Set([...created, ...attached])],
    source_ids: (b.source_ids as string[] | undefined) ?? [], identity_ids: (b.identity_ids as string[] | undefined) ?? [],
    tool_rules: withRuleDefaults(b.tool_rules ?? []), secrets: b.secrets ?? b.tool_exec_environment_variables ?? {},
    project_id: b.project_id ?? null, template_id: b.template_id ?? null, base_template_id: b.base_template_id ?? null,
    message_buffer_autoclear: agentType === "workflow_agent" ? true : (b.message_buffer_autoclear ?? false),
    enable_sleeptime: b.enable_sleeptime ?? null, timezone: b.timezone ?? "UTC",
    max_files_open: b.max_files_open ?? null, per_file_view_window_char_limit: b.per_file_view_window_char_limit ?? null,
    hidden: tags.includes("role:subagent") ? true : (b.hidden ?? null),
    llm_config: llm, embedding_config: { handle: embedding, embedding_model: embedding.split("/")[1], embedding_dim: 1536 },
    message_ids: [newId("message"), newId("message"), newId("message")],
    created_by_id: USER, last_updated_by_id: USER, created_at: now, updated_at: now,
  };
  agents(c).set(String(a.id), a);
  return { status: 200, body: render(c, a, ALL) };
};

function findAgent(req: EmuRequest, c: PlatformContext, gone: string): Obj | EmuResponse {
  const id = req.params.agent_id;
  if (!AGENT_ID.test(id)) return badAgentId(id);
  return agents(c).get(id) ?? detail(404, gone.replace("{id}", id));
}
const isResponse = (x: Obj | EmuResponse): x is EmuResponse => typeof (x as EmuResponse).status === "number" && !("id" in x);

const getAgent: Handler = (req, c) => {
  const a = findAgent(req, c, "Agent with ID {id} not found");
  if (isResponse(a)) return a;
  return { status: 200, body: render(c, a, new Set(req.query.getAll("include"))) };
};

const modifyAgent: Handler = (req, c) => {
  const a = findAgent(req, c, "Agent not found with id={id}");
  if (isResponse(a)) return a;
  const b = body(req);
  const errors = bodyErrors(b);
  if (errors.length) return { status: 422, body: { detail: errors } };
  // Check every reference before changing anything.
  if (given(b, "model")) {
    const bad = modelProblem(String(b.model));
    if (bad) return bad;
  }
  if (given(b, "embedding") && !EMBEDDINGS.includes(String(b.embedding))) return detail(400, `Embedding handle ${b.embedding} not found`);
  for (const [k, name, what] of [["tool_ids", "tools", "Tool"], ["source_ids", "sources", "Source"], ["identity_ids", "identities", "Identity"]] as const) {
    const missing = given(b, k) ? (b[k] as string[]).find((id) => !col(c, name).has(id)) : undefined;
    if (missing) return detail(404, `NOT_FOUND: ${what} ${missing} not found`);
  }
  if (given(b, "block_ids") && (b.block_ids as string[]).some((id) => !col(c, "blocks").has(id))) return detail(500, "An unknown error occurred");
  if (given(b, "model_settings") && !given(b, "model") && !given(b, "context_window_limit") && !given(b, "max_tokens")) {
    return detail(500, "An unknown error occurred"); // seed era: model_settings alone fails
  }
  for (const k of ["name", "system", "description", "timezone", "project_id", "template_id", "base_template_id", "metadata",
    "tags", "tool_ids", "source_ids", "block_ids", "identity_ids", "message_ids", "message_buffer_autoclear", "enable_sleeptime",
    "max_files_open", "per_file_view_window_char_limit", "last_run_completion", "last_run_duration_ms", "last_stop_reason"]) {
    if (given(b, k)) a[k] = b[k];
  }
  if (given(b, "tool_rules")) a.tool_rules = withRuleDefaults(b.tool_rules);
  // `hidden` is silently ignored: it is missing from the server's update code.
  const seedEra = versionOf(c) === "seed";
  const secretsOrEnv = given(b, "secrets") && (!seedEra || Object.keys(b.secrets as Obj).length) ? b.secrets : b.tool_exec_environment_variables;
  if (secretsOrEnv !== undefined && secretsOrEnv !== null) a.secrets = { ...(secretsOrEnv as Obj) }; // `{}` alone is a no-op (seed era)
  let llm = a.llm_config as Obj;
  if (given(b, "model")) llm = llmConfig(String(b.model), b.context_window_limit); // rebuilt from defaults
  else if (given(b, "context_window_limit")) llm = llmConfig(String(llm.handle), b.context_window_limit);
  if (isObj(b.model_settings)) applySettings(llm, b.model_settings);
  // Deprecated parallel_tool_calls defaults to false: a PATCH that omits it resets it (seed: "Defaults to false").
  // The last version defaults it to null: omitted means unchanged.
  if (!("parallel_tool_calls" in b)) {
    if (seedEra) llm.parallel_tool_calls = false;
  }
  else if (typeof b.parallel_tool_calls === "boolean") llm.parallel_tool_calls = b.parallel_tool_calls;
  a.llm_config = llm;
  if (given(b, "embedding")) a.embedding_config = { handle: b.embedding, embedding_model: String(b.embedding).split("/")[1], embedding_dim: 1536 };
  a.updated_at = c.now();
  a.last_updated_by_id = USER;
  return { status: 200, body: render(c, a, ALL) };
};

/**
 * `GET /v1/agents/` (api/letta.md §4): a plain array, newest first unless `order=asc`, paged with `limit`
 * (default 50) and `after`/`before` cursors holding an agent id; filters `name` (exact), `query_text`
 * (substring of the name), `tags` with `match_all_tags`, `project_id`, `template_id`, `base_template_id`,
 * `identity_id`; hidden agents are left out; relations as with `include=`.
 */
const listAgents: Handler = (req, c) => {
  const q = req.query;
  const limit = q.has("limit") ? Number(q.get("limit")) : 50;
  if (!Number.isInteger(limit) || limit < 1) return { status: 422, body: { detail: "limit must be a positive integer" } };
  const by = q.get("order_by") ?? "created_at";
  if (!["created_at", "updated_at", "last_run_completion"].includes(by)) return { status: 422, body: { detail: `order_by must be created_at, updated_at or last_run_completion` } };
  const tags = q.getAll("tags");
  const all = q.get("match_all_tags") === "true";
  const eq = (k: string, v: string | null) => (a: Obj) => v === null || a[k] === v;
  let list = [...agents(c).values()]
    .map((a, i) => [a, i] as const)
    .filter(([a]) => a.hidden !== true)
    .filter(([a]) => eq("name", q.get("name"))(a) && eq("project_id", q.get("project_id"))(a) && eq("template_id", q.get("template_id"))(a) && eq("base_template_id", q.get("base_template_id"))(a))
    .filter(([a]) => !q.has("query_text") || String(a.name).toLowerCase().includes(String(q.get("query_text")).toLowerCase()))
    .filter(([a]) => !q.has("identity_id") || (a.identity_ids as string[]).includes(String(q.get("identity_id"))))
    .filter(([a]) => !tags.length || (all ? tags.every((t) => (a.tags as string[]).includes(t)) : tags.some((t) => (a.tags as string[]).includes(t))))
    .sort(([a, i], [b, j]) => String(a[by] ?? "").localeCompare(String(b[by] ?? "")) || i - j)
    .map(([a]) => a);
  if (q.get("order") !== "asc") list = list.reverse();
  const at = (id: string | null) => (id === null ? -1 : list.findIndex((a) => a.id === id));
  if (q.has("after")) list = list.slice(at(q.get("after")) + 1);
  if (q.has("before")) {
    const i = at(q.get("before"));
    list = i < 0 ? list : list.slice(0, i);
  }
  const include = new Set(q.getAll("include"));
  return { status: 200, body: list.slice(0, limit).map((a) => render(c, a, include)) };
};

const deleteAgent: Handler = (req, c) => {
  const a = findAgent(req, c, "Agent not found with id={id}");
  if (isResponse(a)) return a;
  agents(c).delete(String(a.id));
  return { status: 200, body: { message: `Agent id=${a.id} successfully deleted` } };
};

/** Minimal create / get for the objects an agent refers to (inferred paths), so tests have real ids. */
function objectRoutes(path: string, collection: string, prefix: string, make: (b: Obj) => Obj): [string, string, Handler][] {
  return [
    ["POST", `/v1/${path}/`, (req, c) => {
      const o = { id: newId(prefix), ...make(body(req)) };
      col(c, collection).set(o.id, o);
      return { status: 200, body: o };
    }],
    ["GET", `/v1/${path}/:id`, (req, c) => {
      const o = col(c, collection).get(req.params.id);
      return o ? { status: 200, body: o } : detail(404, `${prefix} ${req.params.id} not found`);
    }],
  ];
}

/**
 * `POST /_emulator/letta/run {agentId, label?, value?}`: the agent runs. It appends two messages,
 * rewrites a memory block (the one labelled `label`, else its first block) and records the run.
 */
const run: Handler = (req, c) => {
  const b = body(req);
  const a = agents(c).get(String(b.agentId));
  if (!a) return detail(404, `Agent with ID ${b.agentId} not found`);
  a.message_ids = [...(a.message_ids as string[]), newId("message"), newId("message")];
  const blocks = (a.block_ids as string[]).map((id) => col(c, "blocks").get(id)).filter((x): x is Obj => !!x);
  const block = blocks.find((x) => x.label === b.label) ?? blocks[0];
  if (block) block.value = typeof b.value === "string" ? b.value : `${block.value}\nLearned something at ${c.now()}.`;
  a.last_run_completion = c.now();
  a.last_run_duration_ms = 1200 + Math.floor(Math.random() * 1000);
  a.last_stop_reason = "end_turn";
  a.updated_at = c.now();
  return { status: 200, body: { agentId: a.id, messageIds: a.message_ids, block: block?.id ?? null } };
};

/**
 * `POST /_emulator/letta/version {version}`: "seed" (the default) behaves like the seed-era server, where
 * `secrets: {}` alone is a no-op and a PATCH without `parallel_tool_calls` resets it to false; "last" like the
 * last version, where `secrets: {}` clears and an omitted `parallel_tool_calls` leaves it alone.
 */
const version: Handler = (req, c) => {
  const v = body(req).version;
  if (v !== "seed" && v !== "last") return detail(422, 'version must be "seed" or "last"');
  col(c, "settings").set("global", { id: "global", version: v });
  return { status: 204 };
};

export const lettaModule: PlatformModule = {
  name: "letta",
  defaultKey: "letta-test-key",
  auth: (req, key) => (key && req.headers.authorization !== `Bearer ${key}` ? detail(401, "Unauthorized") : undefined),
  routes: [
    ["POST", "/v1/agents/", createAgent],
    ["GET", "/v1/agents/", listAgents],
    ["GET", "/v1/agents/:agent_id", getAgent],
    ["PATCH", "/v1/agents/:agent_id", modifyAgent],
    ["DELETE", "/v1/agents/:agent_id", deleteAgent],
    ...objectRoutes("tools", "tools", "tool", (b) => ({ name: b.name ?? "tool", tool_type: "custom", description: b.description ?? null, source_code: b.source_code ?? null, json_schema: { name: b.name }, tags: b.tags ?? [] })),
    ...objectRoutes("blocks", "blocks", "block", (b) => ({ label: b.label ?? "block", value: b.value ?? "", limit: b.limit ?? 100000, description: b.description ?? null, read_only: false, metadata: {}, tags: [] })),
    ...objectRoutes("sources", "sources", "source", (b) => ({ name: b.name ?? "source", description: b.description ?? null })),
    ...objectRoutes("identities", "identities", "identity", (b) => ({ identifier_key: b.identifier_key ?? "id", name: b.name ?? "identity", identity_type: b.identity_type ?? "user" })),
  ],
  controls: { run, version },
  collections: ["agents", "tools", "blocks", "sources", "identities"],
};
