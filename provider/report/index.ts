/**
 * `pulumi-agents report`: reads `pulumi preview --json`, writes a Markdown review of the changes,
 * and gives CI an exit status and a one-line summary.
 *
 * Exit status: 0 no changes, 2 changes present, 3 the preview reported errors, 1 the input could
 * not be read (see `cli.ts`).
 */
import { collectChanges, type PreviewChanges } from "./changes";
import { parsePreview, parseUrn, type PreviewDigest } from "./preview";
import { DEFAULT_MAX_CHARS, orderedCounts, render, type Cut } from "./render";

export { parsePreview, PreviewInputError, type PreviewDigest, type PreviewStep } from "./preview";
export { collectChanges, type PreviewChanges, type ResourceChange, type FieldChange } from "./changes";
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

/** The report of a `pulumi preview --json` document (text or parsed). */
export function report(input: string | PreviewDigest, opts: ReportOptions = {}): Report {
  const doc = typeof input === "string" ? parsePreview(input) : input;
  const changes = collectChanges(doc);
  const first = doc.steps?.find((s) => s.urn.startsWith("urn:pulumi:"));
  const stack = first ? (({ project, stack }) => `${project}/${stack}`)(parseUrn(first.urn)) : undefined;
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  const out = render(changes, { maxChars, stack });
  const errors = changes.diagnostics.filter((d) => d.severity === "error").length;
  const n = changes.resources.length;
  const ops = orderedCounts(changes.counts).map(([op, k]) => `${k} ${op}`).join(", ");
  const parts = [n ? `${n} ${n === 1 ? "change" : "changes"} (${ops})` : "no changes"];
  if (stack) parts[0] += ` in ${stack}`;
  if (errors) parts.push(`the preview reported ${errors} ${errors === 1 ? "error" : "errors"}`);
  if (out.detailsDropped) parts.push(`field details left out to fit ${maxChars} characters`);
  else if (out.cut.length) parts.push(`${out.cut.length} ${out.cut.length === 1 ? "section" : "sections"} shortened to fit ${maxChars} characters`);
  if (out.markdown.length > maxChars) parts.push(`the summary table alone is ${out.markdown.length} characters, over the cap`);
  return {
    markdown: out.markdown,
    summary: `pulumi-agents report: ${parts.join("; ")}`,
    exitCode: errors ? EXIT.previewErrors : n ? EXIT.changes : EXIT.noChanges,
    changes,
    cut: out.cut,
  };
}
