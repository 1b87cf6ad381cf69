/**
 * Letta agents: `Agent` (prompt, model, tools, memory and settings of a stateful agent). The class,
 * `AgentArgs` and the tool-rule union `AgentToolRuleArgs` are generated from the field table in
 * ./agent.ts (Letta API, "Modify Agent").
 */
export * from "./generated";
