/** The serialized provider of odeus:Agent: see `shell` in core/resource.ts. */
import { shell } from "../core/resource";
export = shell("odeus:Agent");
