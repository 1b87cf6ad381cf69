/**
 * The TypeScript surface of each platform, generated from the field tables the way Pulumi's SDK
 * generator writes a provider's SDK: one `<Resource>Args` interface per resource (every property
 * `pulumi.Input`, with a TSDoc that gives its description, limits, what removing it does and whether
 * a change replaces the resource), named input (`...Args`) and output types for nested objects,
 * discriminated unions where the table has one (Letta `toolRules`), and the resource class with a
 * typed, documented `pulumi.Output` per property. `npm run schema` writes
 * `provider/<platform>/generated.ts`; a test fails when a checked-in file differs.
 */
import type { FieldSpec, ResourceDef } from "../core/fields";
import { factSentences, factsOf, limitsOf } from "./facts";
import { discriminated, fieldJson, pascal, singular, sortedDefs, type JsonSchema } from "./json";

/** Where the generated module of a platform lives, relative to the package root. */
export const typesPath = (platform: string): string => `provider/${platform}/generated.ts`;

const WIDTH = 100;

/**
 * A TSDoc block at `indent`, wrapped at WIDTH columns. Paragraphs are separated by blank lines; a
 * list is a bulleted paragraph; `{ tags }` are block tags (`@param name ...`), one per line.
 */
function tsdoc(paragraphs: (string | string[] | { tags: string[] })[], indent: string): string {
  const lines: string[] = [];
  const wrap = (text: string, first: string, rest: string) => {
    let line = first;
    for (const word of text.replace(/\*\//g, "*\\/").split(/\s+/).filter(Boolean)) {
      if (line.trim().length > first.trim().length && indent.length + 3 + line.length + 1 + word.length > WIDTH) {
        lines.push(line);
        line = rest;
      }
      line += (line === first || line === rest ? "" : " ") + word;
    }
    lines.push(line);
  };
  paragraphs.forEach((p, i) => {
    if (i) lines.push("");
    if (typeof p === "string") wrap(p, "", "");
    else if (Array.isArray(p)) for (const item of p) wrap(item, "- ", "  ");
    else for (const tag of p.tags) wrap(tag, "", "  ");
  });
  if (lines.length === 1 && lines[0].length + indent.length + 7 <= WIDTH) return `${indent}/** ${lines[0]} */`;
  return [`${indent}/**`, ...lines.map((l) => (l ? `${indent} * ${l}` : `${indent} *`)), `${indent} */`].join("\n");
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (k: string) => (IDENT.test(k) ? k : JSON.stringify(k));
const literal = (v: unknown) => JSON.stringify(v);

type Mode = "input" | "output";

/** The named types met while typing one platform's fields, in the order they are first needed. */
class Declarations {
  private readonly byName = new Map<string, string>();

  /** Declares `name` with `body` once; the same name with a different body gets a number. */
  declare(name: string, body: (name: string) => string): string {
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? name : `${name}${n}`;
      const text = body(candidate);
      const have = this.byName.get(candidate);
      if (have === undefined) {
        this.byName.set(candidate, text);
        return candidate;
      }
      if (have === text) return candidate;
    }
  }

  text(): string {
    return [...this.byName.values()].join("\n\n");
  }

  /** The TypeScript type of a JSON Schema value; objects and unions become named declarations. */
  type(js: JsonSchema, name: string, mode: Mode, secretMembers: string[] = []): string {
    const inp = (t: string) => (mode === "input" ? `pulumi.Input<${t}>` : t);
    const alts: JsonSchema[] | undefined = js.anyOf ?? js.oneOf;
    if (alts) {
      const nonNull = alts.filter((a) => a.type !== "null");
      const orNull = nonNull.length < alts.length ? " | null" : "";
      const union = discriminated(nonNull);
      if (union) {
        const variants = nonNull.map((a, i) =>
          this.object({ description: `An item with \`${union.key}: ${literal(union.tags[i])}\`.`, ...a }, `${name}${pascal(union.tags[i])}`, mode, secretMembers),
        );
        return this.declare(`${name}${mode === "input" ? "Args" : ""}`, (n) => `${tsdoc([`One of ${union.tags.map((t) => `\`${t}\``).join(", ")}, told apart by \`${union.key}\`.`], "")}\nexport type ${n} =\n  | ${variants.join("\n  | ")};`) + orNull;
      }
      return nonNull.map((a, i) => this.type(a, nonNull.length > 1 ? `${name}${i + 1}` : name, mode, secretMembers)).join(" | ") + orNull;
    }
    if (js.allOf?.length === 1) return this.type(js.allOf[0], name, mode, secretMembers);
    if (Array.isArray(js.type)) {
      const types = js.type.filter((t: string) => t !== "null");
      const orNull = types.length < js.type.length ? " | null" : "";
      return types.map((t: string) => this.type({ ...js, type: t }, name, mode, secretMembers)).join(" | ") + orNull;
    }
    if (js.const !== undefined) return literal(js.const);
    if (Array.isArray(js.enum)) return js.enum.map(literal).join(" | ");
    switch (js.type) {
      case "string":
        return "string";
      case "number":
      case "integer":
        return "number";
      case "boolean":
        return "boolean";
      case "array": {
        const item = js.items && !Array.isArray(js.items) ? this.type(js.items, singularName(name), mode, secretMembers) : "any";
        return `${inp(item)}[]`;
      }
      case "object": {
        const ap = js.additionalProperties;
        if (js.properties && Object.keys(js.properties).length) return this.object(js, name, mode, secretMembers);
        const value = ap && typeof ap === "object" && Object.keys(ap).length ? inp(this.type(ap, `${name}Value`, mode)) : "any";
        return `{ [key: string]: ${value} }`;
      }
      default:
        return "any";
    }
  }

  private object(js: JsonSchema, name: string, mode: Mode, secretMembers: string[]): string {
    const required = new Set<string>(js.required ?? []);
    const typeName = `${name}${mode === "input" ? "Args" : ""}`;
    const members: string[] = [];
    for (const [k, v] of Object.entries(js.properties as Record<string, JsonSchema>)) {
      const t = this.type(v, `${name}${pascal(k)}`, mode);
      const limits = limitsOf(v);
      const notes = [...(limits.length ? [`Constraints: ${limits.join(", ")}.`] : []), ...(secretMembers.includes(k) ? ["Write-only secret: never read back."] : [])];
      const doc = [typeof v.description === "string" ? v.description : "", notes.join(" ")].filter(Boolean);
      if (doc.length) members.push(tsdoc(doc, "  "));
      const optional = required.has(k) ? "" : "?";
      // A discriminator (a constant) stays plain, so TypeScript can tell the variants of a union apart.
      const wrapped = mode === "input" && v.const === undefined ? `pulumi.Input<${t}>` : t;
      members.push(`  ${mode === "input" ? "" : "readonly "}${key(k)}${optional}: ${wrapped};`);
    }
    const ap = js.additionalProperties;
    if (ap && typeof ap === "object") members.push("  /** Members not listed here are passed through as they are. */", `  ${mode === "input" ? "" : "readonly "}[key: string]: any;`);
    const doc = typeof js.description === "string" && js.description ? js.description : undefined;
    return this.declare(typeName, (n) => `${doc ? `${tsdoc([doc], "")}\n` : ""}export interface ${n} {\n${members.join("\n")}\n}`);
  }
}

/** The item type of a list named after the list: `AgentProfileCookies` -> `AgentProfileCookie`. */
function singularName(name: string): string {
  return singular(name);
}

/** The TSDoc of an input: its description, then its facts. */
function inputDoc(name: string, spec: FieldSpec, js: JsonSchema): (string | string[])[] {
  return [spec.doc, factSentences(factsOf(name, spec), limitsOf(js))];
}

const OPTS_DOC = "Resource options: `provider` (an explicit `Provider`), `import` (adopt an existing object by its id), `protect`, `dependsOn`, `ignoreChanges`, ...";

function resourceText(def: ResourceDef, decls: Declarations): string {
  const token = `${def.platform}:${def.type}`;
  const args: string[] = [];
  const outs: string[] = [];
  let anyRequired = false;
  for (const [name, spec] of Object.entries(def.fields)) {
    const js = fieldJson(spec);
    const base = `${def.type}${pascal(name)}`;
    if (spec.kind !== "computed") {
      const t = decls.type(js, base, "input", spec.secretMembers);
      args.push(tsdoc(inputDoc(name, spec, js), "  "));
      args.push(`  ${key(name)}${spec.required ? "" : "?"}: pulumi.Input<${t}>;`);
      anyRequired ||= !!spec.required;
    }
    const out = decls.type(js, base, "output", spec.secretMembers);
    const optional = spec.kind !== "computed" && !spec.required ? " | undefined" : "";
    outs.push(tsdoc([spec.doc], "  "));
    outs.push(`  declare readonly ${key(name)}: pulumi.Output<${out}${optional}>;`);
  }
  const argsDoc = tsdoc([`Inputs of \`${def.platform}.${def.type}\`. ${def.doc}`], "");
  const classDoc = tsdoc(
    [def.doc, `Registered as \`pulumi-nodejs:dynamic/${def.platform}:${def.type}\` (the type token in state, \`pulumi preview --json\` and policy packs).`],
    "",
  );
  return [
    `${argsDoc}\nexport interface ${def.type}Args {\n${args.join("\n")}\n}`,
    [
      `${classDoc}\nexport class ${def.type} extends pulumi.dynamic.Resource {`,
      `  /** @internal The field table behind the class (not part of the public typings: it would pull zod's declarations into every program). */`,
      `  static readonly definition: ResourceDef = resources[${literal(token)}];`,
      ...outs,
      tsdoc(
        [
          `Declares one \`${def.platform}.${def.type}\`: ${def.doc}`,
          {
            tags: [
              "@param name The resource's name in the stack (not its name on the platform).",
              `@param args Its inputs: see \`${def.type}Args\`.`,
              `@param opts ${OPTS_DOC}`,
            ],
          },
        ],
        "  ",
      ),
      `  constructor(name: string, args${anyRequired ? "" : "?"}: ${def.type}Args, opts?: pulumi.CustomResourceOptions) {`,
      `    super(...dynamicArgs(${def.type}.definition, name, args, opts));`,
      `  }`,
      `}`,
    ].join("\n"),
  ].join("\n\n");
}

/** The generated module of one platform. */
export function platformTypes(platform: string, defs: ResourceDef[]): string {
  const decls = new Declarations();
  const resources = defs.map((d) => resourceText(d, decls));
  const header = [
    `// Generated by \`npm run schema\` from the field tables of provider/${platform}/. Do not edit by hand.`,
    `import * as pulumi from "@pulumi/pulumi";`,
    `import type { ResourceDef } from "../core/fields";`,
    `import { dynamicArgs } from "../core/resource";`,
    `import { resources } from "../registry";`,
  ].join("\n");
  const nested = decls.text();
  return `${[header, ...resources, ...(nested ? [nested] : [])].join("\n\n")}\n`;
}

/** Every platform's generated module: path (from the package root) -> content. */
export function typeFiles(resources: Record<string, ResourceDef>): Record<string, string> {
  const byPlatform = new Map<string, ResourceDef[]>();
  for (const [, def] of sortedDefs(resources)) byPlatform.set(def.platform, [...(byPlatform.get(def.platform) ?? []), def]);
  return Object.fromEntries([...byPlatform].map(([p, defs]) => [typesPath(p), platformTypes(p, defs)]));
}
