/** The emulator with every platform module: `startAll({ port: 0 })`. */
import { asteroidModule } from "./asteroid";
import { everrunsModule } from "./everruns";
import { odeusModule } from "./odeus";
import { lettaModule } from "./letta";
import { startEmulator, type Emulator, type PlatformModule } from "./server";

export const modules: PlatformModule[] = [everrunsModule, asteroidModule, odeusModule, lettaModule];

export function startAll(opts: Parameters<typeof startEmulator>[1] = {}): Promise<Emulator> {
  return startEmulator(modules, opts);
}
export { startEmulator, type Emulator };
