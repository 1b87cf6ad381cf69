/**
 * `npm run bench:scale [-- --n 1000] [--rate 50] [--parallel 1,8,50,all] [--rate-limit-headers ietf|x]
 * [--rate-limit-only]`: pulumi-agents at scale,
 * through the SDK's real closure serializer and dynamic-provider host (driven over gRPC the way the
 * engine drives it), against the emulator. N resources of all five types, round robin.
 *
 * Prints a table and one JSON line:
 * - HTTP calls per resource per phase (up, no-op preview, update one field, refresh, destroy) next
 *   to the minimum the platform's API allows;
 * - throughput with 1, 8, 50 and all operations in flight;
 * - the update phase under the emulator's rate limit (`--rate` requests/s per platform, default N/20):
 *   failed operations, % of the limit used by the busiest platform, time against the ideal;
 * - the host's peak memory at N;
 * - overhead against a bare undici loop making the same calls and against a minimal hand-written
 *   dynamic provider (bench/scale-handwritten.ts) making the same calls through the same host.
 *
 * A benchmark, not a test: CI runs it only as a small smoke (tests/http/scale.smoke.test.ts).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { request, Agent } from "undici";
import { startAll, type Emulator } from "../emulator";
import { EmulatorControl } from "../emulator/control";
import type { RecordedRequest } from "../emulator/server";
import type { RateLimitStats } from "../emulator/ratelimit";
import { platforms } from "../provider/registry";
import { Host, REPO, makeProgramDir, serializeProvider } from "../tests/host/engine";
import { emulatorConfig } from "../tests/host/fixture";
import type { Call, TypeTemplate } from "./scale-handwritten";

type Props = Record<string, unknown>;
const ORG = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
export const PHASES = ["up", "preview", "update", "refresh", "destroy"] as const;
export type Phase = (typeof PHASES)[number];
/**
 * Pulumi commands as the host sees them: each starts its own host; `pulumi preview --refresh` (the
 * drift check) reads and then diffs in one.
 */
export const COMMANDS = { up: ["up"], preview: ["preview"], update: ["update"], refresh: ["refresh"], "preview --refresh": ["refresh", "preview"], destroy: ["destroy"] } as const satisfies Record<string, readonly Phase[]>;
export type Command = keyof typeof COMMANDS;

/** Each type: inputs for resource `i`, the one field the update phase changes, and the fewest calls per phase. */
const TYPES: Record<string, { inputs(name: string): Props; update: Props; min: Record<Phase, number> }> = {
  "asteroid:AgentProfilePool": {
    inputs: (name) => ({ name, organizationId: ORG, selectionStrategy: "least_recently_used" }),
    update: { selectionStrategy: "most_recently_used" },
    min: { up: 1, preview: 0, update: 1, refresh: 1, destroy: 1 },
  },
  "asteroid:AgentProfile": {
    inputs: (name) => ({ name, organizationId: ORG, description: "Checks out carts" }),
    update: { description: "Checks out carts, faster" },
    min: { up: 1, preview: 0, update: 1, refresh: 1, destroy: 1 },
  },
  "everruns:Agent": {
    inputs: (name) => ({ name, systemPrompt: "You are a helpful assistant." }),
    update: { systemPrompt: "You are a helpful assistant. Answer briefly." },
    min: { up: 1, preview: 0, update: 1, refresh: 1, destroy: 1 },
  },
  "letta:Agent": {
    inputs: (name) => ({ name, model: "openai/gpt-4o-mini", description: "Answers order questions" }),
    update: { description: "Answers order and refund questions" },
    min: { up: 1, preview: 0, update: 1, refresh: 1, destroy: 1 },
  },
  // Odeus changes go live only when published: a write is the write plus a publish.
  "odeus:Agent": {
    inputs: (name) => ({ name, instruction: "You analyze documents." }),
    update: { description: "Analyzes documents" },
    min: { up: 2, preview: 0, update: 2, refresh: 1, destroy: 1 },
  },
};
const TOKENS = Object.keys(TYPES);

/** The type a recorded request belongs to (Asteroid has two). */
const typeOfRequest = (r: RecordedRequest): string =>
  r.platform === "asteroid" ? (r.path.startsWith("/agent-profile-pools") ? "asteroid:AgentProfilePool" : "asteroid:AgentProfile") : TOKENS.find((t) => t.startsWith(`${r.platform}:`))!;

interface Res {
  token: string;
  name: string;
  urn: string;
  id?: string;
  inputs?: Props;
  outputs?: Props;
}

/** Runs `fn` over `items` with at most `parallel` in flight; returns the failures. */
async function pool<T>(items: T[], parallel: number, fn: (t: T) => Promise<void>): Promise<unknown[]> {
  const failures: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const t = items[next++];
      await fn(t).catch((e) => failures.push(e));
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  return failures;
}

/** The engine's side of each phase, for one resource: the gRPC calls `pulumi` makes. */
function engine(host: Host, providerOf: (token: string) => string, updated: (r: Res) => Props) {
  const withProvider = (r: Res, inputs: Props) => ({ ...inputs, __provider: providerOf(r.token) });
  return {
    async up(r: Res, inputs: Props) {
      const checked = await host.check(r.urn, {}, withProvider(r, inputs));
      if (checked.failures.length) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
      const c = await host.create(r.urn, checked.inputs);
      Object.assign(r, { id: c.id, inputs: checked.inputs, outputs: c.outputs });
    },
    async preview(r: Res) {
      const checked = await host.check(r.urn, r.inputs!, r.inputs!);
      const d = await host.diff(r.urn, r.id!, r.outputs!, checked.inputs);
      if (d.changes !== false) throw new Error(`${r.name}: a no-op preview planned changes`);
    },
    async update(r: Res) {
      const checked = await host.check(r.urn, r.inputs!, withProvider(r, updated(r)));
      const d = await host.diff(r.urn, r.id!, r.outputs!, checked.inputs);
      if (d.changes !== true || d.replaces.length) throw new Error(`${r.name}: expected an update, got ${JSON.stringify(d)}`);
      const u = await host.update(r.urn, r.id!, r.outputs!, checked.inputs);
      Object.assign(r, { inputs: checked.inputs, outputs: u.outputs });
    },
    async refresh(r: Res) {
      const rd = await host.read(r.urn, r.id!, r.outputs!, r.inputs!);
      if (!rd.id) throw new Error(`${r.name}: refresh found it gone`);
      r.outputs = rd.outputs;
    },
    async destroy(r: Res) {
      await host.delete(r.urn, r.id!, r.outputs!);
    },
  };
}

const urnOf = (token: string, name: string) => `urn:pulumi:bench::bench::pulumi-nodejs:dynamic/${token}::${name}`;
const resourcesOf = (n: number, tag: string): Res[] =>
  Array.from({ length: n }, (_, i) => {
    const token = TOKENS[i % TOKENS.length];
    const name = `${tag}-${token.split(":")[1].toLowerCase()}-${i}`;
    return { token, name, urn: urnOf(token, name) };
  });
const oursInputs = (r: Res) => TYPES[r.token].inputs(r.name);
const oursUpdated = (r: Res) => ({ ...TYPES[r.token].inputs(r.name), ...TYPES[r.token].update });

/** Peak and current resident memory of a process, in MB (Linux /proc). */
function memoryOf(pid: number): { peakMb: number; rssMb: number } {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (k: string) => Number(s.match(new RegExp(`${k}:\\s+(\\d+)`))?.[1] ?? NaN);
    return { peakMb: Math.round(kb("VmHWM") / 1024), rssMb: Math.round(kb("VmRSS") / 1024) };
  } catch {
    return { peakMb: NaN, rssMb: NaN };
  }
}
const pidOf = (h: Host): number => (h as unknown as { proc: { pid: number } }).proc.pid;

/** A program folder whose node_modules also has undici, for the hand-written provider. */
function programDir(): string {
  const dir = makeProgramDir();
  fs.symlinkSync(path.join(REPO, "node_modules", "undici"), path.join(dir, "node_modules", "undici"), "dir");
  return dir;
}

/**
 * The hand-written provider of each type as the SDK serializes it from a user's program: one
 * provider per type, with that type's call templates captured in its code.
 */
function serializeHandwritten(dir: string, templates: Record<string, TypeTemplate>): Record<string, string> {
  const mod = path.join(REPO, "bin/bench/scale-handwritten.js");
  const script = `
const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure");
(async () => {
  const out = {};
  for (const [token, t] of Object.entries(JSON.parse(process.argv[1]))) {
    const m = require(${JSON.stringify(mod)});
    m.setTemplates({ [token]: t });
    out[token] = (await serializeFunction(() => m.handwritten, { allowSecrets: true })).text;
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });`;
  const r = spawnSync(process.execPath, ["--preserve-symlinks", "--no-warnings", "-e", script, JSON.stringify(templates)], {
    cwd: dir,
    env: { ...process.env, NODE_PATH: path.join(REPO, "node_modules") },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`serializing the hand-written provider failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

export interface ScaleOptions {
  n: number;
  /** Requests per second per platform for the rate-limited runs. */
  rate: number;
  parallel: (number | "all")[];
  /** Parallelism of the overhead comparison, and how many rounds of it (the median counts). */
  overheadParallel: number;
  overheadRounds: number;
  /** Rate-limit headers the emulator sends with every answer (default none: the limiter learns from 429s alone). */
  rateLimitHeaders?: "ietf" | "x";
  /** Only the runs under a rate limit (no throughput, memory or overhead figures). */
  rateLimitOnly?: boolean;
  log?: (line: string) => void;
}

export interface PhaseRun {
  parallel: number | "all";
  seconds: Record<Phase, number>;
  opsPerSecond: Record<Phase, number>;
  failed: number;
  /** The host's peak resident memory over the five phases, in MB. */
  peakMb: number;
}

export interface RateRun {
  parallel: number | "all";
  failed: number;
  seconds: number;
  idealSeconds: number;
  /** Requests the busiest platform let through, against what its limit allowed in the time taken. */
  usedPercent: number;
  rejected: number;
  /** Per platform: requests let through and turned away, share of the limit used while in use. */
  platforms: { platform: string; accepted: number; rejected: number; busySeconds: number; usedPercent: number }[];
}

export interface ScaleResult {
  n: number;
  rate: number;
  rateLimitHeaders?: "ietf" | "x";
  calls: Record<string, Record<Phase, { measured: number; minimum: number }>>;
  throughput: PhaseRun[];
  rateLimited: RateRun[];
  /**
   * Host memory, in MB: after start; the highest peak over the parallelisms (five phases in one host);
   * the hand-written provider's peak at all in flight (the same); and, as Pulumi runs it (a new host
   * for each command), each of `COMMANDS` in a fresh host with all N in flight, for both.
   */
  memory?: {
    startMb: number;
    peakMb: number;
    handwrittenAllInFlightMb: number;
    perCommand: { ours: Record<Command, number>; handwritten: Record<Command, number> };
  };
  overhead?: { parallel: number; oursSeconds: number; handwrittenSeconds: number; bareSeconds: number; vsHandwritten: number; vsBare: number };
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const width = (p: number | "all", n: number) => (p === "all" ? n : p);

/**
 * The share of its limit a platform used while in use: requests let through, against what the token
 * bucket allowed from its first request let through to its last (the burst plus the rate over that time).
 */
function usedPercent(s: RateLimitStats): number {
  const busy = ((s.lastAcceptedAt ?? 0) - (s.firstAcceptedAt ?? 0)) / 1000;
  return round((100 * s.accepted) / (s.burst + s.requestsPerSecond * busy), 1);
}

export async function runScale(o: ScaleOptions): Promise<ScaleResult> {
  const log = o.log ?? (() => undefined);
  const emu: Emulator = await startAll();
  const ctl = new EmulatorControl(emu.url);
  const config = emulatorConfig(emu);
  const dir = programDir();
  const providers: Record<string, string> = {};
  for (const t of TOKENS) providers[t] = await serializeProvider(t);
  const hosts: Host[] = [];
  const startHost = async () => {
    const h = await Host.start(config, dir);
    hosts.push(h);
    return h;
  };
  try {
    /* ---------- calls per phase and throughput, one host for all of it ---------- */
    const host = await startHost();
    const startMb = memoryOf(pidOf(host)).rssMb;
    const ours = engine(host, (t) => providers[t], oursUpdated);
    // One resource of each type through every phase: records the calls the overhead comparison
    // replays, and warms the host up (module loading) before anything is timed.
    const templates = await recordTemplates(ctl, ours, emu, config);
    const calls: ScaleResult["calls"] = {};
    const throughput: PhaseRun[] = [];
    /** A fresh host, warmed up by one resource of each type through every phase (module loading). */
    const freshHost = async (providerOf: (t: string) => string, inputs: (r: Res) => Props, updated: (r: Res) => Props, tag: string) => {
      const h = await startHost();
      const e = engine(h, providerOf, updated);
      const warm = resourcesOf(TOKENS.length, `${tag}-warm`);
      for (const phase of PHASES) await pool(warm, 1, (r) => (phase === "up" ? e.up(r, inputs(r)) : e[phase](r)));
      return { h, e };
    };
    const stopHost = async (h: Host) => {
      await h.stop();
      hosts.splice(hosts.indexOf(h), 1);
    };
    for (const p of o.rateLimitOnly ? [] : o.parallel) {
      // A host per parallelism, so that its peak memory is that of this parallelism at N.
      const { h, e } = await freshHost((t) => providers[t], oursInputs, oursUpdated, `p${p}`);
      const rs = resourcesOf(o.n, `p${p}`);
      const run: PhaseRun = { parallel: p, seconds: {} as Record<Phase, number>, opsPerSecond: {} as Record<Phase, number>, failed: 0, peakMb: 0 };
      for (const phase of PHASES) {
        await ctl.clear();
        const t = performance.now();
        const failures = await pool(rs, width(p, o.n), (r) => (phase === "up" ? e.up(r, oursInputs(r)) : e[phase](r)));
        const s = (performance.now() - t) / 1000;
        run.seconds[phase] = round(s, 3);
        run.opsPerSecond[phase] = Math.round(o.n / s);
        run.failed += failures.length;
        if (failures.length) log(`  ${phase} at ${p} in flight: ${failures.length} failed, first: ${String((failures[0] as Error).message ?? failures[0])}`);
        if (p === o.parallel[o.parallel.length - 1]) {
          const per = new Map<string, number>();
          for (const r of await ctl.requests()) per.set(typeOfRequest(r), (per.get(typeOfRequest(r)) ?? 0) + 1);
          for (const token of TOKENS) {
            const count = rs.filter((r) => r.token === token).length;
            (calls[token] ??= {} as ScaleResult["calls"][string])[phase] = { measured: round((per.get(token) ?? 0) / count, 2), minimum: TYPES[token].min[phase] };
          }
        }
      }
      run.peakMb = memoryOf(pidOf(h)).peakMb;
      await stopHost(h);
      throughput.push(run);
      log(`  throughput at ${p} in flight: ${PHASES.map((ph) => `${ph} ${run.opsPerSecond[ph]}/s`).join(", ")}`);
    }
    /* ---------- the update phase under the emulator's rate limit ---------- */
    // As `pulumi up` runs it: a fresh host (a new provider process that has learned nothing) updates
    // resources created earlier, with every platform rate-limited.
    const rateLimited: RateRun[] = [];
    for (const p of o.parallel) {
      const rs = resourcesOf(o.n, `rl${p}`);
      await pool(rs, 50, (r) => ours.up(r, oursInputs(r)));
      const h = await startHost();
      const fresh = engine(h, (t) => providers[t], oursUpdated);
      await ctl.clear();
      await ctl.rateLimit({ requestsPerSecond: o.rate, headers: o.rateLimitHeaders });
      const t = performance.now();
      const failures = await pool(rs, width(p, o.n), (r) => fresh.update(r));
      const seconds = (performance.now() - t) / 1000;
      const stats: RateLimitStats[] = await ctl.rateLimitStats();
      await ctl.clearRateLimit();
      await h.stop();
      hosts.splice(hosts.indexOf(h), 1);
      await pool(rs, 50, (r) => ours.destroy(r));
      // The busiest platform: the most requests, then the least share used (the one the target is about).
      const busiest = stats.reduce((a, b) => (b.accepted > a.accepted || (b.accepted === a.accepted && usedPercent(b) < usedPercent(a)) ? b : a));
      const idealSeconds = Math.max(...stats.map((s) => Math.max(0, s.accepted - s.burst) / s.requestsPerSecond));
      rateLimited.push({
        parallel: p,
        failed: failures.length,
        seconds: round(seconds),
        idealSeconds: round(idealSeconds),
        usedPercent: usedPercent(busiest),
        rejected: stats.reduce((a, s) => a + s.rejected, 0),
        platforms: stats.map((s) => ({
          platform: s.platform,
          accepted: s.accepted,
          rejected: s.rejected,
          busySeconds: round(((s.lastAcceptedAt ?? 0) - (s.firstAcceptedAt ?? 0)) / 1000),
          usedPercent: usedPercent(s),
        })),
      });
      if (failures.length) log(`  rate-limited at ${p} in flight: first failure: ${String((failures[0] as Error).message ?? failures[0])}`);
      log(`  rate-limited update at ${p} in flight: ${JSON.stringify(rateLimited[rateLimited.length - 1])}`);
    }
    if (o.rateLimitOnly) return { n: o.n, rate: o.rate, rateLimitHeaders: o.rateLimitHeaders, calls, throughput, rateLimited };

    // The same at all in flight with the hand-written provider: what the host costs without pulumi-agents.
    const hwInputs = (r: Res, version: number): Props => ({ ...oursInputs(r), kind: r.token, name: r.name, version });
    const handwrittenText = serializeHandwritten(dir, templates.byType);
    log(`  serialized providers: pulumi-agents ${Buffer.byteLength(providers[TOKENS[0]])} B, hand-written ${TOKENS.map((t) => Buffer.byteLength(handwrittenText[t])).join(", ")} B`);
    let handwrittenPeakMb: number;
    {
      const { h, e } = await freshHost((t) => handwrittenText[t], (r) => hwInputs(r, 1), (r) => hwInputs(r, 2), "hw-mem");
      const rs = resourcesOf(o.n, "hw-mem");
      for (const phase of PHASES) await pool(rs, o.n, (r) => (phase === "up" ? e.up(r, hwInputs(r, 1)) : e[phase](r)));
      handwrittenPeakMb = memoryOf(pidOf(h)).peakMb;
      await stopHost(h);
    }
    // As Pulumi runs it: each command starts its own host, so each phase alone in a fresh host.
    const perCommandPeaks = async (providerOf: (t: string) => string, inputs: (r: Res) => Props, updated: (r: Res) => Props, tag: string) => {
      const rs = resourcesOf(o.n, tag);
      const peaks = {} as Record<Command, number>;
      for (const [command, phases] of Object.entries(COMMANDS) as [Command, readonly Phase[]][]) {
        const { h, e } = await freshHost(providerOf, inputs, updated, `${tag}-${command.replace(/\W+/g, "")}`);
        for (const phase of phases) {
          const failures = await pool(rs, o.n, (r) => (phase === "up" ? e.up(r, inputs(r)) : e[phase](r)));
          if (failures.length) throw new Error(`${tag} ${command}: ${failures.length} failed, first: ${String((failures[0] as Error).message ?? failures[0])}`);
        }
        peaks[command] = memoryOf(pidOf(h)).peakMb;
        await stopHost(h);
      }
      return peaks;
    };
    const perCommand = {
      ours: await perCommandPeaks((t) => providers[t], oursInputs, oursUpdated, "cmd"),
      handwritten: await perCommandPeaks((t) => handwrittenText[t], (r) => hwInputs(r, 1), (r) => hwInputs(r, 2), "hw-cmd"),
    };
    log(`  host peak per command at all in flight: pulumi-agents ${JSON.stringify(perCommand.ours)}, hand-written ${JSON.stringify(perCommand.handwritten)}`);
    const memory = { startMb, peakMb: Math.max(...throughput.map((t) => t.peakMb)), handwrittenAllInFlightMb: handwrittenPeakMb, perCommand };

    /* ---------- overhead: the same calls by a hand-written provider and by a bare undici loop ---------- */
    const P = o.overheadParallel;
    const timePhases = async (name: string, run: (phase: Phase) => Promise<unknown[]>) => {
      let total = 0;
      const each: string[] = [];
      for (const phase of PHASES) {
        const t = performance.now();
        const failures = await run(phase);
        total += performance.now() - t;
        each.push(`${phase} ${Math.round(performance.now() - t)} ms`);
        if (failures.length) throw new Error(`${name} ${phase}: ${failures.length} failed: ${String((failures[0] as Error).message ?? failures[0])}`);
      }
      log(`  ${name} at ${P} in flight: ${each.join(", ")}`);
      return total / 1000;
    };
    // Three rounds, alternating, each provider's median: the machine's noise hits all three alike.
    const runs: { ours: number[]; hw: number[]; bare: number[] } = { ours: [], hw: [], bare: [] };
    // One hand-written provider per type, holding that type's calls only, as a user would write them.
    const hw = engine(host, (t) => handwrittenText[t], (r) => hwInputs(r, 2));
    const warm = resourcesOf(TOKENS.length, "ov-warm");
    for (const phase of PHASES) await pool(warm, 1, (r) => (phase === "up" ? hw.up(r, hwInputs(r, 1)) : hw[phase](r)));
    const bare = bareLoop(templates);
    for (let round = 0; round < o.overheadRounds; round++) {
      const oursRs = resourcesOf(o.n, `ov${round}-ours`);
      runs.ours.push(await timePhases("pulumi-agents", (phase) => pool(oursRs, P, (r) => (phase === "up" ? ours.up(r, oursInputs(r)) : ours[phase](r)))));
      const hwRs = resourcesOf(o.n, `ov${round}-hw`);
      runs.hw.push(await timePhases("hand-written", (phase) => pool(hwRs, P, (r) => (phase === "up" ? hw.up(r, hwInputs(r, 1)) : hw[phase](r)))));
      const bareRs = resourcesOf(o.n, `ov${round}-bare`);
      runs.bare.push(await timePhases("bare undici", (phase) => pool(bareRs, P, (r) => bare(phase, r))));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const [oursSeconds, handwrittenSeconds, bareSeconds] = [median(runs.ours), median(runs.hw), median(runs.bare)];
    const overhead = {
      parallel: P,
      oursSeconds: round(oursSeconds),
      handwrittenSeconds: round(handwrittenSeconds),
      bareSeconds: round(bareSeconds),
      vsHandwritten: round(oursSeconds / handwrittenSeconds),
      vsBare: round(oursSeconds / bareSeconds),
    };
    return { n: o.n, rate: o.rate, rateLimitHeaders: o.rateLimitHeaders, calls, throughput, rateLimited, memory, overhead };
  } finally {
    for (const h of hosts) await h.stop();
    await emu.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The calls pulumi-agents makes for one resource of each type in each phase, as templates: the
 * resource's id and name replaced by `{id}` and `{name}`.
 */
async function recordTemplates(ctl: EmulatorControl, ours: ReturnType<typeof engine>, emu: Emulator, config: Record<string, string | undefined>) {
  const byType: Record<string, TypeTemplate> = {};
  for (const token of TOKENS) {
    const r: Res = { token, name: `tpl-${token.split(":")[1].toLowerCase()}`, urn: urnOf(token, `tpl-${token}`) };
    const rec = async (fn: () => Promise<void>): Promise<RecordedRequest[]> => {
      await ctl.clear();
      await fn();
      return ctl.requests();
    };
    const raw = {
      create: await rec(() => ours.up(r, oursInputs(r))),
      update: await rec(() => ours.update(r)),
      read: await rec(() => ours.refresh(r)),
      delete: await rec(() => ours.destroy(r)),
    };
    const templ = (reqs: RecordedRequest[]): Call[] =>
      reqs.map((q) => {
        const fill = (s: string) => s.split(r.id!).join("{id}").split(r.name).join("{name}");
        const query = new URLSearchParams(Object.entries(q.query).flatMap(([k, vs]) => vs.map((v): [string, string] => [k, v]))).toString();
        return {
          method: q.method,
          path: fill(q.path),
          query: query ? fill(query) : undefined,
          body: q.body === undefined ? undefined : JSON.parse(fill(JSON.stringify(q.body))),
        };
      });
    const calls = { create: templ(raw.create), update: templ(raw.update), read: templ(raw.read), delete: templ(raw.delete) };
    const platform = token.split(":")[0];
    const key = config[`${platform}:apiKey`];
    byType[token] = JSON.parse(JSON.stringify({
      base: emu.baseUrl(platform),
      headers: { accept: "application/json", "content-type": "application/json", ...(key ? platforms[platform].authHeaders(key) : {}) },
      idPrefix: r.id!.match(/^([a-z]+_)/)?.[1],
      calls,
    }));
  }
  return { byType };
}

/** The same templated calls, made directly with undici from this process (no host, no provider). */
function bareLoop(templates: Awaited<ReturnType<typeof recordTemplates>>) {
  const agent = new Agent({ keepAliveTimeout: 4000 });
  const ids = new Map<string, string>();
  const send = async (t: TypeTemplate, name: string, c: Call, id: string) => {
    const fill = (s: string) => s.split("{id}").join(id).split("{name}").join(name);
    const res = await request(t.base + fill(c.path) + (c.query ? `?${fill(c.query)}` : ""), {
      method: c.method as "GET",
      headers: t.headers,
      body: c.body === undefined ? undefined : fill(JSON.stringify(c.body)),
      dispatcher: agent,
    });
    const text = await res.body.text();
    if (res.statusCode >= 300 && res.statusCode !== 404) throw new Error(`${c.method} ${c.path}: ${res.statusCode} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : undefined;
  };
  const kind: Record<Phase, keyof TypeTemplate["calls"] | undefined> = { up: "create", preview: undefined, update: "update", refresh: "read", destroy: "delete" };
  return async (phase: Phase, r: Res): Promise<void> => {
    const k = kind[phase];
    if (!k) return; // a no-op preview makes no call
    const t = templates.byType[r.token];
    let id = ids.get(r.name) ?? "";
    if (k === "create" && JSON.stringify(t.calls.create[0]).includes("{id}")) {
      id = `${t.idPrefix ?? ""}${[...Array(32)].map(() => Math.floor(Math.random() * 16).toString(16)).join("")}`;
    }
    for (const c of t.calls[k]) {
      const body = await send(t, r.name, c, id);
      if (!id) id = String(body?.id ?? body?.agentId ?? body?.agent?.id ?? "");
    }
    ids.set(r.name, id);
  };
}

/* ---------- the command ---------- */

function table(r: ScaleResult): string {
  const out: string[] = [];
  out.push(`N = ${r.n} resources (${r.n / TOKENS.length} of each type), emulator on loopback, real dynamic-provider host`);
  if (Object.keys(r.calls).length) out.push("", "HTTP calls per resource (measured / minimum)", "", `| type | ${PHASES.join(" | ")} |`, `| --- | ${PHASES.map(() => "---").join(" | ")} |`);
  for (const [t, ph] of Object.entries(r.calls)) out.push(`| ${t} | ${PHASES.map((p) => `${ph[p].measured} / ${ph[p].minimum}`).join(" | ")} |`);
  if (r.throughput.length) out.push("", "Throughput (operations per second) and the host's peak memory", "", `| in flight | ${PHASES.join(" | ")} | failed | host peak |`, `| --- | ${PHASES.map(() => "---").join(" | ")} | --- | --- |`);
  for (const t of r.throughput) out.push(`| ${t.parallel} | ${PHASES.map((p) => t.opsPerSecond[p]).join(" | ")} | ${t.failed} | ${t.peakMb} MB |`);
  out.push(
    "",
    `Update of all N under a rate limit of ${r.rate} requests/s per platform (token bucket, burst ${r.rate}, 429 + Retry-After${r.rateLimitHeaders ? `, ${r.rateLimitHeaders === "ietf" ? "RateLimit-*" : "X-RateLimit-*"} headers` : ", no rate-limit headers"})`,
    "",
    "| in flight | failed operations | limit used (busiest platform) | time / ideal | 429s |",
    "| --- | --- | --- | --- | --- |",
  );
  for (const x of r.rateLimited) out.push(`| ${x.parallel} | ${x.failed} | ${x.usedPercent} % | ${x.seconds} s / ${x.idealSeconds} s | ${x.rejected} |`);
  if (r.memory && r.overhead) out.push(
    "",
    `Host memory: ${r.memory.startMb} MB after start, ${r.memory.peakMb} MB peak; a hand-written provider's host peaks at ${r.memory.handwrittenAllInFlightMb} MB with all ${r.n} in flight (five phases in one host)`,
    "",
    `Host peak per command (each Pulumi command starts its own host), all ${r.n} in flight`,
    "",
    `| provider | ${Object.keys(COMMANDS).join(" | ")} |`,
    `| --- | ${Object.keys(COMMANDS).map(() => "---").join(" | ")} |`,
    `| pulumi-agents | ${(Object.keys(COMMANDS) as Command[]).map((c) => `${r.memory!.perCommand.ours[c]} MB`).join(" | ")} |`,
    `| hand-written | ${(Object.keys(COMMANDS) as Command[]).map((c) => `${r.memory!.perCommand.handwritten[c]} MB`).join(" | ")} |`,
    "",
    `Overhead, all five phases at ${r.overhead.parallel} in flight: pulumi-agents ${r.overhead.oursSeconds} s, hand-written dynamic provider ${r.overhead.handwrittenSeconds} s ` +
      `(${r.overhead.vsHandwritten}×), bare undici loop ${r.overhead.bareSeconds} s (${r.overhead.vsBare}×)`,
  );
  return out.join("\n");
}

const USAGE =
  "npm run bench:scale -- [--n 200] [--rate <requests/s per platform, default n/20>] [--parallel 1,8,50,all] [--overhead-parallel 8] [--rate-limit-headers ietf|x] [--rate-limit-only]";

/** A usage error: printed as one line with the usage, without a stack. */
class UsageError extends Error {}

/** A whole number of at least `min`, from a flag's text. */
function wholeNumber(flag: string, text: string, min: number): number {
  const v = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(v) || v < min) throw new UsageError(`--${flag} must be a whole number of at least ${min}, got ${JSON.stringify(text)}`);
  return v;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
    options: {
      n: { type: "string", default: "200" },
      rate: { type: "string" },
      parallel: { type: "string", default: "1,8,50,all" },
      "overhead-parallel": { type: "string", default: "8" },
      "rate-limit-only": { type: "boolean" },
      "rate-limit-headers": { type: "string" },
      help: { type: "boolean", short: "h" },
      },
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const n = wholeNumber("n", values.n!, TOKENS.length);
  const rate = values.rate === undefined ? Math.max(2, Math.round(n / 20)) : Number(values.rate);
  if (!(rate > 0) || !Number.isFinite(rate)) throw new UsageError(`--rate must be a positive number of requests per second, got ${JSON.stringify(values.rate)}`);
  const headers = values["rate-limit-headers"];
  if (headers !== undefined && headers !== "ietf" && headers !== "x") throw new UsageError(`--rate-limit-headers must be ietf (RateLimit-*) or x (X-RateLimit-*), got ${JSON.stringify(headers)}`);
  const parallel = values.parallel!.split(",").map((p) => (p.trim() === "all" ? "all" : wholeNumber("parallel", p, 1))) as (number | "all")[];
  const overheadParallel = wholeNumber("overhead-parallel", values["overhead-parallel"]!, 1);
  const result = await runScale({ n, rate, parallel, overheadParallel, overheadRounds: 3, rateLimitOnly: values["rate-limit-only"], rateLimitHeaders: headers, log: (l) => console.error(l) });
  console.log(table(result));
  console.log(JSON.stringify(result));
}

if (require.main === module) {
  main().catch((e) => {
    if (e instanceof UsageError) console.error(`bench:scale: ${e.message}\nusage: ${USAGE}`);
    else console.error(e);
    process.exit(e instanceof UsageError ? 2 : 1);
  });
}
