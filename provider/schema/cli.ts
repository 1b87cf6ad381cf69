/**
 * `npm run schema`: regenerates, from the field tables, `schema.json` and `manifest.schema.json` at the
 * package root, the TypeScript types of each platform (`provider/<platform>/generated.ts`) and the
 * field reference in README.md.
 */
import { ROOT, writeSchemas } from "./index";

const changed = writeSchemas(ROOT);
console.log(changed.length ? `wrote ${changed.join(", ")}` : "the generated files are up to date");
