/**
 * A rate limit per platform, as an API gateway would apply it: a token bucket of `burst` requests
 * refilled at `requestsPerSecond`. A request that finds the bucket empty gets 429 with a
 * `Retry-After` (whole seconds, at least 1, or an HTTP date) and no effect. With `headers`, every
 * answer also carries the bucket's state:
 * - `"ietf"`: `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds until full) and
 *   `RateLimit-Policy: <burst>;w=<burst / requestsPerSecond>` (draft-ietf-httpapi-ratelimit-headers);
 * - `"x"`: `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (epoch seconds), as
 *   GitHub and many others send them.
 *
 * Controls: `PUT /_emulator/ratelimit` with a `RateLimitSpec` (per platform, or every platform when
 * `platform` is omitted), `GET /_emulator/ratelimit` for the counters, `DELETE` to lift every limit.
 * Also `startAll({ rateLimit })`.
 */

export interface RateLimitSpec {
  /** The platform limited; every platform when omitted. */
  platform?: string;
  requestsPerSecond: number;
  /** Bucket size (default: one second of requests, at least 1). */
  burst?: number;
  headers?: "ietf" | "x";
  /** How `Retry-After` is written (default seconds). */
  retryAfter?: "seconds" | "date";
}

export interface RateLimitStats {
  platform: string;
  requestsPerSecond: number;
  burst: number;
  /** Requests let through and turned away since the limit was set. */
  accepted: number;
  rejected: number;
  /** When the limit was set, and when the first and last requests were let through (ms since epoch). */
  since: number;
  firstAcceptedAt?: number;
  lastAcceptedAt?: number;
}

interface Bucket {
  spec: Required<Pick<RateLimitSpec, "requestsPerSecond" | "burst">> & RateLimitSpec;
  tokens: number;
  at: number;
  stats: RateLimitStats;
}

export interface Admission {
  /** A 429 answer when the request is turned away. */
  reject?: { status: number; body: unknown; headers: Record<string, string> };
  /** Headers to add to the answer of a request let through. */
  headers: Record<string, string>;
}

export class RateLimits {
  private readonly buckets = new Map<string, Bucket>();
  private all?: RateLimitSpec;

  constructor(private readonly now: () => number = Date.now) {}

  set(spec: RateLimitSpec | RateLimitSpec[] | undefined, platforms: string[]): void {
    for (const s of [spec ?? []].flat()) {
      if (!(s.requestsPerSecond > 0)) throw new Error("rate limit: requestsPerSecond must be a positive number");
      if (!s.platform) this.all = s;
      for (const p of s.platform ? [s.platform] : platforms) this.buckets.set(p, this.bucket(p, s));
    }
  }

  clear(): void {
    this.buckets.clear();
    this.all = undefined;
  }

  stats(): RateLimitStats[] {
    return [...this.buckets.values()].map((b) => ({ ...b.stats }));
  }

  /** Takes a token for a request to `platform`, or says why not. */
  admit(platform: string): Admission {
    const b = this.buckets.get(platform) ?? (this.all ? this.set1(platform, this.all) : undefined);
    if (!b) return { headers: {} };
    const now = this.now();
    const { requestsPerSecond: rate, burst } = b.spec;
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) * rate) / 1000);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      b.stats.accepted++;
      b.stats.firstAcceptedAt ??= now;
      b.stats.lastAcceptedAt = now;
      return { headers: this.headers(b, now) };
    }
    b.stats.rejected++;
    const waitS = Math.max(1, Math.ceil((1 - b.tokens) / rate));
    const retryAfter = b.spec.retryAfter === "date" ? new Date(now + waitS * 1000 + 1000).toUTCString() : String(waitS);
    return {
      headers: {},
      reject: {
        status: 429,
        body: { error: "rate limit exceeded", message: "rate limit exceeded" },
        headers: { "retry-after": retryAfter, ...this.headers(b, now) },
      },
    };
  }

  private set1(platform: string, spec: RateLimitSpec): Bucket {
    const b = this.bucket(platform, spec);
    this.buckets.set(platform, b);
    return b;
  }

  private bucket(platform: string, spec: RateLimitSpec): Bucket {
    const burst = spec.burst ?? Math.max(1, Math.round(spec.requestsPerSecond));
    const now = this.now();
    return {
      spec: { ...spec, burst },
      tokens: burst,
      at: now,
      stats: { platform, requestsPerSecond: spec.requestsPerSecond, burst, accepted: 0, rejected: 0, since: now },
    };
  }

  private headers(b: Bucket, now: number): Record<string, string> {
    const { requestsPerSecond: rate, burst, headers } = b.spec;
    if (!headers) return {};
    const remaining = String(Math.floor(b.tokens));
    const resetS = Math.ceil((burst - b.tokens) / rate);
    if (headers === "x") {
      return { "x-ratelimit-limit": String(burst), "x-ratelimit-remaining": remaining, "x-ratelimit-reset": String(Math.ceil(now / 1000) + resetS) };
    }
    const w = burst / rate;
    return {
      "ratelimit-limit": String(burst),
      "ratelimit-remaining": remaining,
      "ratelimit-reset": String(resetS),
      "ratelimit-policy": `${burst};w=${Number.isInteger(w) ? w : w.toFixed(3)}`,
    };
  }
}

/** `PUT|GET|DELETE /_emulator/ratelimit`: set a limit, read the counters, lift every limit. */
export function rateLimitControl(limits: RateLimits, method: string, body: unknown, platforms: string[]): { status: number; body?: unknown } {
  if (method === "DELETE") return limits.clear(), { status: 204 };
  if (method === "GET") return { status: 200, body: limits.stats() };
  try {
    limits.set(body as RateLimitSpec | RateLimitSpec[], platforms);
  } catch (e) {
    return { status: 400, body: { error: (e as Error).message } };
  }
  return { status: 200, body: limits.stats() };
}
