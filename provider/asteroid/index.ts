/** Asteroid resources: `asteroid.AgentProfile`, `asteroid.AgentProfilePool`. */
import { resourceClass } from "../core/resource";
import { agentProfilePool } from "./pool";
import { agentProfile } from "./profile";

/** A pool of agent profiles that can be used for credential rotation (seed 004). */
export const AgentProfilePool = resourceClass(agentProfilePool);
export type AgentProfilePool = InstanceType<typeof AgentProfilePool>;

/**
 * An agent profile: browser configuration, proxy, cookies and credentials (seed 000). Credential
 * `data`, cookie `value` and `customProxy.password` are write-only and always kept secret.
 */
export const AgentProfile = resourceClass(agentProfile);
export type AgentProfile = InstanceType<typeof AgentProfile>;
