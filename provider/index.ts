/**
 * pulumi-agents: the configuration of AI agents as Pulumi resources.
 *
 * ```ts
 * import { asteroid } from "pulumi-agents";
 * new asteroid.AgentProfilePool("checkout", { name: "checkout", organizationId });
 * ```
 */
export * as asteroid from "./asteroid";
export * as everruns from "./everruns";
export * as odeus from "./odeus";
export * as letta from "./letta";
export { Provider, type ProviderArgs, type PlatformCredentials, type ProviderPlatformSettings } from "./core/provider";
export * as manifest from "./manifest";
