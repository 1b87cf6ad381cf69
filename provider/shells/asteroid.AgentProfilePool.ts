/** The serialized provider of asteroid:AgentProfilePool: see `shell` in core/resource.ts. */
import { shell } from "../core/resource";
export = shell("asteroid:AgentProfilePool");
