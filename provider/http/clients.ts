/** One client per platform for the life of the provider process, built from the configured settings. */
import { PlatformClient, type PlatformSpec } from "./client";
import { resolveSettings, type ConfigSource } from "./config";

export class Clients {
  private readonly cache = new Map<string, PlatformClient>();
  constructor(private config?: ConfigSource) {}

  configure(config: ConfigSource | undefined): void {
    this.config = config;
    this.cache.clear();
  }

  get source(): ConfigSource | undefined {
    return this.config;
  }

  for(spec: PlatformSpec): PlatformClient {
    let c = this.cache.get(spec.name);
    if (!c) {
      const r = resolveSettings(spec, this.config);
      this.cache.set(spec.name, (c = new PlatformClient(spec, { ...r.values, sources: r.sources, problems: r.problems })));
    }
    return c;
  }
}
