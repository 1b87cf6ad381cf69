/**
 * From preview steps to what a reviewer reads: one entry per resource that changes (create, update,
 * replace, delete, ...), per changed input field the leaves of its difference at any depth (see
 * `compare.ts`), the stack's outputs when they change, the diagnostics of every severity, and the
 * verdict.
 *
 * The verdict is the engine's: `changeSummary` counts every logical step by operation, the root stack
 * included (a change of only the stack's outputs counts as one `update`), and `pulumi preview
 * --expect-no-changes` fails exactly when it counts a change. The steps are what the report can show;
 * where they and the summary disagree (policy packs can leave `steps` empty), the report says so, and
 * a change either side counts is a change.
 */
import type { ResourceDef } from "../core/fields";
import { resources } from "../registry";
import { fieldLeaves, type EngineNames, type Leaf, type SecretStatus } from "./compare";
import { uncolor } from "./events";
import {
  displayType,
  isRootStack,
  parseUrn,
  ROOT_STACK_TYPE,
  tokenOf,
  type PreviewDigest,
  type PreviewStep,
  type ReportInput,
} from "./preview";

export type { Leaf, SecretStatus, Seg } from "./compare";

type Props = Record<string, unknown>;

export interface FieldChange {
  field: string;
  /** What differs, at any depth. A write-only field has one `secret` leaf (whatever its status). */
  leaves: Leaf[];
  /** Set for a write-only field (or a value the document marks secret): its status. */
  secret?: SecretStatus;
  /** How the field's list items are matched, when the table gives them an identity ("label"). */
  keyLabel?: string;
}

export type Operation = "create" | "update" | "replace" | "delete" | "import" | "discard" | string;

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
  /** Fields that changed, in field-table order, plus write-only fields of any status. For a delete: none. */
  fields: FieldChange[];
  /** The root stack (`pulumi:pulumi:Stack`): its fields are its outputs. */
  stack?: boolean;
  /** What the document cannot show about this change (the stack's new outputs are not in a preview's JSON). */
  note?: string;
}

export interface Diagnostic {
  /** error, warning, info, info#err (the program's stderr) or debug. */
  severity: string;
  message: string;
  resource?: string;
}

export interface PreviewChanges {
  /** A preview, or an update (an event stream of `pulumi up`). */
  operation: "preview" | "update";
  /** `<project>/<stack>`, from the URNs. */
  stack?: string;
  resources: ResourceChange[];
  /** Changes per operation: the engine's `changeSummary` when the document has one (the stack included), else the steps'. */
  counts: Record<string, number>;
  /** Where `counts` come from. */
  countsFrom: "engine" | "steps";
  /** Resources left unchanged: `changeSummary.same` when present (the stack included), else the steps that change nothing. */
  unchanged: number;
  /** Sentences saying where the steps and the engine's summary disagree; empty when they agree. */
  disagreements: string[];
  /** Facts about the counts that need no disagreement (the engine's `output-change` count). */
  notes: string[];
  /** The verdict: the engine counts a change, or the steps show one. */
  hasChanges: boolean;
  diagnostics: Diagnostic[];
  /** The engine marked the state as possibly corrupt. */
  maybeCorrupt: boolean;
}

/** Ops the engine does not count as changes (`ResourceChanges.HasChanges`); refreshes only read. */
export const NO_CHANGE_OPS = new Set(["same", "read", "discard", "read-replacement", "refresh"]);
/** The engine's physical replacement steps, folded into one `replace` row per resource. */
const REPLACEMENT_OPS = new Set(["replace", "create-replacement", "delete-replaced"]);
const isChange = (op: string) => !NO_CHANGE_OPS.has(op);

/** The engine's default providers: not steps the engine reports or counts. */
function isDefaultProvider(urn: string): boolean {
  const { type, name } = parseUrn(urn);
  return type.startsWith("pulumi:providers:") && /^default(_|$)/.test(name);
}

/** The field table of a resource type, when the type is one of this package's. */
export function definitionOf(type: string): ResourceDef | undefined {
  return resources[tokenOf(type)];
}

const visible = (p: Props | undefined): Props => Object.fromEntries(Object.entries(p ?? {}).filter(([k]) => !k.startsWith("__")));

function engineNames(step: PreviewStep): EngineNames {
  const dd = step.detailedDiff ?? null;
  return {
    paths: [...(step.diffReasons ?? []), ...(step.replaceReasons ?? []), ...Object.keys(dd ?? {})].map(String),
    detailed: dd,
    listed: (step.diffReasons?.length ?? 0) > 0 || dd !== null,
  };
}

/** Builds the reviewer's view of a preview document (or of what `readInput` read). */
export function collectChanges(input: PreviewDigest | ReportInput): PreviewChanges {
  const read: ReportInput = "digest" in input && "source" in input ? input : { digest: input as PreviewDigest, source: "digest", operation: "preview" };
  const doc = read.digest;
  const steps = doc.steps ?? [];
  const byUrn = new Map<string, PreviewStep[]>();
  let sameSteps = 0;
  let stackStep: PreviewStep | undefined;
  for (const s of steps) {
    if (isDefaultProvider(s.urn)) continue;
    if (isRootStack(s.urn)) {
      stackStep = s;
      continue;
    }
    if (!isChange(s.op)) {
      sameSteps++;
      continue;
    }
    byUrn.set(s.urn, [...(byUrn.get(s.urn) ?? []), s]);
  }
  const out: ResourceChange[] = [];
  const stackChange = stackStep && stackOutputs(stackStep, read.outputsFinal?.has(stackStep.urn) ?? false);
  if (stackChange) out.push(stackChange);
  for (const [urn, group] of byUrn) {
    const replacement = group.filter((s) => REPLACEMENT_OPS.has(s.op));
    if (replacement.length) {
      out.push(resourceChange(urn, "replace", mergeReplacement(replacement), replacement));
      for (const s of group.filter((x) => !REPLACEMENT_OPS.has(x.op))) out.push(resourceChange(urn, s.op, s, [s]));
    } else for (const s of group) out.push(resourceChange(urn, s.op, s, [s]));
  }

  // The steps' count, as the engine counts: logical steps, the stack when its own step changes.
  const fromSteps: Record<string, number> = {};
  for (const r of out) fromSteps[r.op] = (fromSteps[r.op] ?? 0) + 1;
  const summary = doc.changeSummary ?? undefined;
  const fromEngine: Record<string, number> = {};
  for (const [op, n] of Object.entries(summary ?? {})) if (isChange(op) && n > 0) fromEngine[op] = n;
  const disagreements = summary ? disagreement(fromEngine, fromSteps, stackStep, steps.length === 0) : [];
  const counts = summary ? fromEngine : fromSteps;
  const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
  const stackSame = stackStep && !isChange(stackStep.op) ? 1 : 0;

  const first = [...steps.map((s) => s.urn), ...(doc.diagnostics ?? []).map((d) => d.urn ?? "")].find((u) => u.startsWith("urn:pulumi:"));
  return {
    operation: read.operation,
    stack: first ? `${parseUrn(first).project}/${parseUrn(first).stack}` : undefined,
    resources: out,
    counts,
    countsFrom: summary ? "engine" : "steps",
    // Pulumi's own count of unchanged resources (the stack included); sames are not among the steps unless `--show-sames`.
    unchanged: typeof summary?.same === "number" ? summary.same : sameSteps + stackSame,
    disagreements,
    notes:
      (fromEngine["output-change"] ?? 0) > 0 && !stackChange
        ? [`The engine counts ${fromEngine["output-change"]} change of the stack's outputs (\`output-change\`); the document does not hold their new values (\`pulumi preview\` prints them under Outputs).`]
        : [],
    hasChanges: total(counts) > 0 || total(fromSteps) > 0,
    diagnostics: diagnosticsOf(doc),
    maybeCorrupt: doc.maybeCorrupt === true,
  };
}

const SEVERITY_ORDER = ["error", "warning", "info", "info#err", "debug"];

/** Every diagnostic, errors first; a message that repeats its severity (`error: ...`) says it once. */
function diagnosticsOf(doc: PreviewDigest): Diagnostic[] {
  const rank = (s: string) => (SEVERITY_ORDER.indexOf(s) + 1 || SEVERITY_ORDER.length + 1);
  return (doc.diagnostics ?? [])
    .map((d) => {
      const severity = String(d.severity || "info");
      const word = severity.split("#")[0];
      let message = uncolor(`${d.prefix ?? ""}${d.message ?? ""}`).trim();
      if (message.toLowerCase().startsWith(`${word.toLowerCase()}: `)) message = message.slice(word.length + 2).trimStart();
      return { severity, message, resource: d.urn ? parseUrn(d.urn).name : undefined };
    })
    .filter((d) => d.message)
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d.severity) - rank(b.d.severity) || a.i - b.i)
    .map(({ d }) => d);
}

const opWords = (op: string, n: number) => `${n} to ${op}`;

function disagreement(engine: Record<string, number>, steps: Record<string, number>, stackStep: PreviewStep | undefined, noSteps: boolean): string[] {
  const out: string[] = [];
  // `output-change` (Pulumi 3.115) counts stack-output changes, which no step lists.
  for (const op of [...new Set([...Object.keys(engine), ...Object.keys(steps)])].filter((x) => x !== "output-change")) {
    const e = engine[op] ?? 0;
    const s = steps[op] ?? 0;
    if (e > s) {
      const hint = op === "update" && !(stackStep && isChange(stackStep.op)) ? " (a change of only the stack's outputs is counted this way)" : "";
      const listed = noSteps ? "the document lists no steps at all (previews run with policy packs have been seen to leave them out)" : `the preview's steps list ${s || "none"}`;
      out.push(`the engine counts ${opWords(op, e)}${noSteps ? "" : hint}, but ${listed}`);
    } else if (s > e) {
      out.push(`the preview's steps list ${opWords(op, s)}, but the engine counts ${e || "none"}`);
    }
  }
  return out;
}

/** The stack's step as a change of its outputs, or undefined when nothing about the stack changes. */
function stackOutputs(step: PreviewStep, outputsFinal: boolean): ResourceChange | undefined {
  const changing = isChange(step.op);
  if (!changing && !outputsFinal) return undefined;
  const base: ResourceChange = {
    urn: step.urn,
    name: parseUrn(step.urn).name,
    type: ROOT_STACK_TYPE,
    op: changing ? step.op : "update",
    replaceReasons: [],
    fields: [],
    stack: true,
  };
  const olds = visible(step.oldState?.outputs);
  const news = step.newState?.outputs;
  if (news === undefined && step.op !== "delete") {
    if (changing) base.note = "The engine counts the stack's outputs as changing; the document does not hold their new values (`pulumi preview` prints them under Outputs).";
    return changing ? base : undefined;
  }
  const engine = engineNames(step);
  const names = [...new Set([...Object.keys(olds), ...Object.keys(visible(news))])].sort();
  base.fields = names.map((k) => fieldOf(k, undefined, olds[k], news?.[k], engine)).filter((f): f is FieldChange => !!f);
  if (!base.fields.some(shows)) {
    if (!changing) return undefined;
    if (step.op === "update") base.note = "The engine counts the stack as updated, but its old and new outputs in the document are equal.";
  }
  return base;
}

function fieldOf(field: string, spec: ResourceDef["fields"][string] | undefined, o: unknown, n: unknown, engine: EngineNames): FieldChange | undefined {
  const leaves = fieldLeaves(field, spec, o, n, engine);
  if (!leaves.length) return undefined;
  const top = leaves.length === 1 && leaves[0].kind === "secret" && leaves[0].path.length === 1 ? leaves[0] : undefined;
  const keyLabel = spec?.keyed?.keyLabel ?? spec?.identity?.keyLabel;
  return { field, leaves, ...(top ? { secret: top.status } : {}), ...(keyLabel ? { keyLabel } : {}) };
}

/** Whether a field has anything to show (a secret unchanged or hidden is only named in a footer). */
export const shows = (f: FieldChange): boolean => !f.secret || f.secret === "changed" || f.secret === "may-have-changed";

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
    replaceReasons = fields.filter(shows).map((f) => f.field).filter((f) => def.fields[f]?.forceNew || def.fields[f]?.createOnly);
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

function fieldChanges(def: ResourceDef | undefined, oldIn: Props, newIn: Props, step: PreviewStep): FieldChange[] {
  const engine = engineNames(step);
  const order = def ? Object.keys(def.fields) : [];
  const names = [...new Set([...order, ...[...new Set([...Object.keys(oldIn), ...Object.keys(newIn)])].sort()])];
  const out: FieldChange[] = [];
  for (const field of names) {
    const spec = def?.fields[field];
    if (spec?.kind === "computed") continue;
    const c = fieldOf(field, spec, oldIn[field], newIn[field], engine);
    if (c) out.push(c);
  }
  // An update with no visible difference other than blinded secrets: the one blinded secret is what changed.
  if (!out.some(shows) && step.op !== "create") {
    const hidden = out.filter((c) => c.secret === "hidden");
    if (hidden.length === 1) {
      hidden[0].secret = "changed";
      const leaf = hidden[0].leaves[0];
      if (leaf.kind === "secret") leaf.status = "changed";
    }
  }
  return out;
}
