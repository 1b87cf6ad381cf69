/**
 * The difference between the old and new value of one input (or stack output), at any depth, as the
 * leaves a reviewer reads:
 *
 * - a multi-line string anywhere (a prompt, a memory block's `value`, a tool rule's prompt template,
 *   text in a capability's `config`, the text of an asset) -> a unified line diff;
 * - list items -> matched by the field table's identity (`keyed.key`, or `identity` on a list: a Letta
 *   memory block by its `label`), else by value; a matched item is diffed member by member;
 * - assets and archives (the engine's signature key `4dabf181…`) -> their text, path or URI, never their hash;
 * - secrets -> only changed, unchanged, "may have changed" or hidden, never a value or its length;
 * - anything else -> `old -> new`.
 *
 * Equality is the provider's (the table's normalisation) at the top level and inside list items; what is
 * shown is the difference of the values themselves.
 */
import type { FieldSpec, KeyedSpec } from "../core/fields";
import { norm } from "../core/plan";
import { canonical, deepEqual, isObject } from "../core/values";
import { lineEndingNote, unifiedDiff } from "./diff";
import { assetOf, containsSecret, isSecretEnvelope, isSecretMarker, SECRET_MASK, UNKNOWN_VALUE, type AssetValue } from "./preview";

/** A step of a path: an object member, a list item by its identity, or a list item by position. */
export type Seg = { member: string } | { item: string } | { index: number };

/**
 * - `changed`: set, removed, or two different plaintexts;
 * - `unchanged`: equal plaintexts or ciphertexts, or the engine listed what changed and left it out;
 * - `may-have-changed`: the engine names it, but the document blinds both values (`"[secret]"`, or an
 *   envelope whose ciphertext is that placeholder), so the report cannot confirm it;
 * - `hidden`: blinded on both sides and the engine said nothing either way.
 */
export type SecretStatus = "changed" | "unchanged" | "may-have-changed" | "hidden";

export type Leaf = {
  path: Seg[];
  /** Set on what lies inside a list item added or removed whole (its text, shown as lines). */
  within?: "added" | "removed";
} & (
  | { kind: "text"; diff: string[]; created: boolean; removed: boolean; note?: string; what?: string }
  | { kind: "value"; old?: unknown; new?: unknown; what?: string }
  | { kind: "item"; change: "added" | "removed"; value: unknown }
  | { kind: "secret"; status: SecretStatus }
  /** An asset or archive replaced by another, or whose contents changed (by their hash, never shown). */
  | { kind: "asset"; old: AssetValue; new: AssetValue; change: "replaced" | "contents" | "contents-maybe" }
  | { kind: "reordered" }
  | { kind: "note"; text: string }
);

/** What the engine said about a step: the paths it names and whether it listed changes at all. */
export interface EngineNames {
  /** `diffReasons`, `replaceReasons` and `detailedDiff` keys, in the engine's path syntax (`a.b[0]["c.d"]`). */
  paths: string[];
  /** `detailedDiff` by path, for its `inputDiff` flag. */
  detailed?: Record<string, { kind: string; inputDiff?: boolean }> | null;
  /** Whether `diffReasons` or `detailedDiff` was given: a complete list of what differs. */
  listed: boolean;
}

type Raw = { old: (string | number)[]; new: (string | number)[] };
type Identity = Pick<KeyedSpec, "key" | "keyLabel">;

/** How the values at one level compare: the field table's answer for a top-level field. */
export interface Level {
  kind: string;
  identity?: Identity;
  /** Write-only members of an object, or of each list item. */
  secretMembers: string[];
  /** Server-set members of list items, never compared. */
  itemComputed: string[];
  normalize?: (v: unknown) => unknown;
}

/** A property path as the engine writes it (`resource.PropertyPath.String()`). */
export function enginePath(raw: (string | number)[]): string {
  return raw
    .map((p, i) => (typeof p === "number" ? `[${p}]` : /^[A-Za-z_$][\w$-]*$/.test(p) ? (i ? `.${p}` : p) : `[${JSON.stringify(p)}]`))
    .join("");
}

export const isMultiline = (v: unknown): v is string => typeof v === "string" && v.includes("\n");

/* ---------- secrets ---------- */

const MASKED = "\u0000masked";

/**
 * A stand-in for a secret used only to compare, never shown: a plaintext (a `--show-secrets` document,
 * or an envelope's `plaintext`), a real ciphertext (equal ciphertexts hold equal values; different ones
 * may too), or nothing at all for a blinded value.
 */
export function secretToken(v: unknown): string {
  if (isSecretEnvelope(v)) {
    if (typeof v.plaintext === "string") return `plain:${v.plaintext}`;
    if (typeof v.ciphertext === "string" && v.ciphertext !== SECRET_MASK) return `cipher:${v.ciphertext}`;
    return MASKED;
  }
  if (v === SECRET_MASK) return MASKED;
  return `plain:${canonical(v)}`;
}

export function secretStatus(o: unknown, n: unknown, named: boolean, listed: boolean): SecretStatus {
  if (o === undefined && n === undefined) return "unchanged";
  if ((o === undefined) !== (n === undefined) || (o === null) !== (n === null)) return "changed";
  const to = secretToken(o);
  const tn = secretToken(n);
  if (to !== MASKED && tn !== MASKED) {
    if (to === tn) return "unchanged";
    if (to.startsWith("plain:") && tn.startsWith("plain:")) return "changed";
  }
  if (named) return "may-have-changed";
  return listed ? "unchanged" : "hidden";
}

/** The value with every secret (and the given write-only members) replaced by its comparison token. */
export function blind(v: unknown, secretMembers: string[] = []): unknown {
  if (isSecretMarker(v)) return secretToken(v);
  if (Array.isArray(v)) return v.map((x) => blind(x));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, secretMembers.includes(k) ? secretToken(x) : blind(x)]));
  return v;
}

/** The value as it may be shown: write-only members masked whatever the document holds. */
export function masked(v: unknown, secretMembers: string[]): unknown {
  return isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, secretMembers.includes(k) ? SECRET_MASK : x])) : v;
}

const without = (v: unknown, keys: string[]): unknown => (isObject(v) && keys.length ? Object.fromEntries(Object.entries(v).filter(([k]) => !keys.includes(k))) : v);

/* ---------- the top level ---------- */

function inferKind(o: unknown, n: unknown): string {
  const v = n ?? o;
  if (Array.isArray(v)) return "list";
  if (isObject(v) && !assetOf(v)) return "object";
  return "scalar";
}

/** The level of a top-level field: from the field table when there is one, else from the values. */
export function levelOf(spec: FieldSpec | undefined, o: unknown, n: unknown): Level {
  return {
    kind: spec?.kind ?? inferKind(o, n),
    identity: spec?.keyed ?? spec?.identity,
    secretMembers: spec?.secretMembers ?? [],
    itemComputed: spec?.keyed?.itemComputed ?? [],
    normalize: spec?.normalize,
  };
}

/** Field equality the provider's way (the table's normalisation), with every secret compared by its token. */
export function equalAs(spec: FieldSpec | undefined, o: unknown, n: unknown): boolean {
  const members = spec?.secretMembers ?? [];
  const strip = (v: unknown) => (Array.isArray(v) ? v.map((x) => blind(x, members)) : blind(v, members));
  const so = strip(o);
  const sn = strip(n);
  if (spec) {
    try {
      return deepEqual(norm(spec, so), norm(spec, sn));
    } catch {
      // A normaliser that does not accept a blinded value: compare as they are.
    }
  }
  return deepEqual(so, sn);
}

/**
 * The leaves of one top-level field (an input, or a stack output when `spec` is undefined).
 * A write-only field gives exactly one `secret` leaf, whatever its status; other fields give no
 * leaf when nothing differs the provider's way and the engine does not name them.
 */
export function fieldLeaves(field: string, spec: FieldSpec | undefined, o: unknown, n: unknown, engine: EngineNames): Leaf[] {
  const d = new Differ(engine);
  const path: Seg[] = [{ member: field }];
  const raw: Raw = { old: [field], new: [field] };
  const named = d.covers(raw);
  if (o === undefined && n === undefined) return [];
  if (spec?.secret || isSecretMarker(o) || isSecretMarker(n)) return [{ path, kind: "secret", status: secretStatus(o, n, named, engine.listed) }];
  const level = levelOf(spec, o, n);
  if (!equalAs(spec, o, n)) {
    d.value(path, raw, o, n, level);
    return d.leaves;
  }
  if (!named) return [];
  // The engine names a field the provider's comparison finds equal: say what is and is not known.
  d.value(path, raw, o, n, level);
  const visible = !deepEqual(blind(o, level.secretMembers), blind(n, level.secretMembers));
  if (visible) {
    const why = level.kind === "text" ? " (it ignores one trailing newline)" : "";
    d.leaves.push({ path, kind: "note", text: `The provider's comparison treats the old and new values as equal${why}; the engine names the field.` });
  } else if (!d.leaves.length) {
    const dd = engine.detailed?.[field];
    const text =
      dd && dd.inputDiff === false
        ? "The old and new inputs are equal; the engine names the field because the provider compares the new input with the resource's current state, which differs."
        : containsSecret(o) || containsSecret(n)
          ? "The visible values are equal; the engine names the field, so a secret value in it, which the preview blinds, may have changed."
          : "The old and new inputs are equal; the engine still names the field.";
    d.leaves.push({ path, kind: "note", text });
  }
  return d.leaves;
}

/* ---------- any depth ---------- */

const structured = (v: unknown) => isObject(v) || Array.isArray(v) || isMultiline(v);

class Differ {
  readonly leaves: Leaf[] = [];
  constructor(private readonly engine: EngineNames) {}

  /** Whether the engine names this path or something inside it. */
  covers(raw: Raw): boolean {
    const hits = (r: (string | number)[]) => {
      const p = enginePath(r);
      return this.engine.paths.some((x) => x === p || x.startsWith(`${p}.`) || x.startsWith(`${p}[`));
    };
    return hits(raw.old) || hits(raw.new);
  }

  value(path: Seg[], raw: Raw, o: unknown, n: unknown, level?: Level): void {
    if (o === undefined && n === undefined) return;
    if (isSecretMarker(o) || isSecretMarker(n)) return this.secret(path, raw, o, n);
    if (deepEqual(blind(o, level?.secretMembers), blind(n, level?.secretMembers))) return this.coveredSecrets(path, raw, o, n, level);
    if (o === UNKNOWN_VALUE || n === UNKNOWN_VALUE) return void this.leaves.push({ path, kind: "value", old: o, new: n });
    const ao = assetOf(o);
    const an = assetOf(n);
    if (ao || an) return this.asset(path, raw, o, n, ao, an);
    if ((o === undefined || typeof o === "string") && (n === undefined || typeof n === "string") && (isMultiline(o) || isMultiline(n))) {
      return this.text(path, o, n);
    }
    if ((o === undefined || Array.isArray(o)) && (n === undefined || Array.isArray(n))) return this.array(path, raw, o, n, level);
    if ((o === undefined || isObject(o)) && (n === undefined || isObject(n))) return this.object(path, raw, o, n, level);
    this.leaves.push({ path, kind: "value", old: o, new: n });
  }

  private text(path: Seg[], o: string | undefined, n: string | undefined, what?: string): void {
    const note = o !== undefined && n !== undefined ? lineEndingNote(o, n) : undefined;
    this.leaves.push({ path, kind: "text", diff: unifiedDiff(o ?? "", n ?? ""), created: o === undefined, removed: n === undefined, ...(note ? { note } : {}), ...(what ? { what } : {}) });
  }

  /** A secret below the top level: listed only when it (may have) changed. */
  private secret(path: Seg[], raw: Raw, o: unknown, n: unknown): void {
    const status = secretStatus(o, n, this.covers(raw), !!this.engine.detailed);
    if (status === "changed" || status === "may-have-changed") this.leaves.push({ path, kind: "secret", status });
  }

  /** Equal-looking values may still hold blinded secrets the engine names (`detailedDiff` paths). */
  private coveredSecrets(path: Seg[], raw: Raw, o: unknown, n: unknown, level?: Level): void {
    if (!this.engine.detailed || !this.covers(raw)) return;
    if (isSecretMarker(o) || isSecretMarker(n)) return this.secret(path, raw, o, n);
    const members = level?.secretMembers ?? [];
    if (Array.isArray(o) && Array.isArray(n)) {
      // Equal lists: items at the same place; named by the table's identity where it gives one.
      const keys = level?.identity ? uniqueKeys(level.identity, n, members) : [];
      const itemLevel: Level = { kind: "object", secretMembers: members, itemComputed: [] };
      o.forEach((x, i) => {
        const seg: Seg = keys[i] !== undefined ? { item: keys[i]! } : { index: i };
        this.coveredSecrets([...path, seg], { old: [...raw.old, i], new: [...raw.new, i] }, x, n[i], itemLevel);
      });
    } else if (isObject(o) && isObject(n)) {
      for (const k of Object.keys(o)) {
        const p: Seg[] = [...path, { member: k }];
        const r: Raw = { old: [...raw.old, k], new: [...raw.new, k] };
        if (members.includes(k)) this.secret(p, r, o[k], n[k]);
        else this.coveredSecrets(p, r, o[k], n[k]);
      }
    }
  }

  private object(path: Seg[], raw: Raw, o: Record<string, unknown> | undefined, n: Record<string, unknown> | undefined, level?: Level): void {
    // Below the top level, an object set or removed whole reads best as its value, unless it holds text.
    if (!level && (o === undefined || n === undefined) && !holdsText(o ?? n)) return void this.leaves.push({ path, kind: "value", old: o, new: n });
    const members = level?.secretMembers ?? [];
    const [vo, vn] = normalizedPair(level, o, n);
    for (const k of [...new Set([...Object.keys(vo ?? {}), ...Object.keys(vn ?? {})])]) {
      const p: Seg[] = [...path, { member: k }];
      const r: Raw = { old: [...raw.old, k], new: [...raw.new, k] };
      const a = vo?.[k];
      const b = vn?.[k];
      if (members.includes(k)) this.secret(p, r, a, b);
      else this.value(p, r, a, b);
    }
  }

  private array(path: Seg[], raw: Raw, o: unknown[] | undefined, n: unknown[] | undefined, level?: Level): void {
    const O = o ?? [];
    const N = n ?? [];
    // Below the top level, a list of plain values reads best whole.
    if (!level && ![...O, ...N].some(structured)) return void this.leaves.push({ path, kind: "value", old: o, new: n });
    const kind = level?.kind ?? "list";
    const identity = level?.identity;
    const members = level?.secretMembers ?? [];
    const drop = level?.itemComputed ?? [];
    const cmpO = normalizedItems(level, O);
    const cmpN = normalizedItems(level, N);
    const sig = (x: unknown) => canonical(blind(without(x, drop), members));

    const pairs: [number, number][] = [];
    const leftO = new Set(O.keys());
    const leftN = new Set(N.keys());
    const keysO = identity ? uniqueKeys(identity, O, members) : [];
    const keysN = identity ? uniqueKeys(identity, N, members) : [];
    if (identity) {
      const byKey = new Map<string, number>();
      keysO.forEach((k, i) => k !== undefined && byKey.set(k, i));
      keysN.forEach((k, j) => {
        const i = k === undefined ? undefined : byKey.get(k);
        if (i === undefined) return;
        pairs.push([i, j]);
        leftO.delete(i);
        leftN.delete(j);
      });
    }
    // Items equal by value (after the table's normalisation) match whatever their position.
    const bySig = new Map<string, number[]>();
    for (const i of leftO) bySig.set(sig(cmpO[i]), [...(bySig.get(sig(cmpO[i])) ?? []), i]);
    for (const j of [...leftN]) {
      const i = bySig.get(sig(cmpN[j]))?.shift();
      if (i === undefined) continue;
      pairs.push([i, j]);
      leftO.delete(i);
      leftN.delete(j);
    }
    // An ordered list without identity: a structured item edited in place is one change, not two.
    if (!identity && kind === "list") {
      for (const i of [...leftO]) {
        if (leftN.has(i) && structured(O[i]) && structured(N[i])) {
          pairs.push([i, i]);
          leftO.delete(i);
          leftN.delete(i);
        }
      }
    }
    const segOf = (side: "old" | "new", i: number): Seg => {
      const k = identity ? (side === "old" ? keysO[i] : keysN[i]) : undefined;
      return k !== undefined ? { item: k } : { index: i };
    };
    for (const j of [...leftN].sort((a, b) => a - b)) this.item(path, raw, "added", segOf("new", j), j, without(N[j], drop), members);
    for (const i of [...leftO].sort((a, b) => a - b)) this.item(path, raw, "removed", segOf("old", i), i, without(O[i], drop), members);
    pairs.sort((a, b) => a[1] - b[1]);
    const itemLevel: Level = { kind: "object", secretMembers: members, itemComputed: [], normalize: undefined };
    for (const [i, j] of pairs) {
      const r: Raw = { old: [...raw.old, i], new: [...raw.new, j] };
      this.value([...path, segOf("new", j)], r, without(cmpO[i], drop), without(cmpN[j], drop), isObject(cmpO[i]) && isObject(cmpN[j]) ? itemLevel : undefined);
    }
    // Order: only for ordered lists, and only among the items both sides hold.
    if (kind === "list" && pairs.length > 1) {
      const byOld = [...pairs].sort((a, b) => a[0] - b[0]).map(([, j]) => j);
      if (byOld.some((j, k) => k > 0 && j < byOld[k - 1])) this.leaves.push({ path, kind: "reordered" });
    }
  }

  private item(path: Seg[], raw: Raw, change: "added" | "removed", seg: Seg, index: number, v: unknown, members: string[]): void {
    const p = [...path, seg];
    this.leaves.push({ path: p, kind: "item", change, value: masked(v, members) });
    // The text inside a new or removed item is shown as lines, like a new or removed prompt.
    const r = change === "added" ? { old: [], new: [...raw.new, index] } : { old: [...raw.old, index], new: [] };
    const from = this.leaves.length;
    this.expand(p, r, masked(v, members), change === "added");
    for (const l of this.leaves.slice(from)) l.within = change;
  }

  /** The multi-line strings and assets inside a value set or removed whole. */
  private expand(path: Seg[], raw: Raw, v: unknown, created: boolean): void {
    if (isSecretMarker(v)) return;
    if (isMultiline(v)) return this.text(path, created ? undefined : v, created ? v : undefined);
    const a = assetOf(v);
    if (a) return this.asset(path, raw, created ? undefined : v, created ? v : undefined, created ? undefined : a, created ? a : undefined);
    if (Array.isArray(v)) v.forEach((x, i) => this.expand([...path, { index: i }], raw, x, created));
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) this.expand([...path, { member: k }], raw, x, created);
  }

  private asset(path: Seg[], raw: Raw, o: unknown, n: unknown, ao?: AssetValue, an?: AssetValue): void {
    const textOf = (a?: AssetValue) => (a && "asset" in a && a.asset === "text" ? a.text : undefined);
    if (!ao || !an) {
      // Set or removed whole (or turned from or into a plain value).
      const a = ao ?? an!;
      const t = textOf(a);
      if (t !== undefined && isMultiline(t) && (o === undefined || n === undefined)) return this.text(path, ao ? t : undefined, an ? t : undefined, "text asset");
      if ("archive" in a && a.archive === "assets" && (o === undefined || n === undefined)) {
        this.leaves.push({ path, kind: "value", old: o, new: n });
        for (const [name, x] of Object.entries(a.assets)) this.expand([...path, { member: name }], raw, x, !!an);
        return;
      }
      return void this.leaves.push({ path, kind: "value", old: o, new: n });
    }
    const to = textOf(ao);
    const tn = textOf(an);
    if (to !== undefined && tn !== undefined) {
      if (to === tn) return;
      if (isMultiline(to) || isMultiline(tn)) return this.text(path, to, tn, "text asset");
      return void this.leaves.push({ path, kind: "value", old: to, new: tn, what: "text asset" });
    }
    if ("archive" in ao && "archive" in an && ao.archive === "assets" && an.archive === "assets") {
      for (const name of [...new Set([...Object.keys(ao.assets), ...Object.keys(an.assets)])]) {
        this.value([...path, { member: name }], { old: [...raw.old, "assets", name], new: [...raw.new, "assets", name] }, ao.assets[name], an.assets[name]);
      }
      return;
    }
    const lo = "location" in ao ? ao.location : undefined;
    const ln = "location" in an ? an.location : undefined;
    const sameKind = ("asset" in ao ? ao.asset : `archive ${ao.archive}`) === ("asset" in an ? an.asset : `archive ${an.archive}`);
    if (sameKind && lo !== undefined && lo === ln) {
      if (ao.hash && an.hash && ao.hash !== an.hash) return void this.leaves.push({ path, kind: "asset", old: ao, new: an, change: "contents" });
      if (!ao.hash !== !an.hash) return void this.leaves.push({ path, kind: "asset", old: ao, new: an, change: "contents-maybe" });
      return;
    }
    this.leaves.push({ path, kind: "asset", old: ao, new: an, change: "replaced" });
  }
}

/** Keys of the items by the table's identity; undefined for an item without one, or whose key is not unique. */
function uniqueKeys(identity: Identity, items: unknown[], members: string[]): (string | undefined)[] {
  const keys = items.map((item) => {
    if (!isObject(item)) return undefined;
    try {
      // Keys are computed on the item with its write-only members blinded: a key never shows a secret.
      return identity.key(masked(item, members) as Record<string, unknown>);
    } catch {
      return undefined;
    }
  });
  const count = new Map<string, number>();
  for (const k of keys) if (k !== undefined) count.set(k, (count.get(k) ?? 0) + 1);
  return keys.map((k) => (k !== undefined && count.get(k) === 1 ? k : undefined));
}

/** The items as the table's normalisation sees them, when it keeps one item per item; else as they are. */
function normalizedItems(level: Level | undefined, items: unknown[]): unknown[] {
  if (!level?.normalize || !["list", "set", "keyed"].includes(level.kind)) return items;
  try {
    const out = level.normalize(items);
    return Array.isArray(out) && out.length === items.length ? out : items;
  } catch {
    return items;
  }
}

function normalizedPair(level: Level | undefined, o?: Record<string, unknown>, n?: Record<string, unknown>) {
  if (!level?.normalize || !["object", "map"].includes(level.kind)) return [o, n] as const;
  try {
    const a = o === undefined ? o : level.normalize(o);
    const b = n === undefined ? n : level.normalize(n);
    if ((a === undefined || isObject(a)) && (b === undefined || isObject(b))) return [a, b] as const;
  } catch {
    // Compare as they are.
  }
  return [o, n] as const;
}

function holdsText(v: unknown): boolean {
  if (isMultiline(v) || assetOf(v)) return true;
  if (Array.isArray(v)) return v.some(holdsText);
  if (isObject(v)) return Object.values(v).some(holdsText);
  return false;
}

const lineCount = (s: string) => s.split(/\r?\n/).length - (s.endsWith("\n") ? 1 : 0);

/** An asset or archive in words: its kind and text size, path or URI (through `quote`); never its hash. */
export function describeAsset(a: AssetValue, quote: (s: string) => string = (s) => s): string {
  if ("asset" in a) {
    if (a.asset === "text") return isMultiline(a.text) ? `text asset (${lineCount(a.text)} lines)` : `text asset ${quote(JSON.stringify(a.text))}`;
    return `${a.asset} asset ${quote(a.location)}`;
  }
  if (a.archive === "assets") {
    const n = Object.keys(a.assets).length;
    return `archive of ${n} ${n === 1 ? "entry" : "entries"}`;
  }
  return a.archive === "file" ? `archive ${quote(a.location)}` : `remote archive ${quote(a.location)}`;
}
