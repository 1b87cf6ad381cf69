/**
 * What a field's spec says about its behaviour, in the words a user reads: its limits, whether it
 * is required, what removing it from the program does, whether a change replaces the resource,
 * secrecy and the API's name for it. The README's field reference and the TSDoc of the generated
 * TypeScript types both render these facts, so the two never disagree.
 */
import type { FieldSpec } from "../core/fields";
import type { JsonSchema } from "./json";

/** A change of this field replaces the resource. */
export const replacesOnChange = (spec: FieldSpec): boolean =>
  !!spec.forceNew || !!spec.createOnly || (!!spec.onRemove && "replace" in spec.onRemove);

/** `z.number().int()` writes this as its maximum: no limit a person needs to read. */
const SAFE_MAX = Number.MAX_SAFE_INTEGER;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Longer patterns are left to the description, which says the format in words. */
const SHORT_PATTERN = 64;

/** The pattern a UUID field written as a regex has in JSON Schema (Odeus), said as "a UUID" like `format: uuid`. */
const UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

/** The value is a UUID string: `format: uuid` (`z.guid()`, `z.uuid()`) or the UUID pattern. */
export const isUuid = (j: JsonSchema | undefined): boolean => !!j && (j.format === "uuid" || j.pattern === UUID_PATTERN);

/**
 * The limits of one JSON Schema value, each a short phrase: `1–255 characters`, `at most 250 items`,
 * `0–1`, `≥ 1`, `a UUID`, `matches ^model_[0-9a-f]{31,32}$`.
 */
export function limitsOf(j: JsonSchema | undefined): string[] {
  if (!j) return [];
  const out: string[] = [];
  const { minLength: minL, maxLength: maxL, minimum: min, exclusiveMinimum: xmin, minItems, maxItems } = j;
  const max = j.maximum === SAFE_MAX ? undefined : j.maximum;
  if (minL !== undefined && maxL !== undefined) out.push(minL === maxL ? plural(maxL, "character") : `${minL}–${maxL} characters`);
  else if (maxL !== undefined) out.push(`at most ${plural(maxL, "character")}`);
  else if (minL) out.push(`at least ${plural(minL, "character")}`);
  if (min !== undefined && max !== undefined) out.push(`${min}–${max}`);
  else if (min !== undefined) out.push(`≥ ${min}`);
  else if (xmin !== undefined) out.push(`> ${xmin}`);
  else if (max !== undefined) out.push(`≤ ${max}`);
  if (minItems && maxItems !== undefined) out.push(`${minItems}–${maxItems} items`);
  else if (maxItems !== undefined) out.push(`at most ${plural(maxItems, "item")}`);
  else if (minItems) out.push(`at least ${plural(minItems, "item")}`);
  if (isUuid(j)) out.push("a UUID");
  else if (j.format) out.push(`a ${j.format}`);
  else if (typeof j.pattern === "string" && j.pattern.length <= SHORT_PATTERN) out.push(`matches \`${j.pattern}\``);
  return out;
}

/** What happens on the platform when the program stops setting the field. */
export type Removal =
  | { kind: "required" }
  | { kind: "send"; value: unknown }
  | { kind: "replace" }
  | { kind: "reject"; reason: string }
  | { kind: "keep" };

export interface FieldFacts {
  required: boolean;
  /** `change`: a change replaces the resource; `createOnly`: sent at create only, so a change replaces it. */
  replaces?: "change" | "createOnly";
  removal: Removal;
  /** The whole value is a write-only secret. */
  secret: boolean;
  /** Write-only members inside the value (or inside each item). */
  secretMembers: string[];
  /** How a list is compared and sent. */
  collection?: { kind: "set" } | { kind: "list" } | { kind: "keyed"; keyLabel: string };
  providerOnly: boolean;
  /** The API's name for the field, where it differs from the input name. */
  wire?: string;
}

export function factsOf(name: string, spec: FieldSpec): FieldFacts {
  const p = spec.onRemove;
  const removal: Removal = spec.required
    ? { kind: "required" }
    : p && "send" in p
      ? { kind: "send", value: p.send }
      : p && "replace" in p
        ? { kind: "replace" }
        : p && "reject" in p
          ? { kind: "reject", reason: p.reject }
          : { kind: "keep" };
  return {
    required: !!spec.required,
    replaces: spec.createOnly ? "createOnly" : spec.forceNew ? "change" : undefined,
    removal,
    secret: !!spec.secret,
    secretMembers: spec.secretMembers ?? [],
    collection:
      spec.kind === "set" ? { kind: "set" } : spec.kind === "list" ? { kind: "list" } : spec.kind === "keyed" ? { kind: "keyed", keyLabel: spec.keyed!.keyLabel } : undefined,
    providerOnly: !!spec.providerOnly,
    wire: spec.wire && spec.wire !== name ? spec.wire : undefined,
  };
}

const code = (v: unknown) => `\`${JSON.stringify(v)}\``;

/** The facts as full sentences (TSDoc), in a fixed order: limits, removal, change, secrecy, collection, API name. */
export function factSentences(f: FieldFacts, limits: string[]): string[] {
  const out: string[] = [];
  if (limits.length) out.push(`Constraints: ${limits.join(", ")}.`);
  const r = f.removal;
  if (r.kind === "required") out.push("Required.");
  else if (r.kind === "send") out.push(`Removed from the program: sends ${code(r.value)}.`);
  else if (r.kind === "replace") out.push("Removed from the program: the resource is replaced.");
  else if (r.kind === "reject") out.push(`Removed from the program: check fails (${r.reason.replace(/\.$/, "")}).`);
  else out.push("Removed from the program: left as it is on the platform.");
  if (f.replaces === "createOnly") out.push("A change replaces the resource (sent at create only).");
  else if (f.replaces === "change") out.push("A change replaces the resource.");
  else if (!f.providerOnly) out.push("A change is an in-place update.");
  if (f.secret) out.push("Write-only secret: always a Pulumi secret in state, never read back.");
  if (f.secretMembers.length) out.push(`Write-only secret ${f.secretMembers.length === 1 ? "member" : "members"}: ${f.secretMembers.map((m) => `\`${m}\``).join(", ")} (the value is a Pulumi secret in state).`);
  const c = f.collection;
  if (c?.kind === "set") out.push("Order does not matter; sent whole.");
  else if (c?.kind === "list") out.push("Order matters; sent whole.");
  else if (c?.kind === "keyed") out.push(`Items are matched by ${c.keyLabel} and sent as add / update / delete deltas.`);
  if (f.providerOnly) out.push("A provider setting: never sent to the platform.");
  if (f.wire) out.push(`API field: \`${f.wire}\`.`);
  return out;
}

/** The facts as short phrases for a table cell (the README's field reference). */
export function factPhrases(f: FieldFacts): string[] {
  const out: string[] = [];
  if (f.wire) out.push(`wire \`${f.wire}\``);
  if (f.required) out.push("required");
  if (f.replaces === "createOnly") out.push("create-only: a change replaces");
  else if (f.replaces === "change") out.push("a change replaces");
  if (f.secret) out.push("write-only secret");
  if (f.secretMembers.length) out.push(`write-only secret: ${f.secretMembers.join(", ")}`);
  const c = f.collection;
  if (c?.kind === "set") out.push("order ignored, sent whole");
  else if (c?.kind === "list") out.push("ordered, sent whole");
  else if (c?.kind === "keyed") out.push(`matched by ${c.keyLabel}, sent as deltas`);
  if (f.providerOnly) out.push("provider setting, not sent");
  const r = f.removal;
  if (r.kind === "send") out.push(`removed → sends ${code(r.value)}`);
  else if (r.kind === "replace") out.push("removed → replacement");
  else if (r.kind === "reject") out.push("cannot be removed (check fails)");
  else if (r.kind === "keep") out.push("removed → left as is");
  return out;
}
