/**
 * One undici-based client shared by all platforms: a platform spec says how to authenticate and
 * how to read an error body; the client adds the account's rate limiter, timeouts, the retry
 * policy (retry.ts), progress lines while it waits, and redaction.
 */
import { Agent, request, type Dispatcher } from "undici";
import type { IncomingHttpHeaders } from "node:http";
import { ApiError, ConfigError, TransportError, formatDuration, redact, type Attempts } from "./errors";
import { SETTINGS, displayUrl, missingKeyMessage, waysToSet, type PlatformSettings, type ResolvedSettings } from "./config";
import { accountFor, QueueDeadline, type Account } from "./limiter";
import { currentOperation } from "./operation";
import type { Sink } from "./progress";
import { DEFAULT_RETRY, backoffMs, describeError, neverSent, retryAfterMs, shouldRetry, spreadMs, type RetrySettings } from "./retry";

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
  /**
   * A cheap GET of a route every server of this API has (a list, or a read without its id), made once
   * per account before a 404 is believed: when it answers 404 or 405 too, the base URL is not the API
   * (a path missing or wrong), and a 404 there says nothing about the object.
   */
  probe?: {
    path: string;
    query?: Record<string, string>;
    /** A 404 that still shows the API answering (its own "not found" body, where that is documented). */
    ownNotFound?(body: unknown): boolean;
  };
}

export interface ClientOptions extends PlatformSettings, Partial<Pick<ResolvedSettings, "sources" | "problems">> {
  retry?: Partial<RetrySettings>;
  /** A dispatcher to use instead of the shared one (tests: undici MockAgent). */
  dispatcher?: Dispatcher;
  /** Where progress lines go (default: stderr, which `pulumi up` shows). */
  log?: Sink;
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
  /** The request is the account's probe (see `PlatformSpec.probe`): its own 404 is not checked. */
  probing?: boolean;
}

export interface Response {
  status: number;
  /** The parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
}

type Attempt =
  | { kind: "answer"; status: number; headers: IncomingHttpHeaders; text: string }
  | { kind: "error"; code?: string; message: string; phase: "headers" | "body"; status?: number; headers?: IncomingHttpHeaders };

let shared: Dispatcher | undefined;
const sharedDispatcher = (): Dispatcher => (shared ??= new Agent({ keepAliveTimeout: 4_000 }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class PlatformClient {
  readonly baseUrl: string;
  readonly requestTimeoutMs: number;
  readonly operationTimeoutMs: number;
  private readonly dispatcher: Dispatcher;
  private readonly retry: RetrySettings;
  private readonly account: Account;

  constructor(
    readonly spec: PlatformSpec,
    private readonly opts: ClientOptions = {},
  ) {
    this.baseUrl = (opts.baseUrl || spec.defaultBaseUrl).replace(/\/+$/, "");
    this.requestTimeoutMs = opts.requestTimeoutMs ?? SETTINGS.requestTimeoutMs.default;
    this.operationTimeoutMs = opts.operationTimeoutMs ?? SETTINGS.operationTimeoutMs.default;
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.dispatcher = opts.dispatcher ?? sharedDispatcher();
    const limits = { maxRequestsPerSecond: opts.maxRequestsPerSecond, maxConcurrency: opts.maxConcurrency ?? SETTINGS.maxConcurrency.default };
    this.account = accountFor(spec.name, this.baseUrl, opts.apiKey, limits, opts.log);
  }

  /** The account's limiter (shared with every client of the same base URL and key in this process). */
  get limiter() {
    return this.account.limiter;
  }

  /** `http://host/path (set by asteroid:baseUrl)`: the base URL as messages show it, and its source. */
  where(): string {
    const src = this.opts.sources?.baseUrl;
    const how = src ? `set by ${src}` : this.opts.baseUrl ? `set by ${waysToSet(this.spec, "baseUrl")}` : `the default; set ${waysToSet(this.spec, "baseUrl")} to change it`;
    return `${displayUrl(this.baseUrl)} (${how})`;
  }

  private headers(hasBody: boolean): Record<string, string> {
    const problem = this.opts.problems?.[0];
    if (problem) throw new ConfigError(problem.message);
    const h: Record<string, string> = { accept: "application/json", "user-agent": "pulumi-agents" };
    if (hasBody) h["content-type"] = "application/json";
    if (this.opts.apiKey) Object.assign(h, this.spec.authHeaders(this.opts.apiKey));
    else if (this.spec.keyRequired) throw new ConfigError(missingKeyMessage(this.spec));
    return h;
  }

  /**
   * One call, retried as retry.ts says, through the account's limiter. Resolves with a 2xx or an
   * accepted status; rejects with ApiError (an HTTP answer), TransportError (no usable answer) or
   * ConfigError (before any request).
   */
  async request(method: string, path: string, o: RequestOptions = {}): Promise<Response> {
    const secrets = [this.opts.apiKey ?? "", ...(o.secrets ?? [])];
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(o.query ?? {})) for (const x of [v ?? []].flat()) qs.append(k, x);
    const url = `${this.baseUrl}${path}${qs.size ? `?${qs}` : ""}`;
    const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
    const headers = this.headers(payload !== undefined);
    const started = Date.now();
    const opStart = currentOperation()?.startedAt ?? started;
    const deadline = opStart + this.operationTimeoutMs;
    const { limiter, progress } = this.account;
    const retryStatuses = o.retryStatuses ? [429, 502, 503, 504, ...o.retryStatuses] : undefined;
    const ok = (s: number) => (s >= 200 && s < 300) || !!o.accept?.includes(s);
    let attempts = 0;
    let retries = 0;
    let limited = 0;
    let mayHaveActed = false;
    let last: Attempt | undefined;
    for (;;) {
      let permit;
      try {
        permit = await limiter.acquire(opStart, deadline);
      } catch (e) {
        if (!(e instanceof QueueDeadline)) throw e;
        const tries = { attempts, elapsedMs: Date.now() - started };
        const end = e.reason.startsWith("the server")
          ? `would pass before the next attempt (${e.reason})`
          : `was reached while the ${last ? "next attempt" : "request"} waited ${formatDuration(e.waitedMs)} in the rate-limit queue (${e.reason})`;
        if (last) throw this.failure(method, path, last, secrets, tries, mayHaveActed, this.deadlineText(tries, end));
        throw new TransportError(this.spec.name, method, path, "operation deadline", {
          mayHaveActed,
          tries,
          message: `${this.spec.name}: ${method} ${path} was not sent: ${this.deadlineText(tries, end)}`,
        });
      }
      attempts++;
      let a: Attempt = await this.attempt(method, url, headers, payload);
      // A refusal whose body was cut is still a refusal: only a body we need must be whole.
      if (a.kind === "error" && a.status !== undefined && !ok(a.status)) a = { kind: "answer", status: a.status, headers: a.headers ?? {}, text: "" };
      const asked = a.kind === "answer" || a.headers ? retryAfterMs((a.headers ?? {})["retry-after"]) : undefined;
      limiter.finish(permit, { status: a.status, headers: a.headers, retryAfterMs: asked });
      last = a;

      if (a.kind === "answer" && ok(a.status)) {
        // A 404 the caller reads as "gone" is believed only from a base URL that is the API.
        if (a.status === 404 && !o.probing) await this.confirmApi(method, path);
        return { status: a.status, body: parseBody(a.text) };
      }
      if (a.kind === "error") mayHaveActed ||= !neverSent(a.code);
      const outcome = a.kind === "answer" ? { kind: "answer" as const, status: a.status } : { kind: "error" as const, code: a.code };
      const decision = shouldRetry(method, outcome, retries, this.retry, retryStatuses);
      const tries: Attempts = { attempts, elapsedMs: Date.now() - started };
      if (!decision) {
        // A 404 from a base URL that is not the API is about the URL, not the object: say so (a base
        // URL without the path the API lives under already gets its own hint in the failure).
        if (a.status === 404 && !o.probing && !this.pathHint(404)) await this.confirmApi(method, path, false);
        throw this.failure(method, path, a, secrets, tries, mayHaveActed);
      }
      if (decision === "rate-limit") limited++;
      else retries++;
      const wait = asked !== undefined ? spreadMs(asked, Math.random, limiter.idle) : backoffMs((decision === "rate-limit" ? limited : retries) - 1, this.retry);
      if (Date.now() + wait > deadline) {
        const why = this.deadlineText(tries, `would pass before the next attempt${asked !== undefined ? ` (the server asked to wait ${formatDuration(asked)})` : ""}`);
        throw this.failure(method, path, a, secrets, tries, mayHaveActed, why);
      }
      const what = a.kind === "answer" ? String(a.status) : describeError(a.code, a.message, this.requestTimeoutMs, a.phase);
      progress.note(`${this.spec.name}: ${what} on ${method} ${path}; waiting ${formatDuration(wait)} before attempt ${attempts + 1}`);
      limiter.retrying++;
      try {
        await sleep(wait);
      } finally {
        limiter.retrying--;
      }
    }
  }

  /** One attempt; never throws. */
  private async attempt(method: string, url: string, headers: Record<string, string>, payload: string | undefined): Promise<Attempt> {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body: payload,
        dispatcher: this.dispatcher,
        headersTimeout: this.requestTimeoutMs,
        bodyTimeout: this.requestTimeoutMs,
      });
    } catch (e) {
      const err = e as Error & { code?: string };
      return { kind: "error", code: err.code, message: err.message, phase: "headers" };
    }
    try {
      return { kind: "answer", status: res.statusCode, headers: res.headers, text: await res.body.text() };
    } catch (e) {
      const err = e as Error & { code?: string };
      return { kind: "error", code: err.code, message: err.message, phase: "body", status: res.statusCode, headers: res.headers };
    }
  }

  /** `gave up after 3 attempts over 2.1 s: the operation deadline (asteroid:operationTimeoutMs = 600000 ms) <end>`. */
  private deadlineText(t: Attempts, end: string): string {
    const setting = `${this.spec.name}:operationTimeoutMs = ${this.operationTimeoutMs} ms`;
    return `gave up after ${t.attempts} attempt${t.attempts === 1 ? "" : "s"} over ${formatDuration(t.elapsedMs)}: the operation deadline (${setting}) ${end}`;
  }

  /** The error for an attempt that is not retried; `tail` (the deadline's text) replaces `N attempts over T`. */
  private failure(method: string, path: string, a: Attempt, secrets: string[], tries: Attempts, mayHaveActed: boolean, tail?: string): ApiError | TransportError {
    const p = this.spec.name;
    const count = tail ?? (tries.attempts > 1 ? `${tries.attempts} attempts over ${formatDuration(tries.elapsedMs)}` : "");
    if (a.kind === "error") {
      const why = redact(describeError(a.code, a.message, this.requestTimeoutMs, a.phase), secrets);
      const src = this.opts.sources?.requestTimeoutMs;
      const timeout = /^UND_ERR_(HEADERS|BODY)_TIMEOUT$/.test(a.code ?? "") ? `; the timeout is ${src ? `set by ${src}` : waysToSet(this.spec, "requestTimeoutMs")}` : "";
      const message = neverSent(a.code)
        ? `${p}: cannot reach ${this.where()}: ${why} (${method} ${path}${count ? `, ${count}` : ""})`
        : `${p}: ${method} ${path} failed: ${why}${a.status !== undefined ? ` (a ${a.status} answer)` : ""} at ${this.where()}${count ? `; ${count}` : ""}${timeout}`;
      return new TransportError(p, method, path, why, { mayHaveActed, status: a.status, tries, message });
    }
    const body = parseBody(a.text);
    const raw = this.spec.errorMessage(body) ?? (typeof body === "string" ? body.slice(0, 500) : "");
    const safeBody = body === undefined ? undefined : JSON.parse(redact(JSON.stringify(body), secrets));
    const e = new ApiError(p, method, path, a.status, redact(raw, secrets), safeBody, tries);
    // Retried answers keep the server's message last (callers append hints to it); `tries` has the count.
    if (tail) e.message += `; ${tail}`;
    const hint = this.pathHint(a.status) ?? this.keyHint(a.status);
    if (hint) e.message += `. ${hint}`;
    return e;
  }

  /**
   * Before a 404 counts as "the object is gone", the account's probe shows that the base URL is the
   * platform's API: otherwise a base URL missing its path would make a refresh forget every object and
   * a destroy report success while deleting nothing; and a failed call (`accepted` false) would blame
   * the object (an unknown id, a create that may have happened) for what is the URL's fault. One probe
   * per account and process, shared by every 404 (also those arriving together); a probe that got no
   * answer is tried again next time.
   */
  private async confirmApi(method: string, path: string, accepted = true): Promise<void> {
    if (!this.spec.probe) return;
    const check = (this.account.apiCheck ??= this.probeApi());
    check.catch(() => {
      if (this.account.apiCheck === check) this.account.apiCheck = undefined;
    });
    const refused = await check;
    if (refused === undefined) return;
    throw new ConfigError(
      `${this.spec.name}: ${method} ${path} answered 404, but the base URL ${this.where()} does not look like the ${this.spec.name} API: ` +
        `GET ${this.spec.probe.path}, which every ${this.spec.name} server answers, answered ${refused} too. So the 404 says nothing about the object${accepted ? ", and nothing is recorded as gone or deleted" : ""}. ` +
        `Check ${this.spec.name}:baseUrl (the default is ${this.spec.defaultBaseUrl}).`,
    );
  }

  /** The probe's verdict: undefined when the base URL answers as the API, else the status it got (404 or 405). */
  private async probeApi(): Promise<number | undefined> {
    const probe = this.spec.probe!;
    let status: number;
    let body: unknown;
    try {
      ({ status, body } = await this.request("GET", probe.path, { query: probe.query, accept: [404, 405], probing: true }));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      status = e.status; // any other answer (400, 401, 403, ...) still comes from a route the server has
    }
    return (status !== 404 && status !== 405) || (status === 404 && probe.ownNotFound?.(body)) ? undefined : status;
  }

  /** A 401 or 403: which key was sent (by where it was set, never its value), and to which URL. */
  private keyHint(status: number): string | undefined {
    if (status !== 401 && status !== 403) return undefined;
    const src = this.opts.sources?.apiKey;
    const key = this.opts.apiKey
      ? `The API key sent was set by ${src ?? waysToSet(this.spec, "apiKey")}`
      : `No API key was sent: set ${waysToSet(this.spec, "apiKey")}`;
    return `${key}; the request went to ${this.where()}`;
  }

  /** A 404 or 405 from a base URL without a path, where the platform's API lives under one. */
  private pathHint(status: number): string | undefined {
    if (status !== 404 && status !== 405) return undefined;
    const path = (u: string) => {
      try {
        return new URL(u).pathname.replace(/\/+$/, "");
      } catch {
        return "";
      }
    };
    if (path(this.baseUrl) || !path(this.spec.defaultBaseUrl)) return undefined;
    return `The base URL ${this.where()} has no path, but the ${this.spec.name} API lives under one (the default is ${this.spec.defaultBaseUrl}): check ${this.spec.name}:baseUrl`;
  }
}

/** Parsed JSON, or the raw text when it is not JSON, or undefined when empty. */
function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
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
