/**
 * A parsed manifest file that can say where any value came from: the `yaml` document keeps every
 * node's range, a `LineCounter` turns offsets into `line:column`, and `locate` follows a property path
 * (through aliases and `<<` merge keys) to the node that holds it.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { formatPath } from "../core/check";

export type Path = (string | number)[];

/** One problem in a manifest, at a place in the file. */
export interface ManifestIssue {
  file: string;
  line: number;
  column: number;
  /** Property path from the document root, e.g. `resources.support.properties.tags[1]`; empty for syntax errors. */
  path: string;
  reason: string;
}

export const formatIssue = (i: ManifestIssue): string => `${i.file}:${i.line}:${i.column}: ${i.path ? `${i.path}: ` : ""}${i.reason}`;

/** Every problem of a manifest, found before any resource was declared. */
export class ManifestError extends Error {
  constructor(readonly issues: ManifestIssue[]) {
    super(`${issues.length === 1 ? "1 problem" : `${issues.length} problems`} in the manifest, no resource was declared:\n${issues.map(formatIssue).join("\n")}`);
    this.name = "ManifestError";
  }
}

export class Source {
  readonly doc: Document.Parsed;
  private readonly lines = new LineCounter();
  readonly issues: ManifestIssue[] = [];

  /** `file` is how issues name the file (as the caller wrote it). */
  constructor(
    readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, merge: true, uniqueKeys: true, prettyErrors: false });
    for (const e of this.doc.errors) {
      const pos = this.lines.linePos(e.pos[0]);
      // `yaml` says "Map keys must be unique" without the key: name it, as written at that position.
      const key = e.code === "DUPLICATE_KEY" ? /^\s*([^:#\n]+?)\s*:/.exec(text.slice(e.pos[0]))?.[1] : undefined;
      const reason = key ? `the key ${JSON.stringify(key.replace(/^["']|["']$/g, ""))} appears twice in this mapping (keys must be unique)` : e.message;
      this.issues.push({ file, line: pos.line, column: pos.col, path: "", reason });
    }
  }

  /** The document as plain values (aliases and merge keys resolved). */
  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 1000 });
  }

  private deref(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  /** The key and value nodes of one step down from `node`, following merge keys. */
  private child(node: unknown, seg: string | number): { key?: Node; value?: Node } | undefined {
    const n = this.deref(node);
    if (isSeq(n) && typeof seg === "number") return n.items[seg] === undefined ? undefined : { value: n.items[seg] as Node };
    if (!isMap(n)) return undefined;
    for (const pair of n.items) {
      if (isScalar(pair.key) && typeof pair.key.value !== "symbol" && String(pair.key.value) === String(seg)) {
        return { key: pair.key, value: (pair.value ?? undefined) as Node | undefined };
      }
    }
    for (const pair of n.items) {
      if (!isScalar(pair.key) || typeof pair.key.value !== "symbol") continue; // `<<` merge key
      const v = this.deref(pair.value);
      for (const src of isSeq(v) ? v.items : [v]) {
        const found = this.child(src, seg);
        if (found) return found;
      }
    }
    return undefined;
  }

  /**
   * Where the value at `path` is written. `at: "key"` points at its key instead (unknown properties).
   * A path that does not exist (a missing required property) points at the key of its nearest
   * existing parent.
   */
  position(path: Path, at: "value" | "key" = "value"): { line: number; column: number } {
    let node: unknown = this.doc.contents;
    let key: Node | undefined;
    let found = true;
    for (const seg of path) {
      const c = this.child(node, seg);
      if (!c) {
        found = false;
        break;
      }
      key = c.key;
      node = c.value ?? c.key;
    }
    // A value written as an alias points at the alias, where the user wrote it, not at its anchor.
    const target = ((found && at === "value") || !key ? node : key) as Node | null | undefined;
    const offset = target?.range?.[0] ?? 0;
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }

  /** Records a problem with the value at `path` (or its key). */
  fail(path: Path, reason: string, at: "value" | "key" = "value"): void {
    const { line, column } = this.position(path, at);
    this.issues.push({ file: this.file, line, column, path: formatPath(path), reason });
  }
}

/** `credentials[2].name` -> `["credentials", 2, "name"]` (the inverse of check's formatPath). */
export function parsePath(property: string): Path {
  const out: Path = [];
  for (const m of property.matchAll(/\[(\d+)\]|([^.[\]]+)/g)) out.push(m[1] !== undefined ? Number(m[1]) : m[2]);
  return out;
}
