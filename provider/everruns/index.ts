/**
 * Everruns agents: `Agent` (name, system prompt, description, default model, capabilities, tags).
 * Created with the idempotent upsert `PUT /v1/agents/{id}`, updated with one minimal PATCH, archived
 * on delete. The class and `AgentArgs` are generated from the field table in ./agent.ts.
 */
export * from "./generated";
