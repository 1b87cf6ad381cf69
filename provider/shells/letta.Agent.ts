/** The serialized provider of letta:Agent: see `shell` in core/resource.ts. */
import { shell } from "../core/resource";
export = shell("letta:Agent");
