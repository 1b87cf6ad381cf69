/**
 * The Pulumi package schema (`schema.json`) of every registered resource, derived from the field
 * tables: types from each field's zod schema (via JSON Schema), descriptions from the field docs,
 * required inputs, `secret` for write-only fields and members, `willReplaceOnChanges` for fields a
 * change of which replaces the resource (forceNew, createOnly, or removal that replaces), and the
 * platform settings as the `config` section.
 *
 * Resource tokens are the ones the runtime registers: a dynamic resource's type is
 * `pulumi-nodejs:dynamic/<platform>:<Type>` (what state, `pulumi preview --json`, URNs and policy
 * packs show), so the schema lists `pulumi-nodejs` in `allowedPackageNames`. Object and enum types
 * exist only in the schema and keep the package's own name: `pulumi-agents:<platform>:<Name>`.
 */
import type { FieldSpec, ResourceDef } from "../core/fields";
import { holdsSecret, inputFields } from "../core/fields";
import type { PlatformSpec } from "../http/client";
import { configSection } from "./config";
import { replacesOnChange } from "./facts";
import { discriminated, fieldJson, pascal, singular, sortedDefs, type JsonSchema } from "./json";

export const PACKAGE = "pulumi-agents";
/** The package of every dynamic resource's type token (the Node.js dynamic-provider plugin). */
export const RUNTIME_PACKAGE = "pulumi-nodejs";

export type PropertySpec = Record<string, any>;

export { replacesOnChange } from "./facts";

/** Collects the named types (objects with properties, enums) met while mapping a resource's fields. */
class Types {
  readonly types: Record<string, any> = {};
  constructor(private readonly platform: string) {}

  private define(name: string, spec: any): PropertySpec {
    const token = `${PACKAGE}:${this.platform}:${name}`;
    this.types[token] = spec;
    return { $ref: `#/types/${token}` };
  }

  /** JSON Schema -> Pulumi property type. `name` names a type defined for an object or enum at this place. */
  map(js: JsonSchema, name: string, secretMembers: string[] = []): PropertySpec {
    const description = typeof js.description === "string" ? { description: js.description } : {};
    const alts: JsonSchema[] | undefined = js.anyOf ?? js.oneOf;
    if (alts) {
      const nonNull = alts.filter((a) => a.type !== "null");
      if (nonNull.length === 1) return { ...this.map({ ...nonNull[0], ...description }, name, secretMembers) };
      const consts = nonNull.every((a) => typeof a.const === "string" || (a.type === "string" && Array.isArray(a.enum)));
      if (consts) return { ...this.map({ type: "string", enum: nonNull.flatMap((a) => a.enum ?? [a.const]), ...description }, name) };
      const union = discriminated(nonNull);
      if (union) {
        const oneOf = nonNull.map((a, i) => this.map(a, `${name}${pascal(union.tags[i])}`, secretMembers));
        const mapping = Object.fromEntries(union.tags.map((t, i) => [t, oneOf[i].$ref]));
        return { oneOf, discriminator: { propertyName: union.key, mapping }, ...description };
      }
      return { oneOf: nonNull.map((a, i) => this.map(a, `${name}${i + 1}`, secretMembers)), ...description };
    }
    if (js.allOf?.length === 1) return this.map({ ...js.allOf[0], ...description }, name, secretMembers);
    let type = js.type;
    if (Array.isArray(type)) {
      const t = type.filter((x: string) => x !== "null");
      if (t.length !== 1) return { oneOf: t.map((x: string) => this.map({ ...js, type: x, description: undefined }, name, secretMembers)), ...description };
      type = t[0];
    }
    if (Array.isArray(js.enum) && js.enum.every((v: unknown) => typeof v === "string" || typeof v === "number")) {
      const enumType = js.enum.every((v: unknown) => typeof v === "string") ? "string" : js.enum.every(Number.isInteger) ? "integer" : "number";
      return { ...this.define(name, { type: enumType, ...description, enum: js.enum.map((value: unknown) => ({ value })) }), ...description };
    }
    switch (type) {
      case "string":
      case "number":
      case "integer":
      case "boolean":
        return { type, ...(js.const !== undefined ? { const: js.const } : {}), ...description };
      case "array":
        return { type: "array", items: js.items && !Array.isArray(js.items) ? this.map(js.items, singular(name), secretMembers) : { $ref: "pulumi.json#/Any" }, ...description };
      case "object": {
        if (js.properties && Object.keys(js.properties).length) {
          const properties: Record<string, PropertySpec> = {};
          for (const [k, v] of Object.entries(js.properties as Record<string, JsonSchema>)) {
            properties[k] = { ...this.map(v, `${name}${pascal(k)}`), ...(secretMembers.includes(k) ? { secret: true } : {}) };
          }
          const required: string[] = (js.required ?? []).filter((k: string) => k in properties);
          return { ...this.define(name, { type: "object", ...description, properties, ...(required.length ? { required } : {}) }), ...description };
        }
        const ap = js.additionalProperties;
        return { type: "object", ...(ap && typeof ap === "object" ? { additionalProperties: this.map(ap, `${name}Value`) } : {}), ...description };
      }
      default:
        return { $ref: "pulumi.json#/Any", ...description };
    }
  }
}

function property(types: Types, def: ResourceDef, name: string, spec: FieldSpec): PropertySpec {
  const p = types.map(fieldJson(spec), `${def.type}${pascal(name)}`, spec.secretMembers);
  if (spec.secret) p.secret = true;
  else if (holdsSecret(spec)) p.secret = true; // the whole output is secret (additionalSecretOutputs)
  if (replacesOnChange(spec)) p.willReplaceOnChanges = true;
  return p;
}

/** The type token the runtime registers for a table's resource: `pulumi-nodejs:dynamic/asteroid:AgentProfilePool`. */
export const resourceToken = (def: ResourceDef): string => `${RUNTIME_PACKAGE}:dynamic/${def.platform}:${def.type}`;

/** Where the package is published and developed (from package.json). */
export interface PackageMeta {
  homepage?: string;
  repository?: string;
}

/** The Pulumi package schema of `resources`, with the `config` section of `platforms`. */
export function packageSchema(resources: Record<string, ResourceDef>, platforms: PlatformSpec[] = [], meta: PackageMeta = {}): Record<string, unknown> {
  const types: Record<string, unknown> = {};
  const out: Record<string, unknown> = {};
  for (const [, def] of sortedDefs(resources)) {
    const t = new Types(def.platform);
    const inputProperties: Record<string, PropertySpec> = {};
    const properties: Record<string, PropertySpec> = {};
    for (const [name, spec] of Object.entries(def.fields)) {
      const p = property(t, def, name, spec);
      properties[name] = p;
      if (spec.kind !== "computed") inputProperties[name] = p;
    }
    const requiredInputs = inputFields(def).filter(([, s]) => s.required).map(([n]) => n);
    out[resourceToken(def)] = {
      description: def.doc,
      properties,
      required: requiredInputs,
      inputProperties,
      requiredInputs,
    };
    Object.assign(types, t.types);
  }
  return {
    name: PACKAGE,
    displayName: "AI agents",
    description: "Manage AI agent configuration (Asteroid, Odeus, Everruns, Letta) as code with Pulumi",
    license: "Apache-2.0",
    keywords: ["pulumi", "ai", "agents", "category/utility"],
    ...(meta.homepage ? { homepage: meta.homepage } : {}),
    ...(meta.repository ? { repository: meta.repository } : {}),
    allowedPackageNames: [RUNTIME_PACKAGE],
    meta: { moduleFormat: "(.*)" },
    language: { nodejs: { packageName: PACKAGE } },
    config: configSection(platforms),
    types: Object.fromEntries(Object.entries(types).sort(([a], [b]) => a.localeCompare(b))),
    resources: out,
  };
}
