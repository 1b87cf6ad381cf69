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
import { changedOf, itemPath, memberEntries, memberPath } from "./writeonly";

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
 * Fills in the write-only values `current` lacks (ones this provider never sent: after an import)
 * with the desired ones, except where `changed(path)` says the program changed them since its last
 * run: an unsent value the program did not change is what the platform holds, as far as anyone knows.
 */
export function fillUnsent(spec: FieldSpec, name: string, desired: unknown, current: unknown, changed: (path: string) => boolean): unknown {
  if (spec.secret) return current === undefined && desired !== undefined && !changed(name) ? desired : current;
  const members = spec.secretMembers ?? [];
  if (!members.length) return current;
  const fill = (d: unknown, c: unknown, path: (m: string) => string) => {
    if (!isObject(d) || !isObject(c)) return c;
    const out = { ...c };
    for (const m of members) if (out[m] === undefined && d[m] !== undefined && !changed(path(m))) out[m] = d[m];
    return out;
  };
  if (spec.kind === "keyed" && Array.isArray(desired) && Array.isArray(current)) {
    const k = spec.keyed!;
    const byKey = new Map(desired.filter(isObject).map((d) => [k.key(d), d]));
    return current.map((c) => (isObject(c) ? fill(byKey.get(k.key(c)), c, (m) => itemPath(name, k.key(c), m)) : c));
  }
  return fill(desired, current, (m) => memberPath(name, m));
}

/** The members of `current` that `desired` sets, recursively through nested objects (`partial` fields). */
export function projectOnto(desired: unknown, current: unknown): unknown {
  if (!isObject(desired) || !isObject(current)) return current;
  const out: Props = {};
  for (const k of Object.keys(desired)) out[k] = projectOnto(desired[k], current[k]);
  return out;
}

/**
 * Whether state's value of a field already is the desired one. Write-only values state lacks count
 * as equal unless `changed` says the program changed them (see `fillUnsent`).
 */
export function fieldEqual(spec: FieldSpec, desired: unknown, current: unknown, name = "", changed: (path: string) => boolean = () => false): boolean {
  current = fillUnsent(spec, name, desired, current, changed);
  const d = norm(spec, desired);
  return deepEqual(d, spec.partial ? projectOnto(d, norm(spec, current)) : norm(spec, current));
}

export type FieldChange = { name: string; action: "set" | "clear"; replace: boolean };

/** Every field whose desired value differs from state, and how. */
/**
 * Write-only paths to send even where state lacks the last-sent value: those the program changed
 * since its last run (check's marker) and those a request carried that state could not confirm (`__unsent`).
 */
export function writeOnlyChanged(olds: Props, news: Props): (path: string) => boolean {
  const byCheck = changedOf(news);
  const unsent = new Set(Array.isArray(olds.__unsent) ? (olds.__unsent as string[]) : []);
  return (path) => byCheck(path) || unsent.has(path);
}

export function changedFields(def: ResourceDef, olds: Props, news: Props): FieldChange[] {
  const managed = managedOf(olds);
  const changed = writeOnlyChanged(olds, news);
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
    if (containsUnknown(desired) || !fieldEqual(spec, desired, current, name, changed)) out.push({ name, action: "set", replace });
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

/**
 * Keyed reconciliation: desired items against the items in state, which carry the server's id of
 * each item (even when the server spells the item's key differently). `sent` collects the paths of
 * the write-only values the deltas carry.
 */
function keyedDeltas(spec: FieldSpec, name: string, desired: unknown[], current: unknown[], changed: (path: string) => boolean, sent: Set<string>): Wire {
  const k = spec.keyed!;
  const cur = new Map(current.filter(isObject).map((c) => [k.key(c), c]));
  const add: unknown[] = [];
  const remove: unknown[] = [];
  const update: unknown[] = [];
  const itemSpec: FieldSpec = { ...spec, kind: "object", normalize: undefined };
  const strip = (x: unknown) => withoutMembers(x, k.itemComputed);
  const carried = (d: Props) => {
    for (const m of spec.secretMembers ?? []) if (d[m] !== undefined) sent.add(itemPath(name, k.key(d), m));
  };
  for (const d of desired.filter(isObject)) {
    const c = cur.get(k.key(d));
    cur.delete(k.key(d));
    const dn = spec.normalize ? (spec.normalize([d]) as unknown[])[0] : d;
    const cn = c && spec.normalize ? (spec.normalize([c]) as unknown[])[0] : c;
    // The item is compared as an object: its write-only member `name.m` is the item's `name[key].m`.
    const itemChanged = (p: string) => changed(itemPath(name, k.key(d), p.slice(name.length + 1)));
    if (!c) {
      add.push(toWireItem(spec, d));
      carried(d);
    } else if (!fieldEqual(itemSpec, strip(dn), strip(cn), name, itemChanged)) {
      if (k.update) update.push(k.toUpdate ? k.toUpdate(d) : toWireItem(spec, d));
      else {
        remove.push(serverId(spec, c));
        add.push(toWireItem(spec, d));
      }
      carried(d);
    }
  }
  for (const c of cur.values()) remove.push(serverId(spec, c));
  const body: Wire = {};
  if (add.length) body[k.add] = add;
  if (remove.length) body[k.remove] = remove;
  if (update.length && k.update) body[k.update] = update;
  return body;
}

/** The server id of an item in state; an item without one cannot be deleted by id (state predates ids). */
function serverId(spec: FieldSpec, item: Props): unknown {
  const v = item[spec.keyed!.idField];
  if (v === undefined || v === null || v === "") {
    throw new Error(
      `cannot delete ${spec.keyed!.keyLabel} ${JSON.stringify(spec.keyed!.key(item))}: the stack does not hold its server id. ` +
        "Run `pulumi refresh` to read the ids, then `pulumi up` again.",
    );
  }
  return v;
}

const toWireItem = (spec: FieldSpec, item: unknown) => (spec.toWire ? (spec.toWire([item]) as unknown[])[0] : item);

/**
 * The PATCH body: exactly the changed fields (and their declared companions), nothing else.
 * `sent`, when given, collects the paths of the write-only values the body carries.
 */
export function planUpdate(def: ResourceDef, olds: Props, news: Props, sent: Set<string> = new Set()): Wire {
  const changed = writeOnlyChanged(olds, news);
  const body: Wire = {};
  const fields = new Set<string>();
  const send = (name: string, spec: FieldSpec, v: unknown) => {
    body[wireName(name, spec)] = toWire(spec, v);
    for (const path of spec.secret ? [name] : memberEntries(name, spec, v).map(([p]) => p)) sent.add(path);
  };
  for (const c of changedFields(def, olds, news)) {
    const spec = def.fields[c.name];
    if (spec.providerOnly || c.replace) continue;
    fields.add(c.name);
    if (c.action === "clear") {
      const p = spec.onRemove!;
      if (spec.kind === "keyed") Object.assign(body, keyedDeltas(spec, c.name, [], (olds[c.name] as unknown[]) ?? [], changed, sent));
      else if ("send" in p) body[wireName(c.name, spec)] = p.send;
      continue;
    }
    if (spec.kind === "keyed") {
      Object.assign(body, keyedDeltas(spec, c.name, news[c.name] as unknown[], (olds[c.name] as unknown[]) ?? [], changed, sent));
    } else send(c.name, spec, news[c.name]);
  }
  for (const name of [...fields]) {
    for (const sib of def.fields[name].sendWith ?? []) {
      const s = def.fields[sib];
      if (!fields.has(sib) && news[sib] !== undefined) send(sib, s, news[sib]);
    }
  }
  return body;
}
