/**
 * The retry policy: which outcome of an attempt is worth another attempt, and how long to wait.
 *
 * - 429 is retried for every method and without a count limit: the server says "not yet", it did
 *   not act. Only the operation deadline (`<platform>:operationTimeoutMs`) ends it.
 * - 5xx in the request's retryable statuses (502/503/504 by default), resets, timeouts and bodies cut
 *   mid-way are retried only for idempotent methods, at most `maxRetries` times, each time from
 *   scratch (never a `Range` resume). A POST or PATCH is never repeated once it may have reached
 *   the server.
 * - A connection refused (or a DNS lookup that failed for now) proves the request never reached the
 *   server, so it is retried for every method.
 * - Waits: `Retry-After` (seconds or HTTP date) when the server sends one, else exponential backoff;
 *   both with jitter so that requests turned away together do not come back together.
 */

export interface RetrySettings {
  /** Retries after a 5xx or a transport failure (429 is not counted against it). */
  maxRetries: number;
  /** First backoff step in milliseconds. */
  baseMs: number;
  /** Upper bound of a backoff step (a `Retry-After` is honoured as sent, within the deadline). */
  capMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { maxRetries: 4, baseMs: 250, capMs: 20_000 };
export const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
export const RETRY_STATUSES = [429, 502, 503, 504];

/** Error codes that prove the request never reached the server. */
const NEVER_SENT = new Set([
  "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT", "ERR_INVALID_URL", "UND_ERR_INVALID_ARG", "ERR_TLS_CERT_ALTNAME_INVALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "CERT_HAS_EXPIRED",
]);
/** Of those, the ones that a second attempt cannot cure. */
const PERMANENT = new Set([
  "ENOTFOUND", "EAI_NONAME", "ERR_INVALID_URL", "UND_ERR_INVALID_ARG", "ERR_TLS_CERT_ALTNAME_INVALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "CERT_HAS_EXPIRED",
]);

/** True when an error code proves the request never reached the server. */
export const neverSent = (code: string | undefined): boolean => !!code && NEVER_SENT.has(code);

/** Why an attempt failed, in words for a message: `connection refused`, `no answer within 30 s`. */
export function describeError(code: string | undefined, message: string, timeoutMs: number, phase: "headers" | "body"): string {
  switch (code) {
    case "ECONNREFUSED": return "connection refused";
    case "ENOTFOUND": case "EAI_NONAME": return "host not found (DNS)";
    case "EAI_AGAIN": return "DNS lookup failed for now";
    case "ECONNRESET": return phase === "body" ? "connection reset while reading the answer" : "connection reset";
    case "UND_ERR_SOCKET": return phase === "body" ? "the answer was cut off (connection closed mid-body)" : "connection closed before an answer";
    case "UND_ERR_RES_CONTENT_LENGTH_MISMATCH": return "the answer was cut off (shorter than its Content-Length)";
    case "UND_ERR_HEADERS_TIMEOUT": return `no answer within ${timeoutMs} ms`;
    case "UND_ERR_BODY_TIMEOUT": return `the answer stalled for ${timeoutMs} ms mid-body`;
    case "UND_ERR_CONNECT_TIMEOUT": return "connection timed out";
    case "ERR_INVALID_URL": return "invalid URL";
    case "UND_ERR_INVALID_ARG": return `invalid URL (${message})`;
    default: return code ? `${code}${message && !message.includes(code) ? ` (${message})` : ""}` : message;
  }
}

export type Outcome =
  | { kind: "answer"; status: number; retryAfterMs?: number }
  | { kind: "error"; code?: string };

/**
 * Whether to try again after an outcome. `retries` counts earlier 5xx and transport retries
 * (429s are not counted). Returns the kind of retry, or undefined to give up.
 */
export function shouldRetry(
  method: string,
  o: Outcome,
  retries: number,
  s: RetrySettings,
  retryStatuses: number[] = RETRY_STATUSES,
): "rate-limit" | "retry" | undefined {
  if (o.kind === "answer") {
    if (o.status === 429) return "rate-limit";
    if (!retryStatuses.includes(o.status) || !IDEMPOTENT.has(method)) return undefined;
    return retries < s.maxRetries ? "retry" : undefined;
  }
  if (o.code && PERMANENT.has(o.code)) return undefined;
  if (!neverSent(o.code) && !IDEMPOTENT.has(method)) return undefined;
  return retries < s.maxRetries ? "retry" : undefined;
}

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

/**
 * The wait a server asked for, spread: between the wait and a tenth more (at most one second more),
 * so that requests turned away in the same instant come back at different times (the account's
 * queue then paces them). A request `alone` (nothing else of its account in flight, queued or
 * waiting to retry) has nobody to collide with and waits exactly what was asked: with one
 * operation in flight, any more is time the whole run stands still.
 */
export function spreadMs(asked: number, random = Math.random, alone = false): number {
  return alone ? asked : Math.round(asked + Math.min(asked / 10, 1000) * random());
}
