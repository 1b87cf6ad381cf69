/**
 * `npm run quickstart`: the quickstart program end to end with no Pulumi CLI and no account.
 * Starts the emulator, runs the program through the SDK (mock runtime) and the real dynamic-provider
 * host: preview, up, a no-op preview, an out-of-band change found by refresh, up to heal it, destroy.
 * Prints what a `pulumi up` user would see.
 */
import { resources } from "../../provider/registry";
import { startAll } from "../../emulator";
import { EmulatorControl } from "../../emulator/control";
import { emulatorConfig } from "../../tests/host/fixture";
import { Stack, type Step } from "../../tests/host/engine";
import { ProgramStack } from "../../tests/host/program";
import { program } from "./program";

const SYMBOL: Record<string, string> = { create: "+", update: "~", replace: "+-", same: " ", delete: "-" };

function printSteps(log: (s: string) => void, title: string, steps: Step[]): void {
  log(`\n${title}`);
  log(`     ${"Type".padEnd(52)}${"Name".padEnd(12)}Plan`);
  for (const s of steps) {
    const type = s.urn.split("::")[2];
    const detail = s.op === "update" || s.op === "replace" ? `  [diff: ${s.diffKeys.map((k) => `~${k}`).join(", ")}]` : "";
    log(` ${(SYMBOL[s.op] ?? "?").padEnd(3)} ${type.padEnd(52)}${s.name.padEnd(12)}${s.op}${detail}`);
  }
  const counts = new Map<string, number>();
  for (const s of steps) counts.set(s.op, (counts.get(s.op) ?? 0) + 1);
  log("Resources:");
  for (const [op, n] of counts) log(`    ${SYMBOL[op] === " " ? "" : `${SYMBOL[op]} `}${n} ${op === "same" ? "unchanged" : `to ${op}`}`);
}

export async function main(log = console.log): Promise<void> {
  const emu = await startAll();
  const ctl = new EmulatorControl(emu.url);
  const prog = new ProgramStack(await Stack.start(emulatorConfig(emu)));
  const project = { project: "pulumi-agents-quickstart", stack: "dev" };
  try {
    log(`emulator listening on ${emu.url} (asteroid baseUrl ${emu.baseUrl("asteroid")})`);
    printSteps(log, "Previewing update (dev):", (await prog.run(program, { preview: true, ...project })).steps);
    const up = await prog.run(program, { preview: false, ...project });
    if (up.errors.length) throw up.errors[0];
    printSteps(log, "Updating (dev):", up.steps);
    const pool = up.steps[0] && prog.stack.get(up.steps[0].token, up.steps[0].name)!;
    log(`Outputs:\n    poolId  : "${pool.id}"\n    strategy: "${pool.outputs.selectionStrategy}"`);

    printSteps(log, "Previewing update (dev) again, nothing changed:", (await prog.run(program, { preview: true, ...project })).steps);

    log(`\nSomeone switches the pool to most_recently_used in the Asteroid console...`);
    await ctl.edit("asteroid", "pools", pool.id, { selectionStrategy: "most_recently_used" });
    const refreshed = await prog.refresh();
    log(`\nRefreshing (dev):`);
    // Drift is an input that differs from what the program set; server-set outputs (timestamps) never are.
    const drifted = (r: (typeof refreshed)[number]) => r.changedOutputs.filter((k) => resources[r.token]?.fields[k] && resources[r.token].fields[k].kind !== "computed");
    for (const r of refreshed) log(`  ~ ${r.name}: ${drifted(r).length ? `drift in ${drifted(r).join(", ")}` : "no drift"}`);
    printSteps(log, "Previewing update (dev) after refresh (what `pulumi preview --refresh --expect-no-changes` fails on):", (await prog.run(program, { preview: true, ...project })).steps);
    printSteps(log, "Updating (dev), healing the drift:", (await prog.run(program, { preview: false, ...project })).steps);

    const destroyed = await prog.destroy();
    log(`\nDestroying (dev):\n${destroyed.map((n) => `  - ${n} deleted`).join("\n")}\nResources:\n    - ${destroyed.length} deleted`);
    const writes = await ctl.writes("asteroid");
    log(`\nThe emulator saw ${writes.length} write calls: ${writes.map((w) => `${w.method} ${w.path}`).join(", ")}`);
  } finally {
    await prog.stop();
    await emu.close();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
