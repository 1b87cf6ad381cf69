/**
 * From a live object to the inputs of the resource that adopts it. The values are what the
 * resource's own `read(id, {})` answers on an import (the engine calls exactly that), so the program
 * matches the live object by construction: same field table, same read normalisation.
 *
 * Rules, all derived from the field table:
 * - every input the live object has a value for is set, in the program's shape (keyed items without
 *   their server ids; fields that do not apply in the object's mode are left out, as check requires);
 * - provider settings and create-only fields are left out (an import cannot know them, and setting a
 *   create-only field would replace the object);
 * - write-only values become secret stack config: credential `data`, cookie `value`, proxy `password`,
 *   Letta `secrets` (by key);
 * - `text` fields (prompts, instructions) go to `prompts/<resource>.<field>.md`.
 */
import { check } from "../core/check";
import { inputFields, type FieldSpec, type ResourceDef } from "../core/fields";
import { isObject } from "../core/values";
import { configKey } from "./names";

type Props = Record<string, unknown>;

/** A write-only value: read from secret stack config in the program. */
export class SecretRef {
  constructor(
    /** The stack config key (in the project's namespace). */
    readonly key: string,
    /** What it is, for the person setting it: `credential GITHUB_TOKEN`. */
    readonly what: string,
  ) {}
}

/** A long text kept in a file of the program folder. */
export class FileRef {
  constructor(
    /** Relative to the program folder: `prompts/support.systemPrompt.md`. */
    readonly path: string,
    readonly text: string,
  ) {}
}

/** A write-only member to fill in, before the resource name (and so the config key) is known. */
class Pending {
  constructor(readonly what: string[], readonly label: string) {}
}

export interface Adopted {
  token: string;
  def: ResourceDef;
  id: string;
  /** The object's name on the platform. */
  objectName: string;
  /** The resource's inputs; SecretRef and FileRef where the program reads config or a file. */
  inputs: Props;
  /** An archived Everruns agent: declared without `import`, so `pulumi up` restores it. */
  restore: boolean;
  /** Live values the provider's check refuses: the import will fail until they are changed. */
  warnings: string[];
}

/** An adopted object with its place in the program. */
export interface Planned extends Adopted {
  /** The Pulumi resource name (also the manifest entry name). */
  name: string;
  /** The TypeScript variable holding it. */
  ident: string;
  secrets: SecretRef[];
  files: FileRef[];
}

/**
 * The inputs for a live object, from the outputs its resource's `read` produced. `secretKeys` names
 * the entries of a write-only map (Letta secrets), which no read returns.
 */
export function liveInputs(def: ResourceDef, props: Props, secretKeys: string[] = []): Props {
  const out: Props = {};
  for (const [name, spec] of inputFields(def)) {
    if (spec.providerOnly || spec.createOnly) continue;
    if (spec.secret) {
      if (spec.kind === "map" && secretKeys.length) out[name] = Object.fromEntries(secretKeys.map((k) => [k, new Pending([name, k], `${name} ${k}`)]));
      continue;
    }
    const v = props[name];
    if (v === undefined || v === null) continue;
    if (spec.appliesWhen && !spec.appliesWhen(props)) continue;
    out[name] = programShape(name, spec, v);
  }
  return out;
}

/** The member names of an object schema, or of the items of a list schema, in declaration order. */
function memberOrder(schema: unknown): string[] {
  const s = schema as { shape?: Record<string, unknown>; element?: { shape?: Record<string, unknown> } } | undefined;
  return Object.keys(s?.shape ?? s?.element?.shape ?? {});
}

/** An object's members in the order its schema declares them (the order people read in the docs); `type` first otherwise. */
function ordered(x: Props, order: string[]): Props {
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : k === "type" ? -1 : order.length);
  return Object.fromEntries(Object.keys(x).map((k, i) => [k, i] as const).sort(([a, i], [b, j]) => rank(a) - rank(b) || i - j).map(([k]) => [k, x[k]]));
}

/** Keyed items without their server-set members; write-only members to fill from config. */
function programShape(name: string, spec: FieldSpec, v: unknown): unknown {
  const members = spec.secretMembers ?? [];
  const order = memberOrder(spec.schema);
  if (spec.kind === "keyed" && Array.isArray(v)) {
    const k = spec.keyed!;
    return v.map((item) => {
      if (!isObject(item)) return item;
      const x: Props = {};
      for (const [m, mv] of Object.entries(item)) if (!k.itemComputed.includes(m) && !members.includes(m)) x[m] = mv;
      // One write-only member per item (credential data, cookie value): the item's key names it.
      for (const m of members) x[m] = new Pending(members.length === 1 ? [name, k.key(item)] : [name, k.key(item), m], `${name} ${k.key(item)}`);
      return ordered(x, order);
    });
  }
  if (members.length && isObject(v)) {
    const x: Props = { ...v };
    for (const m of members) x[m] = new Pending([name, m], `${name}.${m}`);
    return ordered(x, order);
  }
  if (Array.isArray(v)) return v.map((item) => (isObject(item) ? ordered(item, order) : item));
  return v;
}

/** Replaces the pending write-only members with config references, and text fields with files. */
export function placeholders(def: ResourceDef, resource: string, inputs: Props, keys: Set<string>): Props {
  const walk = (v: unknown): unknown => {
    if (v instanceof Pending) return new SecretRef(configKey(resource, v.what, keys), v.label);
    if (Array.isArray(v)) return v.map(walk);
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const out: Props = {};
  for (const [name, v] of Object.entries(inputs)) {
    const spec = def.fields[name];
    out[name] = spec?.kind === "text" && typeof v === "string" && v !== "" ? new FileRef(`prompts/${resource}.${name}.md`, v) : walk(v);
  }
  return out;
}

/**
 * What the provider's check says about the live values (with stand-ins for write-only ones): a live
 * value the provider refuses (made in a console with other limits) would fail the import.
 */
export function precheck(def: ResourceDef, inputs: Props): string[] {
  const plain = (v: unknown): unknown =>
    v instanceof Pending || v instanceof SecretRef ? "stand-in" : Array.isArray(v) ? v.map(plain) : isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v;
  return check(def, {}, plain(inputs) as Props).failures.map((f) => `${f.property}: ${f.reason}`);
}

/** Every SecretRef in a value, in order. */
export function secretsIn(v: unknown): SecretRef[] {
  if (v instanceof SecretRef) return [v];
  if (Array.isArray(v)) return v.flatMap(secretsIn);
  if (isObject(v)) return Object.values(v).flatMap(secretsIn);
  return [];
}

/** Every FileRef in a value, in order. */
export function filesIn(v: unknown): FileRef[] {
  if (v instanceof FileRef) return [v];
  if (Array.isArray(v)) return v.flatMap(filesIn);
  if (isObject(v)) return Object.values(v).flatMap(filesIn);
  return [];
}
