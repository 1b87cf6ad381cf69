/** Letta resources: `letta.Agent`. */
import { resourceClass } from "../core/resource";
import { agent } from "./agent";

/** A stateful Letta agent (seed 003, api/letta.md): prompt, model, tools, memory and settings. */
export const Agent = resourceClass(agent);
export type Agent = InstanceType<typeof Agent>;
