/** `npm run schema`: regenerates `schema.json` and `manifest.schema.json` at the package root. */
import * as path from "node:path";
import { writeSchemas } from "./index";

// bin/provider/schema/cli.js -> the package root
const root = path.resolve(__dirname, "../../..");
const changed = writeSchemas(root);
console.log(changed.length ? `wrote ${changed.join(", ")}` : "schema.json and manifest.schema.json are up to date");
