/** A small client for the emulator's `/_emulator/` test controls. */
import { request } from "undici";
import type { Fault, RecordedRequest } from "./server";
import type { RateLimitSpec, RateLimitStats } from "./ratelimit";

/** What `fault()` takes: the server's fault, `count` defaulting to 1. */
export type FaultSpec = Omit<Fault, "count"> & { count?: number };

export class EmulatorControl {
  constructor(readonly url: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await request(`${this.url}/_emulator${path}`, {
      method: method as "GET",
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : { "content-type": "application/json" },
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`emulator control ${method} ${path}: ${res.statusCode} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** Recorded requests, optionally of one platform, in order. */
  requests(platform?: string): Promise<RecordedRequest[]> {
    return this.call("GET", `/requests${platform ? `?platform=${platform}` : ""}`) as Promise<RecordedRequest[]>;
  }
  /** Requests that change something (everything but GET). */
  async writes(platform?: string): Promise<RecordedRequest[]> {
    return (await this.requests(platform)).filter((r) => r.method !== "GET");
  }
  clear(): Promise<unknown> {
    return this.call("DELETE", "/requests");
  }
  /** Drops every pending fault. */
  clearFaults(): Promise<unknown> {
    return this.call("DELETE", "/faults");
  }
  fault(f: FaultSpec): Promise<unknown> {
    return this.call("POST", "/faults", f);
  }
  /** Every stored object of a collection, as the emulator holds it. */
  list(platform: string, collection: string): Promise<Record<string, unknown>[]> {
    return this.call("GET", `/objects/${platform}/${collection}`) as Promise<Record<string, unknown>[]>;
  }
  get(platform: string, collection: string, id: string): Promise<Record<string, unknown>> {
    return this.call("GET", `/objects/${platform}/${collection}/${encodeURIComponent(id)}`) as Promise<Record<string, unknown>>;
  }
  edit(platform: string, collection: string, id: string, patch: Record<string, unknown>): Promise<unknown> {
    return this.call("PATCH", `/objects/${platform}/${collection}/${encodeURIComponent(id)}`, patch);
  }
  remove(platform: string, collection: string, id: string): Promise<unknown> {
    return this.call("DELETE", `/objects/${platform}/${collection}/${encodeURIComponent(id)}`);
  }
  setKey(platform: string, key: string | undefined): Promise<unknown> {
    return this.call("PUT", `/keys/${platform}`, { key });
  }
  /** Sets a token-bucket rate limit on one platform (or all, without `platform`). */
  rateLimit(spec: RateLimitSpec | RateLimitSpec[]): Promise<RateLimitStats[]> {
    return this.call("PUT", "/ratelimit", spec) as Promise<RateLimitStats[]>;
  }
  /** Requests let through and turned away per limited platform. */
  rateLimitStats(): Promise<RateLimitStats[]> {
    return this.call("GET", "/ratelimit") as Promise<RateLimitStats[]>;
  }
  /** Lifts every rate limit. */
  clearRateLimit(): Promise<unknown> {
    return this.call("DELETE", "/ratelimit");
  }
  /** A platform-specific control, e.g. `control("letta", "run", {agentId})`. */
  control(platform: string, action: string, body: unknown): Promise<unknown> {
    return this.call("POST", `/${platform}/${action}`, body);
  }
}
