/** Every resource and platform the package offers, by token `<platform>:<Type>`. */
import type { ResourceDef } from "./core/fields";
import type { PlatformSpec } from "./http/client";
import { asteroid } from "./asteroid/platform";
import { agentProfilePool } from "./asteroid/pool";
import { agentProfile } from "./asteroid/profile";
import { everruns } from "./everruns/platform";
import { odeus } from "./odeus/platform";
import { agent as odeusAgent } from "./odeus/agent";
import { agent as everrunsAgent } from "./everruns/agent";
import { letta } from "./letta/platform";
import { agent as lettaAgent } from "./letta/agent";

export const platforms: Record<string, PlatformSpec> = { everruns, asteroid, odeus, letta };

export const resources: Record<string, ResourceDef> = Object.fromEntries(
  [everrunsAgent, agentProfilePool, agentProfile, odeusAgent, lettaAgent].map((d) => [`${d.platform}:${d.type}`, d]),
);
