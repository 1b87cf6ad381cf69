/**
 * A loopback HTTP server that speaks the four platforms' APIs, one module per platform, each
 * under its own path prefix (`http://127.0.0.1:<port>/asteroid` is Asteroid's base URL).
 *
 * Test controls live under `/_emulator/`:
 * - `GET|DELETE /_emulator/requests`: the recorded request log (method, path, query, body).
 * - `POST /_emulator/faults`: `{platform?, method?, path?, status?, retryAfter?, body?, latencyMs?, drop?, rewrite?,
 *   after?, answer?, count?}` applies to the next `count` matching requests (`path` is a substring). By default
 *   the fault strikes before the server acts; with `after: true` the server acts first and the fault strikes
 *   its answer (a 5xx after the commit, a connection dropped or an answer delayed after the change was made).
 *   `answer` breaks a 2xx answer after the server acted: `truncated` (invalid JSON, complete message),
 *   `html` (an HTML page), `empty`, `no-id` (the object without its id), `cut` (Content-Length of the whole
 *   body, half of it sent, then the connection closed).
 * - `GET|PATCH|DELETE /_emulator/objects/<platform>/<collection>/<id>`: read, edit or delete stored objects
 *   out of band (drift); `GET /_emulator/objects/<platform>/<collection>` lists a collection. An unknown
 *   platform or collection is a 404 naming the known ones.
 * - `PUT /_emulator/keys/<platform>`: `{key}` changes the accepted API key (rotation).
 * - `POST /_emulator/<platform>/<action>`: platform-specific controls.
 * - `PUT|GET|DELETE /_emulator/ratelimit`: a token-bucket rate limit per platform (see ratelimit.ts).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { RateLimits, rateLimitControl, type RateLimitSpec } from "./ratelimit";

export interface EmuRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  params: Record<string, string>;
}

export interface EmuResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: EmuRequest, ctx: PlatformContext) => EmuResponse | Promise<EmuResponse>;

/** What a platform module gets: its own store and accepted key. */
export interface PlatformContext {
  store: Store;
  key(): string | undefined;
  now(): string;
}

export interface PlatformModule {
  name: string;
  /** Returns an error response when the request is not authorised, else undefined. */
  auth(req: EmuRequest, key: string | undefined): EmuResponse | undefined;
  routes: [method: string, pattern: string, handler: Handler][];
  /** Platform-specific controls under `/_emulator/<name>/<action>`. */
  controls?: Record<string, Handler>;
  /** The collections `/_emulator/objects/<name>/<collection>` serves (the store's internal ones are not listed). */
  collections: string[];
  /** The API key accepted when none is given; undefined means no auth. */
  defaultKey?: string;
}

/** Collections of JSON objects by id. */
export class Store {
  private readonly data = new Map<string, Map<string, Record<string, unknown>>>();
  collection(name: string): Map<string, Record<string, unknown>> {
    let c = this.data.get(name);
    if (!c) this.data.set(name, (c = new Map()));
    return c;
  }
}

export interface RecordedRequest {
  platform: string;
  method: string;
  path: string;
  query: Record<string, string[]>;
  body: unknown;
}

/** A fault for the next `count` matching requests (see `POST /_emulator/faults`). */
export interface Fault {
  platform?: string;
  method?: string;
  path?: string;
  status?: number;
  retryAfter?: string;
  body?: unknown;
  latencyMs?: number;
  drop?: boolean;
  /** Let the request through, but answer with these top-level fields changed (a server that rewrites input). */
  rewrite?: Record<string, unknown>;
  /** The server acts first; latency, drop and status then strike its answer. */
  after?: boolean;
  /** A broken 2xx answer, after the server acted. */
  answer?: BrokenAnswer;
  count: number;
}

export type BrokenAnswer = "truncated" | "html" | "empty" | "no-id" | "cut";
const BROKEN: BrokenAnswer[] = ["truncated", "html", "empty", "no-id", "cut"];
const FAULT_KEYS = ["platform", "method", "path", "status", "retryAfter", "body", "latencyMs", "drop", "rewrite", "after", "answer", "count"];

/** What is wrong with a fault a test posted, in one line; undefined when it is good. */
function faultProblem(f: unknown, platforms: string[]): string | undefined {
  if (typeof f !== "object" || f === null || Array.isArray(f)) return "the body must be a JSON object";
  const x = f as Record<string, unknown>;
  const unknown = Object.keys(x).find((k) => !FAULT_KEYS.includes(k));
  if (unknown) return `unknown member ${JSON.stringify(unknown)} (known: ${FAULT_KEYS.join(", ")})`;
  if (x.platform !== undefined && !platforms.includes(String(x.platform))) return `unknown platform ${JSON.stringify(x.platform)} (platforms: ${platforms.join(", ")})`;
  if (x.method !== undefined && (typeof x.method !== "string" || x.method !== x.method.toUpperCase())) return `method must be an upper-case HTTP method such as "GET", got ${JSON.stringify(x.method)}`;
  if (x.path !== undefined && typeof x.path !== "string") return "path must be a string (a substring of the request path)";
  if (x.status !== undefined && !(Number.isInteger(x.status) && (x.status as number) >= 100 && (x.status as number) <= 599)) return "status must be an HTTP status code (100-599)";
  if (x.latencyMs !== undefined && !(typeof x.latencyMs === "number" && x.latencyMs >= 0)) return "latencyMs must be a number of milliseconds";
  if (x.count !== undefined && !(Number.isInteger(x.count) && (x.count as number) >= 1)) return "count must be a whole number of at least 1";
  if (x.answer !== undefined && !BROKEN.includes(x.answer as BrokenAnswer)) return `answer must be one of ${BROKEN.join(", ")}, got ${JSON.stringify(x.answer)}`;
  for (const k of ["drop", "after"]) if (x[k] !== undefined && typeof x[k] !== "boolean") return `${k} must be true or false`;
  if (x.rewrite !== undefined && (typeof x.rewrite !== "object" || x.rewrite === null || Array.isArray(x.rewrite))) return "rewrite must be an object of top-level answer members";
  if (x.status === undefined && x.drop === undefined && x.latencyMs === undefined && x.answer === undefined && x.rewrite === undefined) {
    return "the fault does nothing: give status, drop, latencyMs, answer or rewrite";
  }
  return undefined;
}

/** Writes a broken version of a 2xx answer (see `Fault.answer`). */
function sendBroken(raw: http.IncomingMessage, res: http.ServerResponse, answer: EmuResponse, kind: BrokenAnswer): void {
  // A 204 has no body to break: it is broken as a 200.
  const r = answer.status === 204 ? { ...answer, status: 200 } : answer;
  const json = r.body === undefined ? "" : typeof r.body === "string" ? r.body : JSON.stringify(r.body);
  const write = (status: number, type: string, text: string, length = Buffer.byteLength(text)) => {
    res.writeHead(status, { "content-type": type, "content-length": String(length) });
    return text;
  };
  switch (kind) {
    case "truncated": {
      const half = json.slice(0, Math.max(1, Math.floor(json.length / 2)));
      return void res.end(write(r.status, "application/json", half));
    }
    case "html":
      return void res.end(write(200, "text/html", "<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><h1>Please sign in</h1></body></html>\n"));
    case "empty":
      return void res.end(write(r.status, "application/json", ""));
    case "no-id": {
      const strip = (b: unknown): unknown => {
        if (typeof b !== "object" || b === null || Array.isArray(b)) return b;
        const { id: _id, ...rest } = b as Record<string, unknown>;
        if (typeof rest.agent === "object" && rest.agent !== null) rest.agent = strip(rest.agent);
        return rest;
      };
      return void res.end(write(r.status, "application/json", JSON.stringify(strip(r.body) ?? {})));
    }
    case "cut": {
      const text = json || "{}";
      const bytes = Buffer.from(text);
      res.writeHead(r.status, { "content-type": "application/json", "content-length": String(bytes.length) });
      res.write(bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))), () => raw.socket.destroy());
      return;
    }
    default:
      // Checked when the fault is posted; never leave a request without an answer.
      return void res.end(write(500, "application/json", JSON.stringify({ error: `emulator: unknown broken answer ${JSON.stringify(kind)}` })));
  }
}

export interface Emulator {
  port: number;
  url: string;
  /** Base URL of one platform, e.g. `baseUrl("asteroid")`. */
  baseUrl(platform: string): string;
  key(platform: string): string | undefined;
  close(): Promise<void>;
}

const match = (pattern: string, path: string): Record<string, string> | undefined => {
  const p = pattern.split("/");
  const a = path.split("/");
  if (p.length !== a.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(":")) params[p[i].slice(1)] = decodeURIComponent(a[i]);
    else if (p[i] !== a[i]) return undefined;
  }
  return params;
};

function send(res: http.ServerResponse, r: EmuResponse): void {
  const payload = r.body === undefined ? "" : typeof r.body === "string" ? r.body : JSON.stringify(r.body);
  res.writeHead(r.status, {
    ...(r.body === undefined ? {} : { "content-type": typeof r.body === "string" ? "text/plain" : "application/json" }),
    ...r.headers,
  });
  res.end(payload);
}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startEmulator(
  modules: PlatformModule[],
  opts: { port?: number; host?: string; keys?: Record<string, string | undefined>; rateLimit?: RateLimitSpec | RateLimitSpec[] } = {},
): Promise<Emulator> {
  const byName = new Map(modules.map((m) => [m.name, m]));
  const keys = new Map<string, string | undefined>(modules.map((m) => [m.name, opts.keys && m.name in opts.keys ? opts.keys[m.name] : m.defaultKey]));
  const stores = new Map(modules.map((m) => [m.name, new Store()]));
  const log: RecordedRequest[] = [];
  let faults: Fault[] = [];
  const limits = new RateLimits();
  limits.set(opts.rateLimit, [...byName.keys()]);
  const ctxOf = (name: string): PlatformContext => ({ store: stores.get(name)!, key: () => keys.get(name), now: () => new Date().toISOString() });

  /** Why `/_emulator/objects/<platform>/<collection>` names nothing, with the known names; undefined when it does. */
  function unknownCollection(platform: string, collection: string): string | undefined {
    const mod = byName.get(platform);
    if (!mod) return `unknown platform ${JSON.stringify(platform)} (platforms: ${[...byName.keys()].join(", ")})`;
    if (!mod.collections.includes(collection)) return `unknown collection ${JSON.stringify(collection)} of ${platform} (collections: ${mod.collections.join(", ")})`;
    return undefined;
  }

  async function control(req: EmuRequest): Promise<EmuResponse> {
    const parts = req.path.split("/").filter(Boolean).slice(1); // drop "_emulator"
    if (parts[0] === "requests") {
      if (req.method === "DELETE") return (log.length = 0), { status: 204 };
      const platform = req.query.get("platform");
      return { status: 200, body: platform ? log.filter((r) => r.platform === platform) : log };
    }
    if (parts[0] === "faults") {
      if (req.method === "DELETE") return (faults = []), { status: 204 };
      if (req.method === "GET") return { status: 200, body: faults };
      if (req.method !== "POST") return { status: 405, body: { error: "use POST to add a fault, GET to list them, DELETE to clear them" } };
      const bad = faultProblem(req.body, [...byName.keys()]);
      if (bad) return { status: 400, body: { error: `bad fault: ${bad}` } };
      const f = req.body as Fault;
      faults.push({ ...f, count: f.count ?? 1 });
      return { status: 201, body: f };
    }
    if (parts[0] === "ratelimit") return rateLimitControl(limits, req.method, req.body, [...byName.keys()]);
    if (parts[0] === "keys" && req.method === "PUT") {
      if (!byName.has(parts[1])) return { status: 404, body: { error: `unknown platform ${JSON.stringify(parts[1])} (platforms: ${[...byName.keys()].join(", ")})` } };
      keys.set(parts[1], (req.body as { key?: string })?.key);
      return { status: 204 };
    }
    if (parts[0] === "objects" && (parts.length === 3 || parts.length === 4)) {
      const [, platform, collection, id] = parts.map(decodeURIComponent);
      const unknown = unknownCollection(platform, collection);
      if (unknown) return { status: 404, body: { error: unknown } };
      const store = stores.get(platform)!.collection(collection);
      if (id === undefined) return req.method === "GET" ? { status: 200, body: [...store.values()] } : { status: 405, body: { error: "use GET to list a collection" } };
      const obj = store.get(id);
      if (!obj) return { status: 404, body: { error: `no ${platform}/${collection}/${id}` } };
      if (req.method === "GET") return { status: 200, body: obj };
      if (req.method === "DELETE") return store.delete(id), { status: 204 };
      if (req.method === "PATCH") {
        Object.assign(obj, req.body as object, { updatedAt: obj.updatedAt === undefined ? undefined : new Date().toISOString() });
        if (obj.updatedAt === undefined) delete obj.updatedAt;
        return { status: 200, body: obj };
      }
    }
    const mod = byName.get(parts[0]);
    const h = mod?.controls?.[parts[1]];
    if (mod && h) return h(req, ctxOf(mod.name));
    return { status: 404, body: { error: `unknown control ${req.path}` } };
  }

  const server = http.createServer(async (raw, res) => {
    try {
      const url = new URL(raw.url ?? "/", "http://emulator");
      const req: EmuRequest = { method: raw.method ?? "GET", path: url.pathname, query: url.searchParams, headers: raw.headers, body: await readBody(raw), params: {} };
      if (req.path.startsWith("/_emulator/")) return send(res, await control(req));
      const [, platform, ...rest] = req.path.split("/");
      const mod = byName.get(platform);
      if (!mod) return send(res, { status: 404, body: { error: `unknown platform ${platform}` } });
      const path = "/" + rest.join("/");
      const query: Record<string, string[]> = {};
      for (const k of new Set(url.searchParams.keys())) query[k] = url.searchParams.getAll(k);
      log.push({ platform, method: req.method, path, query, body: req.body });
      const admitted = limits.admit(platform);
      if (admitted.reject) return send(res, admitted.reject);
      const fault = faults.find(
        (f) => f.count > 0 && (!f.platform || f.platform === platform) && (!f.method || f.method === req.method) && (!f.path || path.includes(f.path)),
      );
      const strike = async (f: Fault): Promise<boolean> => {
        if (f.latencyMs) await new Promise((r) => setTimeout(r, f.latencyMs));
        if (f.drop) return raw.socket.destroy(), true;
        if (f.status) return send(res, { status: f.status, body: f.body ?? { error: "injected fault" }, headers: f.retryAfter ? { "retry-after": f.retryAfter } : {} }), true;
        return false;
      };
      if (fault) {
        fault.count--;
        faults = faults.filter((f) => f.count > 0);
        if (!fault.after && !fault.answer && (await strike(fault))) return;
      }
      const denied = mod.auth(req, keys.get(platform));
      if (denied) return send(res, denied);
      for (const [method, pattern, handler] of mod.routes) {
        if (method !== req.method) continue;
        const params = match(pattern, path);
        if (!params) continue;
        const answer = await handler({ ...req, path, params }, ctxOf(platform));
        if (fault?.after && (await strike(fault))) return;
        if (fault?.answer && answer.status >= 200 && answer.status < 300) return sendBroken(raw, res, answer, fault.answer);
        if (fault?.rewrite && answer.body && typeof answer.body === "object") answer.body = { ...answer.body, ...fault.rewrite };
        return send(res, { ...answer, headers: { ...answer.headers, ...admitted.headers } });
      }
      const known = mod.routes.some(([, pattern]) => match(pattern, path));
      send(res, known ? { status: 405, body: { error: "method not allowed" } } : { status: 404, body: { error: "not found" } });
    } catch (e) {
      send(res, { status: 500, body: { error: `emulator: ${(e as Error).message}` } });
    }
  });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject); // EADDRINUSE, EACCES, ...: the caller names the address
    server.listen(opts.port ?? 0, host, () => (server.off("error", reject), resolve()));
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  return {
    port,
    url,
    baseUrl: (p) => `${url}/${p}`,
    key: (p) => keys.get(p),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
