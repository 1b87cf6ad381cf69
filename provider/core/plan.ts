/**
 * diff and patch planning, derived from the field table alone.
 *
 * `olds` are the outputs kept in state (server values in input shape, plus the last applied
 * write-only values); `news` are the checked program inputs. The omitted-field rule:
 * a field the program never set is left alone; a field it set before and now removes is
 * cleared the way its `onRemove` policy says.
 */
import { inputFields, wireName, type FieldSpec, type ResourceDef, type Wire } from "./fields";
import { canonical, containsUnknown, deepEqual, isObject } from "./values";

type Props = Record<string, unknown>;

/** Fields the program set at the last apply; undefined for an imported resource never applied since. */
export const managedOf = (olds: Props): string[] | undefined =>
  Array.isArray(olds.__managed) ? (olds.__managed as string[]) : undefined;

const stripTrailingNewline = (s: unknown) => (typeof s === "string" ? s.replace(/\r?\n$/, "") : s);

function withoutMembers(v: unknown, members: string[]): unknown {
  if (!isObject(v)) return v;
  const out: Props = {};
  for (const [k, x] of Object.entries(v)) if (!members.includes(k)) out[k] = x;
  return out;
}

/** The canonical form of a field value, used only to compare. */
export function norm(spec: FieldSpec, v: unknown): unknown {
  if (v === undefined || v === null) return spec.normalize ? spec.normalize(v) : v;
  let x = spec.normalize ? spec.normalize(v) : v;
  if (spec.kind === "text") x = stripTrailingNewline(x);
  if (spec.kind === "set" && Array.isArray(x)) x = [...new Set(x.map(canonical))].sort();
  if (spec.kind === "keyed" && Array.isArray(x)) {
    const k = spec.keyed!;
    x = x
      .filter(isObject)
      .map((item) => [k.key(item), canonical(withoutMembers(item, k.itemComputed))] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, c]) => c);
  }
  return x;
}

/**
 * Fills write-only members that the current value lacks with the desired ones: an imported
 * resource has no last-applied secret, and import cannot recover it, so it is not a change.
 */
function fillMissingSecrets(spec: FieldSpec, desired: unknown, current: unknown): unknown {
  const members = spec.secretMembers ?? [];
  const fill = (d: unknown, c: unknown) => {
    if (!isObject(d) || !isObject(c)) return c;
    const out = { ...c };
    for (const m of members) if (out[m] === undefined) out[m] = d[m];
    return out;
  };
  if (spec.kind === "keyed" && Array.isArray(desired) && Array.isArray(current)) {
    const byKey = new Map(desired.filter(isObject).map((d) => [spec.keyed!.key(d), d]));
    return current.map((c) => (isObject(c) ? fill(byKey.get(spec.keyed!.key(c)), c) : c));
  }
  return fill(desired, current);
}

/** The members of `current` that `desired` sets, recursively through nested objects (`partial` fields). */
export function projectOnto(desired: unknown, current: unknown): unknown {
  if (!isObject(desired) || !isObject(current)) return current;
  const out: Props = {};
  for (const k of Object.keys(desired)) out[k] = projectOnto(desired[k], current[k]);
  return out;
}

export function fieldEqual(spec: FieldSpec, desired: unknown, current: unknown, imported: boolean): boolean {
  if (imported && spec.secret && current === undefined) return true;
  if (imported && spec.secretMembers) current = fillMissingSecrets(spec, desired, current);
  const d = norm(spec, desired);
  return deepEqual(d, spec.partial ? projectOnto(d, norm(spec, current)) : norm(spec, current));
}

export type FieldChange = { name: string; action: "set" | "clear"; replace: boolean };

/** Every field whose desired value differs from state, and how. */
export function changedFields(def: ResourceDef, olds: Props, news: Props): FieldChange[] {
  const managed = managedOf(olds);
  const imported = managed === undefined;
  const out: FieldChange[] = [];
  for (const [name, spec] of inputFields(def)) {
    if (spec.appliesWhen && !spec.appliesWhen(news)) continue;
    const desired = news[name];
    const current = olds[name];
    if (desired === undefined) {
      if (!managed?.includes(name) || !spec.onRemove) continue;
      const p = spec.onRemove;
      if ("send" in p && !deepEqual(norm(spec, p.send), norm(spec, current))) out.push({ name, action: "clear", replace: false });
      if ("replace" in p && current !== undefined && current !== null && current !== "") out.push({ name, action: "clear", replace: true });
      continue;
    }
    const replace = !!(spec.forceNew || spec.createOnly);
    if (containsUnknown(desired) || !fieldEqual(spec, desired, current, imported)) out.push({ name, action: "set", replace });
  }
  return out;
}

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  stables: string[];
}

export function diff(def: ResourceDef, olds: Props, news: Props): DiffResult {
  const changed = changedFields(def, olds, news);
  const replaces = changed.filter((c) => c.replace).map((c) => c.name);
  const u = def.uniqueName;
  // A replacement that keeps a unique name would collide with itself: delete the old one first.
  const deleteBeforeReplace =
    replaces.length > 0 && !!u && (containsUnknown(news[u]) || deepEqual(news[u], olds[u]));
  const changedNames = new Set(changed.map((c) => c.name));
  const stables = Object.keys(def.fields).filter((n) =>
    def.fields[n].kind === "computed" ? replaces.length === 0 : !changedNames.has(n),
  );
  return { changes: changed.length > 0, replaces, deleteBeforeReplace, stables };
}

const toWire = (spec: FieldSpec, v: unknown) => (spec.toWire ? spec.toWire(v) : v);

/** The create request body: every field the program set. */
export function planCreate(def: ResourceDef, news: Props): Wire {
  const body: Wire = {};
  for (const [name, spec] of inputFields(def)) {
    const v = news[name];
    if (v === undefined || spec.providerOnly) continue;
    if (spec.appliesWhen && !spec.appliesWhen(news)) continue;
    body[wireName(name, spec)] = toWire(spec, v);
  }
  return body;
}

/** Keyed reconciliation: desired items against the items in state (which carry server ids). */
function keyedDeltas(spec: FieldSpec, desired: unknown[], current: unknown[], imported: boolean): Wire {
  const k = spec.keyed!;
  const cur = new Map(current.filter(isObject).map((c) => [k.key(c), c]));
  const add: unknown[] = [];
  const remove: unknown[] = [];
  const update: unknown[] = [];
  const itemSpec: FieldSpec = { ...spec, kind: "object", normalize: undefined };
  const strip = (x: unknown) => withoutMembers(x, k.itemComputed);
  for (const d of desired.filter(isObject)) {
    const c = cur.get(k.key(d));
    cur.delete(k.key(d));
    const dn = spec.normalize ? (spec.normalize([d]) as unknown[])[0] : d;
    const cn = c && spec.normalize ? (spec.normalize([c]) as unknown[])[0] : c;
    if (!c) add.push(toWireItem(spec, d));
    else if (!fieldEqual(itemSpec, strip(dn), strip(cn), imported)) {
      if (k.update) update.push(k.toUpdate ? k.toUpdate(d) : toWireItem(spec, d));
      else {
        remove.push(c[k.idField]);
        add.push(toWireItem(spec, d));
      }
    }
  }
  for (const c of cur.values()) remove.push(c[k.idField]);
  const body: Wire = {};
  if (add.length) body[k.add] = add;
  if (remove.length) body[k.remove] = remove;
  if (update.length && k.update) body[k.update] = update;
  return body;
}

const toWireItem = (spec: FieldSpec, item: unknown) => (spec.toWire ? (spec.toWire([item]) as unknown[])[0] : item);

/** The PATCH body: exactly the changed fields (and their declared companions), nothing else. */
export function planUpdate(def: ResourceDef, olds: Props, news: Props): Wire {
  const imported = managedOf(olds) === undefined;
  const body: Wire = {};
  const sent = new Set<string>();
  for (const c of changedFields(def, olds, news)) {
    const spec = def.fields[c.name];
    if (spec.providerOnly || c.replace) continue;
    sent.add(c.name);
    if (c.action === "clear") {
      const p = spec.onRemove!;
      if (spec.kind === "keyed") Object.assign(body, keyedDeltas(spec, [], (olds[c.name] as unknown[]) ?? [], imported));
      else if ("send" in p) body[wireName(c.name, spec)] = p.send;
      continue;
    }
    if (spec.kind === "keyed") {
      Object.assign(body, keyedDeltas(spec, news[c.name] as unknown[], (olds[c.name] as unknown[]) ?? [], imported));
    } else body[wireName(c.name, spec)] = toWire(spec, news[c.name]);
  }
  for (const name of [...sent]) {
    for (const sib of def.fields[name].sendWith ?? []) {
      const s = def.fields[sib];
      if (!sent.has(sib) && news[sib] !== undefined) body[wireName(sib, s)] = toWire(s, news[sib]);
    }
  }
  return body;
}
