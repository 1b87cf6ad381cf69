/**
 * `--format ts`: `index.ts` with one resource per adopted object, each with the `import` resource
 * option and every input written out; long text read from `prompts/`, write-only values from secret
 * stack config. The output is deterministic: the same objects give the same bytes.
 */
import { FileRef, SecretRef } from "./adopt";
import type { Planned } from "./adopt";

const WIDTH = 110;
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** An object key as written in a literal; `__proto__` is computed, or the literal would set the prototype. */
const key = (k: string) => (k === "__proto__" ? `["__proto__"]` : IDENT.test(k) ? k : JSON.stringify(k));

/** A TypeScript expression for a value; short values on one line, the rest indented. */
export function literal(v: unknown, indent = ""): string {
  if (v instanceof SecretRef) return `config.requireSecret(${JSON.stringify(v.key)})`;
  if (v instanceof FileRef) return `fs.readFileSync(${JSON.stringify(v.path)}, "utf8")`;
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "undefined";
  const inner = indent + "  ";
  const parts = Array.isArray(v) ? v.map((x) => literal(x, inner)) : Object.entries(v as object).map(([k, x]) => `${key(k)}: ${literal(x, inner)}`);
  const [open, close] = Array.isArray(v) ? ["[", "]"] : ["{", "}"];
  if (!parts.length) return `${open}${close}`;
  const flat = Array.isArray(v) ? `[${parts.join(", ")}]` : `{ ${parts.join(", ")} }`;
  if (!flat.includes("\n") && indent.length + flat.length <= WIDTH) return flat;
  return `${open}\n${parts.map((p) => `${inner}${p},`).join("\n")}\n${indent}${close}`;
}

const comment = (text: string) => text.split("\n").map((l) => `// ${l}`.trimEnd()).join("\n");

export function writeTs(resources: Planned[]): string {
  const namespaces = [...new Set(resources.map((r) => r.def.platform))].sort();
  const secrets = resources.some((r) => r.secrets.length);
  const files = resources.some((r) => r.files.length);
  const lines: string[] = [
    comment(
      "Adopted with `pulumi-agents import`: each resource takes over an existing object (the `import`\n" +
        "resource option) with every input set to its live value, so the first `pulumi up` imports them\n" +
        "and changes nothing. Long text is in prompts/; write-only values come from secret stack config\n" +
        "(`pulumi config set --secret <key>`). Once imported, the `import` options can be removed.",
    ),
  ];
  if (files) lines.push('import * as fs from "node:fs";');
  if (secrets) lines.push('import * as pulumi from "@pulumi/pulumi";');
  lines.push(`import { ${namespaces.join(", ")} } from "pulumi-agents";`, "");
  if (secrets) lines.push("const config = new pulumi.Config();", "");
  for (const r of resources) {
    const notes: string[] = [];
    if (r.restore) notes.push(`Archived on ${r.def.platform}: declared without \`import\`, so \`pulumi up\` restores it (the create is an upsert on its agentId).`);
    for (const w of r.warnings) notes.push(`warning: the provider refuses the live value of ${w}; the import fails until it is changed.`);
    if (notes.length) lines.push(comment(notes.join("\n")));
    const cls = `${r.def.platform}.${r.def.type}`;
    const args = literal(r.inputs);
    const opts = r.restore ? "" : `, { import: ${JSON.stringify(r.id)} }`;
    lines.push(`const ${r.ident} = new ${cls}(${JSON.stringify(r.name)}, ${args}${opts});`, "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** `--format yaml`: the program is a manifest; index.ts only loads it. */
export const MANIFEST_PROGRAM = `// Adopted with \`pulumi-agents import\`: the resources are in agents.yaml (see docs/manifests.md of pulumi-agents).
import { manifest } from "pulumi-agents";

manifest.load("agents.yaml");
`;
