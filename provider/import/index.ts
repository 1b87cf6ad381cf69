/**
 * `pulumi-agents import`: adopt an existing fleet. Discovers objects through the platforms' list
 * APIs (or by id), reads each one exactly as the `import` resource option will (the resource's own
 * `read(id, {})` through the provider host's code and client), and writes a Pulumi program whose
 * every input is the live value, so that importing it changes nothing.
 *
 * Everything is read and computed first; the output folder is written only when nothing failed.
 */
import * as path from "node:path";
import { ConfigError } from "../http/errors";
import { Clients } from "../http/clients";
import { SETTING_NAMES, envName, resolveSettings, type ConfigSource, type SettingName } from "../http/config";
import { configure, lifecycleOf } from "../host";
import { platforms as specs, resources } from "../registry";
import { toState } from "../core/state";
import { liveInputs, placeholders, precheck, secretsIn, filesIn, type Adopted, type Planned } from "./adopt";
import { everrunsAgent, lettaSecretKeys, listers, matches, TOKENS, type Filters, type Found } from "./discover";
import { checkOut, projectFiles, writeOut, type OutFile } from "./files";
import { identifiers, resourceNames } from "./names";
import { ImportError, PLATFORMS, USAGE, UsageError, parseOptions, type ImportOptions, type Platform } from "./options";
import { MANIFEST_PROGRAM, writeTs } from "./write-ts";
import { writeYaml } from "./write-yaml";

export { USAGE } from "./options";

export interface ImportIo {
  /** Where API keys and base URLs are read from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** The `pulumi config set --secret` lines (default: process.stdout). */
  stdout?: (text: string) => void;
  /** Progress, the summary and errors (default: process.stderr). */
  stderr?: (text: string) => void;
  /** The folder `--out` and `--ids-file` are relative to (default: process.cwd()). */
  cwd?: string;
}

const str = (v: unknown) => (typeof v === "string" ? v : "");
const READS_AT_ONCE = 4;

/** Runs the command; returns the exit status (0 written, 1 bad usage or input). */
export async function runImport(argv: string[], io: ImportIo = {}): Promise<number> {
  const out = io.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = io.stderr ?? ((t: string) => void process.stderr.write(t));
  try {
    const opts = parseOptions(argv);
    if (opts.help) {
      out(`${USAGE}\n`);
      return 0;
    }
    const cwd = io.cwd ?? process.cwd();
    const label = opts.out;
    opts.out = path.resolve(cwd, opts.out);
    await adopt(opts, label, io.env ?? process.env, out, (line) => err(`${line}\n`));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) err(`pulumi-agents import: ${e.message} (see pulumi-agents import --help)\n`);
    else if (e instanceof ImportError || e instanceof ConfigError || isHttpError(e)) err(`pulumi-agents import: ${(e as Error).message}\n`);
    else err(`pulumi-agents import: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}

const isHttpError = (e: unknown) => e instanceof Error && ["PULUMI_AGENTS_API_ERROR", "PULUMI_AGENTS_TRANSPORT_ERROR"].includes((e as { code?: string }).code ?? "");

/** API keys and other settings from the environment, base URLs from flags or the environment: what the provider reads too. */
function settings(opts: ImportOptions, env: NodeJS.ProcessEnv): ConfigSource {
  const value = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);
  const parts = (key: string) => {
    const [p, k] = key.split(":") as [Platform, SettingName];
    const spec = specs[p];
    return spec && (SETTING_NAMES as string[]).includes(k) ? { p, k, spec, variable: envName(spec, k) } : undefined;
  };
  return {
    // Where each value came from, as messages name it: a flag or an environment variable (no stack config here).
    labelOf(key: string) {
      const s = parts(key);
      if (!s) return undefined;
      return s.k === "baseUrl" && value(opts.baseUrls[s.p]) ? `--base-url ${s.p}=…` : s.variable;
    },
    // How to fix a setting: the environment variable, or the flag for a base URL (never `pulumi config set`).
    fixOf(key: string, example: string | number) {
      const s = parts(key);
      if (!s) return undefined;
      const flag = `\`--base-url ${s.p}=${example}\``;
      if (s.k !== "baseUrl") return `Fix: \`export ${s.variable}=${example}\``;
      return value(opts.baseUrls[s.p]) ? `Fix: ${flag}` : `Fix: \`export ${s.variable}=${example}\` or pass ${flag}`;
    },
    get(key: string) {
      const s = parts(key);
      if (!s) return undefined;
      if (s.k === "baseUrl") return value(opts.baseUrls[s.p]) ?? value(env[s.variable]);
      return value(env[s.variable]);
    },
  };
}

/** The platforms to list and to read ids from, with their settings and credentials checked before any request. */
function choosePlatforms(opts: ImportOptions, source: ConfigSource, env: NodeJS.ProcessEnv, progress: (l: string) => void): { list: Platform[]; used: Platform[] } {
  const idPlatforms = new Set(opts.ids.map((r) => r.platform!));
  const configured = PLATFORMS.filter((p) => source.get(`${p}:apiKey`) !== undefined || source.get(`${p}:baseUrl`) !== undefined);
  let list: Platform[];
  if (opts.platforms.length) list = opts.platforms.filter((p) => !idPlatforms.has(p));
  else if (opts.ids.length) list = [];
  else {
    list = configured;
    if (!list.length) {
      throw new ImportError(
        "nothing to import from: no platform is configured. Set its API key (ASTEROID_API_KEY, EVERRUNS_API_KEY, LETTA_API_KEY, " +
          "ODEUS_API_KEY) or base URL, or name it with --platform",
      );
    }
  }
  let skipped = false;
  if (list.includes("odeus")) {
    if (opts.platforms.includes("odeus")) throw new ImportError("odeus cannot list agents (its API has no list call): name them with --id odeus:<uuid> or --ids-file");
    list = list.filter((p) => p !== "odeus");
    skipped = true;
  }
  const used = PLATFORMS.filter((p) => list.includes(p) || idPlatforms.has(p));
  for (const p of used) {
    const spec = specs[p];
    // A bad setting is reported before anything names a URL: the default would be shown in its place.
    const problem = resolveSettings(spec, source, env).problems[0];
    if (problem) throw new ConfigError(problem.message);
    if (spec.keyRequired && source.get(`${p}:apiKey`) === undefined) {
      throw new ImportError(`${p}: no API key: set ${spec.envPrefix}_API_KEY (the import reads the environment; there is no stack config yet)`);
    }
  }
  // Said once the settings are known good: a failed run prints only its error.
  if (skipped) progress("odeus: skipped: its API cannot list agents; name them with --id odeus:<uuid> or --ids-file");
  return { list, used };
}

/** Runs `fn` over the items, a few at a time, keeping their order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function adopt(opts: ImportOptions, outLabel: string, env: NodeJS.ProcessEnv, stdout: (t: string) => void, progress: (line: string) => void): Promise<void> {
  checkOut(opts.out, opts.force);
  const source = settings(opts, env);
  const { list, used } = choosePlatforms(opts, source, env, progress);
  // The provider host's own configuration and lifecycles: reads go through exactly the code an import runs.
  await configure({ config: source });
  const clients = new Clients(source);
  const filters: Filters = { names: opts.names, tags: opts.tags };

  // 1. Discovery.
  const found: Found[] = [];
  for (const p of list) {
    progress(`${p}: listing ${shown(clients.for(specs[p]).baseUrl)}`);
    found.push(...(await listers[p]!(clients.for(specs[p]), filters, progress)));
  }
  for (const r of opts.ids) found.push({ tokens: TOKENS[r.platform!], id: r.id, from: r.from, listed: false });
  const unique = [...new Map(found.map((f) => [`${f.tokens.join()}|${f.id}`, f])).values()];

  // 2. Read every object the way the `import` option reads it.
  if (unique.length) progress(`reading ${unique.length} object${unique.length === 1 ? "" : "s"} as an import reads them`);
  let done = 0;
  const read = await mapLimit(unique, READS_AT_ONCE, async (f) => {
    const r = await readOne(f, opts, clients);
    done++;
    if (done === unique.length || done % 25 === 0) progress(`read ${done} of ${unique.length}`);
    return r;
  });
  const adopted = read.filter((a): a is Adopted => !!a && matches(filters, a.objectName, tagsOf(a.inputs.tags)));
  if (!adopted.length) throw new ImportError(`no object matched on ${used.join(", ") || "any platform"}: nothing written`);

  // 3. Names, placeholders, files.
  // Names depend only on the objects; the program lists them by type, then by name.
  const rank = (t: string) => Object.keys(resources).sort().indexOf(t);
  const names = resourceNames(adopted);
  const order = adopted.map((_, i) => i).sort((a, b) => rank(adopted[a].token) - rank(adopted[b].token) || cmp(names[a], names[b]));
  const idents = identifiers(order.map((i) => names[i]));
  const keys = new Set<string>();
  const planned: Planned[] = order.map((i, k) => {
    const a = adopted[i];
    const inputs = placeholders(a.def, names[i], a.inputs, keys);
    return { ...a, inputs, name: names[i], ident: idents[k], secrets: secretsIn(inputs), files: filesIn(inputs) };
  });
  const platformsIn = [...new Set(planned.map((p) => p.def.platform))].sort();
  const program = opts.format === "ts" ? { path: "index.ts", text: writeTs(planned) } : { path: "agents.yaml", text: writeYaml(planned) };
  const files: OutFile[] = [
    ...projectFiles(opts.out, platformsIn),
    ...(opts.format === "yaml" ? [{ path: "index.ts", text: MANIFEST_PROGRAM }] : []),
    program,
    ...planned.flatMap((p) => p.files.map((f) => ({ path: f.path, text: f.text }))),
  ];

  // 4. Write, then say what to do next.
  const w = writeOut(opts.out, files);
  const counts = platformsIn.map((p) => `${planned.filter((x) => x.def.platform === p).length} ${p}`).join(", ");
  const prompts = planned.reduce((n, p) => n + p.files.length, 0);
  progress(`wrote ${path.join(outLabel, program.path)}: ${planned.length} resource${planned.length === 1 ? "" : "s"} (${counts}), ${prompts} prompt file${prompts === 1 ? "" : "s"}`);
  if (w.kept.length) progress(`kept the existing ${w.kept.join(", ")}`);
  if (w.stale.length) progress(`not written by this import (delete them if nothing uses them): ${w.stale.join(", ")}`);
  progress(
    "next: in the program folder, `npm install` (until pulumi-agents is on the npm registry, install it from where you got it " +
      "first, e.g. `npm install <git URL or tarball of pulumi-agents>`), `pulumi stack init`, the config lines below, then `pulumi preview`",
  );
  for (const p of planned) {
    for (const warning of p.warnings) progress(`warning: ${p.name} (${p.def.platform}.${p.def.type} ${p.id}): the provider refuses the live value of ${warning}; its import fails until that is changed`);
    if (p.restore) progress(`note: ${p.name} is an archived Everruns agent: it is declared without import, and \`pulumi up\` restores it`);
  }
  const secrets = planned.flatMap((p) => p.secrets.map((s) => ({ s, p })));
  if (secrets.length) {
    progress(`${secrets.length} write-only value${secrets.length === 1 ? "" : "s"} cannot be read from the platforms: set each in the stack (in the program folder) with the commands on stdout`);
    const width = Math.max(...secrets.map(({ s }) => s.key.length));
    for (const { s, p } of secrets) stdout(`pulumi config set --secret ${s.key.padEnd(width)}  # ${p.def.platform}.${p.def.type} ${p.name}: ${s.what}\n`);
  }
}

/** A base URL as printed: never with credentials in it. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(the configured base URL)";
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const tagsOf = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((t): t is string => typeof t === "string") : undefined);

/** One object read as an import reads it; undefined when a listed object vanished before it was read. */
async function readOne(f: Found, opts: ImportOptions, clients: Clients): Promise<Adopted | undefined> {
  const platform = f.tokens[0].split(":")[0] as Platform;
  for (const token of f.tokens) {
    let r: { id: string; props: Record<string, unknown> };
    try {
      r = await lifecycleOf(token).read(f.id, {});
    } catch (e) {
      if (e instanceof ConfigError || isHttpError(e)) throw e;
      throw new ImportError(`${f.from}: ${(e as Error).message}`);
    }
    if (!r.id) continue;
    const secretKeys = f.secretKeys ?? (platform === "letta" ? await lettaSecretKeys(clients.for(specs.letta), f.id) : []);
    return build(token, r.id, r.props, secretKeys, false);
  }
  if (f.listed) return undefined; // deleted between the list and the read
  if (platform === "everruns") {
    const body = await everrunsAgent(clients.for(specs.everruns), f.id);
    if (body?.status === "archived") {
      if (!opts.includeArchived) throw new ImportError(`${f.from}: everruns agent ${f.id} is archived: pass --include-archived to write it as a restore (\`pulumi up\` re-activates it)`);
      return build("everruns:Agent", f.id, toState(resources["everruns:Agent"], body, {}), [], true);
    }
  }
  const what = platform === "asteroid" ? "agent profile or profile pool" : "agent";
  throw new ImportError(`${f.from}: ${platform} has no ${what} ${f.id} (or the API key cannot see it)`);
}

function build(token: string, id: string, props: Record<string, unknown>, secretKeys: string[], restore: boolean): Adopted {
  const def = resources[token];
  const inputs = liveInputs(def, props, secretKeys);
  return { token, def, id, objectName: str(props.name), inputs, restore, warnings: precheck(def, inputs) };
}
