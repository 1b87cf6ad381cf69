/**
 * A deterministic simulation of the limiter on a fake clock: N operations round robin over the five
 * resource types (Asteroid pool and profile, Everruns, Letta, Odeus with two calls), P in flight,
 * against token-bucket servers that answer 429 + Retry-After in whole seconds, as the emulator does.
 * Used by tests/http/limiter.sim.test.ts; not a benchmark (the real one is `npm run bench:scale`).
 * To try a change of the limiter: `node bin/tests/http/limiter.sim.js <n> <in flight> <rate> [seeds]`.
 */
// The package has no typings of its own; this is the part used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const FakeTimers: { install(o: object): { tickAsync(ms: number): Promise<number>; uninstall(): void } } = require("@sinonjs/fake-timers");
import { Limiter } from "../../provider/http/limiter";
import { spreadMs } from "../../provider/http/retry";

export interface SimOptions {
  n: number;
  parallel: number;
  /** Requests per second of each limited platform (Asteroid and Odeus). */
  rate: number;
  /** The servers' burst (bucket size); default one second of the rate. */
  burst?: number;
  /** What the servers' `Retry-After` says, in ms; default the time to the next token, in whole seconds. */
  retryAfterMs?: number;
  /** One-way latency of a request, in ms, and the engine's cost between two operations. */
  latencyMs?: number;
  opOverheadMs?: number;
  /**
   * How late an answer is read after the server sent it, at most, in ms (a uniform share of it): a
   * busy provider process reads answers late, and waits out a Retry-After from when it reads it.
   */
  answerDelayMs?: number;
  seed?: number;
}

export interface SimResult {
  usedPercent: number;
  rejected: number;
  seconds: number;
  idealSeconds: number;
  /**
   * The fastest pace of a limited platform's limiter once it had read two refusals sent at least a
   * second apart (the rate can be measured between them), as a share of the server's rate: 1.03 is
   * 3 % over.
   */
  maxPaceAfterTwoRefusals: number;
}

/** A small seeded generator (mulberry32), so every run is the same. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Bucket {
  tokens: number;
  at = 0;
  accepted = 0;
  rejected = 0;
  first?: number;
  last?: number;
  constructor(readonly rate: number, readonly burst: number) {
    this.tokens = burst;
  }
  overflow: [number, number][] = [];
  admit(now: number): number | undefined {
    const raw = this.tokens + ((now - this.at) * this.rate) / 1000;
    if (raw > this.burst && this.first !== undefined) this.overflow.push([now, raw - this.burst]);
    this.tokens = Math.min(this.burst, raw);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.accepted++;
      this.first ??= now;
      this.last = now;
      return undefined;
    }
    this.rejected++;
    return Math.max(1, Math.ceil((1 - this.tokens) / this.rate)) * 1000;
  }
}

const TYPES: string[][] = [["asteroid"], ["asteroid"], ["everruns"], ["letta"], ["odeus", "odeus"]];

export async function simulate(o: SimOptions): Promise<SimResult> {
  const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout", "Date"], now: 1_000_000 });
  try {
    const rand = random(o.seed ?? 1);
    const latency = o.latencyMs ?? 1;
    const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
    const limited = ["asteroid", "odeus"];
    const servers: Record<string, Bucket | undefined> = {};
    for (const p of limited) servers[p] = new Bucket(o.rate, o.burst ?? Math.max(1, Math.round(o.rate)));
    /** Send times of the refusals each limiter has read. */
    const refusalsRead: Record<string, number[]> = {};
    const limiters: Record<string, Limiter> = {};
    let maxPace = 0;
    for (const p of ["asteroid", "everruns", "letta", "odeus"]) limiters[p] = new Limiter(p, { maxConcurrency: 64 });
    const call = async (platform: string, opStart: number) => {
      for (;;) {
        const permit = await limiters[platform].acquire(opStart);
        const server = servers[platform];
        const read = refusalsRead[platform] ?? [];
        if (server && read.length && read[read.length - 1] - read[0] >= 1000 && Number.isFinite(limiters[platform].rate)) maxPace = Math.max(maxPace, limiters[platform].rate / server.rate);
        await sleep(latency * (0.5 + rand()));
        const refused = servers[platform]?.admit(Date.now());
        const wait = refused === undefined ? undefined : (o.retryAfterMs ?? refused);
        await sleep(latency * (0.5 + rand()) + (o.answerDelayMs ?? 0) * rand());
        const limiter = limiters[platform];
        limiter.finish(permit, wait === undefined ? { status: 200 } : { status: 429, retryAfterMs: wait });
        if (wait !== undefined) (refusalsRead[platform] ??= []).push(permit.sentAt);
        if (wait === undefined) return;
        // As the client does it (provider/http/client.ts).
        const spread = spreadMs(wait, rand, limiter.idle);
        limiter.retrying++;
        await sleep(spread);
        limiter.retrying--;
      }
    };
    let next = 0;
    const start = Date.now();
    const worker = async () => {
      while (next < o.n) {
        const i = next++;
        const opStart = Date.now();
        await sleep(o.opOverheadMs ?? 2);
        for (const platform of TYPES[i % TYPES.length]) await call(platform, opStart);
      }
    };
    const done = Promise.all(Array.from({ length: o.parallel }, worker));
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) await clock.tickAsync(10);
    const seconds = (Date.now() - start) / 1000;
    const used = limited.map((p) => {
      const b = servers[p]!;
      const busy = ((b.last ?? 0) - (b.first ?? 0)) / 1000;
      return { p, used: (100 * b.accepted) / (b.burst + b.rate * busy), ideal: Math.max(0, b.accepted - b.burst) / b.rate };
    });
    if (process.env.SIM_TRACE) {
      for (const p of limited) {
        const lost = servers[p]!.overflow.filter(([, x]) => x > 0.3).map(([t, x]) => `${t - start} ms: ${x.toFixed(1)}`);
        console.log(`${p}: tokens lost to a full bucket at ${lost.join(", ")}; left at the end ${servers[p]!.tokens.toFixed(1)}`);
      }
    }
    return {
      usedPercent: Math.round(Math.min(...used.map((u) => u.used)) * 10) / 10,
      rejected: limited.reduce((a, p) => a + servers[p]!.rejected, 0),
      seconds: Math.round(seconds * 100) / 100,
      idealSeconds: Math.max(...used.map((u) => u.ideal)),
      maxPaceAfterTwoRefusals: Math.round(maxPace * 1000) / 1000,
    };
  } finally {
    clock.uninstall();
  }
}

if (require.main === module) {
  const [n, parallel, rate, seeds] = process.argv.slice(2).map(Number);
  (async () => {
    const rows: number[] = [];
    for (let seed = 1; seed <= (seeds || 5); seed++) {
      const r = await simulate({ n: n || 200, parallel: parallel || 1, rate: rate || 10, seed });
      rows.push(r.usedPercent);
      console.log(JSON.stringify({ seed, ...r }));
    }
    console.log(`min ${Math.min(...rows)} median ${[...rows].sort((a, b) => a - b)[Math.floor(rows.length / 2)]}`);
  })();
}
