/**
 * The round trip a team makes when it adopts a fleet, per platform: an awkward fleet on the emulator,
 * `pulumi-agents import`, then the generated program run through the real dynamic-provider host.
 * Every object is imported by the engine's rule (Read with only the id, Check, and a Diff that must show
 * no change), no write call reaches a platform, a preview afterwards is empty, and a second import
 * writes the same bytes. The YAML format makes the same trip through `manifest.load`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startAll, type Emulator } from "../../emulator";
import { EmulatorControl } from "../../emulator/control";
import { runImport } from "../../provider/import";
import { Stack } from "../host/engine";
import { emulatorConfig } from "../host/fixture";
import { longPrompt, seedFleet, type Fleet } from "./fleet";
import { run, typeErrors } from "./runner";

let emu: Emulator;
let ctl: EmulatorControl;
let fleet: Fleet;
let host: Stack;

beforeAll(async () => {
  emu = await startAll();
  ctl = new EmulatorControl(emu.url);
  fleet = await seedFleet(emu);
  host = await Stack.start(emulatorConfig(emu));
});
afterAll(async () => {
  await host.stop();
  await emu.close();
});

/** What a user exports before running the command. */
function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {};
  for (const p of ["asteroid", "everruns", "letta", "odeus"]) {
    e[`${p.toUpperCase()}_API_KEY`] = emu.key(p);
    e[`${p.toUpperCase()}_BASE_URL`] = emu.baseUrl(p);
  }
  return e;
}

interface Imported {
  code: number;
  dir: string;
  stdout: string;
  stderr: string;
}

async function importFleet(args: string[]): Promise<Imported> {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pa-import-")), "agents");
  let stdout = "";
  let stderr = "";
  const code = await runImport([...args, "--out", dir], { env: env(), stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, dir, stdout, stderr };
}

/** Every file of a folder, by relative path. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}

/** The stack config a user sets by running the printed lines (each with its own value). */
function secretConfig(stdout: string): Record<string, string> {
  const keys = [...stdout.matchAll(/^pulumi config set --secret (\S+)/gm)].map((m) => m[1]);
  return Object.fromEntries(keys.map((k) => [k, `value of ${k}`]));
}

/** One resource's declaration in index.ts. */
const block = (index: string, name: string) => {
  const at = index.indexOf(`("${name}", {`);
  return index.slice(at, index.indexOf("});", at));
};

const odeusIds = () => fleet.odeus.agents.flatMap((id) => ["--id", `odeus:${id}`]);
const ARGS: Record<string, () => string[]> = {
  asteroid: () => ["--platform", "asteroid"],
  everruns: () => ["--platform", "everruns"],
  letta: () => ["--platform", "letta"],
  odeus: odeusIds,
};
const EXPECTED: Record<string, () => string[]> = {
  asteroid: () => [...fleet.asteroid.pools, ...fleet.asteroid.profiles],
  everruns: () => fleet.everruns.active,
  letta: () => fleet.letta.agents,
  odeus: () => fleet.odeus.agents,
};

/** Import, run the program (up, then preview), import again: the whole trip for one set of arguments. */
async function roundTrip(args: string[], expected: string[]) {
  const first = await importFleet(args);
  expect(first.stderr).not.toMatch(/warning/);
  expect(first.code).toBe(0);
  const files = tree(first.dir);
  // Write-only values never reach a file, nor the output.
  for (const s of fleet.secrets) {
    for (const [f, text] of Object.entries(files)) expect(`${f}: ${text.includes(s)}`).toBe(`${f}: false`);
    expect(first.stdout + first.stderr).not.toContain(s);
  }
  const config = secretConfig(first.stdout);
  const stack = new Stack(host.host);
  await ctl.clear();

  const up = await run(stack, first.dir, { preview: false, project: "agents", config });
  expect(up.errors).toEqual([]);
  expect(up.ran.map((r) => r.op)).toEqual(expected.map(() => "import"));
  expect(up.ran.map((r) => r.id).sort()).toEqual([...expected].sort());
  expect(await ctl.writes()).toEqual([]); // an import reads; it never writes

  const preview = await run(stack, first.dir, { preview: true, project: "agents", config });
  expect(preview.errors).toEqual([]);
  expect(preview.ran.map((r) => `${r.name}: ${r.op} ${r.diffKeys?.join(",") ?? ""}`).sort()).toEqual(up.ran.map((r) => `${r.name}: same `).sort());
  expect(await ctl.writes()).toEqual([]);

  const second = await importFleet(args);
  expect(second.code).toBe(0);
  expect(tree(second.dir)).toEqual(files);
  expect(second.stdout).toBe(first.stdout);
  return { first, files, stack };
}

describe.each(["asteroid", "everruns", "letta", "odeus"])("%s round trip", (platform) => {
  test("every object is imported with no change, a preview after it is empty, and a second import writes the same files", async () => {
    const { first, files } = await roundTrip(ARGS[platform](), EXPECTED[platform]());
    const index = files["index.ts"];
    if (platform === "asteroid") {
      // duplicate names in two organizations, a unicode name, stale managed-proxy fields left out
      expect(index).toMatch(/new asteroid\.AgentProfilePool\("checkout-pool-[0-9a-f]{6}", \{\n {2}name: "Checkout pool",/);
      expect(index).toContain('new asteroid.AgentProfilePool("kaufe", {\n  name: "Käufe 🛒",');
      expect(block(index, "gateway")).toContain('proxyGatewayPresetId: "0b6f3c2e-8d4a-4f1e-9c7b-5a2d1e3f4b6c",');
      expect(block(index, "legacy")).toContain('proxyMode: "none",');
      expect(block(index, "legacy")).not.toMatch(/proxyType|proxyCC/); // left behind by a mode switch: check would refuse them
      expect(first.stdout.split("\n").filter(Boolean).map((l) => l.split(/\s+/)[4])).toEqual([
        "checkout-bot-customProxy-password",
        "checkout-bot-cookies-shop-example-com-sid",
        "checkout-bot-cookies-example-com-prefs",
        "checkout-bot-credentials-GITHUB_TOKEN",
        "checkout-bot-credentials-STRIPE_KEY",
      ]);
    }
    if (platform === "everruns") {
      expect(files["prompts/resume-writer.systemPrompt.md"]).toBe(longPrompt("Résumé", 5));
      expect(Object.entries(files).filter(([, t]) => t === longPrompt("Support", 60)).map(([f]) => f)).toEqual([expect.stringMatching(/^prompts\/support-[0-9a-f]{6}\.systemPrompt\.md$/)]);
      expect(index).toContain('new everruns.Agent("everruns-agent", {\n  name: "  ",'); // a name with nothing readable
      expect(index).toContain("config: { max_bytes: 100000, allow: [\"example.com\", \"docs.example.com\"], nested: { deep: { on: true } } }");
      expect(index).not.toContain(fleet.everruns.archived);
      expect(first.stderr).toContain("archived agents are not listed");
    }
    if (platform === "letta") {
      expect(index).toContain('new letta.Agent("letta-agent", {\n  name: "客服助手",');
      expect(index).toContain('childOutputMapping: { billing_issue: "lookup_order", "Shipping Issue": "search_docs" }');
      expect(index).toContain("secrets: {\n    OPENAI_KEY: config.requireSecret(");
      expect(files["prompts/letta-agent.system.md"]).toBe("你好。\n请简短回答。");
    }
    if (platform === "odeus") {
      expect(index).toContain('new odeus.Agent("triage", {\n  name: "Triage 🚑",');
      expect(index).toContain('{ slug: "order", type: "TEXT", label: "Order number", required: true }');
      expect(first.stdout).toBe("");
    }
  });
});

test("the whole fleet in one program type-checks against the package (strict)", async () => {
  const r = await importFleet(["--platform", "asteroid,everruns,letta", ...odeusIds()]);
  expect(r.code).toBe(0);
  expect(typeErrors(r.dir)).toEqual([]);
});

test("YAML: the whole fleet as a manifest makes the same trip through manifest.load", async () => {
  const args = ["--format", "yaml", "--platform", "asteroid,everruns,letta", ...odeusIds()];
  const { files } = await roundTrip(args, Object.values(EXPECTED).flatMap((f) => f()));
  expect(files["index.ts"]).toContain('manifest.load("agents.yaml")');
  const yaml = files["agents.yaml"];
  expect(yaml).toMatch(/^# yaml-language-server: \$schema=/);
  expect(yaml).toContain("description: Answers customers; costs $${amount} per run"); // a literal ${ is escaped
  expect(yaml).toMatch(/systemPrompt: \{ file: prompts\/support-[0-9a-f]{6}\.systemPrompt\.md \}/);
  expect(yaml).toMatch(/data: \$\{secret:checkout-bot-credentials-GITHUB_TOKEN\}/);
});

test("a hidden Letta agent, which the list leaves out, is imported by its id", async () => {
  const { files } = await roundTrip(["--id", fleet.letta.hidden], [fleet.letta.hidden]);
  expect(block(files["index.ts"], "summarizer")).toContain("hidden: true,");
  expect(block(files["index.ts"], "summarizer")).toContain('tags: ["role:subagent"],');
});

// Last: it re-activates the fleet's archived agent.
test("an archived Everruns agent named with --include-archived is written as a restore: up re-activates it, then nothing changes", async () => {
  const id = fleet.everruns.archived;
  const r = await importFleet(["--id", id, "--include-archived"]);
  expect(r.code).toBe(0);
  const index = fs.readFileSync(path.join(r.dir, "index.ts"), "utf8");
  expect(index).toContain("// Archived on everruns: declared without `import`");
  expect(index).not.toContain("{ import:");
  expect(index).toContain(`agentId: "${id}"`);
  const stack = new Stack(host.host);
  const up = await run(stack, r.dir, { preview: false, project: "agents", config: {} });
  expect(up.errors).toEqual([]);
  expect(up.ran.map((x) => [x.op, x.id])).toEqual([["create", id]]);
  expect((await ctl.get("everruns", "agents", id)).status).toBe("active");
  const preview = await run(stack, r.dir, { preview: true, project: "agents", config: {} });
  expect(preview.ran.map((x) => x.op)).toEqual(["same"]);
});
