/**
 * Asteroid browser agents: `AgentProfile` (browser configuration, proxy, cookies and credentials)
 * and `AgentProfilePool` (profiles for credential rotation). Credential `data`, cookie `value` and
 * `customProxy.password` are write-only and always kept secret. Classes and their `...Args` types are
 * generated from the field tables in ./profile.ts and ./pool.ts (Asteroid Agent Service v2 API).
 */
export * from "./generated";
