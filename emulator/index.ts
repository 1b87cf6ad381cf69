/** The emulator with every platform module: `startAll({ port: 0 })`. */
import { asteroidModule } from "./asteroid";
import { startEmulator, type Emulator, type PlatformModule } from "./server";

export const modules: PlatformModule[] = [asteroidModule];

export function startAll(opts: Parameters<typeof startEmulator>[1] = {}): Promise<Emulator> {
  return startEmulator(modules, opts);
}
export { startEmulator, type Emulator };
