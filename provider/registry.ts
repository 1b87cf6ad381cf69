/** Every resource and platform the package offers, by token `<platform>:<Type>`. */
import type { ResourceDef } from "./core/fields";
import type { PlatformSpec } from "./http/client";
import { asteroid } from "./asteroid/platform";
import { agentProfilePool } from "./asteroid/pool";

export const platforms: Record<string, PlatformSpec> = { asteroid };

export const resources: Record<string, ResourceDef> = Object.fromEntries(
  [agentProfilePool].map((d) => [`${d.platform}:${d.type}`, d]),
);
