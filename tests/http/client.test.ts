/**
 * The shared HTTP client against a real server on port 0 (the emulator) with injected faults:
 * which failures are retried for which methods, Retry-After, timeouts, error text and redaction.
 */
import { startAll, type Emulator } from "../../emulator";
import { EmulatorControl } from "../../emulator/control";
import { PlatformClient, commonErrorMessage, type PlatformSpec } from "../../provider/http/client";
import { ApiError, ConfigError, TransportError, redact } from "../../provider/http/errors";
import { backoffMs, retryAfterMs } from "../../provider/http/retry";
import { settingsFor } from "../../provider/http/config";
import { asteroid } from "../../provider/asteroid/platform";

let emu: Emulator;
let ctl: EmulatorControl;
const ORG = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const fast = { maxRetries: 3, baseMs: 5, capMs: 300 };
const client = (o: Partial<ConstructorParameters<typeof PlatformClient>[1]> = {}) =>
  new PlatformClient(asteroid, { apiKey: emu.key("asteroid"), baseUrl: emu.baseUrl("asteroid"), retry: fast, ...o });
const count = async (method: string) => (await ctl.requests("asteroid")).filter((r) => r.method === method).length;

beforeAll(async () => {
  emu = await startAll();
  ctl = new EmulatorControl(emu.url);
});
afterAll(() => emu.close());
beforeEach(async () => {
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

  test("a Retry-After longer than the cap is capped", async () => {
    await ctl.fault({ platform: "asteroid", method: "GET", status: 429, retryAfter: "3600", count: 1 });
    const t = Date.now();
    await client().request("GET", "/agent-profile-pools");
    expect(Date.now() - t).toBeLessThan(2000);
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

  test("a dropped connection on POST is a transport error, not a retry", async () => {
    await ctl.fault({ platform: "asteroid", method: "POST", drop: true, count: 1 });
    const e = await client().request("POST", "/agent-profile-pools", { body: { name: "pdrop", organizationId: ORG } }).catch((x) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect(e.message).toMatch(/^asteroid: POST \/agent-profile-pools failed: /);
    expect(await count("POST")).toBe(1);
  });

  test("retries stop after maxRetries and the last answer is reported", async () => {
    await ctl.fault({ platform: "asteroid", method: "GET", status: 503, count: 10 });
    await expect(client().request("GET", "/agent-profile-pools")).rejects.toThrow(/failed with 503/);
    expect(await count("GET")).toBe(fast.maxRetries + 1);
  });
});

describe("timeouts", () => {
  test("a request with no answer in time fails with a transport error naming the timeout", async () => {
    await ctl.fault({ platform: "asteroid", method: "POST", latencyMs: 1500, count: 1 });
    const e = await client({ timeoutMs: 200 }).request("POST", "/agent-profile-pools", { body: { name: "slow", organizationId: ORG } }).catch((x) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect(e.message).toBe("asteroid: POST /agent-profile-pools failed: no answer within 200 ms");
  });
});

describe("errors", () => {
  test("read like `platform: METHOD /path failed with 403 Forbidden: <server message>`", async () => {
    await ctl.fault({ platform: "asteroid", method: "PATCH", status: 403, body: { code: 403, message: "not an admin" } });
    const e = await client().request("PATCH", "/agent-profile-pools/abc", { body: {} }).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.message).toBe("asteroid: PATCH /agent-profile-pools/abc failed with 403 Forbidden: not an admin");
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
  test("a missing key names every way to set it, before any request", async () => {
    const e = await new PlatformClient(spec, { baseUrl: emu.baseUrl("asteroid") }).request("GET", "/agent-profile-pools").catch((x) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toContain("pulumi config set --secret asteroid:apiKey");
    expect(e.message).toContain("ASTEROID_API_KEY");
    expect(e.message).toContain("provider");
    expect(await ctl.requests()).toEqual([]);
  });

  test("stack config wins over the environment, which is the fallback", () => {
    const env = { ASTEROID_API_KEY: "from-env", ASTEROID_BASE_URL: "http://env" };
    expect(settingsFor(spec, { get: (k) => ({ "asteroid:apiKey": "from-config" })[k] }, env)).toEqual({ apiKey: "from-config", baseUrl: "http://env" });
    expect(settingsFor(spec, undefined, env)).toEqual({ apiKey: "from-env", baseUrl: "http://env" });
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
