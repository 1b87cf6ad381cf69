/**
 * The limiter's learning, on a fake clock (tests/http/limiter.sim.ts): the same runs as the
 * rate-limited part of `npm run bench:scale`, made deterministic, so that a change that makes the
 * limiter fail operations or waste the limit shows here. Shares of the limit, not times: the clock is
 * simulated.
 */
import { Limiter } from "../../provider/http/limiter";
import { spreadMs } from "../../provider/http/retry";
import { simulate } from "./limiter.sim";

describe("the limiter against token-bucket servers that state no limit (429 + Retry-After only)", () => {
  test.each([
    [200, 8, 10],
    [200, 50, 10],
    [200, 200, 10],
    [1000, 8, 50],
    [1000, 1000, 50],
  ])("N = %i at %i in flight, %i requests/s: every operation completes and at least 97 %% of the limit is used", async (n, parallel, rate) => {
    const r = await simulate({ n, parallel, rate });
    expect(r.usedPercent).toBeGreaterThanOrEqual(97);
    expect(r.seconds).toBeLessThan(r.idealSeconds * 1.1);
  });

  test.each([
    [200, 10],
    [1000, 50],
  ])("N = %i at 1 in flight, %i requests/s: each 429 stalls the whole run, and still at least 94 %% of the limit is used", async (n, rate) => {
    const r = await simulate({ n, parallel: 1, rate });
    expect(r.usedPercent).toBeGreaterThanOrEqual(94);
    // The first 429 of each limited platform, a probe each, and a few steps near the limit.
    expect(r.rejected).toBeLessThanOrEqual(8);
  });
});

describe("the limiter paces by the rate measured between two refusals", () => {
  test.each([
    [200, 1, 10],
    [200, 8, 10],
    [1000, 1, 50],
    [1000, 50, 50],
  ])("N = %i at %i in flight, %i requests/s: once two requests a second apart were refused, it never paces more than 3 %% over the server's rate", async (n, parallel, rate) => {
    // A token bucket is empty at each refusal, so what it let through between two of them gives its
    // rate. A pace above that only buys more 429s, each holding its request for a whole second.
    const r = await simulate({ n, parallel, rate });
    expect(r.maxPaceAfterTwoRefusals).toBeGreaterThan(0.9);
    expect(r.maxPaceAfterTwoRefusals).toBeLessThanOrEqual(1.03);
  });
});

describe("Retry-After is spread only where requests can collide", () => {
  test("requests turned away together wait what was asked plus up to a tenth more", () => {
    expect(spreadMs(1000, () => 0)).toBe(1000);
    expect(spreadMs(1000, () => 0.9999)).toBe(1100);
    expect(spreadMs(60_000, () => 0.9999)).toBe(61_000); // at most a second more
  });

  test("a refused request alone in its account (nothing else in flight, queued or retrying) waits exactly what was asked", () => {
    expect(spreadMs(1000, () => 0.9999, true)).toBe(1000);
  });

  test("an account is idle when nothing of it is in flight, queued or waiting to retry", async () => {
    const l = new Limiter("asteroid", { maxConcurrency: 1 });
    expect(l.idle).toBe(true);
    const first = await l.acquire(1);
    expect(l.idle).toBe(false);
    const second = l.acquire(2);
    l.finish(first, { status: 429, retryAfterMs: 0 });
    expect(l.idle).toBe(false); // the second is in flight now
    l.finish(await second, { status: 200 });
    expect(l.idle).toBe(true);
    l.retrying++;
    expect(l.idle).toBe(false);
  });
});
