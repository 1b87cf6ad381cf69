/**
 * One undici-based client shared by all platforms: a platform spec says how to authenticate and
 * how to read an error body; the client adds timeouts, the retry policy and redaction.
 */
import { Agent, request, type Dispatcher } from "undici";
import { ApiError, ConfigError, TransportError, redact } from "./errors";
import { DEFAULT_RETRY, retryInterceptor, type RetrySettings } from "./retry";

export interface PlatformSpec {
  /** Lower-case name, also the stack-config namespace: `asteroid`. */
  name: string;
  /** Environment variable prefix: `ASTEROID` for ASTEROID_API_KEY and ASTEROID_BASE_URL. */
  envPrefix: string;
  defaultBaseUrl: string;
  /** False where self-hosted servers run without auth (Everruns, Letta). */
  keyRequired: boolean;
  authHeaders(apiKey: string): Record<string, string>;
  /** The human message inside an error body. */
  errorMessage(body: unknown): string | undefined;
}

export interface ClientOptions {
  apiKey?: string;
  baseUrl?: string;
  timeoutMs?: number;
  retry?: Partial<RetrySettings>;
  /** A dispatcher to use instead of the shared one (tests: undici MockAgent). */
  dispatcher?: Dispatcher;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | string[] | undefined>;
  /** Statuses that are answers, not errors (e.g. 404 on read, 409 "nothing to publish"). */
  accept?: number[];
  /** Extra statuses worth retrying for this idempotent request (e.g. 500 on an upsert). */
  retryStatuses?: number[];
  /** Values to redact from any error this request raises (write-only inputs it carried). */
  secrets?: string[];
}

export interface Response {
  status: number;
  body: unknown;
}

const shared = new Map<string, Dispatcher>();
function sharedDispatcher(r: RetrySettings): Dispatcher {
  const key = JSON.stringify(r);
  let d = shared.get(key);
  if (!d) shared.set(key, (d = new Agent({ keepAliveTimeout: 4_000 }).compose(retryInterceptor(r))));
  return d;
}

export class PlatformClient {
  readonly baseUrl: string;
  private readonly dispatcher: Dispatcher;
  private readonly timeoutMs: number;

  constructor(
    readonly spec: PlatformSpec,
    private readonly opts: ClientOptions = {},
  ) {
    this.baseUrl = (opts.baseUrl || spec.defaultBaseUrl).replace(/\/+$/, "");
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    const r = { ...DEFAULT_RETRY, ...opts.retry };
    this.dispatcher = opts.dispatcher ? opts.dispatcher.compose(retryInterceptor(r)) : sharedDispatcher(r);
  }

  private headers(hasBody: boolean): Record<string, string> {
    const h: Record<string, string> = { accept: "application/json", "user-agent": "pulumi-agents" };
    if (hasBody) h["content-type"] = "application/json";
    if (this.opts.apiKey) Object.assign(h, this.spec.authHeaders(this.opts.apiKey));
    else if (this.spec.keyRequired) {
      const p = this.spec;
      throw new ConfigError(
        `${p.name}: no API key is configured. Set it with \`pulumi config set --secret ${p.name}:apiKey <key>\`, ` +
          `with the ${p.envPrefix}_API_KEY environment variable, or on an explicit provider ` +
          `(\`new agents.Provider("name", { ${p.name}: { apiKey } })\` passed as the \`provider\` option).`,
      );
    }
    return h;
  }

  async request(method: string, path: string, o: RequestOptions = {}): Promise<Response> {
    const secrets = [this.opts.apiKey ?? "", ...(o.secrets ?? [])];
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(o.query ?? {})) for (const x of [v ?? []].flat()) qs.append(k, x);
    const url = `${this.baseUrl}${path}${qs.size ? `?${qs}` : ""}`;
    const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
    let res: Dispatcher.ResponseData<unknown>;
    try {
      res = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers: this.headers(payload !== undefined),
        body: payload,
        dispatcher: this.dispatcher,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        retryStatuses: o.retryStatuses ? [429, 502, 503, 504, ...o.retryStatuses] : undefined,
      } as Parameters<typeof request>[1]);
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      const err = e as Error & { code?: string };
      const why = err.code === "UND_ERR_HEADERS_TIMEOUT" || err.code === "UND_ERR_BODY_TIMEOUT" ? `no answer within ${this.timeoutMs} ms` : err.code ?? err.message;
      throw new TransportError(this.spec.name, method, path, redact(why, secrets));
    }
    const text = await res.body.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* plain-text error bodies stay text */
    }
    const status = res.statusCode;
    if ((status >= 200 && status < 300) || o.accept?.includes(status)) return { status, body };
    const raw = this.spec.errorMessage(body) ?? (typeof body === "string" ? body.slice(0, 500) : "");
    const safeBody = body === undefined ? undefined : JSON.parse(redact(JSON.stringify(body), secrets));
    throw new ApiError(this.spec.name, method, path, status, redact(raw, secrets), safeBody);
  }
}

/** The message of the common `{message}`, `{error}`, `{detail}` error bodies. */
export function commonErrorMessage(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const b = body as Record<string, unknown>;
  for (const k of ["message", "error", "detail"]) {
    const v = b[k];
    if (typeof v === "string" && v) return v;
    if (v !== undefined && v !== null && typeof v !== "object") return String(v);
    if (Array.isArray(v) || (typeof v === "object" && v)) return JSON.stringify(v).slice(0, 500);
  }
  return undefined;
}
