/**
 * check: validates the program's inputs against the field table before any HTTP call.
 * It returns one failure per bad property, named by the path the user wrote
 * (`credentials[2].name`); it never throws. Unknown values (preview) pass and count as changed.
 */
import { z } from "zod";
import { inputFields, type ResourceDef } from "./fields";
import { containsUnknown, isObject } from "./values";

export interface CheckFailure {
  property: string;
  reason: string;
}

/** `["credentials", 2, "name"]` -> `credentials[2].name` */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

function valueAt(v: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur = v;
  for (const p of path) {
    if (Array.isArray(cur) && typeof p === "number") cur = cur[p];
    else if (isObject(cur)) cur = cur[String(p)];
    else return undefined;
  }
  return cur;
}

const plural = (n: unknown, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const unitOf = (origin: unknown) => (origin === "array" || origin === "set" ? "item" : origin === "string" ? "character" : "");

/** How much of a bad value a failure quotes: enough to recognise it, never a whole prompt. */
export const QUOTE_CHARS = 60;

/** A short quotation of a value: its JSON, cut to a prefix of QUOTE_CHARS characters. */
export function quote(v: unknown): string {
  const json = JSON.stringify(v) ?? String(v);
  const cps = [...json];
  return cps.length <= QUOTE_CHARS ? json : `${cps.slice(0, QUOTE_CHARS).join("")}… (${cps.length} characters)`;
}

/** Turns a zod issue into a sentence a person understands. Input values are shown only when not secret, and only a prefix. */
export function reason(issue: z.core.$ZodIssue, showInput: boolean): string {
  const got = showInput && "input" in issue && issue.input !== undefined ? ` (got ${quote(issue.input)})` : "";
  switch (issue.code) {
    case "invalid_type":
      if (!("input" in issue) || issue.input === undefined) return "is required";
      if (issue.expected === "int") return `must be a whole number${got}`;
      return `must be ${issue.expected === "array" ? "a list" : issue.expected === "object" ? "an object" : `a ${issue.expected}`}, not ${Array.isArray(issue.input) ? "a list" : issue.input === null ? "null" : typeof issue.input}`;
    case "too_small": {
      const unit = unitOf(issue.origin);
      if (!unit) return `must be at least ${issue.minimum}${got}`;
      if (Number(issue.minimum) === 1) return unit === "character" ? "must not be empty" : "must have at least 1 item";
      return `must have at least ${plural(issue.minimum, unit)}`;
    }
    case "too_big": {
      const unit = unitOf(issue.origin);
      if (!unit) return `must be at most ${issue.maximum}${got}`;
      // "got N" in the unit of the limit: items for a list, characters (code points) for a string.
      const n = "input" in issue ? (typeof issue.input === "string" ? [...issue.input].length : Array.isArray(issue.input) ? issue.input.length : undefined) : undefined;
      const len = n === undefined ? "" : ` (got ${n})`;
      return `must have at most ${plural(issue.maximum, unit)}${len}`;
    }
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => quote(v)).join(", ")}${got}`;
    case "invalid_format":
      return issue.format === "regex" ? `${issue.message}${got}` : `must be a valid ${issue.format === "guid" ? "UUID" : issue.format}${got}`;
    case "unrecognized_keys":
      return `unknown ${issue.keys.length === 1 ? "property" : "properties"} ${issue.keys.map((k) => ([...k].length > QUOTE_CHARS ? quote(k) : k)).join(", ")}`;
    default:
      return issue.message;
  }
}

/** The zod object schema of a resource's inputs, derived from its table. */
export function inputSchema(def: ResourceDef): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of inputFields(def)) shape[name] = spec.required ? spec.schema! : spec.schema!.optional();
  return z.object(shape);
}

const schemaCache = new WeakMap<ResourceDef, z.ZodObject>();

export function check(
  def: ResourceDef,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  let schema = schemaCache.get(def);
  if (!schema) schemaCache.set(def, (schema = inputSchema(def)));
  const failures: CheckFailure[] = [];
  const seen = new Set<string>();
  const fail = (property: string, why: string) => {
    if (seen.has(property)) return; // one failure per property
    seen.add(property);
    failures.push({ property, reason: why });
  };

  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(news)) if (!k.startsWith("__")) input[k] = v;
  const parsed = schema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // An input that is not known yet is checked when it is.
      if (issue.path.some((_, i) => containsUnknown(valueAt(input, issue.path.slice(0, i + 1))))) continue;
      const top = String(issue.path[0] ?? "");
      const spec = def.fields[top];
      const secret = spec ? spec.secret || (spec.secretMembers ?? []).some((m) => issue.path.includes(m)) : false;
      fail(formatPath(issue.path), reason(issue, !secret));
    }
  }
  for (const [name, spec] of inputFields(def)) {
    if (spec.onRemove && "reject" in spec.onRemove && olds[name] !== undefined && input[name] === undefined) {
      fail(name, spec.onRemove.reject);
    }
    if (spec.kind === "keyed" && Array.isArray(input[name])) {
      const keys = new Map<string, number>();
      (input[name] as unknown[]).forEach((item, i) => {
        if (!isObject(item) || containsUnknown(item)) return;
        const key = spec.keyed!.key(item);
        const first = keys.get(key);
        const at = spec.keyed!.keyPath ? `.${spec.keyed!.keyPath}` : "";
        if (first !== undefined) fail(`${name}[${i}]${at}`, `duplicates ${name}[${first}]${at}: items are identified by ${spec.keyed!.keyLabel}`);
        else keys.set(key, i);
      });
    }
  }
  // Cross-field rules see only values that are known; they run even when a field failed on its own.
  if (def.rules) {
    const known: Record<string, unknown> = {};
    const unknown = new Set<string>();
    for (const [k, v] of Object.entries(input)) {
      if (!containsUnknown(v)) known[k] = v;
      else unknown.add(k);
    }
    def.rules(known, fail, unknown);
  }
  return { inputs: news, failures };
}
