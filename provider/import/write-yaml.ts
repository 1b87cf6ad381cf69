/**
 * `--format yaml`: `agents.yaml`, a manifest for `manifest.load` (docs/manifests.md) with one entry per
 * adopted object and `options.import`; long text as `{ file: prompts/… }`, write-only values as
 * `${secret:<key>}`, and every literal `${` in a value escaped as `$${`.
 */
import { Document, isMap, isScalar, visit } from "yaml";
import { isObject } from "../core/values";
import { FileRef, SecretRef, type Planned } from "./adopt";
import { ImportError } from "./options";

/** A value as the manifest writes it; `owner` and `where` name it in an error. */
function manifestValue(v: unknown, owner: string, where = ""): unknown {
  if (v instanceof SecretRef) return `\${secret:${v.key}}`;
  if (v instanceof FileRef) return { file: v.path };
  if (typeof v === "string") return v.replace(/\$\{/g, () => "$${");
  if (Array.isArray(v)) return v.map((x, i) => manifestValue(x, owner, `${where}[${i}]`));
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === "file") {
      throw new ImportError(`${owner}: ${where} is an object whose only key is "file", which a manifest reads as a file to load: use --format ts`);
    }
    return Object.fromEntries(keys.map((k) => [k, manifestValue(v[k], owner, where ? `${where}.${k}` : k)]));
  }
  return v;
}

export function writeYaml(resources: Planned[]): string {
  const entries: Record<string, unknown> = {};
  for (const r of resources) {
    const properties = manifestValue(r.inputs, `${r.def.platform}.${r.def.type} ${r.id}`);
    entries[r.name] = { type: `${r.def.platform}.${r.def.type}`, properties, ...(r.restore ? {} : { options: { import: r.id } }) };
  }
  const doc = new Document({ resources: entries });
  doc.commentBefore =
    " yaml-language-server: $schema=./node_modules/pulumi-agents/manifest.schema.json\n" +
    " Adopted with `pulumi-agents import`: each entry takes over an existing object (options.import)\n" +
    " with every input set to its live value, so the first `pulumi up` imports them and changes nothing.\n" +
    " Long text is in prompts/; write-only values come from secret stack config (`pulumi config set --secret <key>`).\n" +
    " Once imported, the import options can be removed.";
  visit(doc, {
    Map(_, node) {
      // `{ file: prompts/… }` on one line, as people write it.
      if (node.items.length === 1 && isScalar(node.items[0].key) && node.items[0].key.value === "file") node.flow = true;
    },
  });
  const top = doc.get("resources");
  if (isMap(top)) {
    for (const pair of top.items) {
      const r = resources.find((x) => isScalar(pair.key) && x.name === pair.key.value);
      if (!r || !isScalar(pair.key)) continue;
      const notes: string[] = [];
      if (r.restore) notes.push(` archived on ${r.def.platform}: no import option, so \`pulumi up\` restores it (the create is an upsert on its agentId)`);
      for (const w of r.warnings) notes.push(` warning: the provider refuses the live value of ${w}; the import fails until it is changed`);
      if (notes.length) pair.key.commentBefore = notes.join("\n");
    }
  }
  return doc.toString({ lineWidth: 0 });
}
