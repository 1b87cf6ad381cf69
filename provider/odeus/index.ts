/** Odeus resources: `odeus.Agent`. */
import { resourceClass } from "../core/resource";
import { agent } from "./agent";

/** An Odeus agent: configuration, drafts and publishing (seed 001). Destroy disables it: Odeus cannot delete agents. */
export const Agent = resourceClass(agent);
export type Agent = InstanceType<typeof Agent>;
