/**
 * An engine-event stream turned into the digest `pulumi preview --json` prints, the way the CLI's own
 * `ShowPreviewDigest` builds it from the same events (pulumi/pulumi `pkg/backend/display/json.go`).
 *
 * The stream is what `pulumi preview --event-log <file>`, `pulumi up --event-log <file>` and
 * `pulumi up --json` write: one `apitype.EngineEvent` a line (`sdk/go/common/apitype/events.go`),
 *
 * ```
 * { sequence, timestamp, preludeEvent?: {config}, resourcePreEvent?: {metadata: StepEventMetadata, planning?},
 *   resOutputsEvent?: {metadata}, diagnosticEvent?: {urn?, prefix?, message, severity, ephemeral?},
 *   stdoutEvent?: {message}, policyEvent?: {...}, summaryEvent?: {resourceChanges, maybeCorrupt, durationSeconds, isPreview?}, ... }
 * StepEventMetadata      = { op, urn, type, old?: StepEventStateMetadata, new?: ..., keys?, diffs?, detailedDiff: {path: {diffKind, inputDiff}} | null, logical?, provider }
 * StepEventStateMetadata = { type, urn, custom?, id, parent, inputs, outputs, provider, ... }
 * ```
 *
 * As in the digest: a step per `resourcePreEvent` (`keys` -> `replaceReasons`, `diffs` -> `diffReasons`,
 * `diffKind` -> `kind`); diagnostics as `prefix + message`, without ephemeral and debug ones; program
 * output (`stdoutEvent`) as info; the summary event's counts as `changeSummary`. Beyond the digest, the
 * stack's `resOutputsEvent` gives its new outputs, and policy violations become diagnostics.
 * A `pulumi up` stream may hold the preview's events and then the update's: the later event of a
 * resource wins.
 */
import { isObject } from "../core/values";
import {
  isRootStack,
  PreviewInputError,
  type PreviewDiagnostic,
  type PreviewDigest,
  type PreviewStep,
  type PropertyDiff,
  type ReportInput,
  type ResourceV3,
} from "./preview";

type Obj = Record<string, unknown>;

const EVENT_KEYS = [
  "cancelEvent", "stdoutEvent", "diagnosticEvent", "preludeEvent", "summaryEvent", "resourcePreEvent",
  "resOutputsEvent", "resOpFailedEvent", "policyEvent", "policyRemediationEvent", "policyLoadEvent",
  "policyAnalyzeSummaryEvent", "policyRemediateSummaryEvent", "policyAnalyzeStackSummaryEvent",
  "startDebuggingEvent", "progressEvent", "errorEvent",
];

/** An `apitype.EngineEvent`: a sequence number and exactly one known event member. */
export function isEngineEvent(v: unknown): v is Obj {
  return isObject(v) && typeof v.sequence === "number" && EVENT_KEYS.some((k) => isObject(v[k]));
}

/** Drops the engine's color directives (`<{%fg 1%}>`, `<{%reset%}>`), as `colors.Never.Colorize` does. */
export const uncolor = (s: string): string => s.replace(/<\{%[^%]*%\}>/g, "");

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

function state(md: unknown): ResourceV3 | undefined {
  if (!isObject(md)) return undefined;
  const st: ResourceV3 = { urn: String(md.urn ?? ""), custom: md.custom === true, type: String(md.type ?? "") };
  if (str(md.id)) st.id = String(md.id);
  if (isObject(md.inputs)) st.inputs = md.inputs;
  if (isObject(md.outputs)) st.outputs = md.outputs;
  if (str(md.parent)) st.parent = md.parent;
  if (str(md.provider)) st.provider = md.provider;
  return st;
}

function detailedDiff(v: unknown): Record<string, PropertyDiff> | null {
  if (!isObject(v)) return null;
  return Object.fromEntries(
    Object.entries(v).map(([path, d]) => [path, { kind: String(isObject(d) ? (d.diffKind ?? d.kind) : d), inputDiff: isObject(d) && d.inputDiff === true }]),
  );
}

function step(md: Obj, where: string): PreviewStep {
  if (typeof md.op !== "string" || typeof md.urn !== "string") throw new PreviewInputError(`${where}: the event's metadata needs \`op\` and \`urn\` strings`);
  const s: PreviewStep = { op: md.op, urn: md.urn };
  if (str(md.provider)) s.provider = md.provider as string;
  const oldState = state(md.old);
  const newState = state(md.new);
  if (oldState) s.oldState = oldState;
  if (newState) s.newState = newState;
  if (Array.isArray(md.diffs) && md.diffs.length) s.diffReasons = md.diffs.map(String);
  if (Array.isArray(md.keys) && md.keys.length) s.replaceReasons = md.keys.map(String);
  s.detailedDiff = detailedDiff(md.detailedDiff);
  return s;
}

/** The digest of an event stream; throws PreviewInputError when an event is malformed or the stream says nothing. */
export function digestFromEvents(events: unknown[]): ReportInput {
  const steps = new Map<string, PreviewStep>();
  const diagnostics: PreviewDiagnostic[] = [];
  const outputsFinal = new Set<string>();
  const digest: PreviewDigest = {};
  let operation: "preview" | "update" = "preview";
  let sawSummary = false;
  events.forEach((raw, i) => {
    const where = `event ${i + 1}`;
    if (!isObject(raw)) throw new PreviewInputError(`${where} is not an object`);
    const ev = raw as Obj;
    if (isObject(ev.preludeEvent) && isObject(ev.preludeEvent.config)) digest.config = ev.preludeEvent.config as Record<string, string>;
    const pre = isObject(ev.resourcePreEvent) ? ev.resourcePreEvent.metadata : undefined;
    if (isObject(pre)) {
      const s = step(pre, where);
      // The stack's outputs are registered after its step: at this point its `new.outputs` is empty, not new.
      if (isRootStack(s.urn) && s.newState) {
        delete s.newState.outputs;
        outputsFinal.delete(s.urn);
      }
      steps.set(`${s.op} ${s.urn}`, s);
    }
    const post = isObject(ev.resOutputsEvent) ? ev.resOutputsEvent.metadata : undefined;
    if (isObject(post) && typeof post.urn === "string" && isRootStack(post.urn)) {
      // The stack's outputs arrive only here (RegisterResourceOutputs), after its step.
      const news = state(post.new);
      const known = [...steps.values()].filter((s) => s.urn === post.urn);
      const target = known.at(-1) ?? step(post, where);
      if (!known.length) steps.set(`${target.op} ${target.urn}`, target);
      if (news?.outputs) {
        target.newState = { ...(target.newState ?? news), outputs: news.outputs };
        outputsFinal.add(target.urn);
      }
      if (!target.oldState && isObject(post.old)) target.oldState = state(post.old);
    }
    const d = ev.diagnosticEvent;
    if (isObject(d) && d.ephemeral !== true && d.severity !== "debug") {
      diagnostics.push({ ...(str(d.urn) ? { urn: d.urn as string } : {}), message: uncolor(`${d.prefix ?? ""}${d.message ?? ""}`), severity: String(d.severity ?? "info") });
    }
    if (isObject(ev.stdoutEvent) && typeof ev.stdoutEvent.message === "string") {
      diagnostics.push({ message: uncolor(ev.stdoutEvent.message), severity: "info" });
    }
    const p = ev.policyEvent;
    if (isObject(p)) {
      const pack = [p.policyPackName, p.policyPackVersion].filter(str).join("@");
      diagnostics.push({
        ...(str(p.resourceUrn) ? { urn: p.resourceUrn as string } : {}),
        message: `policy ${p.enforcementLevel ?? "advisory"} violation: ${pack ? `${pack} ` : ""}${p.policyName ?? ""}: ${p.message ?? ""}`,
        severity: p.enforcementLevel === "mandatory" ? "error" : "warning",
      });
    }
    const sum = ev.summaryEvent;
    if (isObject(sum)) {
      sawSummary = true;
      if (isObject(sum.resourceChanges)) digest.changeSummary = sum.resourceChanges as Record<string, number>;
      if (typeof sum.durationSeconds === "number") digest.duration = sum.durationSeconds * 1e9;
      digest.maybeCorrupt = sum.maybeCorrupt === true || undefined;
      if (sum.isPreview === false) operation = "update";
    }
  });
  if (!steps.size && !sawSummary && !diagnostics.length) {
    throw new PreviewInputError("the engine-event stream holds no resource, summary or diagnostic events: give the whole log of `pulumi preview --event-log <file>`");
  }
  digest.steps = [...steps.values()];
  if (diagnostics.length) digest.diagnostics = diagnostics;
  return { digest, source: "events", operation, outputsFinal };
}
