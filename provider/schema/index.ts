/**
 * The files generated from the registered field tables: `schema.json` (the Pulumi package schema)
 * and `manifest.schema.json` (the JSON Schema of a YAML manifest) at the package root, the typed
 * and documented TypeScript surface of each platform (`provider/<platform>/generated.ts`), and the
 * field reference inside README.md. `npm run schema` writes them; a test fails when a checked-in
 * file differs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ResourceDef } from "../core/fields";
import type { PlatformSpec } from "../http/client";
import { platforms as platformRegistry, resources as registry } from "../registry";
import { manifestSchema } from "./manifest";
import { packageSchema, type PackageMeta } from "./package";
import { withReference } from "./reference";
import { typeFiles } from "./typescript";

export { manifestSchema } from "./manifest";
export { packageSchema, resourceToken, replacesOnChange } from "./package";
export { typeFiles, typesPath } from "./typescript";

/** The package root (this file is bin/provider/schema/index.js once built). */
export const ROOT = path.resolve(__dirname, "../../..");

/** `homepage` and `repository` of package.json, for schema.json. */
export function packageMeta(root = ROOT): PackageMeta {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const repo = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
  return { homepage: pkg.homepage, repository: typeof repo === "string" ? repo.replace(/^git\+/, "").replace(/\.git$/, "") : undefined };
}

/** File path (from the package root) -> content, exactly as checked in. */
export function renderSchemas(
  resources: Record<string, ResourceDef> = registry,
  platforms: PlatformSpec[] = Object.values(platformRegistry),
  meta: PackageMeta = packageMeta(),
): Record<string, string> {
  const text = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  return {
    "schema.json": text(packageSchema(resources, platforms, meta)),
    "manifest.schema.json": text(manifestSchema(resources)),
    ...typeFiles(resources),
  };
}

/** Writes the generated files into `dir`; returns the names that changed. */
export function writeSchemas(dir: string): string[] {
  const changed: string[] = [];
  for (const [name, content] of Object.entries(renderSchemas())) {
    const file = path.join(dir, ...name.split("/"));
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
