/**
 * `pulumi-agents report`: reads `pulumi preview --json` (or an engine-event log), writes a Markdown
 * review of the changes, and gives CI an exit status and a one-line summary.
 *
 * Exit status: 0 no changes, 2 changes present, 3 the preview reported errors, 1 the input could
 * not be read (see `cli.ts`). "Changes present" is the engine's verdict: its `changeSummary` counts a
 * change (the root stack's outputs included), or the steps show one.
 */
import { collectChanges, type PreviewChanges } from "./changes";
import { readInput, type PreviewDigest, type ReportInput } from "./preview";
import { DEFAULT_MAX_CHARS, headlineCounts, orderedCounts, render, type Cut } from "./render";

export { parsePreview, readInput, PreviewInputError, type PreviewDigest, type PreviewStep, type ReportInput } from "./preview";
export { collectChanges, type PreviewChanges, type ResourceChange, type FieldChange, type Leaf } from "./changes";
export { DEFAULT_MAX_CHARS, REPORT_MARKER, render } from "./render";
export { diffLines, unifiedDiff } from "./diff";

export const EXIT = { noChanges: 0, error: 1, changes: 2, previewErrors: 3 } as const;

export interface Report {
  markdown: string;
  /** One line for a CI log. */
  summary: string;
  exitCode: number;
  changes: PreviewChanges;
  cut: Cut[];
}

export interface ReportOptions {
  /** Size cap of the Markdown in characters (default 60,000). */
  maxChars?: number;
}

/** The report of a `pulumi preview --json` document or an engine-event stream (text), or of a parsed digest. */
export function report(input: string | PreviewDigest | ReportInput, opts: ReportOptions = {}): Report {
  const read = typeof input === "string" ? readInput(input) : input;
  const changes = collectChanges(read);
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  const out = render(changes, { maxChars });
  const errors = changes.diagnostics.filter((d) => d.severity === "error").length;
  const counts = headlineCounts(changes);
  const n = Object.values(counts).reduce((a, b) => a + b, 0);
  const ops = orderedCounts(counts).map(([op, k]) => `${k} ${op}`).join(", ");
  const parts = [changes.hasChanges && n ? `${n} ${n === 1 ? "change" : "changes"} (${ops})` : "no changes"];
  if (changes.stack) parts[0] += ` in ${changes.stack}`;
  if (changes.disagreements.length) parts.push("the preview's steps and the engine's summary disagree");
  if (errors) parts.push(`the ${changes.operation} reported ${errors} ${errors === 1 ? "error" : "errors"}`);
  if (out.detailsDropped) parts.push(`field details left out to fit ${maxChars} characters`);
  else if (out.cut.length) parts.push(`${out.cut.length} ${out.cut.length === 1 ? "section" : "sections"} shortened to fit ${maxChars} characters`);
  if (out.markdown.length > maxChars) parts.push(`the summary table alone is ${out.markdown.length} characters, over the cap`);
  return {
    markdown: out.markdown,
    summary: `pulumi-agents report: ${parts.join("; ")}`,
    exitCode: errors ? EXIT.previewErrors : changes.hasChanges ? EXIT.changes : EXIT.noChanges,
    changes,
    cut: out.cut,
  };
}
