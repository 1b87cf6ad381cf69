/**
 * Turns harness steps (`Stack.plan` / `Stack.preview`, run through the real dynamic-provider host)
 * into the document `pulumi preview --json` prints, so the report is tested on real provider output.
 *
 * What the CLI does, and this copies (pulumi/pulumi `ShowPreviewDigest`, `stateForJSONOutput`,
 * `shouldShow`):
 * - one step per resource; `same` steps are left out (unless `showSames`), the root stack always shows;
 * - a replacement shows as its logical `replace` step; the `create-replacement` / `delete-replaced`
 *   pair only with `showReplacementSteps`, in the order the engine runs them;
 * - `oldState` / `newState` are `apitype.ResourceV3` with every secret value written as `"[secret]"`;
 * - `diffReasons` come from the provider's DiffResponse `diffs`, which the dynamic-provider host never
 *   fills: for these resources the engine has none (absent), and `detailedDiff` is `null`;
 *   `replaceReasons` are the host's `replaces`;
 * - `changeSummary` counts every resource by operation, sames and the root stack included.
 */
import { Secret, type Stack, type Step } from "./engine";
import { isObject } from "../../provider/core/values";
import type { PreviewDiagnostic, PreviewDigest, PreviewStep, ResourceV3 } from "../../provider/report/preview";

type Props = Record<string, unknown>;

export interface PreviewJsonOptions {
  /** `--show-sames`. */
  showSames?: boolean;
  /** `--show-replacement-steps`. */
  showReplacementSteps?: boolean;
  /**
   * How secrets appear: `"mask"` is what `pulumi preview --json` prints; `"envelope"` is the
   * checkpoint's `{sig, ciphertext}` form, as found in state exported by other tools.
   */
  secrets?: "mask" | "envelope";
  /** Diagnostics the run printed (warnings, check failures). */
  diagnostics?: PreviewDiagnostic[];
  /** Resources the program no longer declares: they show as `delete` steps. */
  deletes?: [token: string, name: string][];
}

const SECRET_ENVELOPE = (v: unknown) => ({
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  ciphertext: `v1:${Buffer.from(JSON.stringify(v) ?? "").toString("base64").length.toString(36)}:opaque`,
});

/** The engine's MassageSecrets: every secret value replaced as the CLI writes it. */
function massage(v: unknown, how: "mask" | "envelope"): unknown {
  if (v instanceof Secret) return how === "mask" ? "[secret]" : SECRET_ENVELOPE(v.value);
  if (Array.isArray(v)) return v.map((x) => massage(x, how));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, massage(x, how)]));
  return v;
}

export function stackUrn(stack: Stack): string {
  return `urn:pulumi:${stack.stack}::${stack.project}::pulumi:pulumi:Stack::${stack.project}-${stack.stack}`;
}

/** The reference to the default `pulumi-nodejs` provider every dynamic resource uses (`<urn>::<id>`). */
export function defaultProviderRef(stack: Stack): string {
  return `urn:pulumi:${stack.stack}::${stack.project}::pulumi:providers:pulumi-nodejs::default::4f4e5b8a-6c1d-4c3e-9a2b-7d8e9f0a1b2c`;
}

function resourceState(stack: Stack, step: Step, id: string | undefined, inputs: Props | undefined, outputs: Props | undefined, how: "mask" | "envelope"): ResourceV3 {
  const [platform, type] = step.token.split(":");
  // Members in the order Go marshals apitype.ResourceV3.
  const st: ResourceV3 = { urn: step.urn, custom: true } as ResourceV3;
  if (id) st.id = id;
  st.type = `pulumi-nodejs:dynamic/${platform}:${type}`;
  if (inputs) st.inputs = massage(inputs, how) as Props;
  if (outputs) st.outputs = massage(outputs, how) as Props;
  st.parent = stackUrn(stack);
  st.provider = defaultProviderRef(stack);
  return st;
}

/** A `delete` step for a resource in the stack that the program dropped. */
export function deleteStep(stack: Stack, token: string, name: string): Step {
  const st = stack.get(token, name);
  if (!st) throw new Error(`${name} is not in the stack`);
  return { op: "delete", urn: st.urn, token, name, diffKeys: [], replaces: [], deleteBeforeReplace: false, failures: [], oldInputs: st.inputs, oldOutputs: st.outputs };
}

/** The `pulumi preview --json` document for these steps. */
export function previewDigest(stack: Stack, steps: Step[], opts: PreviewJsonOptions = {}): PreviewDigest {
  const how = opts.secrets ?? "mask";
  const all = [...steps, ...(opts.deletes ?? []).map(([t, n]) => deleteStep(stack, t, n))];
  const root = stackUrn(stack);
  const out: PreviewStep[] = [
    { op: "same", urn: root, oldState: { urn: root, custom: false, type: "pulumi:pulumi:Stack" }, newState: { urn: root, custom: false, type: "pulumi:pulumi:Stack" }, detailedDiff: null },
  ];
  const summary: Record<string, number> = { same: 1 };
  const provider = defaultProviderRef(stack);
  for (const s of all) {
    summary[s.op] = (summary[s.op] ?? 0) + 1;
    const id = stack.state.get(s.urn)?.id;
    const oldState = s.op === "create" ? undefined : resourceState(stack, s, id, s.oldInputs, s.oldOutputs, how);
    const newState = s.op === "delete" ? undefined : resourceState(stack, s, s.op === "replace" ? undefined : id, s.newInputs, s.op === "same" ? s.oldOutputs : undefined, how);
    const base = { urn: s.urn, provider };
    if (s.op === "same") {
      if (opts.showSames) out.push({ op: "same", ...base, oldState, newState, detailedDiff: null });
      continue;
    }
    if (s.op === "replace") {
      const replaceReasons = s.replaces.length ? { replaceReasons: s.replaces } : {};
      const logical: PreviewStep = { op: "replace", ...base, oldState, newState, ...replaceReasons, detailedDiff: null };
      if (!opts.showReplacementSteps) {
        out.push(logical);
        continue;
      }
      const create: PreviewStep = { op: "create-replacement", ...base, oldState, newState, ...replaceReasons, detailedDiff: null };
      const del: PreviewStep = { op: "delete-replaced", ...base, oldState, detailedDiff: null };
      out.push(...(s.deleteBeforeReplace ? [del, logical, create] : [create, logical, del]));
      continue;
    }
    out.push({ op: s.op, ...base, ...(oldState ? { oldState } : {}), ...(newState ? { newState } : {}), detailedDiff: null });
  }
  const doc: PreviewDigest = { steps: out };
  if (opts.diagnostics?.length) doc.diagnostics = opts.diagnostics;
  doc.duration = 1_234_567_890;
  doc.changeSummary = Object.fromEntries(Object.entries(summary).sort(([a], [b]) => a.localeCompare(b)));
  return doc;
}

/** The text `pulumi preview --json` prints (Go's `json.MarshalIndent(digest, "", "    ")`). */
export function previewJson(stack: Stack, steps: Step[], opts: PreviewJsonOptions = {}): string {
  return JSON.stringify(previewDigest(stack, steps, opts), null, 4) + "\n";
}
