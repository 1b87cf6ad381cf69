/**
 * Write-only values (credential data, cookie values, proxy passwords, Letta secrets): where they are
 * in a set of inputs, which of them a program changed since its last run, and which a request sent.
 *
 * Each value is addressed by a path that holds no secret:
 * - a write-only field: `secrets`;
 * - a write-only member of an object field: `customProxy.password`;
 * - a write-only member of a keyed item, by the item's identity: `credentials[GITHUB_TOKEN].data`.
 *
 * The rule (README "Write-only values"): a write-only value is compared with the last value this
 * provider sent, kept encrypted in state. One the provider never sent (after an import) is compared
 * with the program's value at its previous run, which `check` sees as the recorded inputs: unchanged
 * means the platform keeps what it has; changed means it is sent. State records a write-only value
 * only when a request carried it.
 */
import { holdsSecret, inputFields, type FieldSpec, type ResourceDef } from "./fields";
import { canonical, isObject } from "./values";

type Props = Record<string, unknown>;

/** The input key under which check hands diff the write-only paths the program changed (names only). */
export const CHANGED_KEY = "__writeOnlyChanged";
/** Marks the inputs `read` returns for an import: the program's values become the baseline. */
export const IMPORT_KEY = "__import";

export const memberPath = (name: string, member: string) => `${name}.${member}`;
export const itemPath = (name: string, key: string, member: string) => `${name}[${key}].${member}`;

/** Every write-only value in a set of inputs, by path. */
export function writeOnlyEntries(def: ResourceDef, inputs: Props): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [name, spec] of inputFields(def)) {
    const v = inputs[name];
    if (v === undefined || v === null || !holdsSecret(spec)) continue;
    if (spec.secret) out.set(name, v);
    else for (const [path, x] of memberEntries(name, spec, v)) out.set(path, x);
  }
  return out;
}

/** The write-only members of one field's value (an object, keyed items, or list items by index). */
export function memberEntries(name: string, spec: FieldSpec, v: unknown): [string, unknown][] {
  const out: [string, unknown][] = [];
  const members = spec.secretMembers ?? [];
  if (Array.isArray(v)) {
    v.forEach((item, i) => {
      if (!isObject(item)) return;
      const key = spec.keyed ? spec.keyed.key(item) : String(i);
      for (const m of members) if (item[m] !== undefined) out.push([itemPath(name, key, m), item[m]]);
    });
  } else if (isObject(v)) {
    for (const m of members) if (v[m] !== undefined) out.push([memberPath(name, m), v[m]]);
  }
  return out;
}

/**
 * The write-only paths of `news` whose value differs from `olds` (the recorded inputs of the previous
 * run), or that `olds` does not hold. Empty when `olds` are the inputs an import just read.
 */
export function changedWriteOnly(def: ResourceDef, olds: Props, news: Props): string[] {
  if (olds[IMPORT_KEY] === true) return [];
  const before = writeOnlyEntries(def, olds);
  const out: string[] = [];
  for (const [path, v] of writeOnlyEntries(def, news)) {
    if (!before.has(path) || canonical(before.get(path)) !== canonical(v)) out.push(path);
  }
  return out;
}

/** The paths check marked as changed, as diff and update read them from the checked inputs. */
export function changedOf(news: Props): (path: string) => boolean {
  const list = Array.isArray(news[CHANGED_KEY]) ? new Set(news[CHANGED_KEY] as string[]) : new Set<string>();
  return (path) => list.has(path);
}

/** The input key naming the inputs the program marked `pulumi.secret()` (core/resource.ts `secretInputNames`). */
export const MARKED_KEY = "__secretInputs";
/** The inputs (or outputs) the program marked secret, by name. */
export const markedOf = (props: Props): string[] => (Array.isArray(props[MARKED_KEY]) ? (props[MARKED_KEY] as unknown[]).filter((x): x is string => typeof x === "string") : []);

/**
 * Every string that must stay out of warnings, errors and excerpts: the write-only values, and the
 * values of inputs the program marked secret.
 */
export function protectedValues(def: ResourceDef, props: Props): string[] {
  const out = secretValues(def, props);
  const collect = (v: unknown): void => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (isObject(v)) Object.values(v).forEach(collect);
  };
  for (const name of markedOf(props)) collect(props[name]);
  return out;
}

/** Every write-only string in a set of inputs, so errors and excerpts can redact them. */
export function secretValues(def: ResourceDef, inputs: Props): string[] {
  const out: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (isObject(v)) Object.values(v).forEach(collect);
  };
  for (const v of writeOnlyEntries(def, inputs).values()) collect(v);
  return out;
}

/** A copy of `props` without the write-only values at `paths` (values state can no longer vouch for). */
export function withoutWriteOnly(def: ResourceDef, props: Props, paths: ReadonlyArray<string>): Props {
  if (!paths.length) return props;
  const drop = new Set(paths);
  const out: Props = { ...props };
  for (const [name, spec] of inputFields(def)) {
    const v = out[name];
    if (v === undefined || !holdsSecret(spec)) continue;
    if (spec.secret) {
      if (drop.has(name)) delete out[name];
      continue;
    }
    const members = spec.secretMembers ?? [];
    const strip = (x: unknown, path: (m: string) => string) => {
      if (!isObject(x)) return x;
      const y = { ...x };
      for (const m of members) if (drop.has(path(m))) delete y[m];
      return y;
    };
    out[name] = Array.isArray(v)
      ? v.map((item, i) => strip(item, (m) => itemPath(name, isObject(item) && spec.keyed ? spec.keyed.key(item) : String(i), m)))
      : strip(v, (m) => memberPath(name, m));
  }
  return out;
}
