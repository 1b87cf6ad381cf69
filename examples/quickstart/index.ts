/** Entry point of the quickstart under the Pulumi CLI (`pulumi up` in this folder). */
import { program } from "./program";

const out = program();
export const poolId = out.poolId;
export const strategy = out.strategy;
