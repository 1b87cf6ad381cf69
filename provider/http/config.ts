/**
 * The provider's settings, the Pulumi way: the dynamic-provider host hands `configure` the stack
 * config (namespaced keys such as `asteroid:apiKey`) or the inputs of an explicit `Provider`, which
 * use the same keys. Environment variables (`ASTEROID_API_KEY`) are the fallback, then the default.
 *
 * `settingsFor` resolves them (remembering where each came from, for messages) and `settingsFailures`
 * explains what is wrong with them, as check failures at preview time.
 */
import type { PlatformSpec } from "./client";
import { closest } from "../core/names";

/** What the host's `configure` receives: `req.config.get("asteroid:apiKey")`. */
export interface ConfigSource {
  get(key: string): unknown;
  /** Every key the host was configured with (`@pulumi/pulumi` cmd/dynamic-provider/config.js). */
  rawConfig?: Record<string, unknown>;
  /** How messages name where a key's value came from, when it is not stack config (`pulumi-agents import`). */
  labelOf?(key: string): string | undefined;
  /**
   * How messages tell to fix a setting, when it is not set through stack config (`pulumi-agents import`
   * reads only the environment and its flags): `Fix: ...` with `example` as the value.
   */
  fixOf?(key: string, example: string | number): string | undefined;
}

type Kind = "secret" | "url" | "integer" | "number";

export interface SettingDef {
  /** The environment variable after the platform's prefix: `API_KEY` for `ASTEROID_API_KEY`. */
  env: string;
  kind: Kind;
  default?: number;
  /** The largest value taken, and why. */
  max?: { value: number; why: string };
  /** What the setting does, for docs and messages. */
  doc: string;
}

/** Node's timers hold at most 2^31 - 1 ms; a longer one fires at once. */
const TIMER_MAX = { value: 2_147_483_647, why: "about 24.8 days, the longest timer Node.js keeps" };

/** Every setting of a platform, by its stack-config name (`<platform>:<name>`). */
export const SETTINGS = {
  apiKey: { env: "API_KEY", kind: "secret", doc: "the API key; always kept secret" },
  baseUrl: { env: "BASE_URL", kind: "url", doc: "the API's absolute http(s) URL, path included" },
  requestTimeoutMs: { env: "REQUEST_TIMEOUT_MS", kind: "integer", default: 30_000, max: TIMER_MAX, doc: "how long one attempt may wait for an answer, in milliseconds" },
  operationTimeoutMs: {
    env: "OPERATION_TIMEOUT_MS",
    kind: "integer",
    default: 600_000,
    max: TIMER_MAX,
    doc: "how long one resource operation may keep waiting on rate limits and retries, in milliseconds",
  },
  maxRequestsPerSecond: { env: "MAX_REQUESTS_PER_SECOND", kind: "number", doc: "a ceiling on requests per second for the account (default: learned from the server)" },
  maxConcurrency: { env: "MAX_CONCURRENCY", kind: "integer", default: 64, doc: "requests in flight at once for the account" },
} satisfies Record<string, SettingDef>;

export type SettingName = keyof typeof SETTINGS;
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/** A value the engine has not computed yet (preview with a provider input from another resource). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface PlatformSettings {
  apiKey?: string;
  baseUrl?: string;
  requestTimeoutMs?: number;
  operationTimeoutMs?: number;
  maxRequestsPerSecond?: number;
  maxConcurrency?: number;
}

/** Settings with where each came from, and what is wrong with them. */
export interface ResolvedSettings {
  values: PlatformSettings;
  /** Where each set value came from: `asteroid:baseUrl` or `ASTEROID_BASE_URL`. */
  sources: Partial<Record<SettingName, string>>;
  /** What is wrong with the values given (a bad number, a base URL without scheme). */
  problems: SettingProblem[];
}

export interface SettingProblem {
  setting: SettingName;
  message: string;
}

export const envName = (spec: PlatformSpec, name: SettingName): string => `${spec.envPrefix}_${SETTINGS[name].env}`;
export const configKey = (spec: PlatformSpec, name: SettingName): string => `${spec.name}:${name}`;

/** `asteroid:baseUrl / ASTEROID_BASE_URL`: every way to set a setting, for messages. */
export const waysToSet = (spec: PlatformSpec, name: SettingName): string => `${configKey(spec, name)} / ${envName(spec, name)}`;

const present = (v: unknown): boolean => v !== undefined && v !== null && !(typeof v === "string" && !v.trim());
const short = (v: unknown): string => {
  const s = typeof v === "string" ? v : JSON.stringify(v) ?? String(v);
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);
};

/** The base URL as it may be shown: no user info, no query. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.protocol === "http:" || u.protocol === "https:") return `${u.protocol}//${u.host}${u.pathname}`.replace(/\/+$/, "");
  } catch {
    /* not a URL: cut by hand below */
  }
  // Also without a scheme (`user:pass@host/path` parses as the scheme `user:`): drop everything up to
  // the user info's `@`, and the query.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/@]*@/i, "$1").replace(/[?#].*$/, "");
}

/** The config key an explicit `Provider` adds with its own name, so messages can point at it, not at stack config. */
export const PROVIDER_NAME_KEY = "pulumi-agents:provider";
const providerOf = (config: ConfigSource | undefined): string | undefined => {
  const v = config?.get(PROVIDER_NAME_KEY);
  return typeof v === "string" && v ? v : undefined;
};
/** How to fix a setting: `pulumi config set ...`, or the argument of the explicit provider that set it. */
const fixFor = (spec: PlatformSpec, name: SettingName, value: string | number, provider: string | undefined) =>
  provider
    ? `Fix: set \`${spec.name}: { ${name}: ${JSON.stringify(value)} }\` in the arguments of \`new Provider(${JSON.stringify(provider)}, ...)\`.`
    : `Fix: \`pulumi config set ${configKey(spec, name)} ${value}\``;

function parse(spec: PlatformSpec, name: SettingName, raw: unknown, from: string, fix: (example: string | number) => string): { value?: unknown; problem?: string } {
  const def: SettingDef = SETTINGS[name];
  if (def.kind === "secret") return typeof raw === "string" ? { value: raw.trim() } : { problem: `${from} must be a string` };
  if (def.kind === "url") {
    const s = typeof raw === "string" ? raw.trim() : "";
    let ok = false;
    let extra = "";
    try {
      const u = new URL(s);
      ok = (u.protocol === "http:" || u.protocol === "https:") && !!u.host;
      extra = u.search ? "a query" : u.hash ? "a fragment" : "";
    } catch {
      /* not a URL */
    }
    const or = `${fix(spec.defaultBaseUrl).replace(/\.$/, "")} (or your server's URL, with its scheme and path).`;
    // The API's paths are appended to the base URL: a query or fragment would swallow them.
    if (ok && extra) return { problem: `${from} must not have ${extra} (the API's paths are appended to it), got ${short(displayUrl(s))} with ${extra}. ${or}` };
    if (ok) return { value: s };
    return { problem: `${from} must be an absolute http(s) URL such as ${spec.defaultBaseUrl}, got ${short(displayUrl(String(raw)))}. ${or}` };
  }
  const n = typeof raw === "number" ? raw : typeof raw === "string" && /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
  const good = Number.isFinite(n) && n > 0 && (def.kind === "number" || Number.isInteger(n));
  const example = def.default ?? 10;
  const f = fix(example);
  if (good && def.max && n > def.max.value) {
    return { problem: `${from} must be at most ${def.max.value} (${def.max.why}), got ${short(raw)}. ${f}${f.endsWith(".") ? "" : "."}` };
  }
  if (good) return { value: n };
  const what = def.kind === "integer" ? "a positive whole number" : "a positive number";
  return { problem: `${from} must be ${what} (${def.doc}), got ${short(raw)}. ${f}${f.endsWith(".") ? "" : "."}` };
}

/** The values of a platform's settings: config (or provider input), then environment; unset ones are absent. */
export function settingsFor(spec: PlatformSpec, config: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): PlatformSettings {
  return resolveSettings(spec, config, env).values;
}

/** Resolves every setting of a platform: config (or provider input), then environment; bad values become problems. */
export function resolveSettings(spec: PlatformSpec, config: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): ResolvedSettings {
  const out: PlatformSettings = {};
  const sources: ResolvedSettings["sources"] = {};
  const problems: SettingProblem[] = [];
  const provider = providerOf(config);
  for (const name of SETTING_NAMES) {
    const fromConfig = config?.get(configKey(spec, name));
    const fromEnv = env[envName(spec, name)];
    // An explicit provider's argument is named as such: it is not stack config.
    const configLabel = config?.labelOf?.(configKey(spec, name)) ?? (provider ? `the Provider ${JSON.stringify(provider)}'s ${spec.name}.${name}` : configKey(spec, name));
    const [raw, from] = present(fromConfig) ? [fromConfig, configLabel] : present(fromEnv) ? [fromEnv, envName(spec, name)] : [undefined, ""];
    if (raw === undefined || raw === UNKNOWN) continue;
    const fix = (example: string | number) => config?.fixOf?.(configKey(spec, name), example) ?? fixFor(spec, name, example, present(fromConfig) ? provider : undefined);
    const r = parse(spec, name, raw, from, fix);
    if (r.problem) problems.push({ setting: name, message: `${spec.name}: ${r.problem}` });
    else {
      (out as Record<string, unknown>)[name] = r.value;
      sources[name] = from;
    }
  }
  return { values: out, sources, problems };
}

/** The message for a platform that needs a key and has none (`provider`: the explicit provider in use). */
export function missingKeyMessage(spec: PlatformSpec, provider?: string): string {
  const p = spec.name;
  if (provider) {
    return (
      `${p}: the Provider ${JSON.stringify(provider)} gives no ${p} API key (an explicit provider does not read stack config). ` +
      `Add it to its arguments, \`new Provider(${JSON.stringify(provider)}, { ${p}: { apiKey } })\`, or set the ${envName(spec, "apiKey")} environment variable.`
    );
  }
  return (
    `${p}: no API key is configured. Set it with \`pulumi config set --secret ${p}:apiKey <key>\`, ` +
    `with the ${envName(spec, "apiKey")} environment variable, or on an explicit provider ` +
    `(\`new Provider("name", { ${p}: { apiKey } })\`, imported with \`import { Provider } from "pulumi-agents"\`, ` +
    `passed as the \`provider\` resource option).`
  );
}

export interface SettingsFailure {
  /** The setting (`asteroid:apiKey`) or mistyped key the failure is about. */
  key: string;
  reason: string;
}

/**
 * What is wrong with a platform's configuration, before any request: a missing API key where the
 * platform requires one, a config key that differs only in case or spelling from one of this
 * platform's settings, a bad base URL or number. Only this platform's settings are looked at.
 */
export function settingsFailures(spec: PlatformSpec, config: ConfigSource | undefined, allPlatforms: string[], env: NodeJS.ProcessEnv = process.env): SettingsFailure[] {
  const out: SettingsFailure[] = [];
  const s = resolveSettings(spec, config, env);
  for (const p of s.problems) out.push({ key: configKey(spec, p.setting), reason: p.message });
  const known = allPlatforms.flatMap((p) => SETTING_NAMES.map((n) => `${p}:${n}`));
  const typos = new Map<string, string>();
  for (const key of Object.keys(config?.rawConfig ?? {})) {
    if (known.includes(key) || key === PROVIDER_NAME_KEY) continue;
    const meant = closest(key, known);
    if (meant?.startsWith(`${spec.name}:`)) typos.set(meant, key);
  }
  for (const [meant, key] of typos) {
    const name = meant.split(":")[1] as SettingName;
    const secret = SETTINGS[name].kind === "secret" ? "--secret " : "";
    out.push({
      key,
      reason:
        `${spec.name}: the config key ${key} is not a setting of pulumi-agents; did you mean ${meant}? ` +
        `Fix: \`pulumi config rm ${key} && pulumi config set ${secret}${meant} <value>\` (keys are case-sensitive).`,
    });
  }
  const keyProblem = s.problems.some((p) => p.setting === "apiKey");
  const keyUnknown = config?.get(configKey(spec, "apiKey")) === UNKNOWN;
  if (spec.keyRequired && !s.values.apiKey && !keyProblem && !keyUnknown && !typos.has(configKey(spec, "apiKey"))) {
    out.push({ key: configKey(spec, "apiKey"), reason: missingKeyMessage(spec, providerOf(config)) });
  }
  return out;
}
