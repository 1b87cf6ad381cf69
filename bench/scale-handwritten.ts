/**
 * What a user would write instead of pulumi-agents: a minimal dynamic provider that makes the same
 * HTTP calls (recorded from pulumi-agents by the benchmark, with `{id}` and `{name}` placeholders)
 * with undici, and no validation, field semantics, read-back checks, retries or rate limiting. It is
 * serialized by the SDK's closure serializer (the call templates are captured in its code, as a
 * user's hard-coded URLs and bodies would be) and run by the same dynamic-provider host. Its inputs
 * are the resource's own fields, plus its type and a version the update phase bumps.
 */

/** One recorded call. */
export interface Call {
  method: string;
  path: string;
  query?: string;
  body?: unknown;
}

/** The calls of one resource type, and where and how to send them. */
export interface TypeTemplate {
  base: string;
  headers: Record<string, string>;
  /** Prefix of an id the client chooses (Everruns), when the first create call's path holds `{id}`. */
  idPrefix?: string;
  calls: { create: Call[]; update: Call[]; read: Call[]; delete: Call[] };
}

export interface HandwrittenInputs {
  kind: string;
  name: string;
  /** What the program changes between runs: its diff compares this. */
  version: number;
}

let templates: Record<string, TypeTemplate> = {};
/** Set before serializing: the serializer captures the templates in the provider's code. */
export function setTemplates(t: Record<string, TypeTemplate>): void {
  templates = t;
}

/** Sends one call with `{id}` and `{name}` filled in; returns the parsed body. */
async function send(inputs: HandwrittenInputs, c: Call, id: string): Promise<unknown> {
  const t = templates[inputs.kind];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const undici = require("undici");
  const g = globalThis as { __handwrittenAgent?: unknown };
  g.__handwrittenAgent ??= new undici.Agent({ keepAliveTimeout: 4000 });
  const fill = (s: string) => s.split("{id}").join(id).split("{name}").join(inputs.name);
  const url = t.base + fill(c.path) + (c.query ? `?${fill(c.query)}` : "");
  const body = c.body === undefined ? undefined : fill(JSON.stringify(c.body));
  const res = await undici.request(url, { method: c.method, headers: t.headers, body, dispatcher: g.__handwrittenAgent });
  const text = await res.body.text();
  if (res.statusCode >= 300 && res.statusCode !== 404) throw new Error(`${c.method} ${url} failed with ${res.statusCode}: ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : undefined;
}

function idOf(body: unknown): string {
  const b = (body ?? {}) as Record<string, Record<string, unknown> | string | undefined>;
  const inner = (typeof b.agent === "object" ? b.agent : typeof b.data === "object" ? b.data : {}) as Record<string, unknown>;
  return String(b.id ?? b.agentId ?? inner.id ?? "");
}

export const handwritten = {
  async diff(_id: string, olds: HandwrittenInputs, news: HandwrittenInputs) {
    return { changes: olds.version !== news.version };
  },
  async create(inputs: HandwrittenInputs) {
    const t = templates[inputs.kind];
    const chosen = JSON.stringify(t.calls.create[0]).includes("{id}");
    let id = chosen ? `${t.idPrefix ?? ""}${[...Array(32)].map(() => Math.floor(Math.random() * 16).toString(16)).join("")}` : "";
    for (const c of t.calls.create) {
      const body = await send(inputs, c, id);
      if (!id) id = idOf(body);
    }
    return { id, outs: { kind: inputs.kind, name: inputs.name, version: inputs.version, id } };
  },
  async update(id: string, _olds: HandwrittenInputs, news: HandwrittenInputs) {
    for (const c of templates[news.kind].calls.update) await send(news, c, id);
    return { outs: { kind: news.kind, name: news.name, version: news.version, id } };
  },
  async read(id: string, props: HandwrittenInputs) {
    for (const c of templates[props.kind].calls.read) await send(props, c, id);
    return { id, props };
  },
  async delete(id: string, props: HandwrittenInputs) {
    for (const c of templates[props.kind].calls.delete) await send(props, c, id);
  },
};
