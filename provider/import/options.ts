/**
 * The flags of `pulumi-agents import`, parsed with `node:util.parseArgs` (strict: an unknown flag is
 * an error), and the ids they name. Everything here is checked before any request is made.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";

export const PLATFORMS = ["asteroid", "everruns", "letta", "odeus"] as const;
export type Platform = (typeof PLATFORMS)[number];

/** A problem with what the user typed: one line, then the usage. */
export class UsageError extends Error {}
/** A problem found while importing (credentials, a missing object, the output folder): one line. */
export class ImportError extends Error {}

export const USAGE = `usage: pulumi-agents import [--platform p]... [--name glob]... [--tag t]... [--id [platform:]id]...
                           [--ids-file file] [--include-archived] [--format ts|yaml] [--out dir] [--force]
                           [--base-url platform=url]...

Finds the agents an account already holds and writes a Pulumi program that adopts them: one resource
per object, every input set to its live value, each with the \`import\` resource option, prompts in
prompts/<resource>.<field>.md. Write-only values (credentials, cookies, proxy passwords, Letta
secrets) are read from secret stack config: the \`pulumi config set --secret\` lines to run are
printed on stdout. Progress goes to stderr.

  --platform p      asteroid, everruns, letta or odeus (repeatable, or comma-separated) to list.
                    Default: every platform whose API key or base URL is set; with --id, none (only
                    the objects named are read: add --platform to list others as well).
  --name glob       only objects whose name matches (* any characters, ? one; case-sensitive)
  --tag t           only objects carrying the tag (Everruns and Letta have tags)
  --id [p:]id       only this object (repeatable). Odeus cannot list agents: name them this way.
                    The platform is optional where the id says it (everruns agent_<hex>, letta
                    agent-<uuid>); a UUID needs it: asteroid:<uuid> or odeus:<uuid>.
  --ids-file file   ids as for --id, one per line (# starts a comment)
  --include-archived  an archived Everruns agent named by --id is written as a restore (no import:
                    \`pulumi up\` re-activates it); without it, naming one is an error
  --format ts|yaml  index.ts with one resource per object (default), or agents.yaml for manifest.load
  --out dir         the folder to write (default ./agents); it must be empty unless --force
  --force           write into a folder that holds files: overwrites the program and prompt files
                    (Pulumi.yaml, package.json, tsconfig.json and .gitignore are kept if present)
  --base-url p=url  the platform's base URL (instead of <PLATFORM>_BASE_URL)

Credentials come from the environment, as for the provider: ASTEROID_API_KEY, EVERRUNS_API_KEY,
LETTA_API_KEY, ODEUS_API_KEY, and <PLATFORM>_BASE_URL. (Stack config is not read: there is no stack
yet. API keys are not taken as flags, which would leave them in shell history.)

Exit status: 0 written, 1 bad usage or input (nothing is written).`;

export interface IdRef {
  /** Undefined when the id does not say (a bare UUID) and no single platform was chosen. */
  platform?: Platform;
  id: string;
  /** Where the id was given, for error messages: `--id` or `ids.txt:3`. */
  from: string;
}

export interface ImportOptions {
  /** Platforms named with --platform (empty: decided from the environment and the ids). */
  platforms: Platform[];
  names: string[];
  tags: string[];
  ids: IdRef[];
  includeArchived: boolean;
  format: "ts" | "yaml";
  out: string;
  force: boolean;
  baseUrls: Partial<Record<Platform, string>>;
  help: boolean;
}

const isPlatform = (p: string): p is Platform => (PLATFORMS as readonly string[]).includes(p);
const platformList = `asteroid, everruns, letta or odeus`;

function platformOf(name: string, what: string): Platform {
  const p = name.trim().toLowerCase();
  if (!isPlatform(p)) throw new UsageError(`${what}: unknown platform ${JSON.stringify(name)} (use ${platformList})`);
  return p;
}

/** The platform an id's own shape names, if any. */
export function platformOfId(id: string): Platform | undefined {
  if (/^agent_[0-9a-f]{32}$/.test(id)) return "everruns";
  if (/^agent-[0-9a-f-]{36}$/.test(id)) return "letta";
  return undefined;
}

/** `[platform:]id`. The prefix is taken as a platform only when it is one (ids hold no colons). */
export function parseIdRef(text: string, from: string): IdRef {
  const t = text.trim();
  const i = t.indexOf(":");
  if (i > 0) {
    const prefix = t.slice(0, i).toLowerCase();
    if (!isPlatform(prefix)) throw new UsageError(`${from}: unknown platform ${JSON.stringify(t.slice(0, i))} in ${JSON.stringify(t)} (use ${platformList})`);
    const id = t.slice(i + 1).trim();
    if (!id) throw new UsageError(`${from}: no id after ${JSON.stringify(t.slice(0, i + 1))}`);
    return { platform: prefix, id, from };
  }
  if (!t) throw new UsageError(`${from}: empty id`);
  return { platform: platformOfId(t), id: t, from };
}

function readIdsFile(file: string): IdRef[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--ids-file: cannot read ${file}: ${code === "ENOENT" ? "no such file" : code ?? (e as Error).message}`);
  }
  const out: IdRef[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.replace(/#.*$/, "").trim();
    if (t) out.push(parseIdRef(t, `${file}:${i + 1}`));
  });
  return out;
}

export function parseOptions(argv: string[]): ImportOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        platform: { type: "string", multiple: true },
        name: { type: "string", multiple: true },
        tag: { type: "string", multiple: true },
        id: { type: "string", multiple: true },
        "ids-file": { type: "string", multiple: true },
        "include-archived": { type: "boolean" },
        format: { type: "string" },
        out: { type: "string", short: "o" },
        force: { type: "boolean" },
        "base-url": { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    // parseArgs' own messages are clear ("Unknown option '--nme'..."); keep the first sentence.
    throw new UsageError(String((e as Error).message).split(". ")[0].replace(/\.$/, ""));
  }
  const v = parsed.values;
  const platforms = [...new Set((v.platform ?? []).flatMap((p) => p.split(",")).filter((p) => p.trim()).map((p) => platformOf(p, "--platform")))];
  const format = v.format ?? "ts";
  if (format !== "ts" && format !== "yaml") throw new UsageError(`--format must be ts or yaml, got ${JSON.stringify(format)}`);
  const baseUrls: Partial<Record<Platform, string>> = {};
  for (const b of v["base-url"] ?? []) {
    const i = b.indexOf("=");
    if (i < 1) throw new UsageError(`--base-url takes platform=url, got ${JSON.stringify(b)}`);
    const url = b.slice(i + 1).trim();
    if (!/^https?:\/\/\S+$/.test(url)) throw new UsageError(`--base-url ${b.slice(0, i)}: not an http(s) URL: ${JSON.stringify(url)}`);
    baseUrls[platformOf(b.slice(0, i), "--base-url")] = url;
  }
  for (const n of v.name ?? []) if (!n) throw new UsageError("--name needs a pattern");
  for (const t of v.tag ?? []) if (!t) throw new UsageError("--tag needs a tag");
  const ids = [...(v.id ?? []).map((x) => parseIdRef(x, "--id")), ...(v["ids-file"] ?? []).flatMap(readIdsFile)];
  // A bare UUID belongs to the only chosen platform that takes UUIDs, if there is exactly one.
  const uuidPlatforms = platforms.filter((p) => p === "asteroid" || p === "odeus");
  for (const r of ids) {
    if (r.platform) continue;
    if (uuidPlatforms.length === 1) r.platform = uuidPlatforms[0];
    else {
      throw new UsageError(
        `${r.from}: cannot tell the platform of ${JSON.stringify(r.id)}: write it as asteroid:${r.id} or odeus:${r.id} ` +
          `(everruns ids are agent_<32 hex>, letta ids agent-<uuid>)`,
      );
    }
  }
  return {
    platforms,
    names: v.name ?? [],
    tags: v.tag ?? [],
    ids,
    includeArchived: !!v["include-archived"],
    format,
    out: v.out ?? "agents",
    force: !!v.force,
    baseUrls,
    help: !!v.help,
  };
}

/** A glob (`*` any characters, `?` one) as a whole-string, case-sensitive matcher. */
export function globMatcher(glob: string): (s: string) => boolean {
  const re = new RegExp(`^${[...glob].map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[\\^$.|+()[\]{}]/g, "\\$&"))).join("")}$`, "su");
  return (s) => re.test(s);
}

/** The longest run of literal characters of a glob: a safe server-side substring search. */
export function literalHint(glob: string): string {
  return glob.split(/[*?]/).reduce((a, b) => ([...b].length > [...a].length ? b : a), "");
}
