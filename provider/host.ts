/**
 * The entry the serialized provider shell `require()`s inside the dynamic-provider host.
 * It holds no state but the configuration handed to `configure` and the per-platform clients,
 * so `read` and `delete` of old state run the code installed now, not code frozen in state.
 */
import { lifecycle, type Lifecycle } from "./core/lifecycle";
import { Clients, type ConfigSource } from "./http/config";
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

export function call(token: string, method: keyof Lifecycle, args: unknown[]): Promise<unknown> {
  const lc = lifecycleOf(token);
  return (lc[method] as (...a: unknown[]) => Promise<unknown>)(...args);
}
