/**
 * `manifest.load("agents.yaml")`: declares every resource of a YAML manifest and returns them by
 * name. The whole file is validated first (envelope, each entry's properties against the resource's
 * own check, references, cycles, files, config); any problem throws one `ManifestError` listing every
 * problem as `file:line:column: path: reason`, and then no resource has been declared.
 */
import { closest } from "../core/names";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { check, reason } from "../core/check";
import type { ResourceDef } from "../core/fields";
import { resourceClass } from "../core/resource";
import { isObject, UNKNOWN } from "../core/values";
import { resources as registry } from "../registry";
import { builtinOutputs, entrySchema, EXPRESSION, fileFormSchema, isFileForm, manifestType, namePattern, type ManifestOptions } from "./format";
import { ManifestError, parsePath, Source, type ManifestIssue, type Path } from "./source";

export interface LoadOptions {
  /** Explicit providers that entries name with `options.provider`. */
  providers?: Record<string, pulumi.ProviderResource>;
  /** Options given to every resource (e.g. `parent`, or a default `provider`); an entry's own options win. */
  defaults?: pulumi.CustomResourceOptions;
  /** Directory a relative manifest path is resolved from (default: the working directory, the program's folder under `pulumi`). */
  cwd?: string;
}

/** A declared resource; its outputs (`id`, `urn` and every property) are reachable by name. */
export type ManifestResource = pulumi.CustomResource & { readonly [output: string]: pulumi.Output<any> };

/** `${name}` / `${name.output}`: resolved to that resource's output when the entry is declared. */
class Ref {
  constructor(
    readonly target: string,
    readonly output: string,
  ) {}
}

/** `${secret:key}` (or `${config:key}` of a key the stack holds as a secret): read as a secret Output. */
class SecretConfig {
  constructor(
    readonly namespace: string,
    readonly key: string,
  ) {}
}

/** A string with expressions that are not known until the program runs: literal parts and deferred values. */
class Interpolation {
  constructor(readonly parts: (string | Ref | SecretConfig)[]) {}
}

/** A value already reported as wrong: check must not report it a second time. */
const INVALID = Symbol("invalid");

interface Entry {
  name: string;
  def: ResourceDef;
  properties: Record<string, unknown>;
  options: ManifestOptions;
}

interface Edge {
  to: string;
  at: Path;
}

const types = (): Map<string, ResourceDef> => new Map(Object.values(registry).map((d) => [manifestType(d), d]));

/** `ns:key` or `key` (this project's namespace). */
function splitConfigKey(key: string): [string, string] {
  const i = key.indexOf(":");
  return i > 0 ? [key.slice(0, i), key.slice(i + 1)] : [pulumi.getProject(), key];
}

function configIsSecret(fullKey: string): boolean {
  // Internal to the SDK (kept stable since 3.x); `secret: true` in the manifest is the documented way.
  const isSecret = (require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
  return typeof isSecret === "function" ? isSecret(fullKey) : false;
}

function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "permission denied" : String((e as Error).message);
}

/** Reports every issue of a zod parse at `base`, unknown keys at the key itself. */
function zodIssues(src: Source, base: Path, error: z.ZodError): void {
  for (const issue of error.issues) {
    const at = [...base, ...(issue.path as (string | number)[])];
    if (issue.code === "unrecognized_keys") for (const k of issue.keys) src.fail([...at, k], "unknown property", "key");
    else src.fail(at, reason(issue, true));
  }
}

/** Validates the whole manifest. Returns the entries in declaration order (dependencies first). */
function analyse(src: Source, dir: string, opts: LoadOptions): Entry[] {
  if (src.issues.length) return []; // a syntax error: the structure cannot be trusted
  const root = src.toJS();
  if (!isObject(root)) {
    src.fail([], "a manifest is a mapping with a `resources:` key");
    return [];
  }
  for (const k of Object.keys(root)) if (k !== "resources" && !k.startsWith("x-")) src.fail([k], "unknown top-level key: a manifest has `resources:` (and `x-` keys, ignored, for YAML anchors)", "key");
  if (root.resources === undefined || root.resources === null) {
    if (!("resources" in root)) src.fail([], "`resources:` is missing");
    return [];
  }
  if (!isObject(root.resources)) {
    src.fail(["resources"], "must be a mapping of resource names to entries");
    return [];
  }

  const byType = types();
  const schema = entrySchema([...byType.keys()]);
  const entries: Entry[] = [];
  const edges = new Map<string, Edge[]>();
  for (const [name, raw] of Object.entries(root.resources)) {
    const at: Path = ["resources", name];
    if (!namePattern.test(name)) src.fail(at, "a name uses letters, digits, `_` and `-`, and starts with a letter, digit or `_`", "key");
    const parsed = schema.safeParse(raw, { reportInput: true });
    if (!parsed.success) {
      zodIssues(src, at, parsed.error);
      // Keep going with what is readable, so refs to this entry are not reported as unknown names.
    }
    const entry = isObject(raw) ? raw : {};
    const def = typeof entry.type === "string" ? byType.get(entry.type) : undefined;
    const props = isObject(entry.properties) ? entry.properties : {};
    const options = (isObject(entry.options) ? entry.options : {}) as ManifestOptions;
    const out: Edge[] = [];
    edges.set(name, out);
    const properties = resolveForms(src, props, [...at, "properties"], dir, out) as Record<string, unknown>;
    if (Array.isArray(options.dependsOn)) options.dependsOn.forEach((d, i) => typeof d === "string" && out.push({ to: d, at: [...at, "options", "dependsOn", i] }));
    if (def) entries.push({ name, def, properties, options });
    if (def) checkProperties(src, def, properties, [...at, "properties"]);
    if (def) checkOptions(src, def, options, [...at, "options"], opts);
  }

  // References: known names and outputs.
  const defs = new Map(entries.map((e) => [e.name, e.def]));
  for (const [from, out] of edges) {
    for (const e of out) {
      if (!(e.to in root.resources)) {
        src.fail(e.at, `no entry named ${JSON.stringify(e.to)} in this manifest`);
        continue;
      }
      if (e.to === from) src.fail(e.at, "an entry cannot refer to itself");
    }
  }
  for (const e of refsOf(entries)) {
    const def = defs.get(e.ref.target);
    if (!def) continue;
    const outputs = [...builtinOutputs, ...Object.keys(def.fields)];
    if (!outputs.includes(e.ref.output)) {
      src.fail(e.at, `${manifestType(def)} has no output ${JSON.stringify(e.ref.output)}; it has ${outputs.join(", ")}`);
    }
  }
  return order(src, entries, edges);
}

/** Every `Ref` inside the entries' properties, with where it is written. */
function refsOf(entries: Entry[]): { ref: Ref; at: Path }[] {
  const out: { ref: Ref; at: Path }[] = [];
  const walk = (v: unknown, at: Path) => {
    if (v instanceof Ref) out.push({ ref: v, at });
    else if (v instanceof Interpolation) v.parts.forEach((p) => walk(p, at));
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, i]));
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) walk(x, [...at, k]);
  };
  for (const e of entries) walk(e.properties, ["resources", e.name, "properties"]);
  return out;
}

/**
 * Reads one string's expressions. Config values are substituted now (so check sees them); references
 * and secrets stay deferred. A whole-string expression keeps the referenced value's own type.
 */
function expressions(src: Source, text: string, at: Path, edges: Edge[]): unknown {
  if (!text.includes("${")) return text;
  const parts: (string | Ref | SecretConfig)[] = [];
  let last = 0;
  let bad = false;
  for (const m of text.matchAll(EXPRESSION)) {
    parts.push(text.slice(last, m.index));
    last = m.index! + m[0].length;
    if (m[1] === undefined) {
      parts.push("${"); // `$${`
      continue;
    }
    const expr = m[1].trim();
    const config = /^(config|secret):(.+)$/.exec(expr);
    const ref = /^([A-Za-z0-9_][A-Za-z0-9_-]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?$/.exec(expr);
    if (config) {
      const [ns, key] = splitConfigKey(config[2]);
      const value = new pulumi.Config(ns).get(key);
      const secret = config[1] === "secret" || configIsSecret(`${ns}:${key}`);
      if (value === undefined) {
        src.fail(at, `stack config ${ns}:${key} is not set (pulumi config set ${ns}:${key} <value>${secret ? " --secret" : ""})`);
        bad = true;
      } else parts.push(secret ? new SecretConfig(ns, key) : value);
    } else if (ref) {
      edges.push({ to: ref[1], at });
      parts.push(new Ref(ref[1], ref[2] ?? "id"));
    } else {
      src.fail(at, `\${${m[1]}} is not an expression: write \${name}, \${name.output}, \${config:key} or \${secret:key} (and $\${ for a literal \${)`);
      bad = true;
    }
  }
  parts.push(text.slice(last));
  if (bad) return INVALID;
  const kept = parts.filter((p) => p !== "");
  const joined: (string | Ref | SecretConfig)[] = [];
  for (const p of kept) {
    if (typeof p === "string" && typeof joined[joined.length - 1] === "string") joined[joined.length - 1] += p;
    else joined.push(p);
  }
  if (joined.length === 0) return "";
  if (joined.length === 1) return joined[0];
  return new Interpolation(joined);
}

/** Replaces files by their text and reads the expressions of every string. A malformed form is reported and left as written. */
function resolveForms(src: Source, v: unknown, at: Path, dir: string, edges: Edge[]): unknown {
  if (typeof v === "string") return expressions(src, v, at, edges);
  if (Array.isArray(v)) return v.map((x, i) => resolveForms(src, x, [...at, i], dir, edges));
  if (!isObject(v)) return v;
  if (isFileForm(v)) {
    const p = fileFormSchema.safeParse(v, { reportInput: true });
    if (!p.success) return zodIssues(src, at, p.error), INVALID;
    try {
      return fs.readFileSync(path.resolve(dir, p.data.file), "utf8"); // a file's text is never interpolated
    } catch (e) {
      src.fail([...at, "file"], `cannot read ${p.data.file}: ${fsReason(e)} (paths are relative to the manifest)`);
      return INVALID;
    }
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveForms(src, x, [...at, k], dir, edges)]));
}

/** The value check sees: a reference or a secret is not known yet, as at preview. */
function forCheck(v: unknown): unknown {
  if (v instanceof Ref || v instanceof SecretConfig || v instanceof Interpolation || v === INVALID) return UNKNOWN;
  if (Array.isArray(v)) return v.map(forCheck);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, forCheck(x)]));
  return v;
}

/** The resource's own check (zod schema of its table, keyed duplicates, cross-field rules), plus unknown names. */
function checkProperties(src: Source, def: ResourceDef, properties: Record<string, unknown>, at: Path): void {
  const inputs = Object.entries(def.fields).filter(([, s]) => s.kind !== "computed").map(([n]) => n);
  for (const k of Object.keys(properties)) {
    const spec = def.fields[k];
    if (!spec) {
      const near = closest(k, inputs);
      src.fail([...at, k], near ? `unknown property; did you mean ${near}?` : `unknown property; ${manifestType(def)} takes ${inputs.join(", ")}`, "key");
    }
    else if (spec.kind === "computed") src.fail([...at, k], `is an output of ${manifestType(def)}, set by the platform; it cannot be set`, "key");
  }
  const known = Object.fromEntries(Object.entries(properties).filter(([k]) => def.fields[k] && def.fields[k].kind !== "computed"));
  for (const failure of check(def, {}, forCheck(known) as Record<string, unknown>).failures) {
    src.fail([...at, ...parsePath(failure.property)], failure.reason);
  }
}

function checkOptions(src: Source, def: ResourceDef, options: ManifestOptions, at: Path, opts: LoadOptions): void {
  if (typeof options.provider === "string" && !opts.providers?.[options.provider]) {
    src.fail([...at, "provider"], `no provider named ${JSON.stringify(options.provider)} was passed to manifest.load (pass { providers: { ${JSON.stringify(options.provider)}: provider } })`);
  }
  if (Array.isArray(options.ignoreChanges)) {
    options.ignoreChanges.forEach((p, i) => {
      if (typeof p !== "string") return;
      const top = String(parsePath(p)[0] ?? "");
      const spec = def.fields[top];
      if (!spec || spec.kind === "computed") src.fail([...at, "ignoreChanges", i], `${manifestType(def)} has no input property ${JSON.stringify(top)}`);
    });
  }
}

/** Dependencies first (manifest order otherwise); every cycle is reported once, at the reference that closes it. */
function order(src: Source, entries: Entry[], edges: Map<string, Edge[]>): Entry[] {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const out: Entry[] = [];
  const reported = new Set<string>();
  const visit = (name: string) => {
    state.set(name, "visiting");
    stack.push(name);
    for (const e of edges.get(name) ?? []) {
      if (!edges.has(e.to) || e.to === name) continue; // unknown names and self-references are reported already
      if (state.get(e.to) === "visiting") {
        if (reported.has(`${name}>${e.to}`)) continue; // one report per pair, however many references
        reported.add(`${name}>${e.to}`);
        const cycle = [...stack.slice(stack.indexOf(e.to)), e.to];
        src.fail(e.at, `references form a cycle: ${cycle.join(" -> ")}`);
      } else if (!state.has(e.to)) visit(e.to);
    }
    stack.pop();
    state.set(name, "done");
    const entry = byName.get(name);
    if (entry) out.push(entry);
  };
  for (const name of edges.keys()) if (!state.has(name)) visit(name);
  return out;
}

/** A file's problems, without declaring anything (for linting a manifest in CI or an editor task). */
export function validate(file: string, opts: LoadOptions = {}): ManifestIssue[] {
  return parse(file, opts).src.issues;
}

function parse(file: string, opts: LoadOptions): { src: Source; entries: Entry[] } {
  const abs = path.resolve(opts.cwd ?? process.cwd(), file);
  let text: string;
  try {
    text = fs.readFileSync(abs, "utf8");
  } catch (e) {
    const src = new Source(file, "");
    src.issues.push({ file, line: 1, column: 1, path: "", reason: `cannot read the manifest: ${fsReason(e)}` });
    return { src, entries: [] };
  }
  const src = new Source(file, text);
  const entries = analyse(src, path.dirname(abs), opts);
  src.issues.sort((a, b) => a.line - b.line || a.column - b.column);
  return { src, entries };
}

const madeClasses = new Map<ResourceDef, new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource>();

/** The class a program would use for this table: the one the package exports, so there is one class per token. */
function classOf(def: ResourceDef) {
  // Required here, not at the top: the package index exports this module too.
  const pkg = require("../index") as Record<string, unknown>;
  for (const ns of Object.values(pkg)) {
    if (!ns || typeof ns !== "object") continue;
    for (const c of Object.values(ns)) if (typeof c === "function" && (c as { definition?: unknown }).definition === def) return c as NonNullable<ReturnType<typeof madeClasses.get>>;
  }
  // A registered table without a public class yet: made once and kept.
  let c = madeClasses.get(def);
  if (!c) madeClasses.set(def, (c = resourceClass(def) as unknown as NonNullable<ReturnType<typeof madeClasses.get>>));
  return c;
}

function materialize(v: unknown, declared: Record<string, ManifestResource>): unknown {
  if (v instanceof Ref) return declared[v.target][v.output];
  if (v instanceof SecretConfig) return new pulumi.Config(v.namespace).requireSecret(v.key);
  if (v instanceof Interpolation) return pulumi.all(v.parts.map((p) => materialize(p, declared))).apply((xs) => xs.map(String).join(""));
  if (Array.isArray(v)) return v.map((x) => materialize(x, declared));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, materialize(x, declared)]));
  return v;
}

/**
 * Declares every resource of the manifest at `file` and returns them by their manifest names.
 * Throws a `ManifestError` (listing every problem) before declaring anything when the file is wrong.
 */
export function load(file: string, opts: LoadOptions = {}): Record<string, ManifestResource> {
  const { src, entries } = parse(file, opts);
  if (src.issues.length) throw new ManifestError(src.issues);
  const declared: Record<string, ManifestResource> = {};
  for (const e of entries) {
    const o: pulumi.CustomResourceOptions = { ...opts.defaults };
    const set = <K extends keyof pulumi.CustomResourceOptions>(k: K, v: pulumi.CustomResourceOptions[K] | undefined) => {
      if (v !== undefined) o[k] = v;
    };
    set("protect", e.options.protect);
    set("ignoreChanges", e.options.ignoreChanges);
    set("deleteBeforeReplace", e.options.deleteBeforeReplace);
    set("retainOnDelete", e.options.retainOnDelete);
    set("import", e.options.import);
    set("provider", e.options.provider !== undefined ? opts.providers![e.options.provider] : undefined);
    set("dependsOn", e.options.dependsOn?.map((n) => declared[n]));
    const Class = classOf(e.def);
    declared[e.name] = new Class(e.name, materialize(e.properties, declared), o) as ManifestResource;
  }
  return declared;
}
