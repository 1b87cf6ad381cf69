/**
 * The manifest file format, shared by the loader and the JSON Schema generator:
 *
 * ```yaml
 * resources:
 *   <name>:                         # the Pulumi resource name, and how other entries refer to it
 *     type: asteroid.AgentProfilePool  # <platform>.<Type>, as in the TypeScript API
 *     properties: { ... }           # the resource's inputs, exactly as in TypeScript
 *     options: { protect: true, dependsOn: [other], provider: eu, ... }
 * x-anything: ...                   # ignored: a place for YAML anchors
 * ```
 *
 * Inside `properties`, a value may be written as:
 * - `{ file: prompts/support.md }`: the text of a file, relative to the manifest;
 * - `${name}` / `${name.output}`: another entry's id (or one of its outputs), as in Pulumi YAML;
 * - `${config:key}` / `${secret:key}`: a stack config value (a secret one with `secret:`).
 * Expressions may also sit inside a longer string (`"agents for ${pool.name}"`); `$${` writes a literal `${`.
 */
import { z } from "zod";
import type { ResourceDef } from "../core/fields";

/** `asteroid.AgentProfilePool`: how a manifest names the type of a resource. */
export const manifestType = (def: ResourceDef): string => `${def.platform}.${def.type}`;

/** Outputs every resource has besides its fields. */
export const builtinOutputs = ["id", "urn"] as const;

/** Resource options a manifest may set; `dependsOn` and `provider` hold names, resolved by the loader. */
export const optionsSchema = z.strictObject({
  protect: z.boolean().describe("Refuse to delete the resource (`pulumi destroy` and replacements fail until it is unprotected).").optional(),
  dependsOn: z.array(z.string().min(1)).describe("Names of other entries of this manifest that must be created first.").optional(),
  ignoreChanges: z.array(z.string().min(1)).describe("Input properties whose changes are ignored after creation (paths such as `tags` or `credentials[0].data`).").optional(),
  deleteBeforeReplace: z.boolean().describe("On replacement, delete the old resource before creating the new one.").optional(),
  retainOnDelete: z.boolean().describe("Keep the object on the platform when the resource leaves the stack.").optional(),
  import: z.string().min(1).describe("Adopt an existing object by its platform id instead of creating it (the `import` resource option).").optional(),
  provider: z.string().min(1).describe("Name of an explicit provider passed to `manifest.load(file, { providers })`.").optional(),
});
export type ManifestOptions = z.infer<typeof optionsSchema>;

/** One entry of `resources:`; `type` is checked against the registry, `properties` against the type's table. */
export const entrySchema = (types: string[]) =>
  z.strictObject({
    type: z.enum(types as [string, ...string[]]).describe("The resource type: `<platform>.<Type>`."),
    properties: z.record(z.string(), z.unknown()).describe("The resource's inputs.").optional(),
    options: optionsSchema.describe("Pulumi resource options.").optional(),
  });

/** Names of entries: they become Pulumi resource names and are what `${name}` and `dependsOn` name. */
export const namePattern = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

/** `{ file: <path> }`: recognised by its single key. */
export const isFileForm = (v: Record<string, unknown>): boolean => Object.keys(v).length === 1 && "file" in v;

/** `${...}` and the `$${` escape inside a string. */
export const EXPRESSION = /\$\$\{|\$\{([^}]*)\}/g;

/** A whole-string expression, as the manifest JSON Schema accepts it in place of any value. */
export const WHOLE_EXPRESSION = "^\\$\\{[^}]+\\}$";

export const fileFormSchema = z.strictObject({
  file: z.string().min(1).describe("Path of a UTF-8 text file, relative to the manifest; its whole content is the value."),
});
