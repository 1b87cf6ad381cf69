/**
 * The JSON Schema (draft-07) of a YAML manifest, for editors (`# yaml-language-server: $schema=...`):
 * each entry's `properties` are typed by its `type`, from the same zod schemas check uses, and every
 * value may also be a whole `${...}` expression (and, where text goes, `{ file }`).
 */
import type { ResourceDef } from "../core/fields";
import { inputFields } from "../core/fields";
import { fileFormSchema, manifestType, namePattern, optionsSchema, WHOLE_EXPRESSION } from "../manifest/format";
import { fieldJson, sortedDefs, toJson, type JsonSchema } from "./json";

const defRef = (name: string) => ({ $ref: `#/definitions/${name}` });

const acceptsString = (js: JsonSchema): boolean => {
  const alts: JsonSchema[] | undefined = js.anyOf ?? js.oneOf;
  if (alts) return alts.some(acceptsString);
  if (js.type === undefined) return js.const === undefined && js.enum === undefined;
  return js.type === "string" || (Array.isArray(js.type) && js.type.includes("string"));
};

/** The children of a schema, each wrapped so a nested value may be a reference too. */
function inner(js: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...js };
  if (out.properties) out.properties = Object.fromEntries(Object.entries(out.properties as Record<string, JsonSchema>).map(([k, v]) => [k, wrap(v)]));
  if (out.items && !Array.isArray(out.items)) out.items = wrap(out.items);
  if (out.additionalProperties && typeof out.additionalProperties === "object") out.additionalProperties = wrap(out.additionalProperties);
  for (const k of ["anyOf", "oneOf", "allOf"]) if (Array.isArray(out[k])) out[k] = out[k].map(inner);
  return out;
}

/** A value position: the value itself, or one of the forms the loader replaces. */
function wrap(js: JsonSchema): JsonSchema {
  const { description, ...rest } = js;
  if (!Object.keys(rest).length) return js; // any value: the forms are values too
  const forms = [defRef("expression"), ...(acceptsString(rest) ? [defRef("file")] : [])];
  return { ...(description !== undefined ? { description } : {}), anyOf: [inner(rest), ...forms] };
}

function propertiesSchema(def: ResourceDef): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, spec] of inputFields(def)) properties[name] = wrap(fieldJson(spec));
  const required = inputFields(def).filter(([, s]) => s.required).map(([n]) => n);
  return { type: "object", description: def.doc, properties, ...(required.length ? { required } : {}), additionalProperties: false };
}

/** The manifest JSON Schema for `resources` (default: every registered resource). */
export function manifestSchema(resources: Record<string, ResourceDef>): JsonSchema {
  const defs = sortedDefs(resources).map(([, d]) => d);
  const types = defs.map(manifestType);
  const definitions: Record<string, JsonSchema> = {
    file: toJson(fileFormSchema),
    expression: {
      description: "`${name}` or `${name.output}` (another entry's id or output), `${config:key}` or `${secret:key}` (stack config).",
      type: "string",
      pattern: WHOLE_EXPRESSION,
    },
    options: toJson(optionsSchema),
  };
  for (const def of defs) definitions[manifestType(def)] = propertiesSchema(def);
  // One alternative per type, told apart by `type` (a const): editors complete `type` from the
  // alternatives and then the properties of the chosen one.
  definitions.entry = {
    anyOf: types.map((t) => ({
      type: "object",
      required: ["type"],
      additionalProperties: false,
      properties: {
        type: { description: "The resource type: `<platform>.<Type>`.", const: t },
        properties: defRef(t),
        options: { description: "Pulumi resource options.", ...defRef("options") },
      },
    })),
  };
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "pulumi-agents manifest",
    description: "Resources declared by `manifest.load()` of pulumi-agents. See docs/manifests.md.",
    type: "object",
    required: ["resources"],
    properties: {
      resources: {
        description: "The resources, by name: the Pulumi resource name, and what `ref` and `dependsOn` name.",
        type: ["object", "null"],
        propertyNames: { pattern: namePattern.source },
        additionalProperties: defRef("entry"),
      },
    },
    patternProperties: { "^x-": { description: "Ignored: a place for YAML anchors shared by entries." } },
    additionalProperties: false,
    definitions,
  };
}
