/**
 * Credentials the Pulumi way: the dynamic-provider host hands `configure` the stack config
 * (namespaced keys such as `asteroid:apiKey`) or the inputs of an explicit `agents.Provider`,
 * which use the same keys. Environment variables are the fallback.
 */
import { PlatformClient, type PlatformSpec } from "./client";

/** What the host's `configure` receives: `req.config.get("asteroid:apiKey")`. */
export interface ConfigSource {
  get(key: string): unknown;
}

export interface PlatformSettings {
  apiKey?: string;
  baseUrl?: string;
  /** `<platform>:requestTimeoutMs`: how long one request may wait for an answer (default 30000). */
  timeoutMs?: number;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);

export function settingsFor(spec: PlatformSpec, config: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): PlatformSettings {
  const get = (k: string) => str(config?.get(`${spec.name}:${k}`));
  const timeout = get("requestTimeoutMs") ?? str(env[`${spec.envPrefix}_REQUEST_TIMEOUT_MS`]);
  return {
    apiKey: get("apiKey") ?? str(env[`${spec.envPrefix}_API_KEY`]),
    baseUrl: get("baseUrl") ?? str(env[`${spec.envPrefix}_BASE_URL`]),
    ...(timeout && Number(timeout) > 0 ? { timeoutMs: Number(timeout) } : {}),
  };
}

/** One client per platform and settings, for the life of the provider process. */
export class Clients {
  private readonly cache = new Map<string, PlatformClient>();
  constructor(private config?: ConfigSource) {}

  configure(config: ConfigSource | undefined): void {
    this.config = config;
    this.cache.clear();
  }

  for(spec: PlatformSpec): PlatformClient {
    let c = this.cache.get(spec.name);
    if (!c) this.cache.set(spec.name, (c = new PlatformClient(spec, settingsFor(spec, this.config))));
    return c;
  }
}
