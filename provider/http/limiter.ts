/**
 * One limiter per platform account (base URL + API key) in the provider process, shared by every
 * resource operation of that account. Requests wait in its queue instead of being fired into a 429.
 *
 * - Pacing: a token bucket. Its rate is unknown (no pacing) until the server shows its limit, or the
 *   one set by `<platform>:maxRequestsPerSecond`, which is also a ceiling on anything learned.
 * - Learning from 429 (like TCP's slow start and congestion avoidance):
 *   - the first 429 pauses the account for its `Retry-After`; at the end of the pause the rate is the
 *     rate at which the server accepted what was sent before (at least 1 request/s), over the time
 *     before the refusal and the `Retry-After` (not the pause, which starts when the answer is read:
 *     a busy process reads it late, and a full token bucket refills no more);
 *   - probe: while requests wait on the rate and none is refused for half a second, the rate
 *     doubles; the first 429 after a doubling goes back to the rate before it;
 *   - steady: each later 429 lowers the rate by 3 % (at once to the rate the server let through in
 *     the last 2 s when that is far lower); when the rate between two 429s can be measured (a token
 *     bucket is empty at each 429, so what it let through between two of them is its rate times the
 *     time between), the limiter paces 1.5 % under it when that is higher, and after a step (not a
 *     doubling) moves down towards it by at most 15 % at once when it is lower (one measurement may
 *     be off, and a pace set too low is never corrected by a 429); after a refused doubling, recovery
 *     climbs back to the measured rate, not towards the doubled one, unless the measurement is under
 *     the rate before the doubling (which went half a second without a 429: the measurement is then
 *     a bound from below, the server's bucket having overflowed while the limiter probed under it);
 *   - while requests wait on the rate and the rate is actually used, it climbs back halfway to the
 *     rate last known too fast (at most 10 % a second); near it, it holds 5 s, then creeps up by 0.1 %
 *     a second per second (at most 5 %), so the limiter follows a limit that changes;
 *   - one 429 teaches once: a 429 on a request sent before the last change teaches nothing;
 *   - a `Retry-After` over 2 s (a spent quota) pauses the whole account, as it did the first time.
 *   A request turned away in a burst shrinks our bucket by a quarter: the server's may be smaller
 *   (not one turned away just after a doubling: the doubled rate explains it).
 * - Learning from headers: `RateLimit-Policy` / `RateLimit-Limit` with a window (`10;w=1`) set the rate
 *   and burst as the server states them; `RateLimit-Remaining` keeps the bucket no fuller than the
 *   server's; a spent `RateLimit-Remaining` / `X-RateLimit-Remaining` whose reset is over 2 s away
 *   holds every request until the reset.
 * - `<platform>:maxConcurrency` bounds the requests in flight.
 * - Order: by priority (the start of the operation a request belongs to), so a retried request of an
 *   old operation goes before the first request of a new one and no operation starves.
 * - A request whose operation deadline passes in the queue (or will pass during a pause the server
 *   asked for) fails at once with `QueueDeadline`, unsent.
 */
import type { IncomingHttpHeaders } from "node:http";
import { createHash } from "node:crypto";
import { formatDuration } from "./errors";
import { Progress, type Sink } from "./progress";

export interface LimiterSettings {
  /** A ceiling, in requests per second; undefined: learned from the server. */
  maxRequestsPerSecond?: number;
  /** Requests in flight at once. */
  maxConcurrency: number;
}

/** A slot to send one request; hand it back to `finish` with what came of it. */
export interface Permit {
  sentAt: number;
  /** How long the request waited in the queue, in ms. */
  waitedMs: number;
  /** The bucket's level when the request was sent (Infinity while the rate is unknown). */
  tokens: number;
}

export type RateSource = "none" | "configured" | "429" | "headers";

/** The request waited in the queue until its operation's deadline, or would have to. */
export class QueueDeadline extends Error {
  constructor(
    readonly waitedMs: number,
    /** Why it waited: `pacing at 9.8 requests/s (...)` or `the server asked to wait 1 h`. */
    readonly reason: string,
  ) {
    super(`the operation deadline passed while the request waited in the rate-limit queue (${reason})`);
  }
}

interface Waiter {
  priority: number;
  seq: number;
  queuedAt: number;
  deadline: number;
  resolve(p: Permit): void;
  reject(e: Error): void;
  timer?: NodeJS.Timeout;
}

const WINDOW_MS = 5000;
const DECREASE = 0.97;
const RECOVER = 0.1;
const NEAR = 0.985;
const INCREASE = 0.001;
const PROBE = 2;
const FAR = 0.7;
/** The furthest a rate measured between refusals lowers the pace at once. */
const STEP_DOWN = 0.85;
/** How far under the rate measured between refusals to pace. */
const MARGIN = 0.015;
/** How long the rate holds near the rate last known too fast before it creeps up again. */
const HOLD_MS = 5000;
/** How long a refusal serves as the start of a measurement. */
const ANCHOR_MS = 20_000;
const MAX_INCREASE = 0.05;
const MIN_RATE = 0.05;
/** A Retry-After longer than this pauses the whole account even when the rate is known. */
const LONG_WAIT_MS = 2000;

/** What `RateLimit-*` / `X-RateLimit-*` headers say. Times in ms; `resetMs` is relative to now. */
export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
  resetMs?: number;
  windowMs?: number;
}

const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};
const num = (s: string | undefined): number | undefined => {
  const m = s?.match(/-?\d+(\.\d+)?/);
  return m ? Number(m[0]) : undefined;
};

/**
 * Reads the rate-limit headers of an answer: the IETF drafts (`RateLimit-Limit`, `-Remaining`, `-Reset`,
 * `RateLimit-Policy: 10;w=1`, or the structured `RateLimit: limit=10, remaining=3, reset=1`) and the
 * common `X-RateLimit-*` ones, whose Reset may be an epoch time in seconds (GitHub) or a delay.
 */
export function parseRateLimit(h: IncomingHttpHeaders, now = Date.now()): RateLimitInfo | undefined {
  const info: RateLimitInfo = {};
  const structured = header(h, "ratelimit");
  if (structured) {
    for (const part of structured.split(/[,;]/)) {
      const [k, v] = part.trim().split("=");
      const n = num(v);
      if (n === undefined) continue;
      if (k === "limit") info.limit = n;
      else if (k === "remaining" || k === "r") info.remaining = n;
      else if (k === "reset" || k === "t") info.resetMs = n * 1000;
    }
  }
  const limit = header(h, "ratelimit-limit") ?? header(h, "x-ratelimit-limit");
  const remaining = header(h, "ratelimit-remaining") ?? header(h, "x-ratelimit-remaining");
  const reset = header(h, "ratelimit-reset") ?? header(h, "x-ratelimit-reset");
  const policy = header(h, "ratelimit-policy") ?? (limit?.includes(";w=") ? limit.split(",").slice(1).join(",") : undefined);
  if (limit !== undefined) info.limit = num(limit);
  if (remaining !== undefined) info.remaining = num(remaining);
  if (reset !== undefined) {
    const r = num(reset);
    // An epoch time in seconds (X-RateLimit-Reset of GitHub and others) or a delay in seconds.
    if (r !== undefined) info.resetMs = r > 1e9 ? Math.max(0, r * 1000 - now) : r * 1000;
  }
  if (policy) {
    const q = num(policy.match(/(?:^|[;\s"])q=(\d+)/)?.[1]) ?? num(policy.split(";")[0]);
    const w = num(policy.match(/w=(\d+(\.\d+)?)/)?.[1]);
    if (w && q) {
      info.windowMs = w * 1000;
      info.limit ??= q;
      if (info.limit !== q) info.limit = q;
    }
  }
  return Object.values(info).some((v) => v !== undefined) ? info : undefined;
}

export class Limiter {
  /** The pacing rate in requests per second; Infinity while unknown. */
  rate = Infinity;
  /** The bucket size: how many requests may go at once after a quiet spell. */
  capacity = Infinity;
  source: RateSource = "none";
  /** Counters for progress lines, tests and the benchmark. */
  readonly stats = { sent: 0, rateLimited: 0, maxQueue: 0 };
  /** Called when queued requests must wait: how many, about how long the last will wait, and why. */
  onWait?: (queued: number, waitMs: number, reason: string) => void;

  private learned = Infinity;
  private headerRate?: number;
  /** unknown: no 429 yet; probe: doubling from the first estimate; steady: small steps. */
  private phase: "unknown" | "probe" | "steady" = "unknown";
  private learnedCapacity = Infinity;
  private tokens = Infinity;
  private refilledAt: number;
  private pausedUntil = 0;
  private inFlight = 0;
  private queue: Waiter[] = [];
  private seq = 0;
  private timer?: NodeJS.Timeout;
  private timerAt = Infinity;
  private accepted: number[] = [];
  /** Send times of the last ANCHOR_MS. */
  private sends: number[] = [];
  /** Send time of a refused request (the server's bucket was empty then), and the refusals since. */
  private anchor?: number;
  /** The wait the anchor's refusal asked for: a token bucket idle longer than that may have overflowed. */
  private anchorWaitMs = 1000;
  /** The wait the last refusal asked for. */
  private lastWaitMs = 1000;
  private rejects: number[] = [];
  private firstSentAt?: number;
  private cutAt = -Infinity;
  /** The first 429 with the rate unknown: when the pause it started began (the learning waits for its end). */
  private pendingCut?: number;
  private saturatedAt = -Infinity;
  private raisedAt = -Infinity;
  /** A rate known to be too fast (the last one refused, or the one measured between refusals): the limit is just under it. */
  private tooFast = Infinity;

  constructor(
    /** The platform, for messages. */
    readonly name: string,
    private settings: LimiterSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.refilledAt = now();
    this.configure(settings);
  }

  configure(s: LimiterSettings): void {
    this.settings = s;
    this.apply();
  }

  get queued(): number {
    return this.queue.length;
  }

  get active(): number {
    return this.inFlight;
  }

  /** Requests of this account waiting out a `Retry-After` or a backoff before their next attempt. */
  retrying = 0;

  /** Nothing of this account is in flight, queued or waiting to retry (a refused request alone). */
  get idle(): boolean {
    return this.inFlight === 0 && this.queue.length === 0 && this.retrying === 0;
  }

  /** Waits for a slot. `priority`: lower goes first (the operation's start time). */
  acquire(priority: number, deadline = Infinity): Promise<Permit> {
    return new Promise((resolve, reject) => {
      const w: Waiter = { priority, seq: this.seq++, queuedAt: this.now(), deadline, resolve, reject };
      let i = this.queue.length;
      while (i > 0 && (this.queue[i - 1].priority > priority)) i--;
      this.queue.splice(i, 0, w);
      this.stats.maxQueue = Math.max(this.stats.maxQueue, this.queue.length);
      if (Number.isFinite(deadline)) {
        w.timer = setTimeout(() => this.expire(w, this.describe()), Math.max(0, deadline - this.now()));
      }
      this.pump();
      this.expirePaused();
    });
  }

  /**
   * Hands a slot back. `status` is the HTTP status when an answer came (undefined after a transport
   * failure), `retryAfterMs` the wait a 429 asked for.
   */
  finish(p: Permit, r: { status?: number; headers?: IncomingHttpHeaders; retryAfterMs?: number }): void {
    this.inFlight--;
    const now = this.now();
    if (r.status === 429) this.on429(p, r.retryAfterMs, now);
    else if (r.status !== undefined) {
      this.accepted.push(p.sentAt);
      while (this.accepted.length && this.accepted[0] < now - 2 * WINDOW_MS) this.accepted.shift();
    }
    const info = r.headers ? parseRateLimit(r.headers, now) : undefined;
    if (info) this.learnHeaders(info, now);
    this.maybeRaise(now);
    this.pump();
  }

  private expire(w: Waiter, reason: string): void {
    const at = this.queue.indexOf(w);
    if (at < 0) return;
    this.queue.splice(at, 1);
    if (w.timer) clearTimeout(w.timer);
    if (!this.queue.length && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
    }
    w.reject(new QueueDeadline(this.now() - w.queuedAt, reason));
  }

  /** A pause that outlasts a queued request's deadline fails it now rather than at the deadline. */
  private expirePaused(): void {
    const now = this.now();
    if (this.pausedUntil <= now) return;
    const reason = `the server asked to wait ${formatDuration(this.pausedUntil - now)}`;
    for (const w of [...this.queue]) if (w.deadline < this.pausedUntil) this.expire(w, reason);
  }

  /** What the limiter paces at, for messages: `9.8 requests/s (learned from 429 answers)`. */
  describe(): string {
    if (!Number.isFinite(this.rate)) return "no pacing";
    const why = { none: "", configured: `set by ${this.name}:maxRequestsPerSecond`, "429": "learned from 429 answers", headers: "from the server's RateLimit headers" }[this.source];
    const shown = this.rate < 1 ? String(Number(this.rate.toPrecision(2))) : this.rate < 10 ? this.rate.toFixed(1) : String(Math.round(this.rate));
    return `pacing at ${shown} requests/s (${why})`;
  }

  private apply(): void {
    const ceiling = this.settings.maxRequestsPerSecond ?? Infinity;
    const before = this.rate;
    if (ceiling <= this.learned) {
      this.rate = ceiling;
      this.capacity = Number.isFinite(ceiling) ? 1 : Infinity;
      this.source = Number.isFinite(ceiling) ? "configured" : "none";
    } else {
      this.rate = this.learned;
      this.capacity = Math.max(1, Math.min(this.learnedCapacity, this.learned));
    }
    if (!Number.isFinite(before) && Number.isFinite(this.rate)) {
      this.tokens = Math.min(this.capacity, Number.isFinite(this.tokens) ? this.tokens : this.capacity);
      this.refilledAt = this.now();
    }
    if (!Number.isFinite(this.rate)) this.tokens = Infinity;
    this.tokens = Math.min(this.tokens, this.capacity);
  }

  private on429({ sentAt, tokens }: Permit, retryAfterMs: number | undefined, now: number): void {
    this.stats.rateLimited++;
    const wait = retryAfterMs ?? 1000;
    const unknown = this.phase === "unknown";
    if (unknown || wait > LONG_WAIT_MS) {
      this.pausedUntil = Math.max(this.pausedUntil, now + wait);
      this.expirePaused();
    }
    this.rejects.push(sentAt);
    if (sentAt < this.cutAt) return; // sent before the last slow-down: already accounted for
    this.lastWaitMs = wait;
    if (unknown) {
      if (this.anchor === undefined) [this.anchor, this.anchorWaitMs] = [sentAt, wait];
      // Learn when the pause ends, from everything sent before it began: the server may have let
      // through requests sent after the one it turned away.
      this.pendingCut ??= now;
      return;
    }
    this.cut(sentAt, now, tokens);
  }

  /**
   * Lowers the rate after a 429 on a request sent at `sentAt`. The first time, to the rate at which
   * the server accepted what was sent before it said no (then probing upwards by doubling); from
   * then on, a step down.
   */
  private cut(sentAt: number, now: number, tokens = 0): void {
    /** Requests sent in the window before `sentAt` and let through, per second of the time until `until`. */
    const accepted = (windowMs: number, until = sentAt) => {
      const from = Math.max(sentAt - windowMs, this.firstSentAt ?? sentAt);
      let count = 0;
      for (const t of this.accepted) if (t >= from && t <= sentAt) count++;
      return (count / Math.max(1000, until - from - this.idleTime(from, until, this.anchorWaitMs))) * 1000;
    };
    if (this.phase === "unknown") {
      // What was let through before the pause, over that time and the pause: a server that let a
      // burst through refills at about that rate while it asks to wait. An underestimate is probed
      // away in a few doublings; nothing let through says nothing: start from one a second. (`sentAt`
      // is when the pause began.)
      this.learned = Math.max(1, accepted(WINDOW_MS, now));
      this.learnedCapacity = Math.max(1, this.learned);
      this.phase = "probe";
    } else {
      // After a doubling: back to the step before, which went half a second without a 429.
      // Otherwise a step lower; and at once to the rate let through lately when far lower.
      const doubled = this.phase === "probe" && this.raisedAt > this.cutAt;
      this.tooFast = this.learned;
      this.learned = Math.max(MIN_RATE, doubled ? this.learned / PROBE : this.learned * DECREASE);
      const recent = accepted(2000);
      if (recent > 0 && recent < this.learned * FAR) this.learned = Math.max(MIN_RATE, recent);
      // The server's rate measured between two refusals: pace just under it when it is higher.
      // When lower after a step, move towards it, but by at most STEP_DOWN at once (one measurement
      // may be off, and a rate set too low is never corrected by a 429). A refused doubling says the
      // limit is near the measured rate, not near the doubled one, so recovery climbs no higher;
      // unless the measurement is under the rate before the doubling, which went half a second
      // without a 429: then it is only a bound from below (the server's bucket overflowed while we
      // probed under it), and the doubled rate stays the one known too fast.
      const measured = this.betweenRefusals(sentAt);
      if (measured !== undefined) {
        if (measured * (1 - MARGIN) > this.learned) {
          this.tooFast = measured;
          this.learned = measured * (1 - MARGIN);
        } else if (doubled) {
          if (measured >= this.learned) this.tooFast = measured;
        } else {
          this.learned = Math.min(this.learned, Math.max(MIN_RATE, measured * (1 - MARGIN), this.tooFast * STEP_DOWN));
        }
      }
      // Turned away in a burst: the server's bucket may be smaller than ours.
      // (Not after a doubling: the doubled rate explains that refusal.)
      const burst = Number.isFinite(tokens) && tokens >= 2 && !doubled;
      this.learnedCapacity = Math.max(1, Math.min(this.learnedCapacity, this.learned) * (burst ? 0.75 : 1));
      this.phase = "steady";
    }
    if (this.source !== "headers") this.source = "429";
    this.cutAt = now;
    const first = !Number.isFinite(this.rate);
    this.apply();
    if (!first) this.tokens = 0;
    this.refilledAt = now;
  }

  /**
   * The server's rate, measured between two refusals: a token bucket is empty at each 429, so what it
   * let through between them is what it refilled, its rate times the time between them (give or take
   * a request). Time in which nothing was sent for longer than the first refusal's `Retry-After`
   * does not count: the bucket may have been full then. Needs a second between them and a few
   * requests; moves the anchor on when used.
   */
  private betweenRefusals(sentAt: number): number | undefined {
    const anchor = this.anchor;
    const full = this.anchorWaitMs;
    if (anchor === undefined) [this.anchor, this.anchorWaitMs] = [sentAt, this.lastWaitMs];
    if (anchor === undefined || sentAt - anchor < 1000) return undefined;
    let through = 0;
    for (const t of this.sends) if (t > anchor && t < sentAt) through++;
    for (const t of this.rejects) if (t > anchor && t < sentAt) through--;
    const idle = this.idleTime(anchor, sentAt, full);
    [this.anchor, this.anchorWaitMs] = [sentAt, this.lastWaitMs];
    this.rejects = this.rejects.filter((t) => t >= sentAt);
    // Give or take a request: the bucket may have held up to one at either refusal, and have filled
    // while we waited out the first. Err up by one: too fast shows soon in a 429, too slow never does.
    return through >= 5 ? ((through + 1) / Math.max(1000, sentAt - anchor - idle)) * 1000 : undefined;
  }

  /**
   * The time between `from` and `to` in which nothing was sent for longer than `waitMs` (a refusal's
   * `Retry-After`), beyond that wait: a token bucket that refills in that wait may have been full
   * then, its refill lost. Such a time is no time to measure a rate over; it comes of an answer read
   * late (a busy process waits out the pause from then) or of having had nothing to send.
   */
  private idleTime(from: number, to: number, waitMs: number): number {
    // A `Retry-After: 0` (or a date already past) says nothing of how long the bucket takes to refill.
    waitMs = Math.max(waitMs, 1000);
    let idle = 0;
    let last = from;
    for (const t of this.sends) {
      if (t <= from || t >= to) continue;
      idle += Math.max(0, t - last - waitMs);
      last = t;
    }
    return idle + Math.max(0, to - last - waitMs);
  }

  private learnHeaders(info: RateLimitInfo, now: number): void {
    if (info.limit && info.windowMs) {
      const rate = info.limit / (info.windowMs / 1000);
      if (this.source !== "headers" || rate !== this.headerRate) {
        // The server's own policy: 429s of requests sent before it was known teach nothing more.
        this.headerRate = rate;
        this.learned = rate;
        this.learnedCapacity = info.limit;
        this.tokens = Math.min(this.tokens, info.limit);
        this.source = "headers";
        this.phase = "steady";
        this.cutAt = now;
        this.pendingCut = undefined;
        this.apply();
      }
    }
    // The server's bucket holds no more than it says.
    if (info.remaining !== undefined && this.source === "headers") this.tokens = Math.min(this.tokens, Math.max(0, info.remaining));
    // A quota spent for longer than a short wait: hold every request until it resets. (A short reset
    // is a token bucket refilling; pacing and 429s handle it without stalling everyone.)
    if (info.remaining !== undefined && info.remaining <= 0 && info.resetMs !== undefined && info.resetMs > LONG_WAIT_MS) {
      this.pausedUntil = Math.max(this.pausedUntil, now + info.resetMs);
      this.expirePaused();
    }
  }

  /** While requests wait on the rate (not on a 429) and nothing was refused for a second, raise it. */
  private maybeRaise(now: number): void {
    const ceiling = this.source === "headers" ? this.headerRate ?? Infinity : this.source === "429" ? Infinity : 0;
    if (this.learned >= ceiling || now - this.saturatedAt > 500) return;
    // Only a rate actually used is worth raising: a 429 is the only sign of a rate too fast.
    let lastSecond = 0;
    for (let i = this.sends.length - 1; i >= 0 && this.sends[i] >= now - 1000; i--) lastSecond++;
    if (lastSecond < this.learned * 0.9) return;
    const step = this.phase === "probe" ? 500 : 1000;
    if (now - this.cutAt < step || now - this.raisedAt < step) return;
    this.raisedAt = now;
    // Probe: double. Steady: halfway back to the rate that was last too fast (at most 10 % a step);
    // near it, hold 5 s, then creep up by 0.1 % a second per second (at most 5 %): the server's
    // limit may have changed.
    const near = this.learned >= this.tooFast * NEAR;
    const grow =
      this.phase === "probe" ? PROBE
      : near ? 1 + Math.min(MAX_INCREASE, INCREASE * Math.max(0, (now - this.cutAt - HOLD_MS) / 1000))
      : Math.max(1, Math.min(1 + RECOVER, (this.learned + this.tooFast) / 2 / this.learned));
    this.learned = Math.min(ceiling, this.learned * grow);
    this.learnedCapacity = Math.min(this.learned, this.learnedCapacity + 1);
    this.apply();
  }

  private refill(now: number): void {
    if (Number.isFinite(this.rate)) this.tokens = Math.min(this.capacity, this.tokens + ((now - this.refilledAt) * this.rate) / 1000);
    this.refilledAt = now;
  }

  private pump(): void {
    const now = this.now();
    if (this.pendingCut !== undefined && now >= this.pausedUntil) {
      const at = this.pendingCut;
      this.pendingCut = undefined;
      this.cut(at, now);
    }
    this.refill(now);
    while (this.queue.length && this.inFlight < this.settings.maxConcurrency) {
      let wakeAt = 0;
      if (now < this.pausedUntil) wakeAt = this.pausedUntil;
      else if (this.tokens < 1) {
        wakeAt = now + ((1 - this.tokens) / this.rate) * 1000;
        this.saturatedAt = now;
      }
      if (wakeAt) {
        this.schedule(wakeAt, now);
        return;
      }
      const tokens = this.tokens;
      this.tokens -= 1;
      this.inFlight++;
      this.stats.sent++;
      this.sends.push(now);
      while (this.sends[0] < now - ANCHOR_MS) this.sends.shift();
      // A refusal too long ago no longer tells the bucket's state (it may have filled since).
      if (this.anchor !== undefined && now - this.anchor > ANCHOR_MS) [this.anchor, this.rejects] = [undefined, []];
      this.firstSentAt ??= now;
      const w = this.queue.shift()!;
      if (w.timer) clearTimeout(w.timer);
      w.resolve({ sentAt: now, waitedMs: now - w.queuedAt, tokens });
    }
  }

  private schedule(at: number, now: number): void {
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, Math.max(1, Math.ceil(at - now)));
    const paced = Number.isFinite(this.rate) ? ((this.queue.length - 1) / this.rate) * 1000 : 0;
    const reason = at === this.pausedUntil ? `the server asked to wait ${formatDuration(at - now)}` : this.describe();
    this.onWait?.(this.queue.length, paced + (at - now), reason);
  }
}

/** An account: its limiter and its progress lines. */
export interface Account {
  limiter: Limiter;
  progress: Progress;
  /** Whether the base URL answers as the platform's API: the status that says it does not (see `PlatformClient.confirmApi`). */
  apiCheck?: Promise<number | undefined>;
}

const accounts = new Map<string, Account>();

/**
 * The account of a base URL and key in this process, created on first use. Keys are hashed, never
 * kept as map keys.
 */
export function accountFor(name: string, baseUrl: string, apiKey: string | undefined, s: LimiterSettings, sink?: Sink): Account {
  const id = `${name}\n${baseUrl}\n${createHash("sha256").update(apiKey ?? "").digest("hex")}`;
  let a = accounts.get(id);
  if (!a) {
    const limiter = new Limiter(name, s);
    const progress = new Progress(sink);
    limiter.onWait = (queued, waitMs, reason) => {
      if (waitMs >= 1000) progress.note(`${name}: ${queued} request${queued === 1 ? "" : "s"} waiting on the rate limit: ${reason}`);
    };
    accounts.set(id, (a = { limiter, progress }));
  } else {
    a.limiter.configure(s);
    if (sink) a.progress.sink = sink;
  }
  return a;
}

/** Forgets every account's limiter (tests: each test starts from an account that learned nothing). */
export function forgetAccounts(): void {
  accounts.clear();
}
