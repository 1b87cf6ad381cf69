/**
 * Read normalisation: one function turns a response body into outputs, so create, update and
 * read (refresh, import) all return the same shape and a refresh right after an up shows nothing.
 * Also the read-back check: what the server dropped or rewrote is reported and remembered.
 */
import { inputFields, type FieldSpec, type ResourceDef, type Wire } from "./fields";
import { fieldEqual, managedOf, norm, projectOnto } from "./plan";
import { clean, deepEqual, isObject } from "./values";

type Props = Record<string, unknown>;
/** Per field: the value the program sent and what the server made of it. */
export type Rewrites = Record<string, { sent: unknown; got: unknown }>;

export function serverValue(name: string, spec: FieldSpec, body: Wire): unknown {
  const raw = typeof spec.read === "function" ? spec.read(body) : body[spec.read ?? spec.wire ?? name];
  return spec.fromWire ? spec.fromWire(raw, body) : raw;
}

/**
 * Server items in the order of the source list (by key), server-only items last, secrets carried over.
 * An item the server holds in a form equivalent to the source's (the field's `normalize`: an
 * uppercased name, a reformatted date) keeps the source's spelling plus the server's computed
 * members, so read's inputs match the program and a refresh shows no change.
 */
function mergeKeyed(spec: FieldSpec, server: unknown, source: unknown): unknown {
  if (!Array.isArray(server)) return server;
  const k = spec.keyed!;
  const src = new Map((Array.isArray(source) ? source : []).filter(isObject).map((s) => [k.key(s), s]));
  const order = [...src.keys()];
  const items = server.filter(isObject).map((item) => {
    const s = src.get(k.key(item));
    const out = { ...item };
    for (const m of spec.secretMembers ?? []) {
      if (s && s[m] !== undefined) out[m] = s[m];
      else delete out[m]; // never keep what the server echoes for a write-only member
    }
    if (s && !deepEqual(s, out) && deepEqual(norm(spec, [s]), norm(spec, [out]))) {
      const kept: Props = {};
      for (const [m, v] of Object.entries(s)) if (!k.itemComputed.includes(m)) kept[m] = v;
      for (const m of k.itemComputed) if (out[m] !== undefined) kept[m] = out[m];
      return kept;
    }
    return out;
  });
  const rank = (x: Props) => {
    const i = order.indexOf(k.key(x));
    return i < 0 ? order.length : i;
  };
  return items.map((x, i) => [x, i] as const).sort(([a, i], [b, j]) => rank(a) - rank(b) || i - j).map(([x]) => x);
}

function mergeObjectSecrets(spec: FieldSpec, server: unknown, source: unknown): unknown {
  if (!isObject(server)) return server;
  const out = { ...server };
  for (const m of spec.secretMembers ?? []) {
    if (isObject(source) && source[m] !== undefined) out[m] = source[m];
    else delete out[m];
  }
  return out;
}

export interface StateOptions {
  /** The inputs just applied (create, update); write-only values come from here. */
  applied?: Props;
  /** The outputs in state before (read, update); write-only values come from here when not applied. */
  prev?: Props;
  managed?: string[];
  rewrites?: Rewrites;
}

/** Response body -> outputs, in input shape. */
export function toState(def: ResourceDef, body: Wire, o: StateOptions): Props {
  const source = o.applied ?? o.prev ?? {};
  const rewrites = o.rewrites ?? {};
  const out: Props = {};
  for (const [name, spec] of Object.entries(def.fields)) {
    let v: unknown;
    if (spec.providerOnly || spec.createOnly || spec.secret) v = source[name];
    else {
      v = serverValue(name, spec, body);
      if (spec.kind === "keyed") v = mergeKeyed(spec, v, source[name]);
      else if (spec.secretMembers) v = mergeObjectSecrets(spec, v, source[name]);
      // A partial field shows only the members the program set, so read's inputs match the program.
      if (spec.partial && source[name] !== undefined && source[name] !== null) v = projectOnto(norm(spec, source[name]), v);
      const r = rewrites[name];
      // The server's accepted rewrite of what was sent is not drift: keep showing what was sent.
      if (r && deepEqual(norm(spec, v), norm(spec, r.got))) v = r.sent;
    }
    if (v !== undefined) out[name] = v;
  }
  if (o.managed) out.__managed = o.managed;
  if (Object.keys(rewrites).length) out.__rewrites = rewrites;
  return clean(out);
}

const withoutMembers = (item: Props, members: string[]): Props =>
  Object.fromEntries(Object.entries(item).filter(([m]) => !members.includes(m)));

const show = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v).slice(0, 120));

/**
 * After a create or update: every sent field whose read-back differs from what was sent.
 * Returns warnings (values only for non-secret fields) and the rewrites to remember.
 */
export function readBack(
  def: ResourceDef,
  sent: string[],
  desired: Props,
  state: Props,
  prevRewrites: Rewrites = {},
): { warnings: string[]; rewrites: Rewrites } {
  const rewrites: Rewrites = { ...prevRewrites };
  const warnings: string[] = [];
  for (const name of sent) {
    const spec = def.fields[name];
    if (!spec || spec.providerOnly || spec.createOnly || spec.secret || desired[name] === undefined) continue;
    delete rewrites[name];
    const got = state[name];
    if (fieldEqual(spec, desired[name], got, false)) continue;
    rewrites[name] = { sent: desired[name], got };
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
      inputs[name] = v.map((item) => (isObject(item) ? withoutMembers(item, spec.keyed!.itemComputed) : item));
    }
  }
  return inputs;
}
