/**
 * The retry policy, plugged into undici's retry interceptor (`agent.compose(interceptors.retry(...))`).
 *
 * - 429 is retried for every method: the server says it did not act on the request.
 * - 5xx in the request's retryable statuses (502/503/504 by default) and connection failures are
 *   retried only for idempotent methods. A POST is never retried blindly.
 * - Backoff is exponential with jitter; a `Retry-After` (seconds or HTTP date) is honoured, capped.
 */
import { interceptors } from "undici";

export interface RetrySettings {
  maxRetries: number;
  /** First backoff step in milliseconds. */
  baseMs: number;
  /** Upper bound for any single wait, including one asked for by Retry-After. */
  capMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { maxRetries: 4, baseMs: 250, capMs: 20_000 };
export const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
export const RETRY_STATUSES = [429, 502, 503, 504];
export const RETRY_ERRORS = ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "UND_ERR_SOCKET", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"];

/** Milliseconds asked for by a Retry-After header, or undefined when absent or unreadable. */
export function retryAfterMs(header: unknown, now = Date.now()): number | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  if (typeof v !== "string" || !v.trim()) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The wait before retry number `attempt` (0-based): full exponential step with 50-100% jitter. */
export function backoffMs(attempt: number, s: RetrySettings, random = Math.random): number {
  const step = Math.min(s.capMs, s.baseMs * 2 ** attempt);
  return Math.round(step * (0.5 + random() / 2));
}

type RetryCallback = (err?: Error | null) => void;
type RetryErr = Error & { statusCode?: number; code?: string; headers?: Record<string, unknown> };
type RetryState = { state: { counter: number }; opts: { method?: string; retryStatuses?: number[] } };

export function retryPolicy(s: RetrySettings) {
  return (err: RetryErr, { state, opts }: RetryState, cb: RetryCallback): void => {
    const method = (opts.method ?? "GET").toUpperCase();
    const status = err.statusCode;
    const allowed = opts.retryStatuses ?? RETRY_STATUSES; // per request, e.g. an idempotent upsert adds 500
    let retry: boolean;
    if (status === 429) retry = true;
    else if (status !== undefined && err.code === "UND_ERR_REQ_RETRY") retry = IDEMPOTENT.has(method) && allowed.includes(status);
    else retry = IDEMPOTENT.has(method) && !!err.code && RETRY_ERRORS.includes(err.code);
    if (!retry || state.counter > s.maxRetries) return cb(err);
    const asked = retryAfterMs(err.headers?.["retry-after"]);
    const wait = asked !== undefined ? Math.min(asked, s.capMs) : backoffMs(state.counter - 1, s);
    setTimeout(() => cb(null), wait);
  };
}

export function retryInterceptor(s: RetrySettings) {
  return interceptors.retry({
    throwOnError: false,
    maxRetries: s.maxRetries,
    statusCodes: [429, 500, 502, 503, 504],
    methods: ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "POST", "PATCH"],
    errorCodes: RETRY_ERRORS,
    retry: retryPolicy(s) as never,
  });
}
