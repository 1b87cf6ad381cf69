/**
 * pulumi-agents: the configuration of AI agents as Pulumi resources.
 *
 * ```ts
 * import { asteroid } from "pulumi-agents";
 * new asteroid.AgentProfilePool("checkout", { name: "checkout", organizationId });
 * ```
 */
export * as asteroid from "./asteroid";
export { Provider, type ProviderArgs, type PlatformCredentials } from "./core/resource";
