/**
 * One error class per failure, each with a stable `code`. Messages name the platform, method,
 * path, status and the server's own message; they never hold an API key or a secret value.
 */

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
  ) {
    super(`${platform}: ${method} ${path} failed with ${status} ${statusText(status)}${serverMessage ? `: ${serverMessage}` : ""}`);
    this.name = "ApiError";
  }
}

/** The request never got an HTTP answer (timeout, connection refused or reset). */
export class TransportError extends Error {
  readonly code = "PULUMI_AGENTS_TRANSPORT_ERROR";
  constructor(
    readonly platform: string,
    readonly method: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${platform}: ${method} ${path} failed: ${reason}`);
    this.name = "TransportError";
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
