/**
 * The explicit provider: a second account (or other settings) for some resources of a stack.
 * Its inputs reach the provider's `configure` under the same keys as stack config
 * (`asteroid:apiKey`), so every setting works the same way in both places.
 */
import * as pulumi from "@pulumi/pulumi";
import { PROVIDER_NAME_KEY, SETTING_NAMES } from "../http/config";
import { closest } from "./names";
import { ConfigError } from "../http/errors";
import { platforms } from "../registry";

/** The settings of one platform on an explicit provider (see README "Settings"). */
export interface ProviderPlatformSettings {
  /** The API key; always stored as a secret. Stack config `<platform>:apiKey`, env `<PLATFORM>_API_KEY`. */
  apiKey?: pulumi.Input<string>;
  /** The API's absolute http(s) URL, path included. Stack config `<platform>:baseUrl`, env `<PLATFORM>_BASE_URL`. */
  baseUrl?: pulumi.Input<string>;
  /** How long one attempt may wait for an answer, in milliseconds (default 30000). */
  requestTimeoutMs?: pulumi.Input<number>;
  /** How long one resource operation may keep waiting on rate limits and retries, in milliseconds (default 600000). */
  operationTimeoutMs?: pulumi.Input<number>;
  /** A ceiling on requests per second for the account (default: learned from the server's 429s and RateLimit headers). */
  maxRequestsPerSecond?: pulumi.Input<number>;
  /** Requests in flight at once for the account (default 64). */
  maxConcurrency?: pulumi.Input<number>;
}

/** Credentials of one platform on an explicit provider (the same type as {@link ProviderPlatformSettings}). */
export type PlatformCredentials = ProviderPlatformSettings;

export interface ProviderArgs {
  asteroid?: ProviderPlatformSettings;
  odeus?: ProviderPlatformSettings;
  everruns?: ProviderPlatformSettings;
  letta?: ProviderPlatformSettings;
}

/** Fails on a key the provider does not know, with the key it most likely meant. */
function checkKeys(name: string, args: Record<string, unknown>): void {
  const known = Object.keys(platforms);
  for (const [platform, settings] of Object.entries(args)) {
    if (!known.includes(platform)) {
      const meant = closest(platform, known);
      throw new ConfigError(
        `Provider "${name}": unknown platform "${platform}"${meant ? `; did you mean "${meant}"?` : "."} Platforms: ${known.join(", ")}.`,
      );
    }
    if (settings === undefined) continue;
    if (typeof settings !== "object" || settings === null || Array.isArray(settings)) {
      throw new ConfigError(`Provider "${name}": ${platform} must be an object of settings such as { apiKey, baseUrl }, got ${typeof settings}.`);
    }
    for (const key of Object.keys(settings)) {
      if ((SETTING_NAMES as string[]).includes(key)) continue;
      const meant = closest(key, SETTING_NAMES);
      throw new ConfigError(
        `Provider "${name}": unknown setting ${platform}.${key}${meant ? `; did you mean ${platform}.${meant}?` : "."} ` +
          `Settings of a platform: ${SETTING_NAMES.join(", ")}.`,
      );
    }
  }
}

/**
 * An explicit provider, for a second account in the same stack:
 * `new Provider("eu", { asteroid: { apiKey } })`, then `{ provider }` on each resource.
 * API keys are always kept secret. An unknown platform or setting fails at once, naming the one
 * it most likely meant.
 */
export class Provider extends pulumi.ProviderResource {
  constructor(name: string, args: ProviderArgs, opts?: pulumi.ResourceOptions) {
    checkKeys(name, (args ?? {}) as Record<string, unknown>);
    const props: Record<string, pulumi.Input<string | number>> = {};
    for (const [platform, settings] of Object.entries(args ?? {}) as [string, ProviderPlatformSettings | undefined][]) {
      for (const [key, value] of Object.entries(settings ?? {}) as [keyof ProviderPlatformSettings, pulumi.Input<string | number> | undefined][]) {
        if (value === undefined) continue;
        props[`${platform}:${key}`] = key === "apiKey" ? pulumi.secret(value) : value;
      }
    }
    // Names the provider in messages about its settings (they are its arguments, not stack config).
    props[PROVIDER_NAME_KEY] = name;
    super("pulumi-nodejs", name, props, opts);
  }
}
