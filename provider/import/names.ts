/**
 * Names for adopted objects. A resource name comes from the object's name (readable), is unique in the
 * program, and depends only on the objects being imported, never on the order a list API returned them
 * in, so two runs over the same account write the same names:
 *
 * - the object name, ASCII-folded and lower-cased, words joined by `-` (`Café Support` → `cafe-support`);
 *   a name with no Latin letters or digits left falls back to its type (`letta-agent`);
 * - names two objects would share get a suffix: the type when the types differ (`support-everruns`,
 *   `support-letta`), otherwise the last characters of each id (`support-3f9a1c`).
 *
 * The names fit Pulumi, file names (`prompts/<name>.<field>.md`) and the manifest's name pattern.
 */

export interface Nameable {
  token: string;
  id: string;
  /** The object's own name on the platform (may be empty, unicode, duplicated). */
  objectName: string;
}

const MAX = 48;

/** `Café — Support 2` → `cafe-support-2`. */
export function slug(text: string): string {
  const ascii = text.normalize("NFKD").replace(/\p{M}+/gu, "").replace(/ß/g, "ss").replace(/[æÆ]/g, "ae").replace(/[øØ]/g, "o").replace(/[łŁ]/g, "l");
  const s = ascii.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  if (s.length <= MAX) return s;
  const cut = s.slice(0, MAX);
  return (cut.includes("-") ? cut.slice(0, cut.lastIndexOf("-")) : cut).replace(/-+$/, "");
}

const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();

/** How a type is told apart from another in a name: `profile-pool`, `profile`, `everruns`, `letta`. */
export function typeLabel(token: string): string {
  const [platform, type] = token.split(":");
  return type === "Agent" ? platform : kebab(type.replace(/^Agent/, ""));
}

/** The name a nameless object gets: `asteroid-agent-profile-pool`, `letta-agent`. */
const fallback = (token: string) => {
  const [platform, type] = token.split(":");
  return `${platform}-${kebab(type)}`;
};

/** The tail of an id as a short, stable suffix: `agent-…-9c41e2` → `9c41e2`. */
const idTail = (id: string, n: number) => id.replace(/[^A-Za-z0-9]/g, "").toLowerCase().slice(-n);

/** A resource name per object, in the order given. */
export function resourceNames(items: Nameable[]): string[] {
  const bases = items.map((x) => slug(x.objectName) || fallback(x.token));
  const groups = new Map<string, number[]>();
  bases.forEach((b, i) => groups.set(b, [...(groups.get(b) ?? []), i]));
  const names = [...bases];
  for (const [base, members] of groups) {
    if (members.length < 2) continue;
    const tokens = new Set(members.map((i) => items[i].token));
    if (tokens.size === members.length) {
      for (const i of members) names[i] = `${base}-${typeLabel(items[i].token)}`;
      continue;
    }
    // Same-type duplicates: the shortest id tail (from 6 characters) that tells every member apart.
    let n = 6;
    while (n < 64 && new Set(members.map((i) => idTail(items[i].id, n))).size < members.length) n += 2;
    for (const i of members) names[i] = `${base}-${idTail(items[i].id, n)}`;
  }
  // A suffixed name may meet another object's own name: the own name wins, then a fixed order decides.
  const suffixed = (i: number) => (names[i] === bases[i] ? 0 : 1);
  const order = items
    .map((_, i) => i)
    .sort((a, b) => suffixed(a) - suffixed(b) || (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : items[a].id < items[b].id ? -1 : 1));
  const taken = new Set<string>();
  for (const i of order) {
    let name = names[i];
    for (let k = 2; taken.has(name); k++) name = `${names[i]}-${k}`;
    taken.add(name);
    names[i] = name;
  }
  return names;
}

const RESERVED = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for function if import " +
    "in instanceof new null return super switch this throw true try typeof var void while with as implements interface let package " +
    "private protected public static yield any boolean constructor declare get module require number set string symbol type from of " +
    "await async config fs pulumi asteroid everruns letta odeus manifest").split(" "),
);

/** TypeScript variable names for resource names (`checkout-pool` → `checkoutPool`), unique among themselves. */
export function identifiers(names: string[]): string[] {
  const taken = new Set<string>();
  return names.map((n) => {
    let id = n.replace(/[-_]+([a-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9_$]/g, "");
    if (!id || /^[0-9]/.test(id) || RESERVED.has(id)) id = `_${id}`;
    let out = id;
    for (let k = 2; taken.has(out); k++) out = `${id}_${k}`;
    taken.add(out);
    return out;
  });
}

/** A stack config key: `<resource>-<what>`, letters, digits, `-` and `_` only (safe in a shell and in `${secret:…}`). */
export function configKey(resource: string, what: string[], taken: Set<string>): string {
  const key = [resource, ...what].map((p) => p.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "")).filter(Boolean).join("-");
  let out = key;
  for (let k = 2; taken.has(out); k++) out = `${key}-${k}`;
  taken.add(out);
  return out;
}
