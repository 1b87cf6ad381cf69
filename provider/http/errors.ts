/**
 * One error class per failure, each with a stable `code`. Messages name the platform, method,
 * path, status and the server's own message; they never hold an API key or a secret value.
 */

/** How many attempts a request took and over how long, for messages and for callers. */
export interface Attempts {
  /** Requests sent (an attempt still waiting in the rate-limit queue is not counted). */
  attempts: number;
  /** Milliseconds from the first attempt's queueing to the error. */
  elapsedMs: number;
}

export class ApiError extends Error {
  readonly code = "PULUMI_AGENTS_API_ERROR";
  constructor(
    readonly platform: string,
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly serverMessage: string,
    /** The parsed response body, already redacted. */
    readonly body: unknown,
    /** How many attempts over how long (set by the client; absent on errors built elsewhere). */
    readonly tries?: Attempts,
  ) {
    super(`${platform}: ${method} ${path} failed with ${status} ${statusText(status)}${serverMessage ? `: ${serverMessage}` : ""}`);
    this.name = "ApiError";
  }
}

export interface TransportErrorDetails {
  /**
   * Whether the server may have acted on the request. False only when no attempt can have reached
   * it: connection refused, DNS failure, an invalid URL, or a request that never left the rate-limit
   * queue. True for resets, timeouts, an answer whose body was cut, and anything else ambiguous.
   */
  mayHaveActed?: boolean;
  /** The status of an answer whose body could not be read whole (a 2xx cut mid-way). */
  status?: number;
  tries?: Attempts;
  /** A full message, when the default `platform: METHOD /path failed: reason` is not the best. */
  message?: string;
}

/** The request got no usable HTTP answer: timeout, connection refused or reset, a body cut mid-way. */
export class TransportError extends Error {
  readonly code = "PULUMI_AGENTS_TRANSPORT_ERROR";
  /** See {@link TransportErrorDetails.mayHaveActed}; true unless proven otherwise. */
  readonly mayHaveActed: boolean;
  readonly status?: number;
  readonly tries?: Attempts;
  constructor(
    readonly platform: string,
    readonly method: string,
    readonly path: string,
    readonly reason: string,
    details: TransportErrorDetails = {},
  ) {
    super(details.message ?? `${platform}: ${method} ${path} failed: ${reason}`);
    this.name = "TransportError";
    this.mayHaveActed = details.mayHaveActed ?? true;
    this.status = details.status;
    this.tries = details.tries;
  }
}

/** The provider is not configured well enough to call the platform. */
export class ConfigError extends Error {
  readonly code = "PULUMI_AGENTS_CONFIG_ERROR";
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const TEXT: Record<number, string> = {
  400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
  409: "Conflict", 410: "Gone", 415: "Unsupported Media Type", 422: "Unprocessable Entity", 429: "Too Many Requests",
  500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
};
export const statusText = (status: number): string => TEXT[status] ?? "";

/** Replaces every secret (API key, write-only values of the request) in a text. */
export function redact(text: string, secrets: ReadonlyArray<string>): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s && s.length >= 3) out = out.split(s).join("[secret]");
  }
  return out;
}

/** `1.2 s`, `2 min 36 s`, `450 ms`: a duration for a message. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const total = Math.round(ms / 1000);
  const min = Math.floor(total / 60);
  const s = total % 60;
  return s ? `${min} min ${s} s` : `${min} min`;
}
