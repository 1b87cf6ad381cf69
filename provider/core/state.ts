/**
 * Read normalisation: one function turns a response body into outputs, so create, update and
 * read (refresh, import) all return the same shape and a refresh right after an up shows nothing.
 * Also the read-back check: what the server dropped or rewrote is reported and remembered.
 *
 * What state may hold, and nothing more:
 * - server values in input shape (a value the server rewrote when it accepted it is shown as sent,
 *   as long as the server keeps showing what it showed then);
 * - write-only values only in the fields that hold them (secret outputs), and only values a request
 *   carried (see core/writeonly.ts);
 * - `__managed` (input names), `__rewrites` (per field, a fingerprint of the server's rendering,
 *   computed without write-only members), `__pending` (an unconfirmed create: ids and a token).
 */
import { createHash } from "node:crypto";
import { inputFields, type FieldSpec, type ResourceDef, type Wire } from "./fields";
import { fieldEqual, managedOf, norm, projectOnto } from "./plan";
import { redact } from "../http/errors";
import { canonical, clean, deepEqual, isObject } from "./values";
import { itemPath, memberPath, writeOnlyEntries } from "./writeonly";

type Props = Record<string, unknown>;
/** Per field: the fingerprint of the value the server showed when it accepted a rewrite of what was sent. */
export type Rewrites = Record<string, string>;

export function serverValue(name: string, spec: FieldSpec, body: Wire): unknown {
  const raw = typeof spec.read === "function" ? spec.read(body) : body[spec.read ?? spec.wire ?? name];
  return spec.fromWire ? spec.fromWire(raw, body) : raw;
}

const without = (item: Props, members: string[]): Props =>
  Object.fromEntries(Object.entries(item).filter(([m]) => !members.includes(m)));

/** A value with its write-only members removed (so it can be compared, fingerprinted or shown). */
export function withoutWriteOnly(spec: FieldSpec, v: unknown): unknown {
  const members = spec.secretMembers ?? [];
  if (spec.secret) return undefined;
  if (!members.length) return v;
  if (Array.isArray(v)) return v.map((x) => (isObject(x) ? without(x, members) : x));
  return isObject(v) ? without(v, members) : v;
}

/** A short, non-reversible fingerprint of a field's value as the server shows it, write-only members excluded. */
export function fingerprint(spec: FieldSpec, v: unknown): string {
  return createHash("sha256").update(canonical(norm(spec, withoutWriteOnly(spec, v)) ?? null)).digest("hex").slice(0, 16);
}

/** Rewrites as state holds them; entries of older versions (which held values) are dropped. */
export function rewritesOf(props: Props | undefined): Rewrites {
  const r = props?.__rewrites;
  if (!isObject(r)) return {};
  return Object.fromEntries(Object.entries(r).filter((e): e is [string, string] => typeof e[1] === "string"));
}

export interface StateOptions {
  /** The inputs just applied (create, update). */
  applied?: Props;
  /** The outputs in state before (read, update): write-only values not sent now come from here. */
  prev?: Props;
  managed?: string[];
  rewrites?: Rewrites;
  /**
   * Paths of the write-only values the request carried (core/writeonly.ts); only these come from
   * `applied`. Default: every write-only value in `applied` (a create sends them all).
   */
  sent?: ReadonlySet<string>;
}

interface Pairing {
  name: string;
  /** Items in the program's spelling: the applied ones, or state's on a read. */
  source: Props[];
  /** State's items before (they carry server ids and last-sent write-only values). */
  prev: Props[];
  sent: ReadonlySet<string>;
  /** The server's rendering of the whole field was accepted when it was written: keep the program's spelling. */
  accepted: boolean;
}

/**
 * Keyed items: each server item is paired with the item it stands for, by server id (state's items
 * carry it), then by key, then (only when exactly one of each is left that fits) by the item's other
 * members; so a server that rewrites an item's key still has its item matched, and state keeps the
 * server's id for it. A paired item keeps the program's spelling when the server's rendering is
 * equivalent (the field's `normalize`) or was accepted at the last write; otherwise the server's
 * values show (drift). Items come in the program's order, server-only ones last.
 */
function mergeKeyed(spec: FieldSpec, server: unknown, p: Pairing): unknown {
  if (!Array.isArray(server)) return server;
  const k = spec.keyed!;
  const members = spec.secretMembers ?? [];
  const idOf = (x: Props | undefined) => (x && x[k.idField] !== undefined && x[k.idField] !== null ? String(x[k.idField]) : undefined);
  const prevByKey = new Map(p.prev.map((x) => [k.key(x), x]));
  const prevById = new Map(p.prev.filter((x) => idOf(x)).map((x) => [idOf(x)!, x]));
  const items = server.filter(isObject);
  const { src, pair } = pairItems(spec, p.source, p.prev, items);
  const same = (a: Props, b: Props) => deepEqual(norm(spec, withoutWriteOnly(spec, [a])), norm(spec, withoutWriteOnly(spec, [b])));
  const out = items.map((x, i) => {
    const j = pair.get(i);
    const s = j === undefined ? undefined : src[j].s;
    let item: Props;
    if (s && (p.accepted || same(s, x))) {
      item = {};
      for (const [m, v] of Object.entries(s)) if (!k.itemComputed.includes(m) && !members.includes(m)) item[m] = v;
      for (const m of k.itemComputed) if (x[m] !== undefined) item[m] = x[m];
    } else item = without(x, members); // never keep what the server echoes for a write-only member
    // Write-only members: the applied value if this request carried it, else state's last-sent one.
    const before = prevById.get(idOf(x) ?? "") ?? (s ? prevByKey.get(k.key(s)) : undefined);
    for (const m of members) {
      const v = s && p.sent.has(itemPath(p.name, k.key(s), m)) ? s[m] : before?.[m];
      if (v !== undefined) item[m] = v;
    }
    return { item, rank: j ?? src.length, i };
  });
  return out.sort((a, b) => a.rank - b.rank || a.i - b.i).map((e) => e.item);
}

/**
 * Pairs server items with the items they stand for: by server id (state's items carry it), then by
 * key, then, only when exactly one of each is left that fits, by the item's members other than its
 * key (a server that rewrote the key). Returns the source items with their ids and, per server item
 * index, the source index and how it was paired.
 */
export function pairItems(spec: FieldSpec, source: Props[], prev: Props[], items: Props[]) {
  const k = spec.keyed!;
  const members = spec.secretMembers ?? [];
  const idOf = (x: Props | undefined) => (x && x[k.idField] !== undefined && x[k.idField] !== null ? String(x[k.idField]) : undefined);
  const prevByKey = new Map(prev.map((x) => [k.key(x), x]));
  const src = source.map((s) => ({ s, id: idOf(s) ?? idOf(prevByKey.get(k.key(s))) }));
  const pair = new Map<number, number>(); // server index -> source index
  const how = new Map<number, "id" | "key" | "rest">();
  const taken = new Set<number>();
  const link = (i: number, j: number, by: "id" | "key" | "rest") => (pair.set(i, j), how.set(i, by), taken.add(j));
  items.forEach((x, i) => {
    const j = src.findIndex((e, jj) => !taken.has(jj) && e.id !== undefined && e.id === idOf(x));
    if (j >= 0) link(i, j, "id");
  });
  items.forEach((x, i) => {
    if (pair.has(i)) return;
    const j = src.findIndex((e, jj) => !taken.has(jj) && k.key(e.s) === k.key(x));
    if (j >= 0) link(i, j, "key");
  });
  const normItem = (x: Props) => (spec.normalize ? ((spec.normalize([x]) as Props[])[0] ?? x) : x);
  const rest = (x: Props) => canonical(without(normItem(x), [...(k.keyMembers ?? []), ...k.itemComputed, ...members]));
  if (k.keyMembers?.length) {
    items.forEach((x, i) => {
      if (pair.has(i)) return;
      const fits = src.map((_e, j) => j).filter((j) => !taken.has(j) && rest(src[j].s) === rest(x));
      const rivals = items.filter((y, ii) => !pair.has(ii) && rest(y) === rest(x));
      if (fits.length === 1 && rivals.length === 1) link(i, fits[0], "rest");
    });
  }
  return { src, pair, how };
}

/**
 * Whether the server's items are the desired ones as the server renders them: every item paired,
 * each pair equal or differing only in its key (which the server rewrote), no extra item.
 */
export function keyedMatches(spec: FieldSpec, desired: unknown, server: unknown): boolean {
  const want = items(desired);
  const got = items(server);
  if (want.length !== got.length) return false;
  const { src, pair, how } = pairItems(spec, want, [], got);
  return got.every((x, i) => {
    const j = pair.get(i);
    if (j === undefined) return false;
    return how.get(i) === "rest" || deepEqual(norm(spec, withoutWriteOnly(spec, [src[j].s])), norm(spec, withoutWriteOnly(spec, [x])));
  });
}

/** An object's write-only members: the applied value if the request carried it, else state's last-sent one. */
function mergeObjectSecrets(spec: FieldSpec, name: string, server: unknown, applied: unknown, prev: unknown, sent: ReadonlySet<string>): unknown {
  if (!isObject(server)) return server;
  const out = withoutWriteOnly(spec, server) as Props;
  for (const m of spec.secretMembers ?? []) {
    const v = sent.has(memberPath(name, m)) && isObject(applied) ? applied[m] : isObject(prev) ? prev[m] : undefined;
    if (v !== undefined) out[m] = v;
  }
  return out;
}

const items = (v: unknown): Props[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** Response body -> outputs, in input shape. */
export function toState(def: ResourceDef, body: Wire, o: StateOptions): Props {
  const source = o.applied ?? o.prev ?? {};
  const prev = o.prev ?? {};
  const sent = o.sent ?? new Set(o.applied ? writeOnlyEntries(def, o.applied).keys() : []);
  const rewrites = o.rewrites ?? {};
  const kept = (name: string) => o.applied === undefined || o.applied[name] !== undefined;
  const out: Props = {};
  for (const [name, spec] of Object.entries(def.fields)) {
    let v: unknown;
    if (spec.providerOnly || spec.createOnly) v = source[name];
    // A write-only value the program no longer sets is not kept (the provider stops managing it).
    else if (spec.secret) v = sent.has(name) ? o.applied?.[name] : kept(name) ? prev[name] : undefined;
    else {
      const server = serverValue(name, spec, body);
      // The server's rendering of what was sent, accepted at the last write, while it still shows it.
      const accepted = rewrites[name] !== undefined && rewrites[name] === fingerprint(spec, server);
      if (spec.kind === "keyed") {
        v = mergeKeyed(spec, server, { name, source: items(source[name]), prev: kept(name) ? items(prev[name]) : [], sent, accepted });
      } else {
        v = accepted ? withoutWriteOnly(spec, source[name]) : server;
        if (spec.secretMembers) v = mergeObjectSecrets(spec, name, v, o.applied?.[name], kept(name) ? prev[name] : undefined, sent);
        // A partial field shows only the members the program set, so read's inputs match the program.
        if (!accepted && spec.partial && source[name] !== undefined && source[name] !== null) v = projectOnto(norm(spec, source[name]), v);
      }
    }
    if (v !== undefined) out[name] = v;
  }
  if (o.managed) out.__managed = o.managed;
  if (Object.keys(rewrites).length) out.__rewrites = rewrites;
  return clean(out);
}

/**
 * The last line of defence for the rule that no write-only value lives outside a secret output: a
 * server that echoes one into another field (or a member no table marks) has it replaced with
 * `[secret]` there. Outputs of fields that hold write-only values are secret outputs and left alone.
 */
export function seal(def: ResourceDef, outs: Props, secrets: ReadonlyArray<string>, marked: ReadonlyArray<string> = []): Props {
  const known = secrets.filter((x) => typeof x === "string" && x.length >= 3);
  if (!known.length) return outs;
  const scrub = (v: unknown): unknown => {
    if (typeof v === "string") return known.some((x) => v.includes(x)) ? redact(v, known) : v;
    if (Array.isArray(v)) return v.map(scrub);
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [scrub(k) as string, scrub(x)]));
    return v;
  };
  const out: Props = {};
  for (const [k, v] of Object.entries(outs)) {
    const spec = def.fields[k];
    // Secret outputs keep their values: write-only fields, and inputs the program marked secret.
    out[k] = (spec && (spec.secret || spec.secretMembers?.length)) || marked.includes(k) ? v : scrub(v);
  }
  return out;
}

const show = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v).slice(0, 120));

/**
 * After a create or update: every sent field whose read-back differs from what was sent.
 * Returns warnings (values only for fields without write-only parts) and the rewrites to remember.
 */
export function readBack(
  def: ResourceDef,
  sent: string[],
  desired: Props,
  state: Props,
  body: Wire,
  prevRewrites: Rewrites = {},
): { warnings: string[]; rewrites: Rewrites } {
  const rewrites: Rewrites = { ...prevRewrites };
  const warnings: string[] = [];
  for (const name of sent) {
    const spec = def.fields[name];
    if (!spec || spec.providerOnly || spec.createOnly || spec.secret || desired[name] === undefined) continue;
    delete rewrites[name];
    const got = state[name];
    if (fieldEqual(spec, desired[name], got, name)) continue;
    rewrites[name] = fingerprint(spec, serverValue(name, spec, body));
    const detail = spec.secretMembers ? "" : `: sent ${show(desired[name])}, it kept ${show(got)}`;
    warnings.push(
      `the server ${got === undefined || got === null ? "dropped" : "rewrote"} "${name}"${detail}. ` +
        `The provider keeps your value in state so this is not reported as drift; change it in the program if the server's value is what you want.`,
    );
  }
  return { warnings, rewrites };
}

/** Fields to name in `read`'s inputs: what the program manages, or for an import everything readable. */
export function readInputs(def: ResourceDef, props: Props): Props {
  const managed = managedOf(props);
  const inputs: Props = {};
  for (const [name, spec] of inputFields(def)) {
    const v = props[name];
    if (v === undefined || v === null) continue;
    // An import does not name fields whose removal is rejected: check would read a program that
    // leaves them unset as a removal (its olds are these inputs) and fail the import.
    const rejects = !!spec.onRemove && "reject" in spec.onRemove;
    if (managed ? managed.includes(name) : !(spec.secret || spec.providerOnly || spec.createOnly || rejects)) inputs[name] = v;
    // What the program manages comes back in the program's shape: keyed items without server-set members.
    if (managed && inputs[name] !== undefined && spec.keyed && Array.isArray(v)) {
      inputs[name] = v.map((item) => (isObject(item) ? without(item, spec.keyed!.itemComputed) : item));
    }
  }
  return inputs;
}
