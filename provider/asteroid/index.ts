/** Asteroid resources: `asteroid.AgentProfilePool`. */
import { resourceClass } from "../core/resource";
import { agentProfilePool } from "./pool";

/** A pool of agent profiles that can be used for credential rotation (seed 004). */
export const AgentProfilePool = resourceClass(agentProfilePool);
export type AgentProfilePool = InstanceType<typeof AgentProfilePool>;
