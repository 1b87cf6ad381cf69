/**
 * JSON Schema of each field, from the field's own zod schema with zod's `z.toJSONSchema` (draft-07,
 * the input side: what a program or a manifest writes). Both generated files start from here.
 */
import { z } from "zod";
import type { FieldSpec, ResourceDef } from "../core/fields";

export type JsonSchema = Record<string, any>;

/** Plain JSON Schema of a zod schema; values zod cannot express (transforms, custom checks) become `{}`. */
export function toJson(schema: z.ZodType): JsonSchema {
  const out = z.toJSONSchema(schema, { target: "draft-7", io: "input", unrepresentable: "any", reused: "inline", cycles: "ref" }) as JsonSchema;
  delete out.$schema;
  return out;
}

/** The JSON Schema of one field's value, with its documentation. Computed fields without a schema are strings. */
export function fieldJson(spec: FieldSpec): JsonSchema {
  const base = spec.schema ? toJson(spec.schema) : { type: "string" };
  return { ...base, description: spec.doc };
}

/** Sorted by token so generated files are stable whatever the registration order. */
export const sortedDefs = (resources: Record<string, ResourceDef>): [string, ResourceDef][] =>
  Object.entries(resources).sort(([a], [b]) => a.localeCompare(b));

/** `selection_strategy` / `toolRules` -> `SelectionStrategy` / `ToolRules`. */
export const pascal = (s: string): string => s.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_, __, c: string) => c.toUpperCase());

/** The name of one item of a list field: `cookies` -> `Cookie`, `capabilities` -> `Capability`. */
export const singular = (s: string): string =>
  /(cook|mov|zomb|rook|self|hood)ies$/i.test(s) ? s.slice(0, -1) : /ies$/.test(s) ? s.slice(0, -3) + "y" : /[^s]s$/.test(s) ? s.slice(0, -1) : s;

/**
 * The discriminated union a JSON Schema describes, if it is one: every alternative an object with a
 * `const` member under the same name (Letta tool rules, told apart by `type`).
 */
export function discriminated(alts: JsonSchema[] | undefined): { key: string; tags: string[] } | undefined {
  if (!alts || alts.length < 2 || !alts.every((a) => a.type === "object" && a.properties)) return undefined;
  for (const key of Object.keys(alts[0].properties)) {
    const tags = alts.map((a) => a.properties[key]?.const);
    if (tags.every((t) => typeof t === "string") && new Set(tags).size === tags.length) return { key, tags };
  }
  return undefined;
}
