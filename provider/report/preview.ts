/**
 * The input of the report: the document `pulumi preview --json` prints. Its shape is the engine's
 * `PreviewDigest` (pulumi/pulumi `pkg/display` types, filled by `ShowPreviewDigest` in
 * `pkg/backend/display/json.go`):
 *
 * ```
 * { config?, steps?: PreviewStep[], diagnostics?: PreviewDiagnostic[], duration?, changeSummary?, maybeCorrupt? }
 * PreviewStep = { op, urn, provider?, oldState?: ResourceV3, newState?: ResourceV3,
 *                 diffReasons?: string[], replaceReasons?: string[], detailedDiff: {path: {kind, inputDiff}} | null }
 * ResourceV3  = { urn, custom, id?, type, inputs?, outputs?, parent?, protect?, ... }
 * ```
 *
 * Secret values reach the document as the string `"[secret]"` (the CLI blinds them), or, in state
 * copied from a checkpoint, as the secret envelope `{"4dabf18193072939515e22adb298388d":
 * "1b47061264138c4ac30d75fd1eb44270", ciphertext | plaintext}`. Both are recognised here.
 */

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

/** The input is not a `pulumi preview --json` document. */
export class PreviewInputError extends Error {
  readonly code = "ERR_PREVIEW_INPUT";
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Parses and checks the document; throws PreviewInputError saying what is wrong. */
export function parsePreview(text: string): PreviewDigest {
  if (!text.trim()) throw new PreviewInputError("the input is empty: expected the output of `pulumi preview --json`");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new PreviewInputError(`the input is not JSON (${(e as Error).message}): expected the output of \`pulumi preview --json\``);
  }
  if (!isRecord(doc)) throw new PreviewInputError("expected a JSON object (the output of `pulumi preview --json`)");
  if (doc.steps !== undefined && doc.steps !== null && !Array.isArray(doc.steps)) throw new PreviewInputError("`steps` must be an array");
  const steps = (doc.steps ?? []) as unknown[];
  steps.forEach((s, i) => {
    if (!isRecord(s)) throw new PreviewInputError(`steps[${i}] must be an object`);
    if (typeof s.op !== "string") throw new PreviewInputError(`steps[${i}].op must be a string`);
    if (typeof s.urn !== "string") throw new PreviewInputError(`steps[${i}].urn must be a string`);
    for (const k of ["oldState", "newState"]) {
      const st = s[k];
      if (st === undefined || st === null) continue;
      if (!isRecord(st)) throw new PreviewInputError(`steps[${i}].${k} must be an object`);
      for (const p of ["inputs", "outputs"]) {
        if (st[p] !== undefined && st[p] !== null && !isRecord(st[p])) throw new PreviewInputError(`steps[${i}].${k}.${p} must be an object`);
      }
    }
    for (const k of ["diffReasons", "replaceReasons"]) {
      if (s[k] !== undefined && s[k] !== null && !Array.isArray(s[k])) throw new PreviewInputError(`steps[${i}].${k} must be an array`);
    }
    if (s.detailedDiff !== undefined && s.detailedDiff !== null && !isRecord(s.detailedDiff)) {
      throw new PreviewInputError(`steps[${i}].detailedDiff must be an object or null`);
    }
  });
  if (doc.diagnostics !== undefined && doc.diagnostics !== null && !Array.isArray(doc.diagnostics)) {
    throw new PreviewInputError("`diagnostics` must be an array");
  }
  if (doc.steps === undefined && doc.changeSummary === undefined && doc.diagnostics === undefined && doc.config === undefined) {
    throw new PreviewInputError("no `steps`, `changeSummary` or `diagnostics`: this does not look like the output of `pulumi preview --json`");
  }
  return { ...(doc as PreviewDigest), steps: steps as PreviewStep[] };
}

/* ---------- secrets ---------- */

/** The signature key of a secret envelope and its value (the engine's `resource.SecretSig`). */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** What `pulumi preview --json` prints in place of a secret value. */
export const SECRET_MASK = "[secret]";
/** The engine's value for an input not known until apply (`plugin.UnknownStringValue`). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isSecretEnvelope(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && v[SECRET_SIG_KEY] === SECRET_SIG;
}

/** A value the document marks secret, in either form. */
export function isSecretMarker(v: unknown): boolean {
  return v === SECRET_MASK || isSecretEnvelope(v);
}

/** True when the value, or anything inside it, is marked secret. */
export function containsSecret(v: unknown): boolean {
  if (isSecretMarker(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (isRecord(v)) return Object.values(v).some(containsSecret);
  return false;
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
