#!/usr/bin/env node
/** `npm run emulator -- --port 4010`: the emulator as a standalone server for local runs and CI. */
import { startAll, modules } from "./index";

async function main() {
  const args = process.argv.slice(2);
  const at = args.indexOf("--port");
  const port = at >= 0 ? Number(args[at + 1]) : 4010;
  const emu = await startAll({ port });
  console.log(`pulumi-agents emulator listening on ${emu.url}`);
  for (const m of modules) {
    const key = emu.key(m.name);
    console.log(`  ${m.name.padEnd(9)} baseUrl ${emu.baseUrl(m.name)}${key ? `  apiKey ${key}` : "  (no auth)"}`);
  }
  console.log("controls under /_emulator/ (requests, faults, objects, keys); Ctrl-C to stop");
  const stop = () => emu.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
