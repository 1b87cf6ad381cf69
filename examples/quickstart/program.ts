/**
 * The quickstart program: one Asteroid agent-profile pool (`index.ts` is the CLI entry point). With the Pulumi CLI:
 *
 *   cd examples/quickstart && npm install
 *   pulumi config set asteroid:baseUrl http://127.0.0.1:4010/asteroid   # the emulator (npm run emulator)
 *   pulumi config set --secret asteroid:apiKey asteroid-test-key
 *   pulumi up
 *
 * Without the CLI, `npm run quickstart` at the repository root runs this same program through the SDK
 * and the real dynamic-provider host against the emulator.
 */
import * as pulumi from "@pulumi/pulumi";
import { asteroid } from "pulumi-agents";

export function program() {
  const config = new pulumi.Config();
  const pool = new asteroid.AgentProfilePool("checkout", {
    name: config.get("poolName") ?? "checkout-profiles",
    organizationId: config.get("organizationId") ?? "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    selectionStrategy: "least_recently_used",
    allowConcurrentUse: false,
  });
  return { poolId: pool.id, strategy: pool.selectionStrategy };
}
