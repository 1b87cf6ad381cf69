/**
 * The two generated files shipped at the package root, from the registered field tables:
 * `schema.json` (the Pulumi package schema) and `manifest.schema.json` (the JSON Schema of a YAML
 * manifest), plus the field reference inside README.md. `npm run schema` writes them; a test fails
 * when the checked-in files differ.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ResourceDef } from "../core/fields";
import { resources as registry } from "../registry";
import { manifestSchema } from "./manifest";
import { packageSchema } from "./package";
import { withReference } from "./reference";

export { manifestSchema } from "./manifest";
export { packageSchema, resourceToken, replacesOnChange } from "./package";

/** File name -> content, exactly as checked in. */
export function renderSchemas(resources: Record<string, ResourceDef> = registry): Record<string, string> {
  const text = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  return {
    "schema.json": text(packageSchema(resources)),
    "manifest.schema.json": text(manifestSchema(resources)),
  };
}

/** Writes the generated files into `dir`; returns the names that changed. */
export function writeSchemas(dir: string): string[] {
  const changed: string[] = [];
  for (const [name, content] of Object.entries(renderSchemas())) {
    const file = path.join(dir, name);
    const old = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
    if (old === content) continue;
    fs.writeFileSync(file, content);
    changed.push(name);
  }
  const readme = path.join(dir, "README.md");
  if (fs.existsSync(readme)) {
    const old = fs.readFileSync(readme, "utf8");
    const next = withReference(old, registry);
    if (next !== old) {
      fs.writeFileSync(readme, next);
      changed.push("README.md");
    }
  }
  return changed;
}
