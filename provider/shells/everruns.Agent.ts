/** The serialized provider of everruns:Agent: see `shell` in core/resource.ts. */
import { shell } from "../core/resource";
export = shell("everruns:Agent");
