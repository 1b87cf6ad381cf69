/**
 * From preview steps to what a reviewer reads: one entry per resource (create, update, replace,
 * delete), and per changed input field what changed in it. How a field is compared and shown comes
 * from the resource's field table when the type is one of this package's (`text` -> line diff,
 * `list`/`set`/`keyed` -> items added / removed / changed, `secret`/`secretMembers` -> only
 * "changed" or "unchanged"); other types are read from the values alone.
 */
import type { FieldSpec, ResourceDef } from "../core/fields";
import { norm } from "../core/plan";
import { canonical, deepEqual, isObject } from "../core/values";
import { resources } from "../registry";
import { unifiedDiff } from "./diff";
import {
  displayType,
  isSecretEnvelope,
  isSecretMarker,
  parseUrn,
  SECRET_MASK,
  tokenOf,
  UNKNOWN_VALUE,
  type PreviewDigest,
  type PreviewStep,
} from "./preview";

type Props = Record<string, unknown>;

/**
 * A secret is only ever reported as changed or unchanged. `masked`: the preview blinds both values
 * and the engine gave no diff reasons, so the document cannot tell.
 */
export type SecretStatus = "changed" | "unchanged" | "masked";

export interface MemberChange {
  name: string;
  change: "added" | "removed" | "changed";
  old?: unknown;
  new?: unknown;
  /** Set for a write-only member: the values above are then never filled. */
  secret?: SecretStatus;
}

export interface ItemChange {
  /** The item's identity, e.g. `example.com / session`. */
  key: string;
  members: MemberChange[];
}

export type FieldChange =
  | { field: string; kind: "text"; diff: string[]; created: boolean; removed: boolean }
  | { field: string; kind: "scalar"; old?: unknown; new?: unknown }
  | { field: string; kind: "list"; added: unknown[]; removed: unknown[]; changed: ItemChange[]; reordered: boolean; keyLabel?: string }
  | { field: string; kind: "object"; members: MemberChange[] }
  | { field: string; kind: "secret"; status: SecretStatus }
  /** Inputs are equal but the engine named the field (the provider compares with the live outputs). */
  | { field: string; kind: "reported" };

export type Operation = "create" | "update" | "replace" | "delete" | "import" | "read-replacement" | "discard" | string;

export interface ResourceChange {
  urn: string;
  name: string;
  /** `<platform>.<Type>` for this package's resources, the Pulumi type token otherwise. */
  type: string;
  op: Operation;
  /** Fields whose change forces the replacement (from `replaceReasons`, else the table's force-new fields). */
  replaceReasons: string[];
  /** Whether the old resource is deleted before the new one is created (visible with replacement steps). */
  deleteBeforeReplace?: boolean;
  /** Fields that changed, in field-table order, plus write-only fields with status "unchanged". For a delete: none. */
  fields: FieldChange[];
}

export interface Diagnostic {
  severity: string;
  message: string;
  resource?: string;
}

export interface PreviewChanges {
  resources: ResourceChange[];
  /** Counts per operation of what the report shows. */
  counts: Record<string, number>;
  diagnostics: Diagnostic[];
  /** Resources left unchanged: `changeSummary.same` when present, else the steps that change nothing. */
  unchanged: number;
}

/** Ops that change nothing: not shown, not counted as changes. */
const NO_CHANGE_OPS = new Set(["same", "read", "refresh"]);
/** The engine's physical replacement steps, folded into one `replace` row per resource. */
const REPLACEMENT_OPS = new Set(["replace", "create-replacement", "delete-replaced"]);

/**
 * The root stack and the engine's default providers: no change to them is a change to an agent
 * (an explicit provider, which holds credentials, is shown).
 */
function isPlumbing(urn: string): boolean {
  const { type, name } = parseUrn(urn);
  return type === "pulumi:pulumi:Stack" || (type.startsWith("pulumi:providers:") && /^default(_|$)/.test(name));
}

/** The field table of a resource type, when the type is one of this package's. */
export function definitionOf(type: string): ResourceDef | undefined {
  return resources[tokenOf(type)];
}

/** Builds the reviewer's view of a preview document. */
export function collectChanges(doc: PreviewDigest): PreviewChanges {
  const steps = doc.steps ?? [];
  const byUrn = new Map<string, PreviewStep[]>();
  let unchanged = 0;
  for (const s of steps) {
    if (isPlumbing(s.urn)) continue;
    if (NO_CHANGE_OPS.has(s.op)) {
      unchanged++;
      continue;
    }
    const list = byUrn.get(s.urn) ?? [];
    list.push(s);
    byUrn.set(s.urn, list);
  }
  const out: ResourceChange[] = [];
  for (const [urn, group] of byUrn) {
    const replacement = group.filter((s) => REPLACEMENT_OPS.has(s.op));
    if (replacement.length) {
      out.push(resourceChange(urn, "replace", mergeReplacement(replacement), replacement));
      for (const s of group.filter((x) => !REPLACEMENT_OPS.has(x.op))) out.push(resourceChange(urn, s.op, s, [s]));
    } else for (const s of group) out.push(resourceChange(urn, s.op, s, [s]));
  }
  const counts: Record<string, number> = {};
  for (const r of out) counts[r.op] = (counts[r.op] ?? 0) + 1;
  const diagnostics = (doc.diagnostics ?? [])
    .filter((d) => d.severity === "error" || d.severity === "warning")
    .map((d) => ({
      severity: d.severity!,
      message: `${d.prefix ?? ""}${d.message ?? ""}`.trim(),
      resource: d.urn ? parseUrn(d.urn).name : undefined,
    }));
  // Pulumi's own count of unchanged resources (the stack included), as its CLI prints it; sames are
  // not listed among the steps unless `--show-sames`.
  const same = doc.changeSummary?.same;
  return { resources: out, counts, diagnostics, unchanged: typeof same === "number" ? same : unchanged };
}

/** One view of a replacement from the `replace` step, or the create-replacement / delete-replaced pair. */
function mergeReplacement(steps: PreviewStep[]): PreviewStep {
  const logical = steps.find((s) => s.op === "replace");
  const create = steps.find((s) => s.op === "create-replacement");
  const del = steps.find((s) => s.op === "delete-replaced");
  const base = logical ?? create ?? del!;
  return {
    ...base,
    oldState: base.oldState ?? del?.oldState ?? create?.oldState,
    newState: base.newState ?? create?.newState,
    replaceReasons: base.replaceReasons ?? create?.replaceReasons,
    diffReasons: base.diffReasons ?? create?.diffReasons,
  };
}

function resourceChange(urn: string, op: string, step: PreviewStep, group: PreviewStep[]): ResourceChange {
  const { name } = parseUrn(urn);
  const rawType = step.newState?.type ?? step.oldState?.type ?? parseUrn(urn).type;
  const def = definitionOf(rawType);
  const oldIn = op === "create" || op === "import" ? {} : visible(step.oldState?.inputs);
  const newIn = op === "delete" || op === "discard" ? undefined : visible(step.newState?.inputs);
  const fields = newIn ? fieldChanges(def, oldIn, newIn, step) : [];
  let replaceReasons = (step.replaceReasons ?? []).filter((k) => !k.startsWith("__"));
  if (op === "replace" && !replaceReasons.length && def) {
    // The document did not say why: the table's force-new fields among those that changed do.
    replaceReasons = fields.map((f) => f.field).filter((f) => def.fields[f]?.forceNew || def.fields[f]?.createOnly);
  }
  const ci = group.findIndex((s) => s.op === "create-replacement");
  const di = group.findIndex((s) => s.op === "delete-replaced");
  return {
    urn,
    name,
    type: displayType(rawType),
    op,
    replaceReasons,
    deleteBeforeReplace: ci >= 0 && di >= 0 ? di < ci : undefined,
    fields,
  };
}

const visible = (p: Props | undefined): Props =>
  Object.fromEntries(Object.entries(p ?? {}).filter(([k]) => !k.startsWith("__")));

/** Top-level property names the engine named in diffReasons / replaceReasons / detailedDiff paths. */
function namedByEngine(step: PreviewStep): Set<string> {
  const names = new Set<string>();
  const top = (path: string) => path.split(/[.[]/)[0].replace(/^["']|["']$/g, "");
  for (const k of [...(step.diffReasons ?? []), ...(step.replaceReasons ?? [])]) names.add(top(k));
  for (const k of Object.keys(step.detailedDiff ?? {})) names.add(top(k));
  return names;
}

function fieldChanges(def: ResourceDef | undefined, oldIn: Props, newIn: Props, step: PreviewStep): FieldChange[] {
  const named = namedByEngine(step);
  /** Whether the engine gave a complete list of what differs (then a blinded secret it did not name is unchanged). */
  const engineListed = (step.diffReasons?.length ?? 0) > 0 || (step.detailedDiff !== undefined && step.detailedDiff !== null);
  const order = def ? Object.keys(def.fields) : [];
  const names = [...new Set([...order, ...[...new Set([...Object.keys(oldIn), ...Object.keys(newIn)])].sort()])];
  const out: FieldChange[] = [];
  for (const field of names) {
    const spec = def?.fields[field];
    if (spec?.kind === "computed") continue;
    const o = oldIn[field];
    const n = newIn[field];
    if (o === undefined && n === undefined) continue;
    const c = fieldChange(field, spec, o, n, named.has(field), engineListed);
    if (c) out.push(c);
  }
  // An update with no visible difference other than blinded secrets: the secret is what changed.
  if (!out.some((c) => c.kind !== "secret" || c.status === "changed") && step.op !== "create") {
    const masked = out.filter((c): c is Extract<FieldChange, { kind: "secret" }> => c.kind === "secret" && c.status === "masked");
    if (masked.length === 1) masked[0].status = "changed";
  }
  return out;
}

/** Whether a field (or its items) is write-only according to the table or the document. */
const secretField = (spec: FieldSpec | undefined, o: unknown, n: unknown) => !!spec?.secret || isSecretMarker(o) || isSecretMarker(n);

function fieldChange(field: string, spec: FieldSpec | undefined, o: unknown, n: unknown, named: boolean, listed: boolean): FieldChange | undefined {
  if (secretField(spec, o, n)) {
    return { field, kind: "secret", status: secretStatus(o, n, named, listed) };
  }
  const members = spec?.secretMembers ?? [];
  if (equalAs(spec, o, n, members)) return named ? { field, kind: "reported" } : undefined;
  const kind = spec?.kind ?? inferKind(o, n);
  if (o === UNKNOWN_VALUE || n === UNKNOWN_VALUE) return { field, kind: "scalar", old: o, new: n };
  if (kind === "text" || isMultiline(o) || isMultiline(n)) {
    if ((o === undefined || typeof o === "string") && (n === undefined || typeof n === "string")) {
      return { field, kind: "text", diff: unifiedDiff(o ?? "", n ?? ""), created: o === undefined, removed: n === undefined };
    }
  }
  if ((kind === "list" || kind === "set" || kind === "keyed") && (Array.isArray(o) || o === undefined) && (Array.isArray(n) || n === undefined)) {
    return listChange(field, spec, kind, (o as unknown[]) ?? [], (n as unknown[]) ?? [], members);
  }
  if ((kind === "object" || kind === "map") && (isObject(o) || o === undefined) && (isObject(n) || n === undefined)) {
    return { field, kind: "object", members: memberChanges((o as Props) ?? {}, (n as Props) ?? {}, members) };
  }
  return { field, kind: "scalar", old: o, new: n };
}

function inferKind(o: unknown, n: unknown): string {
  const v = n ?? o;
  if (Array.isArray(v)) return "list";
  if (isObject(v)) return "object";
  return "scalar";
}

const isMultiline = (v: unknown) => typeof v === "string" && v.includes("\n");

/** Field equality the provider's way (the table's normalisation), with write-only members compared as secrets. */
function equalAs(spec: FieldSpec | undefined, o: unknown, n: unknown, secretMembers: string[]): boolean {
  const strip = (v: unknown): unknown => {
    const mask = (x: unknown) => (isObject(x) ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, secretMembers.includes(k) || isSecretMarker(y) ? secretToken(y) : y])) : x);
    return Array.isArray(v) ? v.map(mask) : mask(v);
  };
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
 * A stand-in for a secret used only to compare, never shown: a plaintext (a `--show-secrets` document,
 * or an envelope's `plaintext`), an envelope's ciphertext (equal ciphertexts hold equal values;
 * different ones may too), or nothing at all for a `"[secret]"` string.
 */
function secretToken(v: unknown): string {
  if (isSecretEnvelope(v)) {
    if (typeof v.plaintext === "string") return `plain:${v.plaintext}`;
    if (typeof v.ciphertext === "string") return `cipher:${v.ciphertext}`;
    return MASKED;
  }
  if (isSecretMarker(v)) return MASKED;
  return `plain:${canonical(v)}`;
}
const MASKED = "\u0000masked";

function secretStatus(o: unknown, n: unknown, named: boolean, listed: boolean): SecretStatus {
  if (o === undefined && n === undefined) return "unchanged";
  if ((o === undefined) !== (n === undefined) || (o === null) !== (n === null)) return "changed";
  if (named) return "changed";
  const to = secretToken(o);
  const tn = secretToken(n);
  if (to === tn && to !== MASKED) return "unchanged";
  if (to.startsWith("plain:") && tn.startsWith("plain:")) return "changed";
  return listed ? "unchanged" : "masked";
}

/* ---------- lists ---------- */

function keyOf(spec: FieldSpec | undefined, item: unknown, secretMembers: string[]): string | undefined {
  if (!spec?.keyed || !isObject(item)) return undefined;
  // Keys are computed on the item with its write-only members blinded: a key never shows a secret.
  const masked = Object.fromEntries(Object.entries(item).map(([k, v]) => [k, secretMembers.includes(k) || isSecretMarker(v) ? "[secret]" : v]));
  try {
    return spec.keyed.key(masked);
  } catch {
    return undefined;
  }
}

function listChange(field: string, spec: FieldSpec | undefined, kind: string, o: unknown[], n: unknown[], members: string[]): FieldChange {
  const itemComputed = spec?.keyed?.itemComputed ?? [];
  /** An item as it may be shown: write-only members blinded whatever the document holds. */
  const shown = (item: unknown): unknown =>
    isObject(item) ? Object.fromEntries(Object.entries(item).map(([k, v]) => [k, members.includes(k) ? SECRET_MASK : v])) : item;
  const comparable = (item: unknown) => canonical(blindItem(item, members, itemComputed));
  if (kind === "keyed" && spec?.keyed) {
    const oldByKey = new Map<string, unknown>();
    for (const item of o) {
      const k = keyOf(spec, item, members);
      if (k !== undefined) oldByKey.set(k, item);
    }
    const added: unknown[] = [];
    const changed: ItemChange[] = [];
    const seen = new Set<string>();
    for (const item of n) {
      const k = keyOf(spec, item, members);
      if (k === undefined || !oldByKey.has(k)) {
        added.push(item);
        continue;
      }
      seen.add(k);
      const before = oldByKey.get(k);
      const m = memberChanges(withoutKeys(before, itemComputed), withoutKeys(item, itemComputed), members);
      if (m.length) changed.push({ key: k, members: m });
    }
    const removed = [...oldByKey].filter(([k]) => !seen.has(k)).map(([, v]) => v);
    return { field, kind: "list", added: added.map(shown), removed: removed.map(shown), changed, reordered: false, keyLabel: spec.keyed.keyLabel };
  }
  // By value: multiset difference on the canonical form.
  const count = new Map<string, number>();
  for (const item of o) count.set(comparable(item), (count.get(comparable(item)) ?? 0) + 1);
  const added: unknown[] = [];
  for (const item of n) {
    const c = comparable(item);
    const left = count.get(c) ?? 0;
    if (left > 0) count.set(c, left - 1);
    else added.push(item);
  }
  const removedCount = new Map(count);
  const removed: unknown[] = [];
  for (const item of o) {
    const c = comparable(item);
    const left = removedCount.get(c) ?? 0;
    if (left > 0) {
      removed.push(item);
      removedCount.set(c, left - 1);
    }
  }
  const reordered = kind !== "set" && !added.length && !removed.length;
  return { field, kind: "list", added: added.map(shown), removed: removed.map(shown), changed: [], reordered };
}

const withoutKeys = (v: unknown, keys: string[]): Props =>
  isObject(v) ? Object.fromEntries(Object.entries(v).filter(([k]) => !keys.includes(k))) : { value: v };

function blindItem(item: unknown, secretMembers: string[], drop: string[]): unknown {
  if (!isObject(item)) return isSecretMarker(item) ? secretToken(item) : item;
  return Object.fromEntries(
    Object.entries(item)
      .filter(([k]) => !drop.includes(k))
      .map(([k, v]) => [k, secretMembers.includes(k) || isSecretMarker(v) ? secretToken(v) : v]),
  );
}

/* ---------- objects and list items ---------- */

function memberChanges(o: Props, n: Props, secretMembers: string[]): MemberChange[] {
  const out: MemberChange[] = [];
  for (const name of [...new Set([...Object.keys(o), ...Object.keys(n)])]) {
    const a = o[name];
    const b = n[name];
    if (a === undefined && b === undefined) continue;
    const change = a === undefined ? "added" : b === undefined ? "removed" : "changed";
    if (secretMembers.includes(name) || isSecretMarker(a) || isSecretMarker(b)) {
      // A member blinded on both sides is left out: the item comparison cannot see it either.
      const status = secretStatus(a, b, false, false);
      if (status === "changed") out.push({ name, change, secret: status });
      continue;
    }
    if (!deepEqual(a, b)) out.push({ name, change, old: a, new: b });
  }
  return out;
}

/** A value as shown in the report: JSON, with blinded secrets and preview-unknowns spelled out. */
export function showValue(v: unknown): string {
  const walk = (x: unknown): unknown => {
    if (isSecretMarker(x)) return SECRET_MASK;
    if (x === UNKNOWN_VALUE) return "(known after apply)";
    if (Array.isArray(x)) return x.map(walk);
    if (isObject(x)) return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y)]));
    return x;
  };
  if (v === undefined) return "(unset)";
  const w = walk(v);
  return typeof w === "string" && (w === "[secret]" || w === "(known after apply)") ? w : JSON.stringify(w);
}
