/**
 * The entry the serialized provider shell `require()`s inside the dynamic-provider host.
 * It holds no state but the configuration handed to `configure` and the per-platform clients,
 * so `read` and `delete` of old state run the code installed now, not code frozen in state.
 *
 * `check` also checks the configuration of the resource's platform (a missing key, a mistyped
 * config key, a bad base URL or number), so `pulumi preview` fails where `up` would. Every other
 * call runs as one operation: its requests share a deadline and a place in the rate-limit queue.
 */
import { lifecycle, type Lifecycle } from "./core/lifecycle";
import { Clients } from "./http/clients";
import { settingsFailures, type ConfigSource } from "./http/config";
import { inOperation } from "./http/operation";
import { platforms, resources } from "./registry";

const clients = new Clients();
const cache = new Map<string, Lifecycle>();

export async function configure(req: { config?: ConfigSource }): Promise<void> {
  clients.configure(req.config);
}

export function lifecycleOf(token: string): Lifecycle {
  let lc = cache.get(token);
  if (!lc) {
    const def = resources[token];
    if (!def) throw new Error(`pulumi-agents: unknown resource type "${token}"; is the installed pulumi-agents older than the one the stack was deployed with?`);
    const spec = platforms[def.platform];
    cache.set(token, (lc = lifecycle(def, () => clients.for(spec))));
  }
  return lc;
}

/** Check failures for the configuration of a resource type's platform (the property is empty: it is no input). */
export function configFailures(token: string): { property: string; reason: string }[] {
  const def = resources[token];
  if (!def) return [];
  return settingsFailures(platforms[def.platform], clients.source, Object.keys(platforms)).map((f) => ({ property: "", reason: f.reason }));
}

export async function call(token: string, method: keyof Lifecycle, args: unknown[]): Promise<unknown> {
  const lc = lifecycleOf(token);
  const run = () => (lc[method] as (...a: unknown[]) => Promise<unknown>)(...args);
  if (method !== "check") return inOperation(run);
  const res = (await run()) as { inputs: unknown; failures: unknown[] };
  const config = configFailures(token);
  return config.length ? { ...res, failures: [...(res.failures ?? []), ...config] } : res;
}
