/**
 * check: validates the program's inputs against the field table before any HTTP call.
 * It returns one failure per bad property, named by the path the user wrote
 * (`credentials[2].name`); it never throws. Unknown values (preview) pass and count as changed.
 * A property the table does not know fails at any depth, with the closest accepted name
 * (`selectionStrategey: unknown property; did you mean selectionStrategy?`): a JavaScript program
 * passes anything, and a typo must not be silently ignored.
 */
import { z } from "zod";
import { closest } from "./names";
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

export { closest } from "./names";

/** "; did you mean x?" for the first unknown name that is close to an accepted one. */
function suggest(names: readonly string[], accepted: readonly string[] | undefined): string {
  if (!accepted?.length) return "";
  for (const k of names) {
    const c = closest(k, accepted);
    if (c) return `; did you mean ${c}?`;
  }
  return "";
}

/**
 * The property names accepted where `path` points inside `schema` (an object in a list, a member
 * object, one alternative of a discriminated union chosen by the value's discriminator).
 */
export function acceptedKeysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>, value: unknown): string[] | undefined {
  let cur: z.ZodType | undefined = schema;
  let v = value;
  let i = 0;
  for (let guard = 0; cur && guard < 100; guard++) {
    const def: Record<string, any> = (cur as unknown as { _zod: { def: Record<string, any> } })._zod.def;
    switch (def.type) {
      case "optional":
      case "nullable":
      case "default":
      case "prefault":
      case "readonly":
      case "catch":
      case "nonoptional":
        cur = def.innerType;
        continue;
      case "pipe":
        cur = (def.in as { _zod: { def: { type: string } } })._zod.def.type === "transform" ? def.out : def.in;
        continue;
      case "union": {
        const options = def.options as z.ZodType[];
        const disc = def.discriminator as string | undefined;
        const tag = disc && isObject(v) ? v[disc] : undefined;
        const chosen = tag === undefined ? undefined : options.find((o) => acceptedLiteral(o, disc!) === tag);
        if (chosen) {
          cur = chosen;
          continue;
        }
        if (i < path.length) return undefined;
        const keys = options.flatMap((o) => acceptedKeysAt(o, [], v) ?? []);
        return keys.length ? [...new Set(keys)] : undefined;
      }
      case "object":
        if (i === path.length) return Object.keys(def.shape);
        cur = def.shape[String(path[i])];
        v = isObject(v) ? v[String(path[i])] : undefined;
        i++;
        continue;
      case "array":
        if (i === path.length) return undefined;
        cur = def.element;
        v = Array.isArray(v) ? v[Number(path[i])] : undefined;
        i++;
        continue;
      case "record":
        if (i === path.length) return undefined;
        cur = def.valueType;
        v = isObject(v) ? v[String(path[i])] : undefined;
        i++;
        continue;
      default:
        return undefined;
    }
  }
  return undefined;
}

/** The literal value of member `key` of an object schema (a discriminated union's tag), if it has one. */
function acceptedLiteral(option: z.ZodType, key: string): unknown {
  const def = (option as unknown as { _zod: { def: Record<string, any> } })._zod.def;
  const member = def.type === "object" ? def.shape[key] : undefined;
  const values = member?._zod?.def?.values as unknown[] | undefined;
  return values?.length === 1 ? values[0] : undefined;
}

/**
 * Turns a zod issue into a sentence a person understands. Input values are shown only when not secret,
 * and only a prefix. `accepted` names the properties allowed where an unknown one was found.
 */
export function reason(issue: z.core.$ZodIssue, showInput: boolean, accepted?: readonly string[]): string {
  const got = showInput && "input" in issue && issue.input !== undefined ? ` (got ${quote(issue.input)})` : "";
  switch (issue.code) {
    case "invalid_type":
      if (!("input" in issue) || issue.input === undefined) return "is required";
      if (issue.expected === "int") return `must be a whole number${got}`;
      if (typeof issue.input === "number" && !Number.isFinite(issue.input)) return `must be a finite number, not ${issue.input}`;
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
    {
      // An enum value a letter or two off: name the one it most likely meant.
      const near = typeof issue.input === "string" ? closest(issue.input, issue.values.filter((v): v is string => typeof v === "string")) : undefined;
      return `must be one of ${issue.values.map((v) => quote(v)).join(", ")}${got}${near ? `; did you mean ${JSON.stringify(near)}?` : ""}`;
    }
    case "invalid_format":
      return issue.format === "regex" ? `${issue.message}${got}` : `must be a valid ${issue.format === "guid" ? "UUID" : issue.format}${got}`;
    case "unrecognized_keys":
      return `unknown ${issue.keys.length === 1 ? "property" : "properties"} ${issue.keys.map((k) => ([...k].length > QUOTE_CHARS ? quote(k) : k)).join(", ")}${suggest(issue.keys, accepted)}`;
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

/** Why a top-level name is refused: an output the platform sets, or a name the table does not know. */
function unknownTopLevel(def: ResourceDef, key: string): string {
  const type = `${def.platform}.${def.type}`;
  if (def.fields[key]?.kind === "computed") return `is an output of ${type}, set by the platform; it cannot be set`;
  const inputs = inputFields(def).map(([n]) => n);
  const near = closest(key, inputs);
  return near ? `unknown property; did you mean ${near}?` : `unknown property; ${type} takes ${inputs.join(", ")}`;
}

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
  for (const [k, v] of Object.entries(news)) {
    if (k.startsWith("__") || v === undefined) continue;
    const spec = def.fields[k];
    if (spec && spec.kind !== "computed") input[k] = v;
    else fail(k, unknownTopLevel(def, k));
  }
  const parsed = schema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // An input that is not known yet is checked when it is.
      if (issue.path.some((_, i) => containsUnknown(valueAt(input, issue.path.slice(0, i + 1))))) continue;
      const top = String(issue.path[0] ?? "");
      const spec = def.fields[top];
      const secret = spec ? spec.secret || (spec.secretMembers ?? []).some((m) => issue.path.includes(m)) : false;
      const accepted = issue.code === "unrecognized_keys" ? acceptedKeysAt(schema, issue.path, input) : undefined;
      fail(formatPath(issue.path), reason(issue, !secret, accepted));
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
