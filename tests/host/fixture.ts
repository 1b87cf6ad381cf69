/** Shared setup for engine-protocol tests: the emulator on port 0, its controls, and a stack on the real host. */
import { startAll, type Emulator } from "../../emulator";
import { EmulatorControl } from "../../emulator/control";
import { modules } from "../../emulator";
import { Stack } from "./engine";

export interface World {
  emu: Emulator;
  ctl: EmulatorControl;
  stack: Stack;
  /** Stack config pointing every platform at the emulator. */
  config: Record<string, string | undefined>;
  close(): Promise<void>;
}

export function emulatorConfig(emu: Emulator): Record<string, string | undefined> {
  const config: Record<string, string | undefined> = {};
  for (const m of modules) {
    config[`${m.name}:baseUrl`] = emu.baseUrl(m.name);
    config[`${m.name}:apiKey`] = emu.key(m.name);
  }
  return config;
}

export async function world(): Promise<World> {
  const emu = await startAll();
  const config = emulatorConfig(emu);
  const stack = await Stack.start(config);
  return {
    emu,
    ctl: new EmulatorControl(emu.url),
    stack,
    config,
    close: async () => {
      await stack.stop();
      await emu.close();
    },
  };
}

/** The emulator alone (no host), started before a test file's tests and closed after them. */
export function useEmulator(): { emu: Emulator; ctl: EmulatorControl } {
  const env = {} as { emu: Emulator; ctl: EmulatorControl };
  beforeAll(async () => {
    env.emu = await startAll();
    env.ctl = new EmulatorControl(env.emu.url);
  });
  afterAll(() => env.emu.close());
  return env;
}
