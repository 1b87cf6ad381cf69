/**
 * The shared HTTP client against a real server on port 0 (the emulator) with injected faults:
 * which failures are retried for which methods, Retry-After, timeouts, error text and redaction,
 * bodies cut mid-way, and whether the server may have acted on a request that failed.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { startAll, type Emulator } from "../../emulator";
import { EmulatorControl } from "../../emulator/control";
import { PlatformClient, commonErrorMessage, type PlatformSpec } from "../../provider/http/client";
import { ApiError, ConfigError, TransportError, redact } from "../../provider/http/errors";
import { backoffMs, retryAfterMs } from "../../provider/http/retry";
import { settingsFor } from "../../provider/http/config";
import { forgetAccounts } from "../../provider/http/limiter";
import { asteroid } from "../../provider/asteroid/platform";
import { odeus } from "../../provider/odeus/platform";

let emu: Emulator;
let ctl: EmulatorControl;
const ORG = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const fast = { maxRetries: 3, baseMs: 5, capMs: 300 };
const lines: string[] = [];
const client = (o: Partial<ConstructorParameters<typeof PlatformClient>[1]> = {}) =>
  new PlatformClient(asteroid, { apiKey: emu.key("asteroid"), baseUrl: emu.baseUrl("asteroid"), retry: fast, log: (l) => lines.push(l), ...o });
const count = async (method: string) => (await ctl.requests("asteroid")).filter((r) => r.method === method).length;

beforeAll(async () => {
  emu = await startAll();
  ctl = new EmulatorControl(emu.url);
});
afterAll(() => emu.close());
beforeEach(async () => {
  forgetAccounts();
  lines.length = 0;
  await ctl.clear();
  await ctl.clearFaults();
});

describe("retries", () => {
  test("429 with Retry-After in seconds is waited for, then the request succeeds", async () => {
    await ctl.fault({ platform: "asteroid", method: "GET", status: 429, retryAfter: "1", count: 1 });
    const t = Date.now();
    const res = await client({ retry: { ...fast, capMs: 5000 } }).request("GET", "/agent-profile-pools");
    expect(res.status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(900);
    expect(await count("GET")).toBe(2);
  });

  test("a request refused alone in its account waits exactly Retry-After; requests refused together are spread up to a tenth more", async () => {
    const random = jest.spyOn(Math, "random").mockReturnValue(0.9999);
    try {
      const c = client({ retry: { ...fast, capMs: 5000 } });
      await ctl.fault({ platform: "asteroid", method: "GET", status: 429, retryAfter: "1", count: 1 });
      await c.request("GET", "/agent-profile-pools");
      expect(lines.filter((l) => l.includes("429"))).toEqual(["asteroid: 429 on GET /agent-profile-pools; waiting 1.0 s before attempt 2"]);
      expect(c.limiter.retrying).toBe(0);
      lines.length = 0;
      forgetAccounts();
      const d = client({ retry: { ...fast, capMs: 5000 } });
      await ctl.fault({ platform: "asteroid", method: "GET", status: 429, retryAfter: "1", count: 2 });
      await Promise.all([d.request("GET", "/agent-profile-pools"), d.request("GET", "/agent-profile-pools")]);
      expect(lines.filter((l) => l.includes("429"))[0]).toBe("asteroid: 429 on GET /agent-profile-pools; waiting 1.1 s before attempt 2");
      expect(d.limiter.retrying).toBe(0);
    } finally {
      random.mockRestore();
    }
  });

  test("a Retry-After longer than the operation deadline fails at once, saying so", async () => {
    await ctl.fault({ platform: "asteroid", method: "GET", status: 429, retryAfter: "3600", count: 1 });
    const t = Date.now();
    const e = await client({ operationTimeoutMs: 60_000 }).request("GET", "/agent-profile-pools").catch((x) => x);
    expect(Date.now() - t).toBeLessThan(2000);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(429);
    expect(e.message).toMatch(
      /^asteroid: GET \/agent-profile-pools failed with 429 Too Many Requests: injected fault; gave up after 1 attempt over \d+ ms: the operation deadline \(asteroid:operationTimeoutMs = 60000 ms\) would pass before the next attempt \(the server asked to wait 60 min\)$/,
    );
  });

  test("429 is never given up after a count of attempts, only at the operation deadline", async () => {
    await ctl.fault({ platform: "asteroid", method: "GET", status: 429, retryAfter: "0", count: 3 });
    expect((await client({ retry: { ...fast, maxRetries: 1 } }).request("GET", "/agent-profile-pools")).status).toBe(200);
    expect(await count("GET")).toBe(4);
  });

  test("a 429 that lasts past the operation deadline fails with how many attempts over how long", async () => {
    await ctl.fault({ platform: "asteroid", method: "GET", status: 429, count: 1000 });
    const e = await client({ operationTimeoutMs: 2500 }).request("GET", "/agent-profile-pools").catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.tries.attempts).toBeGreaterThan(1);
    expect(e.message).toMatch(
      /^asteroid: GET \/agent-profile-pools failed with 429 Too Many Requests: injected fault; gave up after \d+ attempts over [\d.]+ m?s: the operation deadline \(asteroid:operationTimeoutMs = 2500 ms\) (would pass before the next attempt|was reached while the next attempt waited [\d.]+ m?s in the rate-limit queue \(pacing at [\d.]+ requests\/s \(learned from 429 answers\)\))$/,
    );
  });

  test("429 is retried for a POST too: the server did not act on it", async () => {
    await ctl.fault({ platform: "asteroid", method: "POST", status: 429, retryAfter: "0", count: 1 });
    const res = await client().request("POST", "/agent-profile-pools", { body: { name: "p429", organizationId: ORG } });
    expect(res.status).toBe(201);
    expect(await count("POST")).toBe(2);
  });

  test.each(["502", "503", "504"])("%s is retried for an idempotent GET", async (status) => {
    await ctl.fault({ platform: "asteroid", method: "GET", status: Number(status), count: 2 });
    expect((await client().request("GET", "/agent-profile-pools")).status).toBe(200);
    expect(await count("GET")).toBe(3);
  });

  test("503 on a POST is never retried: a create is not repeated blindly", async () => {
    await ctl.fault({ platform: "asteroid", method: "POST", status: 503, count: 1 });
    await expect(client().request("POST", "/agent-profile-pools", { body: { name: "p503", organizationId: ORG } })).rejects.toThrow(
      "asteroid: POST /agent-profile-pools failed with 503 Service Unavailable: injected fault",
    );
    expect(await count("POST")).toBe(1);
  });

  test("500 is not retried by default, but is for a request that asks (an idempotent upsert)", async () => {
    await ctl.fault({ platform: "asteroid", method: "GET", status: 500, count: 1 });
    await expect(client().request("GET", "/agent-profile-pools")).rejects.toThrow(/failed with 500/);
    await ctl.clear();
    await ctl.fault({ platform: "asteroid", method: "GET", status: 500, count: 1 });
    expect((await client().request("GET", "/agent-profile-pools", { retryStatuses: [500] })).status).toBe(200);
    expect(await count("GET")).toBe(2);
  });

  test("a dropped connection is retried for GET", async () => {
    await ctl.fault({ platform: "asteroid", method: "GET", drop: true, count: 1 });
    expect((await client().request("GET", "/agent-profile-pools")).status).toBe(200);
    expect(await count("GET")).toBe(2);
  });

  test("a dropped connection on POST is a transport error that may have acted, not a retry", async () => {
    await ctl.fault({ platform: "asteroid", method: "POST", drop: true, count: 1 });
    const e = await client().request("POST", "/agent-profile-pools", { body: { name: "pdrop", organizationId: ORG } }).catch((x) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect(e.mayHaveActed).toBe(true);
    expect(e.message).toBe(
      `asteroid: POST /agent-profile-pools failed: connection closed before an answer at ${emu.baseUrl("asteroid")} (set by asteroid:baseUrl / ASTEROID_BASE_URL)`,
    );
    expect(await count("POST")).toBe(1);
  });

  test("retries stop after maxRetries and the last answer is reported", async () => {
    await ctl.fault({ platform: "asteroid", method: "GET", status: 503, count: 10 });
    await expect(client().request("GET", "/agent-profile-pools")).rejects.toThrow(/failed with 503/);
    expect(await count("GET")).toBe(fast.maxRetries + 1);
  });
});

describe("timeouts", () => {
  test("a request with no answer in time fails with a transport error naming the timeout and its setting", async () => {
    await ctl.fault({ platform: "asteroid", method: "POST", latencyMs: 1500, count: 1 });
    const e = await client({ requestTimeoutMs: 200 }).request("POST", "/agent-profile-pools", { body: { name: "slow", organizationId: ORG } }).catch((x) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect(e.mayHaveActed).toBe(true);
    expect(e.message).toBe(
      `asteroid: POST /agent-profile-pools failed: no answer within 200 ms at ${emu.baseUrl("asteroid")} (set by asteroid:baseUrl / ASTEROID_BASE_URL); ` +
        "the timeout is asteroid:requestTimeoutMs / ASTEROID_REQUEST_TIMEOUT_MS",
    );
  });

  test("an idempotent request with no answer in time is retried, and the final error counts the attempts", async () => {
    // undici checks timeouts on a ~0.5 s tick: the latency must clearly exceed the timeout.
    await ctl.fault({ platform: "asteroid", method: "GET", latencyMs: 2500, count: 10 });
    const e = await client({ requestTimeoutMs: 100, retry: { ...fast, maxRetries: 1 } }).request("GET", "/agent-profile-pools").catch((x) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect(e.tries.attempts).toBe(2);
    expect(e.message).toMatch(/failed: no answer within 100 ms at .*; 2 attempts over [\d.]+ m?s; the timeout is asteroid:requestTimeoutMs/);
    expect(lines.some((l) => /^asteroid: no answer within 100 ms on GET \/agent-profile-pools; waiting \d+ ms before attempt 2$/.test(l))).toBe(true);
  });
});

/** A server whose first `cut` answers send a Content-Length and half the body, then close. */
async function cuttingServer(cut: number, status = 200): Promise<{ url: string; seen: http.IncomingHttpHeaders[]; close(): Promise<void> }> {
  const seen: http.IncomingHttpHeaders[] = [];
  const body = JSON.stringify({ id: "p-1", name: "x".repeat(2000) });
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) });
    if (seen.length <= cut) {
      res.write(body.slice(0, 1000));
      setTimeout(() => res.socket?.destroy(), 20);
    } else res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/asteroid`;
  return { url, seen, close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

describe("bodies cut mid-way", () => {
  test("an idempotent request whose answer is cut is retried from scratch, never resumed with Range", async () => {
    const srv = await cuttingServer(1);
    try {
      const res = await client({ baseUrl: srv.url }).request("GET", "/agent-profile-pools/p-1");
      expect(res.body).toMatchObject({ id: "p-1" });
      expect(srv.seen).toHaveLength(2);
      expect(srv.seen[1].range).toBeUndefined();
    } finally {
      await srv.close();
    }
  });

  test("a POST whose 201 answer is cut is not repeated: a transport error that may have acted, naming the call", async () => {
    const srv = await cuttingServer(1, 201);
    try {
      const e = await client({ baseUrl: srv.url }).request("POST", "/agent-profile-pools", { body: { name: "cut" } }).catch((x) => x);
      expect(e).toBeInstanceOf(TransportError);
      expect(e).toMatchObject({ mayHaveActed: true, status: 201, platform: "asteroid", method: "POST", path: "/agent-profile-pools" });
      expect(e.message).toBe(
        `asteroid: POST /agent-profile-pools failed: the answer was cut off (connection closed mid-body) (a 201 answer) at ${srv.url} (set by asteroid:baseUrl / ASTEROID_BASE_URL)`,
      );
      expect(srv.seen).toHaveLength(1);
    } finally {
      await srv.close();
    }
  });

  test("an error answer whose body is cut is still that error", async () => {
    const srv = await cuttingServer(10, 403);
    try {
      const e = await client({ baseUrl: srv.url }).request("GET", "/agent-profile-pools").catch((x) => x);
      expect(e).toBeInstanceOf(ApiError);
      expect(e.status).toBe(403);
    } finally {
      await srv.close();
    }
  });
});

describe("a server that was never reached", () => {
  test("connection refused names the URL and the setting that set it; the server did not act", async () => {
    const e = await client({ baseUrl: "http://127.0.0.1:9/asteroid", sources: { baseUrl: "asteroid:baseUrl" } })
      .request("POST", "/agent-profile-pools", { body: { name: "x" } })
      .catch((x) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect(e.mayHaveActed).toBe(false);
    expect(e.message).toMatch(
      /^asteroid: cannot reach http:\/\/127\.0\.0\.1:9\/asteroid \(set by asteroid:baseUrl\): connection refused \(POST \/agent-profile-pools, 4 attempts over \d+ ms\)$/,
    );
  });

  test("an unknown host is not retried and names the environment variable that set it", async () => {
    const e = await client({ baseUrl: "http://no-such-host.invalid/asteroid", sources: { baseUrl: "ASTEROID_BASE_URL" } })
      .request("GET", "/agent-profile-pools")
      .catch((x) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect(e.mayHaveActed).toBe(false);
    expect(e.message).toMatch(/^asteroid: cannot reach http:\/\/no-such-host\.invalid\/asteroid \(set by ASTEROID_BASE_URL\): (host not found \(DNS\)|DNS lookup failed for now) \(GET \/agent-profile-pools/);
  });

  test("an invalid URL is a transport error that never reached a server", async () => {
    const e = await client({ baseUrl: "ftp://example.com/asteroid" }).request("GET", "/agent-profile-pools").catch((x) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect(e.mayHaveActed).toBe(false);
    expect(e.message).toMatch(/^asteroid: cannot reach ftp:\/\/example\.com\/asteroid \(set by asteroid:baseUrl \/ ASTEROID_BASE_URL\): invalid URL/);
  });

  test("the default base URL is named as the default", async () => {
    const spec = { ...asteroid, defaultBaseUrl: "http://127.0.0.1:9/agents/v2" };
    const e = await new PlatformClient(spec, { apiKey: "k", retry: { ...fast, maxRetries: 0 } }).request("GET", "/x").catch((x) => x);
    expect(e.message).toBe(
      "asteroid: cannot reach http://127.0.0.1:9/agents/v2 (the default; set asteroid:baseUrl / ASTEROID_BASE_URL to change it): connection refused (GET /x)",
    );
  });

  test("a URL's user info and query never appear in a message", async () => {
    const e = await client({ baseUrl: "http://user:hunter2@127.0.0.1:9/asteroid?token=abc", retry: { ...fast, maxRetries: 0 } })
      .request("GET", "/x")
      .catch((x) => x);
    expect(e.message).not.toContain("hunter2");
    expect(e.message).not.toContain("token");
  });
});

describe("errors", () => {
  test("read like `platform: METHOD /path failed with 403 Forbidden: <server message>`", async () => {
    await ctl.fault({ platform: "asteroid", method: "PATCH", status: 403, body: { code: 403, message: "not an admin" } });
    const e = await client().request("PATCH", "/agent-profile-pools/abc", { body: {} }).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.message).toMatch(/^asteroid: PATCH \/agent-profile-pools\/abc failed with 403 Forbidden: not an admin\. The API key sent was set by asteroid:apiKey/);
    expect(e).toMatchObject({ status: 403, method: "PATCH", path: "/agent-profile-pools/abc", platform: "asteroid", code: "PULUMI_AGENTS_API_ERROR" });
  });

  test("never contain the API key or a secret value of the request, even when the server echoes them", async () => {
    const key = emu.key("asteroid")!;
    await ctl.fault({ platform: "asteroid", status: 400, body: { code: 400, message: `bad key ${key} for password hunter2-secret` } });
    const e = await client().request("POST", "/agent-profile-pools", { body: {}, secrets: ["hunter2-secret"] }).catch((x) => x);
    expect(e.message).toBe("asteroid: POST /agent-profile-pools failed with 400 Bad Request: bad key [secret] for password [secret]");
    expect(JSON.stringify(e.body)).not.toContain(key);
    expect(JSON.stringify(e.body)).not.toContain("hunter2-secret");
  });

  test("a 404 from a base URL missing its path says which setting to check", async () => {
    const e = await client({ baseUrl: emu.url, sources: { baseUrl: "asteroid:baseUrl" } })
      .request("POST", "/agent-profile-pools", { body: { name: "n" } })
      .catch((x) => x);
    expect(e.message).toBe(
      "asteroid: POST /agent-profile-pools failed with 404 Not Found: unknown platform agent-profile-pools. " +
        `The base URL ${emu.url} (set by asteroid:baseUrl) has no path, but the asteroid API lives under one ` +
        "(the default is https://odyssey.asteroid.ai/agents/v2): check asteroid:baseUrl",
    );
  });

  test("the body of an answer: parsed JSON, raw text when it is not JSON, undefined when empty", async () => {
    await ctl.fault({ platform: "asteroid", method: "GET", status: 200, body: "<html>hi</html>", count: 1 });
    expect((await client().request("GET", "/agent-profile-pools")).body).toBe("<html>hi</html>");
    expect((await client().request("DELETE", "/agent-profile-pools/nope", { accept: [404] })).body).toMatchObject({});
  });

  test("401 from a wrong key is an error, not a retry", async () => {
    await expect(client({ apiKey: "wrong" }).request("GET", "/agent-profile-pools")).rejects.toThrow(/failed with 401 Unauthorized/);
    expect(await count("GET")).toBe(1);
  });

  test("accepted statuses are answers, not errors", async () => {
    expect((await client().request("GET", "/agent-profile-pools/nope", { accept: [404] })).status).toBe(404);
  });

  test("the message of {message}, {error} and {detail} bodies is found", () => {
    expect(commonErrorMessage({ code: 400, message: "m" })).toBe("m");
    expect(commonErrorMessage({ error: "e" })).toBe("e");
    expect(commonErrorMessage({ detail: [{ loc: ["x"], msg: "bad" }] })).toBe('[{"loc":["x"],"msg":"bad"}]');
    expect(redact("a-key-b", ["key"])).toBe("a-[secret]-b");
  });
});

describe("credentials", () => {
  const spec: PlatformSpec = { ...asteroid };
  test("a missing key names every way to set it, with the README's import, before any request", async () => {
    const e = await new PlatformClient(spec, { baseUrl: emu.baseUrl("asteroid") }).request("GET", "/agent-profile-pools").catch((x) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toContain("pulumi config set --secret asteroid:apiKey");
    expect(e.message).toContain("ASTEROID_API_KEY");
    expect(e.message).toContain('new Provider("name", { asteroid: { apiKey } })');
    expect(e.message).toContain('import { Provider } from "pulumi-agents"');
    expect(e.message).not.toContain("agents.Provider");
    expect(await ctl.requests()).toEqual([]);
  });

  test("stack config wins over the environment, which is the fallback", () => {
    const env = { ASTEROID_API_KEY: "from-env", ASTEROID_BASE_URL: "http://env" };
    expect(settingsFor(spec, { get: (k) => ({ "asteroid:apiKey": "from-config" })[k] }, env)).toEqual({ apiKey: "from-config", baseUrl: "http://env" });
    expect(settingsFor(spec, undefined, env)).toEqual({ apiKey: "from-env", baseUrl: "http://env" });
  });

  test("a bad setting fails the first request with the setting's name and the fix, sending nothing", async () => {
    const c = new PlatformClient(spec, { apiKey: "k", baseUrl: emu.baseUrl("asteroid"), problems: [{ setting: "maxConcurrency", message: "asteroid: bad" }] });
    await expect(c.request("GET", "/agent-profile-pools")).rejects.toThrow(new ConfigError("asteroid: bad"));
    expect(await ctl.requests()).toEqual([]);
  });
});

describe("backoff", () => {
  test("exponential with 50-100% jitter, capped", () => {
    const s = { maxRetries: 5, baseMs: 100, capMs: 1000 };
    expect(backoffMs(0, s, () => 0)).toBe(50);
    expect(backoffMs(0, s, () => 1)).toBe(100);
    expect(backoffMs(3, s, () => 1)).toBe(800);
    expect(backoffMs(10, s, () => 1)).toBe(1000);
  });
  test("Retry-After as seconds or as an HTTP date", () => {
    expect(retryAfterMs("2")).toBe(2000);
    const now = Date.parse("2026-11-23T10:00:00Z");
    expect(retryAfterMs("Mon, 23 Nov 2026 10:00:05 GMT", now)).toBe(5000);
    expect(retryAfterMs("soon")).toBeUndefined();
  });
});

describe("a 404 read as gone is believed only from the API", () => {
  /** A server answering every request 404 with `body`; resolves its base URL and the paths it saw. */
  async function notFoundServer(body: unknown) {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.url!);
      req.resume();
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/odeus-api`, seen, close: () => new Promise((r) => server.close(r)) };
  }
  const odeusClient = (baseUrl: string) => new PlatformClient(odeus, { apiKey: "k", baseUrl, retry: fast, log: () => undefined });
  const ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

  test("Odeus: the API's own 404 \"Agent not found\" on the read without an id confirms the base URL", async () => {
    const s = await notFoundServer({ message: "Agent not found" });
    try {
      const res = await odeusClient(s.url).request("GET", "/agent/v1/get", { query: { agentId: ID }, accept: [400, 404] });
      expect(res.status).toBe(404);
      expect(s.seen).toEqual([`/odeus-api/agent/v1/get?agentId=${ID}`, "/odeus-api/agent/v1/get"]);
    } finally {
      await s.close();
    }
  });

  test("any other 404 there means the base URL is not the API: the read fails, naming it", async () => {
    const s = await notFoundServer({ detail: "Not Found" });
    try {
      const e = await odeusClient(s.url).request("GET", "/agent/v1/get", { query: { agentId: ID }, accept: [400, 404] }).catch((x) => x);
      expect(e).toBeInstanceOf(ConfigError);
      expect(e.message).toContain(`odeus: GET /agent/v1/get answered 404, but the base URL ${s.url}`);
      expect(e.message).toContain("does not look like the odeus API: GET /agent/v1/get, which every odeus server answers, answered 404 too");
    } finally {
      await s.close();
    }
  });

  test("404s arriving together share one probe, and its verdict holds for later ones", async () => {
    const s = await notFoundServer({ detail: "Not Found" });
    try {
      const c = odeusClient(s.url);
      const read = () => c.request("GET", "/agent/v1/get", { query: { agentId: ID }, accept: [400, 404] }).catch((x) => x);
      const errors = [...(await Promise.all([read(), read(), read(), read()])), await read()];
      for (const e of errors) expect(e).toBeInstanceOf(ConfigError);
      expect(s.seen.filter((u) => u === "/odeus-api/agent/v1/get")).toHaveLength(1);
    } finally {
      await s.close();
    }
  });
});
