/**
 * Markdown for a pull-request comment: a summary table (never cut), then per resource the changed
 * fields: unified line diffs for text, items added / removed / changed for lists, "changed" or
 * "unchanged" for secrets. A size cap shortens the longest field sections first and says what
 * was cut.
 */
import { showValue, type FieldChange, type ItemChange, type MemberChange, type PreviewChanges, type ResourceChange } from "./changes";

/** The default size cap: under GitHub's 65,536-character comment limit with room for a header. */
export const DEFAULT_MAX_CHARS = 60_000;
/** The first line of every report, so a CI step can find and replace its earlier comment. */
export const REPORT_MARKER = "<!-- pulumi-agents:report -->";

/** A field's section, the unit the cap shortens. */
interface Block {
  resource: string;
  field: string;
  /** The line naming the field and the kind of change. */
  title: string;
  /** The body: diff lines (inside a fence) or bullet lines. */
  lines: string[];
  fence?: "diff";
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
  /** Set when even the table with every field section cut to nothing exceeded the cap. */
  detailsDropped: boolean;
}

/* ---------- Markdown helpers ---------- */

/** Inline code that survives backticks and pipes inside (pipes would end a table cell). */
export function code(s: string): string {
  const runs = s.match(/`+/g) ?? [];
  const ticks = "`".repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = s.startsWith("`") || s.endsWith("`") ? " " : "";
  return `${ticks}${pad}${s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ")}${pad}${ticks}`;
}

function fenceFor(lines: string[]): string {
  let longest = 0;
  for (const l of lines) for (const r of l.match(/`{3,}/g) ?? []) longest = Math.max(longest, r.length);
  return "`".repeat(Math.max(3, longest + 1));
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/* ---------- the table ---------- */

function operationCell(r: ResourceChange): string {
  if (r.op !== "replace") return r.op === "delete" ? "**delete**" : r.op;
  const why = r.replaceReasons.length
    ? `: ${r.replaceReasons.map(code).join(", ")} cannot change in place`
    : "";
  const order = r.deleteBeforeReplace === true ? " (deleted before it is re-created)" : r.deleteBeforeReplace === false ? " (created before the old one is deleted)" : "";
  return `**replace**${why}${order}`;
}

const isSecret = (f: FieldChange, status: string) => f.kind === "secret" && f.status === status;

function fieldsCell(r: ResourceChange): string {
  const changed = r.fields.filter((f) => !isSecret(f, "unchanged") && !isSecret(f, "masked"));
  const masked = r.fields.filter((f) => isSecret(f, "masked"));
  if (r.op === "delete") return "—";
  const cells = changed.map((f) => code(f.field) + (f.kind === "secret" ? " (secret)" : ""));
  // Blinded secrets are named here only when nothing else explains the change.
  if (!cells.length) cells.push(...masked.map((f) => `${code(f.field)} (secret, hidden)`));
  return cells.length ? cells.join(", ") : "—";
}

function table(rs: ResourceChange[]): string[] {
  const out = ["| Resource | Type | Operation | Changed fields |", "| --- | --- | --- | --- |"];
  for (const r of rs) out.push(`| ${code(r.name)} | ${code(r.type)} | ${operationCell(r)} | ${fieldsCell(r)} |`);
  return out;
}

/* ---------- field sections ---------- */

function memberText(m: MemberChange): string {
  if (m.secret) return m.secret === "masked" ? `${code(m.name)} (secret): hidden by the preview, may have changed` : `${code(m.name)} (secret): ${m.secret}`;
  if (m.change === "added") return `${code(m.name)} set to ${code(showValue(m.new))}`;
  if (m.change === "removed") return `${code(m.name)} removed (was ${code(showValue(m.old))})`;
  return `${code(m.name)}: ${code(showValue(m.old))} → ${code(showValue(m.new))}`;
}

function itemText(c: ItemChange): string {
  return `changed ${code(c.key)}: ${c.members.map(memberText).join("; ")}`;
}

function block(r: ResourceChange, f: FieldChange): Block {
  const b = (title: string, lines: string[] = [], fence?: "diff"): Block => ({ resource: r.name, field: f.field, title, lines, fence });
  const name = `**${code(f.field)}**`;
  switch (f.kind) {
    case "secret":
      return b(`${name} (secret): ${f.status === "masked" ? "hidden by the preview" : f.status}`);
    case "reported":
      return b(`${name}: the provider reports a difference from the live resource (the inputs are equal)`);
    case "scalar":
      if (f.old === undefined) return b(`${name}: set to ${code(showValue(f.new))}`);
      if (f.new === undefined) return b(`${name}: removed (was ${code(showValue(f.old))})`);
      return b(`${name}: ${code(showValue(f.old))} → ${code(showValue(f.new))}`);
    case "text": {
      const plus = f.diff.filter((l) => l.startsWith("+")).length;
      const minus = f.diff.filter((l) => l.startsWith("-")).length;
      const what = f.created ? `new, ${plural(plus, "line")}` : f.removed ? `removed, was ${plural(minus, "line")}` : `+${plus} −${minus} lines`;
      return b(`${name} (${what})`, f.diff, "diff");
    }
    case "list": {
      const lines = [
        ...f.added.map((v) => `- added ${code(showValue(v))}`),
        ...f.removed.map((v) => `- removed ${code(showValue(v))}`),
        ...f.changed.map((c) => `- ${itemText(c)}`),
        ...(f.reordered ? ["- the order of the items changed"] : []),
      ];
      const counts = [f.added.length && `${f.added.length} added`, f.removed.length && `${f.removed.length} removed`, f.changed.length && `${f.changed.length} changed`]
        .filter(Boolean)
        .join(", ");
      const by = f.keyLabel ? `, items matched by ${f.keyLabel}` : "";
      return b(`${name} (${counts || "reordered"}${by})`, lines);
    }
    case "object":
      return b(`${name}`, f.members.map((m) => `- ${memberText(m)}`));
  }
}

/** A block, shortened to at most `limit` characters where it can be (the title always stays). */
function renderBlock(bl: Block, limit = Infinity): { text: string; kept: number } {
  const fence = bl.fence ? fenceFor(bl.lines) : "";
  const open = bl.fence ? [`${fence}${bl.fence}`] : [];
  const close = bl.fence ? [fence] : [];
  const full = [bl.title, ...(bl.lines.length ? [...open, ...bl.lines, ...close] : [])].join("\n");
  if (full.length <= limit || !bl.lines.length) return { text: full, kept: bl.lines.length };
  const noteFor = (left: number) => `_… ${plural(left, "more line")} of ${code(bl.field)} cut to fit the report's size cap._`;
  let size = bl.title.length + 1 + (open[0]?.length ?? 0) + 1 + fence.length + 1 + noteFor(bl.lines.length).length;
  let kept = 0;
  while (kept < bl.lines.length && size + bl.lines[kept].length + 1 <= limit) size += bl.lines[kept++].length + 1;
  const body = kept ? [...open, ...bl.lines.slice(0, kept), ...close] : [];
  return { text: [bl.title, ...body, noteFor(bl.lines.length - kept)].join("\n"), kept };
}

/* ---------- the whole report ---------- */

/** Operation counts in reading order: create, update, replace, delete, then any other. */
export function orderedCounts(counts: Record<string, number>): [string, number][] {
  const order = ["create", "update", "replace", "delete"];
  return Object.entries(counts).sort(([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
}

function headline(c: PreviewChanges, where: string): string {
  const total = c.resources.length;
  const errors = c.diagnostics.filter((d) => d.severity === "error").length;
  const failed = errors ? `, and the preview failed with ${plural(errors, "error")}` : "";
  if (!total) return errors ? `### Pulumi preview${where} failed with ${plural(errors, "error")}` : `### Pulumi preview${where}: no changes`;
  const ops = orderedCounts(c.counts);
  return `### Pulumi preview${where}: ${plural(total, "change")} (${ops.map(([op, n]) => `${n} to ${op}`).join(", ")})${failed}`;
}

function diagnosticsSection(c: PreviewChanges): string[] {
  if (!c.diagnostics.length) return [];
  return [
    "",
    "#### Diagnostics",
    ...c.diagnostics.map((d) => `- **${d.severity}**${d.resource ? ` (${code(d.resource)})` : ""}: ${d.message.replace(/\r?\n/g, " ")}`),
  ];
}

export function render(c: PreviewChanges, opts: { maxChars?: number; stack?: string } = {}): Rendered {
  const max = opts.maxChars ?? DEFAULT_MAX_CHARS;
  const where = opts.stack ? ` of ${code(opts.stack)}` : "";
  const head = [REPORT_MARKER, headline(c, where), ""];
  const top = c.resources.length ? [...head, ...table(c.resources)] : head.slice(0, 2);
  const diags = diagnosticsSection(c);
  const unchangedNote = c.unchanged ? ["", `<sub>${plural(c.unchanged, "resource")} unchanged.</sub>`] : [];

  // Sections per resource: a heading, its field blocks, and the secrets left unchanged.
  type Section = { heading: string; blocks: Block[]; footer: string[] };
  const sections: Section[] = c.resources
    .filter((r) => r.op !== "delete" && r.fields.length)
    .map((r) => {
      const shown = r.fields.filter((f) => f.kind !== "secret" || f.status === "changed");
      const same = r.fields.filter((f) => isSecret(f, "unchanged")).map((f) => code(f.field));
      const hidden = r.fields.filter((f) => isSecret(f, "masked")).map((f) => code(f.field));
      const footer = [
        ...(same.length ? [`Secrets unchanged: ${same.join(", ")}.`] : []),
        ...(hidden.length ? [`Secrets the preview blinds on both sides, so it cannot tell whether they changed: ${hidden.join(", ")}.`] : []),
      ];
      return { heading: `#### ${code(r.name)} (${code(r.type)}): ${r.op}`, blocks: shown.map((f) => block(r, f)), footer };
    });

  const assemble = (limit: number): { text: string; cut: Cut[] } => {
    const cut: Cut[] = [];
    const parts: string[] = [...top];
    for (const s of sections) {
      parts.push("", s.heading);
      for (const bl of s.blocks) {
        const { text, kept } = renderBlock(bl, limit);
        if (kept < bl.lines.length) cut.push({ resource: bl.resource, field: bl.field, keptLines: kept, totalLines: bl.lines.length });
        parts.push("", text);
      }
      for (const line of s.footer) parts.push("", line);
    }
    parts.push(...diags, ...unchangedNote);
    if (cut.length) {
      parts.push(
        "",
        `<sub>Cut to stay under ${max.toLocaleString("en-US")} characters (longest sections first): ` +
          cut.map((x) => `${code(x.resource)} ${code(x.field)} (${x.keptLines} of ${plural(x.totalLines, "line")} kept)`).join(", ") +
          ". Run `npx pulumi-agents report` on the preview JSON locally with a larger `--max-chars` to see everything.</sub>",
      );
    }
    return { text: parts.join("\n") + "\n", cut };
  };

  const full = assemble(Infinity);
  if (full.text.length <= max) return { markdown: full.text, cut: [], detailsDropped: false };

  // Largest per-section limit that fits: every section longer than it is shortened, longest first.
  const longest = Math.max(0, ...sections.flatMap((s) => s.blocks.map((b) => renderBlock(b).text.length)));
  let lo = 0;
  let hi = longest;
  if (assemble(0).text.length > max) {
    const dropped = [
      ...top,
      "",
      `_The field-by-field details were left out: even shortened, they do not fit in ${max.toLocaleString("en-US")} characters. ` +
        "Run `npx pulumi-agents report` on the preview JSON locally to see them._",
      ...diags,
      ...unchangedNote,
    ];
    return { markdown: dropped.join("\n") + "\n", cut: sections.flatMap((s) => s.blocks.map((b) => ({ resource: b.resource, field: b.field, keptLines: 0, totalLines: b.lines.length }))), detailsDropped: true };
  }
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (assemble(mid).text.length <= max) lo = mid;
    else hi = mid - 1;
  }
  const best = assemble(lo);
  return { markdown: best.text, cut: best.cut, detailsDropped: false };
}
