/**
 * Odeus agents: `Agent` (configuration, drafts and publishing). Destroy disables the agent: Odeus
 * cannot delete agents. The class and `AgentArgs` are generated from the field table in ./agent.ts
 * (Odeus Agent API).
 */
export * from "./generated";
