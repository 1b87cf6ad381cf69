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
