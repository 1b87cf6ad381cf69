/** The serialized provider of asteroid:AgentProfile: see `shell` in core/resource.ts. */
import { shell } from "../core/resource";
export = shell("asteroid:AgentProfile");
