/**
 * The input of the report: the document `pulumi preview --json` prints. Its shape is the engine's
 * `PreviewDigest` (pulumi/pulumi `sdk/pkg/display/json.go`, filled by `ShowPreviewDigest` in
 * `pkg/backend/display/json.go`):
 *
 * ```
 * { config?, steps?: PreviewStep[], diagnostics?: PreviewDiagnostic[], duration?, changeSummary?, maybeCorrupt? }
 * PreviewStep = { op, urn, provider?, oldState?: ResourceV3, newState?: ResourceV3,
 *                 diffReasons?: string[], replaceReasons?: string[], detailedDiff: {path: {kind, inputDiff}} | null }
 * ResourceV3  = { urn, custom, id?, type, inputs?, outputs?, parent?, protect?, ... }
 * PreviewDiagnostic = { urn?, prefix?, message?, severity? }   // message = prefix + message, e.g. "error: ..."
 * ```
 *
 * An engine-event stream (`pulumi preview --event-log <file>`, `pulumi up --json`: one
 * `apitype.EngineEvent` per line) is accepted too and turned into the same shape (see `events.ts`).
 *
 * Values carry the engine's signatures (`sdk/go/common/resource`): the key
 * `4dabf18193072939515e22adb298388d` marks a secret (`1b47…`), an asset (`c440…`) or an archive
 * (`0def…`). `pulumi preview --json` writes secrets as the string `"[secret]"`; event streams write
 * them as an envelope whose ciphertext is the placeholder `"[secret]"`; state copied from a checkpoint
 * holds envelopes with a real ciphertext. All three are recognised here.
 */
import { isObject } from "../core/values";
import { digestFromEvents, isEngineEvent } from "./events";

/** One entry of `detailedDiff`: `kind` is add, add-replace, delete, delete-replace, update or update-replace. */
export interface PropertyDiff {
  kind: string;
  inputDiff?: boolean;
}

/** The state of a resource as the engine serializes it (`apitype.ResourceV3`); only what the report reads is typed. */
export interface ResourceV3 {
  urn: string;
  custom?: boolean;
  id?: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  [other: string]: unknown;
}

export interface PreviewStep {
  op: string;
  urn: string;
  provider?: string;
  oldState?: ResourceV3;
  newState?: ResourceV3;
  diffReasons?: string[];
  replaceReasons?: string[];
  detailedDiff?: Record<string, PropertyDiff> | null;
}

export interface PreviewDiagnostic {
  urn?: string;
  prefix?: string;
  message?: string;
  /** debug, info, info#err (the program's stderr), warning or error. */
  severity?: string;
}

export interface PreviewDigest {
  config?: Record<string, string>;
  steps?: PreviewStep[];
  diagnostics?: PreviewDiagnostic[];
  duration?: number;
  changeSummary?: Record<string, number>;
  maybeCorrupt?: boolean;
}

/**
 * What the report read, beyond the digest: an event stream says whether it was a preview or an
 * update, and carries the stack's new outputs (its `resOutputsEvent`), which a digest does not.
 */
export interface ReportInput {
  digest: PreviewDigest;
  /** `"events"` when built from an engine-event stream. */
  source: "digest" | "events";
  /** An event stream of `pulumi up` (its summary event says `isPreview: false`) reports an update. */
  operation: "preview" | "update";
  /** URNs whose `newState.outputs` came from a `resOutputsEvent` (final for the operation). */
  outputsFinal?: Set<string>;
}

/** The input is not a `pulumi preview --json` document. */
export class PreviewInputError extends Error {
  readonly code = "ERR_PREVIEW_INPUT";
}

const EXPECTED = "expected the output of `pulumi preview --json` (or an engine-event log: `pulumi preview --event-log <file>`)";

/** The CLI's text output, recognised by its first lines (`Previewing update (dev):`, `Updating (dev):`, ...). */
const TEXT_OUTPUT = /^(Previewing (update|destroy|refresh|import)|Updating|Destroying|Refreshing|Importing) \(|^\s+Type\s+Name\s+Plan\b|^View (in Browser|Live)/m;

/**
 * Reads the report's input: a `pulumi preview --json` document, or an engine-event stream.
 * Throws PreviewInputError saying what was given and which command writes the expected input.
 */
export function readInput(input: string): ReportInput {
  // A byte-order mark (some Windows shells write one) is not part of the JSON.
  const text = input.replace(/^\uFEFF/, "");
  if (!text.trim()) throw new PreviewInputError(`the input is empty: ${EXPECTED}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const stream = parseEventLines(text);
    if (stream) return digestFromEvents(stream);
    if (TEXT_OUTPUT.test(text.slice(0, 4000))) {
      throw new PreviewInputError(
        "the input is not JSON: it is the text output of `pulumi preview` or `pulumi up`. " +
          "Run `pulumi preview --json > preview.json` and give that file (or `--event-log <file>` and give the log)",
      );
    }
    throw new PreviewInputError(`the input is not JSON (${(e as Error).message}): ${EXPECTED}`);
  }
  if (Array.isArray(doc) && doc.length && doc.every(isEngineEvent)) return digestFromEvents(doc);
  if (isEngineEvent(doc)) return digestFromEvents([doc]);
  if (isObject(doc) && Array.isArray(doc.events) && doc.events.every(isEngineEvent)) return digestFromEvents(doc.events);
  if (isObject(doc) && isObject(doc.deployment) && "version" in doc) {
    throw new PreviewInputError("the input is a stack's state (`pulumi stack export`), not a preview: run `pulumi preview --json > preview.json` and give that file");
  }
  return { digest: checkDigest(doc), source: "digest", operation: "preview" };
}

/** Parses newline-delimited JSON events; undefined when the first line is not an engine event. */
function parseEventLines(text: string): unknown[] | undefined {
  const lines = text.split(/\r?\n/);
  const events: unknown[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    let ev: unknown;
    try {
      ev = JSON.parse(lines[i]);
    } catch (e) {
      if (!events.length) return undefined;
      throw new PreviewInputError(`line ${i + 1} of the engine-event stream is not JSON (${(e as Error).message}): each line must be one event, as \`pulumi preview --event-log <file>\` writes them`);
    }
    if (!events.length && !isEngineEvent(ev)) return undefined;
    if (!isObject(ev)) throw new PreviewInputError(`line ${i + 1} of the engine-event stream is not an event object`);
    events.push(ev);
  }
  return events.length ? events : undefined;
}

/** Parses and checks the document; throws PreviewInputError saying what is wrong. */
export function parsePreview(text: string): PreviewDigest {
  return readInput(text).digest;
}

/** Checks the shape of a parsed digest. */
export function checkDigest(doc: unknown): PreviewDigest {
  if (!isObject(doc)) throw new PreviewInputError(`expected a JSON object (${EXPECTED.slice("expected ".length)})`);
  if (doc.steps !== undefined && doc.steps !== null && !Array.isArray(doc.steps)) throw new PreviewInputError("`steps` must be an array");
  const steps = (doc.steps ?? []) as unknown[];
  steps.forEach((s, i) => {
    if (!isObject(s)) throw new PreviewInputError(`steps[${i}] must be an object`);
    if (typeof s.op !== "string") throw new PreviewInputError(`steps[${i}].op must be a string`);
    if (typeof s.urn !== "string") throw new PreviewInputError(`steps[${i}].urn must be a string`);
    for (const k of ["oldState", "newState"]) {
      const st = s[k];
      if (st === undefined || st === null) continue;
      if (!isObject(st)) throw new PreviewInputError(`steps[${i}].${k} must be an object`);
      for (const p of ["inputs", "outputs"]) {
        if (st[p] !== undefined && st[p] !== null && !isObject(st[p])) throw new PreviewInputError(`steps[${i}].${k}.${p} must be an object`);
      }
    }
    for (const k of ["diffReasons", "replaceReasons"]) {
      if (s[k] !== undefined && s[k] !== null && !Array.isArray(s[k])) throw new PreviewInputError(`steps[${i}].${k} must be an array`);
    }
    if (s.detailedDiff !== undefined && s.detailedDiff !== null && !isObject(s.detailedDiff)) {
      throw new PreviewInputError(`steps[${i}].detailedDiff must be an object or null`);
    }
  });
  if (doc.diagnostics !== undefined && doc.diagnostics !== null && !Array.isArray(doc.diagnostics)) {
    throw new PreviewInputError("`diagnostics` must be an array");
  }
  if (doc.changeSummary !== undefined && doc.changeSummary !== null) {
    if (!isObject(doc.changeSummary) || Object.values(doc.changeSummary).some((n) => typeof n !== "number")) {
      throw new PreviewInputError("`changeSummary` must map operations to counts");
    }
  }
  if (doc.steps === undefined && doc.changeSummary === undefined && doc.diagnostics === undefined && doc.config === undefined) {
    throw new PreviewInputError(`no \`steps\`, \`changeSummary\` or \`diagnostics\`: this does not look like the output of \`pulumi preview --json\``);
  }
  return { ...(doc as PreviewDigest), steps: steps as PreviewStep[] };
}

/* ---------- the engine's signatures ---------- */

/** The key that marks a value with a signature (the engine's `resource.SigKey`). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
export const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
/** What `pulumi preview --json` prints in place of a secret value, and the blinded ciphertext of event streams. */
export const SECRET_MASK = "[secret]";
/** The engine's value for an input not known until apply (`plugin.UnknownStringValue`). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isSecretEnvelope(v: unknown): v is Record<string, unknown> {
  return isObject(v) && v[SIG_KEY] === SECRET_SIG;
}

/** A value the document marks secret, in any form. */
export function isSecretMarker(v: unknown): boolean {
  return v === SECRET_MASK || isSecretEnvelope(v);
}

/** True when the value, or anything inside it, is marked secret. */
export function containsSecret(v: unknown): boolean {
  if (isSecretMarker(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (isObject(v)) return Object.values(v).some(containsSecret);
  return false;
}

/**
 * An asset (`{sig: c440…, hash, text | path | uri}`) or an archive (`{sig: 0def…, hash, assets | path | uri}`)
 * as the engine serializes it (`resource.Asset`, `resource.Archive`).
 */
export type AssetValue =
  | { asset: "text"; text: string; hash?: string }
  | { asset: "file" | "remote"; location: string; hash?: string }
  | { archive: "assets"; assets: Record<string, unknown>; hash?: string }
  | { archive: "file" | "remote"; location: string; hash?: string };

export function assetOf(v: unknown): AssetValue | undefined {
  if (!isObject(v)) return undefined;
  const hash = typeof v.hash === "string" && v.hash ? v.hash : undefined;
  if (v[SIG_KEY] === ASSET_SIG) {
    if (typeof v.path === "string" && v.path) return { asset: "file", location: v.path, hash };
    if (typeof v.uri === "string" && v.uri) return { asset: "remote", location: v.uri, hash };
    return { asset: "text", text: typeof v.text === "string" ? v.text : "", hash };
  }
  if (v[SIG_KEY] === ARCHIVE_SIG) {
    if (typeof v.path === "string" && v.path) return { archive: "file", location: v.path, hash };
    if (typeof v.uri === "string" && v.uri) return { archive: "remote", location: v.uri, hash };
    return { archive: "assets", assets: isObject(v.assets) ? v.assets : {}, hash };
  }
  return undefined;
}

/* ---------- URNs ---------- */

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>`; the type may be qualified by parents (`a$b`). */
export function parseUrn(urn: string): { stack: string; project: string; type: string; name: string } {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) return { stack: "", project: "", type: "", name: urn };
  const qualified = parts[2];
  return {
    stack: parts[0].slice("urn:pulumi:".length),
    project: parts[1],
    type: qualified.slice(qualified.lastIndexOf("$") + 1),
    name: parts.slice(3).join("::"),
  };
}

export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
export const isRootStack = (urn: string): boolean => parseUrn(urn).type === ROOT_STACK_TYPE;

/** `pulumi-nodejs:dynamic/<platform>:<Type>` -> the registry token `<platform>:<Type>`; other types unchanged. */
export function tokenOf(type: string): string {
  const m = /^pulumi-nodejs:dynamic\/([^:]+):(.+)$/.exec(type);
  return m ? `${m[1]}:${m[2]}` : type;
}

/** How a type is shown: `<platform>.<Type>` for this package's resources, the Pulumi type token otherwise. */
export function displayType(type: string): string {
  const m = /^pulumi-nodejs:dynamic\/([^:]+):(.+)$/.exec(type);
  return m ? `${m[1]}.${m[2]}` : type;
}
