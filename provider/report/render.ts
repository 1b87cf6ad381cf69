/**
 * Markdown for a pull-request comment: the engine's verdict, a summary table (never cut), then per
 * resource the changed fields: unified line diffs for every multi-line string at any depth, list
 * items added / removed / changed (matched by the table's identity), assets by their text or path,
 * secrets only as changed / unchanged / may have changed; then every diagnostic and the engine's
 * totals. A size cap shortens the longest sections first and says what was cut.
 */
import {
  shows,
  type Diagnostic,
  type FieldChange,
  type Leaf,
  type PreviewChanges,
  type ResourceChange,
  type Seg,
} from "./changes";
import { describeAsset, isMultiline } from "./compare";
import { assetOf, isSecretMarker, SECRET_MASK, UNKNOWN_VALUE } from "./preview";
import { isObject } from "../core/values";

/** The default size cap: under GitHub's 65,536-character comment limit with room for a header. */
export const DEFAULT_MAX_CHARS = 60_000;
/** The first line of every report, so a CI step can find and replace its earlier comment. */
export const REPORT_MARKER = "<!-- pulumi-agents:report -->";

/** The unit the cap shortens: bullet lines, or one diff. */
interface Part {
  /** What the part shows, for the cut note (`systemPrompt`, `memoryBlocks[persona].value`). */
  label: string;
  /** A line before the body that is never cut. */
  head?: string;
  lines: string[];
  fence?: "diff";
}

/** A field's section: a title that is never cut, and its parts. */
interface Block {
  resource: string;
  title: string;
  parts: Part[];
}

export interface Cut {
  resource: string;
  field: string;
  keptLines: number;
  totalLines: number;
}

export interface Rendered {
  markdown: string;
  cut: Cut[];
  /** Set when even the table with every section cut to nothing exceeded the cap. */
  detailsDropped: boolean;
}

/* ---------- Markdown helpers ---------- */

/** Inline code that survives backticks inside. */
export function code(s: string): string {
  const runs = s.match(/`+/g) ?? [];
  const ticks = "`".repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = s.startsWith("`") || s.endsWith("`") ? " " : "";
  return `${ticks}${pad}${s.replace(/\r?\n/g, " ")}${pad}${ticks}`;
}

/** Inline code inside a table cell: a pipe would end the cell, so it is escaped there (and only there). */
export function cellCode(s: string): string {
  return code(s).replace(/\|/g, "\\|");
}

function fenceFor(lines: string[]): string {
  let longest = 0;
  for (const l of lines) for (const r of l.match(/`{3,}/g) ?? []) longest = Math.max(longest, r.length);
  return "`".repeat(Math.max(3, longest + 1));
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Text from a diagnostic or the engine, kept from opening HTML in the comment. */
const prose = (s: string) => s.replace(/</g, "&lt;");

/* ---------- values and paths ---------- */

/** `memoryBlocks[persona].value`: members by name, list items by their identity (or position). */
export function formatPath(path: Seg[]): string {
  return path
    .map((s, i) => {
      if ("member" in s) return /^[A-Za-z_$][\w$-]*$/.test(s.member) ? (i ? `.${s.member}` : s.member) : `[${JSON.stringify(s.member)}]`;
      if ("item" in s) return `[${s.item === "" || /[[\]\n"]/.test(s.item) ? JSON.stringify(s.item) : s.item}]`;
      return `[${s.index}]`;
    })
    .join("");
}

/**
 * A value as shown in the report: JSON, with secrets as `[secret]`, preview unknowns as
 * `(known after apply)`, assets by kind and text size, path or URI (never their hash), and, with
 * `elide`, multi-line strings as `<N lines, below>` (their line diff follows).
 */
export function showValue(v: unknown, elide = false): string {
  const walk = (x: unknown): unknown => {
    if (isSecretMarker(x)) return SECRET_MASK;
    if (x === UNKNOWN_VALUE) return "(known after apply)";
    const a = assetOf(x);
    if (a) return `(${describeAsset(a)})`;
    if (elide && isMultiline(x)) return `<${lineCount(x)} lines, below>`;
    if (Array.isArray(x)) return x.map(walk);
    if (isObject(x)) return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y)]));
    return x;
  };
  if (v === undefined) return "(unset)";
  const w = walk(v);
  return typeof w === "string" && w !== v ? w : JSON.stringify(w);
}

const lineCount = (s: string) => s.split(/\r?\n/).length - (s.endsWith("\n") ? 1 : 0);

/* ---------- the table ---------- */

function operationCell(r: ResourceChange): string {
  if (r.stack) return `${r.op} (outputs)`;
  if (r.op !== "replace") return r.op === "delete" ? "**delete**" : r.op;
  const why = r.replaceReasons.length ? `: ${r.replaceReasons.map(cellCode).join(", ")} cannot change in place` : "";
  const order = r.deleteBeforeReplace === true ? " (deleted before it is re-created)" : r.deleteBeforeReplace === false ? " (created before the old one is deleted)" : "";
  return `**replace**${why}${order}`;
}

function secretWords(status: string | undefined): string {
  return status === "may-have-changed" ? "may have changed" : status === "hidden" ? "hidden by the preview" : String(status);
}

function fieldsCell(r: ResourceChange): string {
  if (r.op === "delete") return "—";
  const cells = r.fields
    .filter(shows)
    .map((f) => cellCode(f.field) + (f.secret === "changed" ? " (secret)" : f.secret ? ` (secret, ${secretWords(f.secret)})` : ""));
  // Blinded secrets are named here only when nothing else explains the change.
  if (!cells.length) cells.push(...r.fields.filter((f) => f.secret === "hidden").map((f) => `${cellCode(f.field)} (secret, hidden)`));
  return cells.length ? cells.join(", ") : "—";
}

function table(rs: ResourceChange[]): string[] {
  const out = ["| Resource | Type | Operation | Changed fields |", "| --- | --- | --- | --- |"];
  for (const r of rs) out.push(`| ${cellCode(r.name)} | ${cellCode(r.type)} | ${operationCell(r)} | ${fieldsCell(r)} |`);
  return out;
}

/* ---------- field sections ---------- */

function textWhat(l: Extract<Leaf, { kind: "text" }>): string {
  const plus = l.diff.filter((x) => x.startsWith("+")).length;
  const minus = l.diff.filter((x) => x.startsWith("-")).length;
  const size = l.created ? `new, ${plural(plus, "line")}` : l.removed ? `removed, was ${plural(minus, "line")}` : `+${plus} −${minus} lines`;
  return `${l.what ? `${l.what}, ` : ""}${size}${l.note ? `; ${l.note}` : ""}`;
}

/** A one-line change: `` `rel`: `old` → `new` `` (rel is the path below where it is written). */
function leafText(l: Leaf, rel: string): string {
  const name = rel ? `${code(rel)}${l.kind === "value" && l.what ? ` (${l.what})` : ""}: ` : "";
  switch (l.kind) {
    case "value":
      if (l.old === undefined) return rel ? `${code(rel)}${l.what ? ` (${l.what})` : ""} set to ${code(showValue(l.new))}` : `set to ${code(showValue(l.new))}`;
      if (l.new === undefined) return rel ? `${code(rel)} removed (was ${code(showValue(l.old))})` : `removed (was ${code(showValue(l.old))})`;
      return `${name}${code(showValue(l.old))} → ${code(showValue(l.new))}`;
    case "secret":
      return `${rel ? `${code(rel)} ` : ""}(secret): ${secretWords(l.status)}`;
    case "asset":
      if (l.change === "replaced") return `${name}${describeAsset(l.old, code)} → ${describeAsset(l.new, code)}`;
      return `${name}${describeAsset(l.new, code)}: its contents ${l.change === "contents" ? "changed" : "may have changed (the document holds a hash for one side only)"}`;
    case "reordered":
      return `${name}the order of the items changed`;
    case "note":
      return `${name}${l.text}`;
    case "item":
      return `${name}${l.change} ${code(showValue(l.value, true))}`;
    case "text":
      return `${name}(${textWhat(l)})`;
  }
}

const itemSeg = (s: Seg | undefined) => !!s && ("item" in s || "index" in s);

/** The path below `from` segments, or from one level up when it would start with a bracket (`code["index.js"]`). */
function rel(path: Seg[], from: number): string {
  const p = formatPath(path.slice(from));
  return p.startsWith("[") && from > 0 ? formatPath(path.slice(from - 1)) : p;
}
const segName = (s: Seg) => ("item" in s ? s.item : "index" in s ? `[${s.index}]` : s.member);

/** A text leaf as its own part: a head naming the path and the kind of change, then the diff. */
function textPart(l: Extract<Leaf, { kind: "text" }>, label: string, head: string): Part {
  if (!l.diff.length) return { label, head: `${head}: only the line endings differ (${l.note ?? "the values differ in line breaks only"}).`, lines: [] };
  return { label, head: `${head} (${textWhat(l)})`, lines: l.diff, fence: "diff" };
}

function block(r: ResourceChange, f: FieldChange): Block {
  const name = `**${code(f.field)}**`;
  const b = (title: string, parts: Part[] = []): Block => ({ resource: r.name, title, parts });
  if (f.secret) return b(`${name} (secret): ${f.secret === "may-have-changed" ? "may have changed (the engine names it; the preview blinds both values)" : secretWords(f.secret)}`);
  const top = f.leaves.filter((l) => l.path.length === 1);
  const deep = f.leaves.filter((l) => l.path.length > 1);
  const notes = top.filter((l) => l.kind === "note").map((l) => (l as { text: string }).text);
  const whole = top.filter((l) => l.kind !== "note");

  if (!whole.length && !deep.length) return b(`${name}: ${notes.join(" ")}`);
  // The field itself changed as a whole: one line, or a title and its diff.
  if (whole.length === 1 && !deep.length && whole[0].kind !== "reordered") {
    const l = whole[0];
    const tail = notes.length ? ` ${notes.join(" ")}` : "";
    if (l.kind === "text") {
      const p = textPart(l, f.field, name);
      return b(`${p.head}${tail}`, p.lines.length ? [{ ...p, head: undefined }] : []);
    }
    const what = l.kind === "value" && l.what ? ` (${l.what})` : "";
    return b(`${name}${what}: ${leafText(l, "").replace(/^\(secret\): /, "")}${tail}`);
  }

  // Nested: bullets for one-line changes (grouped by list item), a part per diff.
  const listLike = f.leaves.some((l) => itemSeg(l.path[1])) || top.some((l) => l.kind === "reordered");
  // One line per change, except that the changes inside one list item share its line.
  const entries: ({ line: string } | { seg: Seg; texts: string[] })[] = [];
  const groups = new Map<string, { seg: Seg; texts: string[] }>();
  const texts: Part[] = [];
  for (const l of f.leaves) {
    if (l.kind === "note") continue;
    const path = formatPath(l.path);
    if (l.kind === "text" && (l.path.length > 1 || whole.length > 1)) texts.push(textPart(l, path, code(path)));
    else if (l.path.length === 1) entries.push({ line: `- ${leafText(l, "")}` });
    else if (l.kind === "item" && l.path.length === 2) entries.push({ line: `- ${l.change} ${code(showValue(l.value, true))}` });
    else if (l.within || l.kind === "item") {
      // Inside an item added or removed whole, only nested items get a line: the rest is in the item's value, its text above.
      if (l.kind === "item") entries.push({ line: `- ${leafText(l, rel(l.path.slice(0, -1), 1))}` });
    } else if (listLike && itemSeg(l.path[1])) {
      const key = JSON.stringify(l.path[1]);
      let g = groups.get(key);
      if (!g) {
        g = { seg: l.path[1], texts: [] };
        groups.set(key, g);
        entries.push(g);
      }
      g.texts.push(leafText(l, formatPath(l.path.slice(2))));
    } else entries.push({ line: `- ${leafText(l, rel(l.path, 1))}` });
  }
  const lines = entries.map((e) => ("line" in e ? e.line : `- changed ${code(segName(e.seg))}: ${e.texts.join("; ")}`));
  let title = name;
  if (listLike) {
    const depth2 = f.leaves.filter((l) => l.path.length === 2 && l.kind === "item");
    const added = depth2.filter((l) => l.kind === "item" && l.change === "added").length;
    const removed = depth2.filter((l) => l.kind === "item" && l.change === "removed").length;
    const changed = new Set(
      f.leaves.filter((l) => l.path.length > 2 && !l.within && itemSeg(l.path[1]) && !(l.kind === "item")).map((l) => JSON.stringify(l.path[1])),
    ).size + new Set(f.leaves.filter((l) => l.path.length === 2 && !l.within && l.kind !== "item" && itemSeg(l.path[1])).map((l) => JSON.stringify(l.path[1]))).size;
    const reordered = top.some((l) => l.kind === "reordered");
    const counts = [added && `${added} added`, removed && `${removed} removed`, changed && `${changed} changed`].filter(Boolean).join(", ");
    const by = f.keyLabel ? `, items matched by ${f.keyLabel}` : "";
    title = `${name} (${counts || (reordered ? "reordered" : "changed")}${by})`;
  }
  if (notes.length) title += ` ${notes.join(" ")}`;
  const parts: Part[] = [];
  if (lines.length) parts.push({ label: f.field, lines });
  parts.push(...texts);
  return b(title, parts);
}

/** A part, shortened to at most `limit` characters where it can be (the head always stays). */
function renderPart(p: Part, limit = Infinity): { text: string; kept: number } {
  const fence = p.fence ? fenceFor(p.lines) : "";
  const open = p.fence ? [`${fence}${p.fence}`] : [];
  const close = p.fence ? [fence] : [];
  const head = p.head ? [p.head] : [];
  const full = [...head, ...(p.lines.length ? [...open, ...p.lines, ...close] : [])].join("\n");
  if (full.length <= limit || !p.lines.length) return { text: full, kept: p.lines.length };
  const noteFor = (left: number) => `_… ${plural(left, "more line")} of ${code(p.label)} cut to fit the report's size cap._`;
  let size = (p.head ? p.head.length + 1 : 0) + (open[0]?.length ?? 0) + 1 + fence.length + 1 + noteFor(p.lines.length).length;
  let kept = 0;
  while (kept < p.lines.length && size + p.lines[kept].length + 1 <= limit) size += p.lines[kept++].length + 1;
  const body = kept ? [...open, ...p.lines.slice(0, kept), ...close] : [];
  return { text: [...head, ...body, noteFor(p.lines.length - kept)].join("\n"), kept };
}

/** A block: its title, then its parts (the first directly under the title when it has no head). */
function renderBlock(bl: Block, limit: number, cut: Cut[]): string {
  let text = bl.title;
  bl.parts.forEach((p, i) => {
    const r = renderPart(p, limit);
    if (r.kept < p.lines.length) cut.push({ resource: bl.resource, field: p.label, keptLines: r.kept, totalLines: p.lines.length });
    text += (i === 0 && !p.head ? "\n" : "\n\n") + r.text;
  });
  return text;
}

/* ---------- the whole report ---------- */

/** Operation counts in reading order: create, update, replace, delete, then any other. */
export function orderedCounts(counts: Record<string, number>): [string, number][] {
  const order = ["create", "update", "replace", "delete"];
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
}

const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

/** The counts a headline shows: the engine's, or the steps' when only they show a change. */
export function headlineCounts(c: PreviewChanges): Record<string, number> {
  if (total(c.counts) || !c.hasChanges) return c.counts;
  const fromSteps: Record<string, number> = {};
  for (const r of c.resources) fromSteps[r.op] = (fromSteps[r.op] ?? 0) + 1;
  return fromSteps;
}

function headline(c: PreviewChanges, where: string): string {
  const verb = c.operation === "update" ? "Pulumi update" : "Pulumi preview";
  const errors = c.diagnostics.filter((d) => d.severity === "error").length;
  const counts = headlineCounts(c);
  const n = total(counts);
  if (!c.hasChanges || !n) return errors ? `### ${verb}${where} failed with ${plural(errors, "error")}` : `### ${verb}${where}: no changes`;
  const failed = errors ? `, and the ${c.operation} failed with ${plural(errors, "error")}` : "";
  return `### ${verb}${where}: ${plural(n, "change")} (${orderedCounts(counts).map(([op, k]) => `${k} to ${op}`).join(", ")})${failed}`;
}

function notices(c: PreviewChanges): string[] {
  const out: string[] = [];
  if (c.disagreements.length) {
    const missing = c.disagreements.some((d) => d.startsWith("the engine counts"));
    const extra = c.disagreements.some((d) => d.startsWith("the preview's steps list"));
    const consequence = [
      missing ? "the verdict follows the engine's count, and what the steps do not list cannot be shown below" : "",
      extra ? "changes the steps list are counted as changes too" : "",
    ].filter(Boolean);
    out.push(`> **The preview's steps and the engine's summary disagree:** ${c.disagreements.join("; ")}. ${capital(consequence.join("; "))}.`);
  }
  for (const n of c.notes) out.push(`> ${n}`);
  if (c.maybeCorrupt) out.push("> **The engine reports that the stack's state may be corrupt** (`maybeCorrupt`): an earlier operation may have been interrupted.");
  return out;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const SEVERITY_LABEL: Record<string, string> = { "info#err": "info (stderr)" };

function diagnosticsBlock(ds: Diagnostic[]): Block | undefined {
  if (!ds.length) return undefined;
  const bySeverity = new Map<string, number>();
  for (const d of ds) bySeverity.set(d.severity, (bySeverity.get(d.severity) ?? 0) + 1);
  const counts = [...bySeverity].map(([s, n]) => (s === "error" || s === "warning" ? plural(n, s) : `${n} ${SEVERITY_LABEL[s] ?? s}`)).join(", ");
  const lines = ds.flatMap((d) => {
    const [first, ...rest] = d.message.split(/\r?\n/);
    const head = `- **${SEVERITY_LABEL[d.severity] ?? d.severity}**${d.resource ? ` (${code(d.resource)})` : ""}: ${prose(first)}`;
    return [head, ...rest.filter((x) => x.trim()).map((x) => `  ${prose(x.trimEnd())}`)];
  });
  return { resource: "", title: `#### Diagnostics (${counts})`, parts: [{ label: "diagnostics", lines }] };
}

function totalsLine(c: PreviewChanges): string[] {
  const parts = orderedCounts(c.counts).map(([op, n]) => `${n} to ${op}`);
  if (c.unchanged) parts.push(`${c.unchanged} unchanged`);
  if (!parts.length) return [];
  const from = c.countsFrom === "engine" ? "Pulumi's count, the stack included" : "counted from the steps: the document has no `changeSummary`";
  return ["", `<sub>Resources (${from}): ${parts.join(", ")}.</sub>`];
}

export function render(c: PreviewChanges, opts: { maxChars?: number } = {}): Rendered {
  const max = opts.maxChars ?? DEFAULT_MAX_CHARS;
  const where = c.stack ? ` of ${code(c.stack)}` : "";
  const notes = notices(c);
  const top = [REPORT_MARKER, headline(c, where), ...(notes.length ? ["", ...notes] : []), ...(c.resources.length ? ["", ...table(c.resources)] : [])];
  const diags = diagnosticsBlock(c.diagnostics);
  const footer = totalsLine(c);

  // Sections per resource: a heading, its field blocks, and the secrets left unchanged.
  type Section = { heading: string; note?: string; blocks: Block[]; footer: string[] };
  const sections: Section[] = c.resources
    .filter((r) => r.op !== "delete" && (r.fields.length || r.note))
    .map((r) => {
      const same = r.fields.filter((f) => f.secret === "unchanged").map((f) => code(f.field));
      const hidden = r.fields.filter((f) => f.secret === "hidden").map((f) => code(f.field));
      const footer = [
        ...(same.length ? [`Secrets unchanged: ${same.join(", ")}.`] : []),
        ...(hidden.length ? [`Secrets the preview blinds on both sides, so it cannot tell whether they changed: ${hidden.join(", ")}.`] : []),
      ];
      const heading = r.stack ? `#### Outputs of the stack ${code(r.name)}: ${r.op}` : `#### ${code(r.name)} (${code(r.type)}): ${r.op}`;
      return { heading, note: r.note, blocks: r.fields.filter(shows).map((f) => block(r, f)), footer };
    });
  const allBlocks = [...sections.flatMap((s) => s.blocks), ...(diags ? [diags] : [])];

  const assemble = (limit: number): { text: string; cut: Cut[] } => {
    const cut: Cut[] = [];
    const parts: string[] = [...top];
    for (const s of sections) {
      parts.push("", s.heading);
      if (s.note) parts.push("", s.note);
      for (const bl of s.blocks) parts.push("", renderBlock(bl, limit, cut));
      for (const line of s.footer) parts.push("", line);
    }
    if (diags) parts.push("", renderBlock(diags, limit, cut));
    parts.push(...footer);
    if (cut.length) {
      const named = cut.map((x) => `${x.resource ? `${code(x.resource)} ` : ""}${code(x.field)} (${x.keptLines} of ${plural(x.totalLines, "line")} kept)`);
      parts.push(
        "",
        `<sub>Cut to stay under ${max.toLocaleString("en-US")} characters (longest sections first): ${named.join(", ")}. ` +
          "Run `npx pulumi-agents report` on the preview JSON locally with a larger `--max-chars` to see everything.</sub>",
      );
    }
    return { text: parts.join("\n") + "\n", cut };
  };

  const full = assemble(Infinity);
  if (full.text.length <= max) return { markdown: full.text, cut: [], detailsDropped: false };

  if (assemble(0).text.length > max) {
    const ds = c.diagnostics;
    const errs = ds.filter((d) => d.severity === "error").length;
    const dropped = [
      ...top,
      "",
      `_The field-by-field details were left out: even shortened, they do not fit in ${max.toLocaleString("en-US")} characters. ` +
        "Run `npx pulumi-agents report` on the preview JSON locally to see them._",
      ...(ds.length ? ["", `_Diagnostics left out: ${plural(ds.length, "diagnostic")}${errs ? `, ${plural(errs, "error")}` : ""}._`] : []),
      ...footer,
    ];
    const cut = allBlocks.flatMap((b) => b.parts.map((p) => ({ resource: b.resource, field: p.label, keptLines: 0, totalLines: p.lines.length })));
    return { markdown: dropped.join("\n") + "\n", cut, detailsDropped: true };
  }
  // Largest per-part limit that fits: every part longer than it is shortened, longest first.
  let lo = 0;
  let hi = Math.max(0, ...allBlocks.flatMap((b) => b.parts.map((p) => renderPart(p).text.length)));
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (assemble(mid).text.length <= max) lo = mid;
    else hi = mid - 1;
  }
  const best = assemble(lo);
  return { markdown: best.text, cut: best.cut, detailsDropped: false };
}
