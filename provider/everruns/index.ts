/** Everruns resources: `everruns.Agent`. */
import { resourceClass } from "../core/resource";
import { agent } from "./agent";

/**
 * An Everruns agent (seed 002): name, system prompt, description, default model, capabilities and
 * tags. Created with the idempotent upsert `PUT /v1/agents/{id}`, updated with one minimal PATCH,
 * archived on delete. Import with the `import` resource option and the agent id.
 */
export const Agent = resourceClass(agent);
export type Agent = InstanceType<typeof Agent>;
