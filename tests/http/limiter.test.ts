/**
 * The account limiter against the emulator's rate limit: requests queue instead of failing, one
 * limiter per account (base URL + key), settings for known limits, RateLimit headers, the operation
 * deadline, the order of the queue, and throttled progress lines.
 */
import { startAll, type Emulator } from "../../emulator";
import { EmulatorControl } from "../../emulator/control";
import { PlatformClient, type ClientOptions } from "../../provider/http/client";
import { TransportError } from "../../provider/http/errors";
import { Limiter, forgetAccounts, parseRateLimit } from "../../provider/http/limiter";
import { inOperation } from "../../provider/http/operation";
import { Progress } from "../../provider/http/progress";
import { asteroid } from "../../provider/asteroid/platform";
import { everruns } from "../../provider/everruns/platform";

let emu: Emulator;
let ctl: EmulatorControl;
const lines: string[] = [];
const fast = { maxRetries: 3, baseMs: 5, capMs: 300 };
const client = (o: ClientOptions = {}) =>
  new PlatformClient(asteroid, { apiKey: emu.key("asteroid"), baseUrl: emu.baseUrl("asteroid"), retry: fast, log: (l) => lines.push(l), ...o });
/** `n` GETs, each its own operation (as `n` resources refreshed at once), all started together. */
const many = (c: PlatformClient, n: number) =>
  Promise.allSettled(Array.from({ length: n }, () => inOperation(() => c.request("GET", "/agent-profile-pools"))));

beforeAll(async () => {
  // Everruns without auth, so that two keys are two accounts of one server.
  emu = await startAll({ keys: { everruns: undefined } });
  ctl = new EmulatorControl(emu.url);
});
afterAll(() => emu.close());
beforeEach(async () => {
  forgetAccounts();
  lines.length = 0;
  await ctl.clear();
  await ctl.clearFaults();
  await ctl.clearRateLimit();
});

describe("under a rate limit", () => {
  test("60 requests issued at once all succeed: the limiter learns the rate from 429s and queues the rest", async () => {
    await ctl.rateLimit({ platform: "asteroid", requestsPerSecond: 30 });
    const c = client();
    const results = await many(c, 60);
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    const [stats] = await ctl.rateLimitStats();
    expect(stats.accepted).toBe(60);
    expect(c.limiter.describe()).toMatch(/^pacing at [\d.]+ requests\/s \(learned from 429 answers\)$/);
    expect(lines.join("\n")).toMatch(/^asteroid: 429 on GET \/agent-profile-pools; waiting 1\.\d s before attempt 2/m);
  });

  test("RateLimit headers set the pace exactly", async () => {
    await ctl.rateLimit({ platform: "asteroid", requestsPerSecond: 20, headers: "ietf" });
    const c = client();
    await c.request("GET", "/agent-profile-pools");
    expect(c.limiter.describe()).toBe("pacing at 20 requests/s (from the server's RateLimit headers)");
    const results = await many(c, 30);
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect((await ctl.rateLimitStats())[0].rejected).toBe(0);
  });

  test("a configured maxRequestsPerSecond paces requests without a single 429", async () => {
    await ctl.rateLimit({ platform: "asteroid", requestsPerSecond: 10 });
    const c = client({ maxRequestsPerSecond: 10 });
    const t = Date.now();
    await many(c, 8);
    expect(Date.now() - t).toBeGreaterThanOrEqual(650);
    expect((await ctl.rateLimitStats())[0]).toMatchObject({ accepted: 8, rejected: 0 });
    expect(c.limiter.describe()).toBe("pacing at 10 requests/s (set by asteroid:maxRequestsPerSecond)");
  });

  test("a configured maxConcurrency bounds the requests in flight", async () => {
    await ctl.fault({ platform: "asteroid", method: "GET", latencyMs: 300, count: 3 });
    const t = Date.now();
    await many(client({ maxConcurrency: 1 }), 3);
    expect(Date.now() - t).toBeGreaterThanOrEqual(850);
  });
});

describe("one limiter per account", () => {
  test("clients of one base URL and key share a limiter; another key or base URL is another account", () => {
    const base = emu.baseUrl("everruns");
    const a = new PlatformClient(everruns, { apiKey: "k1", baseUrl: base });
    expect(new PlatformClient(everruns, { apiKey: "k1", baseUrl: base }).limiter).toBe(a.limiter);
    expect(new PlatformClient(everruns, { apiKey: "k2", baseUrl: base }).limiter).not.toBe(a.limiter);
    expect(new PlatformClient(everruns, { apiKey: "k1", baseUrl: base.replace("127.0.0.1", "localhost") }).limiter).not.toBe(a.limiter);
  });

  test("two accounts on one platform: a 429 pauses its own account only", async () => {
    const base = emu.baseUrl("everruns");
    const first = new PlatformClient(everruns, { apiKey: "k1", baseUrl: base, log: () => {} });
    const second = new PlatformClient(everruns, { apiKey: "k2", baseUrl: base, log: () => {} });
    await ctl.fault({ platform: "everruns", method: "GET", status: 429, retryAfter: "2", count: 1 });
    const turnedAway = first.request("GET", "/v1/agents");
    while ((await ctl.requests("everruns")).length < 1) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50)); // the 429 has been read: account k1 waits 2 s
    const order: string[] = [];
    const sameAccount = inOperation(() => first.request("GET", "/v1/agents")).then(() => order.push("k1"));
    const otherAccount = inOperation(() => second.request("GET", "/v1/agents")).then(() => order.push("k2"));
    await Promise.all([turnedAway, sameAccount, otherAccount]);
    expect(order).toEqual(["k2", "k1"]);
  });
});

describe("the operation deadline", () => {
  test("a request still queued at its operation's deadline fails without being sent, saying why", async () => {
    const c = client({ maxRequestsPerSecond: 1, operationTimeoutMs: 1500 });
    const results = await many(c, 4);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed[0]).toBeInstanceOf(TransportError);
    expect(failed[0].mayHaveActed).toBe(false);
    expect(failed[0].message).toMatch(
      /^asteroid: GET \/agent-profile-pools was not sent: gave up after 0 attempts over [\d.]+ s: the operation deadline \(asteroid:operationTimeoutMs = 1500 ms\) was reached while the request waited [\d.]+ s in the rate-limit queue \(pacing at 1\.0 requests\/s \(set by asteroid:maxRequestsPerSecond\)\)$/,
    );
    expect((await ctl.requests("asteroid")).length).toBe(4 - failed.length);
  });

  test("a pause that outlasts the deadline fails the queued requests at once", async () => {
    const c = client({ operationTimeoutMs: 5000 });
    await ctl.fault({ platform: "asteroid", method: "GET", status: 429, retryAfter: "30", count: 1 });
    const first = await c.request("GET", "/agent-profile-pools").catch((x) => x);
    expect(first.message).toMatch(/would pass before the next attempt \(the server asked to wait 30 s\)$/);
    const t = Date.now();
    const results = await many(c, 2);
    expect(Date.now() - t).toBeLessThan(1000);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      expect((r as PromiseRejectedResult).reason.message).toMatch(
        /^asteroid: GET \/agent-profile-pools was not sent: gave up after 0 attempts over \d+ ms: the operation deadline \(asteroid:operationTimeoutMs = 5000 ms\) would pass before the next attempt \(the server asked to wait (29|30) s\)$/,
      );
    }
    expect(await ctl.requests("asteroid")).toHaveLength(1);
  });
});

describe("the queue", () => {
  test("older operations go first: a retried request does not queue behind newer operations", async () => {
    const l = new Limiter("asteroid", { maxConcurrency: 1 });
    const busy = await l.acquire(0);
    const order: number[] = [];
    const waits = [5, 3, 4].map((p) => l.acquire(p).then((permit) => (order.push(p), l.finish(permit, { status: 200 }))));
    l.finish(busy, { status: 200 });
    await Promise.all(waits);
    expect(order).toEqual([3, 4, 5]);
  });
});

test("a rate under one request a second is shown with its digits, not as 0.0", () => {
  expect(new Limiter("asteroid", { maxRequestsPerSecond: 0.0001, maxConcurrency: 1 }).describe()).toBe("pacing at 0.0001 requests/s (set by asteroid:maxRequestsPerSecond)");
  expect(new Limiter("asteroid", { maxRequestsPerSecond: 0.25, maxConcurrency: 1 }).describe()).toBe("pacing at 0.25 requests/s (set by asteroid:maxRequestsPerSecond)");
  expect(new Limiter("asteroid", { maxRequestsPerSecond: 9.84, maxConcurrency: 1 }).describe()).toBe("pacing at 9.8 requests/s (set by asteroid:maxRequestsPerSecond)");
});

describe("RateLimit headers", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  test.each([
    ["IETF draft fields", { "ratelimit-limit": "10", "ratelimit-remaining": "3", "ratelimit-reset": "2", "ratelimit-policy": "10;w=1" }, { limit: 10, remaining: 3, resetMs: 2000, windowMs: 1000 }],
    ["a policy inside RateLimit-Limit", { "ratelimit-limit": "100, 100;w=60" }, { limit: 100, windowMs: 60_000 }],
    ["the structured RateLimit field", { ratelimit: "limit=10, remaining=0, reset=5" }, { limit: 10, remaining: 0, resetMs: 5000 }],
    ["X-RateLimit with an epoch reset", { "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 90) }, { limit: 5000, remaining: 0, resetMs: 90_000 }],
  ])("%s", (_, headers, expected) => {
    expect(parseRateLimit(headers, now)).toEqual(expected);
  });

  test("no rate-limit headers: nothing learned", () => {
    expect(parseRateLimit({ "content-type": "application/json" })).toBeUndefined();
  });

  test("a spent quota with a long reset holds every request until it resets", async () => {
    const l = new Limiter("asteroid", { maxConcurrency: 10 });
    const p = await l.acquire(0);
    l.finish(p, { status: 200, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "3" } });
    const e = await l.acquire(0, Date.now() + 1000).catch((x) => x);
    expect(e.reason).toMatch(/^the server asked to wait (3\.0|2\.9) s$/);
  });
});

describe("progress lines", () => {
  test("a thousand waits in one instant make one line, then one line saying how many more", () => {
    let t = 0;
    const out: string[] = [];
    const p = new Progress((l) => out.push(l), 3000, () => t);
    for (let i = 0; i < 1000; i++) p.note(`asteroid: 429 on PATCH /agent-profile-pools/${i}; waiting 1.0 s before attempt 2`);
    expect(out).toEqual(["asteroid: 429 on PATCH /agent-profile-pools/0; waiting 1.0 s before attempt 2"]);
    t = 3000;
    p.flush();
    expect(out[1]).toBe("asteroid: 429 on PATCH /agent-profile-pools/999; waiting 1.0 s before attempt 2 (and 998 other waits since the last line)");
    p.flush();
    expect(out).toHaveLength(2);
  });

  test("requests turned away together write a few lines, not one each", async () => {
    await ctl.fault({ platform: "asteroid", method: "GET", status: 429, retryAfter: "1", count: 40 });
    const results = await many(client(), 40);
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    // 40 waits on a 429, then on the queue while the rate is learned: one line per 3 s at most.
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(4);
    expect(lines[0]).toMatch(/^asteroid: 429 on GET \/agent-profile-pools; waiting 1\.\d s before attempt 2$/);
  });
});
