#!/usr/bin/env node
/**
 * The emulator as a standalone server, for local runs and CI without an account:
 *
 *   pulumi-agents emulator [--port N] [--host ADDRESS] [--rate-limit R ...]   (from an installed package)
 *   npm run emulator -- --port 4010                          (from a checkout)
 *
 * Arguments are parsed with `node:util.parseArgs` (strict): an unknown flag, a missing value, a bad
 * port or a busy port ends with one line on stderr and exit status 1. The controls under
 * `/_emulator/` are documented in docs/emulator.md.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { modules, startAll, type Emulator } from "./index";
import type { RateLimitSpec } from "./ratelimit";

/** A mistake in the command line: printed as one line, exit status 1. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * `node:util.parseArgs` in strict mode, with its errors turned into one short sentence each
 * (`unknown option --frobnicate`, `--port needs a value`, `unexpected argument "x"`).
 */
export function parseCommandLine(argv: string[], options: Options, allowPositionals: boolean): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const quoted = /'([^']*)'/.exec(err.message)?.[1] ?? "";
    const flag = quoted.split(/[ ,]+/).find((p) => p.startsWith("--")) ?? quoted.split(/[ ,]+/)[0];
    if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw new UsageError(`unknown option ${quoted}`);
    if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      if (/does not take/.test(err.message)) throw new UsageError(`${flag} takes no value`);
      // `--port -1`: parseArgs reads a value starting with "-" as the next option.
      const next = argv[argv.indexOf(flag) + 1];
      if (next !== undefined && /^-\d/.test(next)) throw new UsageError(`${flag} must not be negative, got ${next}`);
      throw new UsageError(`${flag} needs a value`);
    }
    if (err.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") throw new UsageError(`unexpected argument ${JSON.stringify(quoted)}`);
    throw new UsageError(err.message);
  }
}

export const DEFAULT_PORT = 4010;

export const EMULATOR_USAGE = `usage: pulumi-agents emulator [--port N] [--host ADDRESS] [--rate-limit R]
                              [--rate-limit-burst N] [--rate-limit-headers ietf|x]

Serves the Asteroid, Odeus, Everruns and Letta APIs on one local port, each under its own path
(http://127.0.0.1:${DEFAULT_PORT}/asteroid is Asteroid's base URL), with test controls under /_emulator/
(request log, fault injection, out-of-band edits; see docs/emulator.md). State lives in memory.

  --port N          the port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDRESS    the address to listen on (default 127.0.0.1)
  --rate-limit R    a rate limit, as an API gateway applies it: R requests per second for every
                    platform (10), or per platform (asteroid=10,odeus=5); over it, 429 + Retry-After
  --rate-limit-burst N      the bucket size (default: one second of requests)
  --rate-limit-headers H    also send rate-limit headers: ietf (RateLimit-*) or x (X-RateLimit-*)
  -h, --help        this help

Ctrl-C (SIGINT) or SIGTERM stops it.`;

/** The emulator's flags; each one becomes an option of `startAll` in `emulatorSettings`. */
export const EMULATOR_OPTIONS = {
  port: { type: "string", short: "p" },
  host: { type: "string" },
  "rate-limit": { type: "string" },
  "rate-limit-burst": { type: "string" },
  "rate-limit-headers": { type: "string" },
} as const satisfies Options;

type Values = Partial<Record<keyof typeof EMULATOR_OPTIONS, string>>;

/** The `startAll` options of parsed flags; throws a UsageError for a value that cannot be used. */
export function emulatorSettings(values: Values): NonNullable<Parameters<typeof startAll>[0]> {
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (values.port !== undefined && (!/^\d+$/.test(values.port) || port > 65535)) {
    throw new UsageError(`--port must be a whole number from 0 to 65535, got ${JSON.stringify(values.port)}`);
  }
  const host = values.host ?? "127.0.0.1";
  if (!host.trim()) throw new UsageError("--host needs an address, e.g. 127.0.0.1 or 0.0.0.0");
  return { port, host, ...rateLimitOf(values) };
}

const positive = (flag: string, v: string): number => {
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || !(n > 0)) throw new UsageError(`${flag} must be a positive number, got ${JSON.stringify(v)}`);
  return n;
};

/** `--rate-limit 10` or `--rate-limit asteroid=10,odeus=5`, with the burst and headers flags. */
function rateLimitOf(values: Values): { rateLimit?: RateLimitSpec[] } {
  const r = values["rate-limit"];
  if (r === undefined) {
    for (const f of ["rate-limit-burst", "rate-limit-headers"] as const) if (values[f] !== undefined) throw new UsageError(`--${f} needs --rate-limit`);
    return {};
  }
  const burst = values["rate-limit-burst"] === undefined ? undefined : positive("--rate-limit-burst", values["rate-limit-burst"]);
  const headers = values["rate-limit-headers"];
  if (headers !== undefined && headers !== "ietf" && headers !== "x") throw new UsageError(`--rate-limit-headers must be ietf or x, got ${JSON.stringify(headers)}`);
  const platforms = modules.map((m) => m.name);
  const specs: RateLimitSpec[] = r.split(",").map((part) => {
    const [a, b] = part.includes("=") ? part.split("=") : [undefined, part];
    if (a !== undefined && !platforms.includes(a.trim())) throw new UsageError(`--rate-limit: unknown platform ${JSON.stringify(a)} (platforms: ${platforms.join(", ")})`);
    return { ...(a ? { platform: a.trim() } : {}), requestsPerSecond: positive("--rate-limit", b.trim()), ...(burst ? { burst } : {}), ...(headers ? { headers } : {}) };
  });
  return { rateLimit: specs };
}

/** Why the server could not listen, in one sentence naming the address. */
export function listenError(e: NodeJS.ErrnoException, host: string, port: number): string {
  const at = `${host}:${port}`;
  switch (e.code) {
    case "EADDRINUSE":
      return `port ${port} on ${host} is already in use (another emulator?): stop it, or choose another port with --port N (--port 0 picks a free one)`;
    case "EACCES":
      return `not allowed to listen on ${at} (ports below 1024 need privileges): choose another port with --port N`;
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot listen on ${at}: ${host} is not an address of this machine (try --host 127.0.0.1)`;
    default:
      return `cannot listen on ${at}: ${e.code ?? e.message}`;
  }
}

/** The lines printed once the emulator listens: where each platform is and its API key. */
export function banner(emu: Emulator): string[] {
  const lines = [`pulumi-agents emulator listening on ${emu.url}`];
  for (const m of modules) {
    const key = emu.key(m.name);
    lines.push(`  ${m.name.padEnd(9)} baseUrl ${emu.baseUrl(m.name)}${key ? `  apiKey ${key}` : "  (no auth)"}`);
  }
  lines.push("controls under /_emulator/ (requests, faults, objects, keys: see docs/emulator.md); Ctrl-C to stop");
  return lines;
}

/**
 * Starts the emulator from parsed flags and keeps it running until SIGINT or SIGTERM. Returns the
 * exit status when it cannot start (1), or undefined once it is listening.
 */
export async function runEmulator(values: Values, out = (s: string) => process.stdout.write(`${s}\n`), err = (s: string) => process.stderr.write(`${s}\n`)): Promise<number | undefined> {
  const settings = emulatorSettings(values);
  let emu: Emulator;
  try {
    emu = await startAll(settings);
  } catch (e) {
    err(`pulumi-agents emulator: ${listenError(e as NodeJS.ErrnoException, settings.host ?? "127.0.0.1", settings.port ?? DEFAULT_PORT)}`);
    return 1;
  }
  const stop = () => void emu.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  out(banner(emu).join("\n")); // after the handlers: whoever reads "listening" may stop it at once
  return undefined;
}

/** `npm run emulator -- [flags]`: the same command as `pulumi-agents emulator`. */
export async function main(argv: string[]): Promise<number | undefined> {
  try {
    const { values } = parseCommandLine(argv, { ...EMULATOR_OPTIONS, help: { type: "boolean", short: "h" } }, false);
    if (values.help) {
      process.stdout.write(`${EMULATOR_USAGE}\n`);
      return 0;
    }
    const { help: _help, ...flags } = values;
    return await runEmulator(flags as Values);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`pulumi-agents emulator: ${e.message} (see --help)\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`pulumi-agents emulator: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
