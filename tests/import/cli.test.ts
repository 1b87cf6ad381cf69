/**
 * `pulumi-agents import` as a user meets it: filters, progress, the output folder, and bad input,
 * where each problem is one clear line on stderr, exit status 1, and nothing written.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startAll, type Emulator } from "../../emulator";
import { runImport } from "../../provider/import";
import { call, seedFleet, type Fleet } from "./fleet";

const ROOT = path.resolve(__dirname, "../../..");
let emu: Emulator;
let fleet: Fleet;

beforeAll(async () => {
  emu = await startAll();
  fleet = await seedFleet(emu);
});
afterAll(() => emu.close());

function envFor(platforms = ["asteroid", "everruns", "letta", "odeus"]): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {};
  for (const p of platforms) {
    e[`${p.toUpperCase()}_API_KEY`] = emu.key(p);
    e[`${p.toUpperCase()}_BASE_URL`] = emu.baseUrl(p);
  }
  return e;
}

const newDir = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pa-import-cli-")), "agents");

async function imp(args: string[], o: { env?: NodeJS.ProcessEnv; dir?: string } = {}) {
  const dir = o.dir ?? newDir();
  let stdout = "";
  let stderr = "";
  const code = await runImport([...args, "--out", dir], { env: o.env ?? envFor(), stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  const index = fs.existsSync(path.join(dir, "index.ts")) ? fs.readFileSync(path.join(dir, "index.ts"), "utf8") : "";
  return { code, stdout, stderr, dir, index };
}

/** The names of the resources a program declares. */
const declared = (index: string) => [...index.matchAll(/new \w+\.\w+\("([^"]+)"/g)].map((m) => m[1]).sort();

describe("bad input: one clear line, exit 1, nothing written", () => {
  // The environment is a function: the emulator starts after the table is read.
  const cases: [string, string[], (() => NodeJS.ProcessEnv) | undefined, RegExp][] = [
    ["an unknown platform", ["--platform", "asteroid,openai"], undefined, /^pulumi-agents import: --platform: unknown platform "openai" \(use asteroid, everruns, letta or odeus\)/],
    ["an unknown flag", ["--nmae", "x"], undefined, /^pulumi-agents import: Unknown option '--nmae'/],
    ["a bad --format", ["--format", "json"], undefined, /--format must be ts or yaml, got "json"/],
    ["missing credentials", ["--platform", "asteroid"], () => ({}), /^pulumi-agents import: asteroid: no API key: set ASTEROID_API_KEY/],
    ["no platform configured at all", [], () => ({}), /^pulumi-agents import: nothing to import from: no platform is configured/],
    ["odeus without ids", ["--platform", "odeus"], undefined, /^pulumi-agents import: odeus cannot list agents \(its API has no list call\): name them with --id odeus:<uuid>/],
    ["a bare UUID that could be two platforms'", ["--id", "3c90c3cc-0d44-4b50-8888-8dd25736052a"], undefined, /cannot tell the platform of "3c90c3cc-0d44-4b50-8888-8dd25736052a": write it as asteroid:3c90c3cc-.* or odeus:/],
    ["a Letta id that does not exist", ["--id", `agent-${randomUUID()}`], undefined, /^pulumi-agents import: --id: letta has no agent agent-[0-9a-f-]{36} \(or the API key cannot see it\)$/],
    ["an Odeus id that does not exist", ["--id", `odeus:${randomUUID()}`], undefined, /^pulumi-agents import: --id: odeus has no agent [0-9a-f-]{36}/],
    ["an Asteroid id that does not exist", ["--id", `asteroid:${randomUUID()}`], undefined, /^pulumi-agents import: --id: asteroid has no agent profile or profile pool/],
    ["a malformed Letta id", ["--id", "letta:support"], undefined, /^pulumi-agents import: --id: letta\.Agent: cannot read "support": a Letta agent id is "agent-" followed by a lowercase UUID v4/],
    ["a wrong API key", ["--platform", "letta"], () => ({ ...envFor(["letta"]), LETTA_API_KEY: "not-the-key" }), /^pulumi-agents import: letta: GET \/v1\/agents\/ failed with 401 Unauthorized/],
    ["filters nothing matches", ["--platform", "everruns", "--name", "nobody*"], undefined, /^pulumi-agents import: no object matched on everruns: nothing written$/],
  ];
  test.each(cases)("%s", async (_what, args, env, message) => {
    const r = await imp(args, { env: env?.() });
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n").filter(Boolean).pop()).toMatch(message);
    expect(r.stderr.trim().split("\n").filter((l) => l.startsWith("pulumi-agents import:"))).toHaveLength(1);
    expect(r.stdout).toBe("");
    expect(fs.existsSync(r.dir)).toBe(false);
    expect(r.stderr).not.toContain("not-the-key");
  });

  test("an archived Everruns agent named without --include-archived", async () => {
    const r = await imp(["--id", fleet.everruns.archived]);
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n").filter(Boolean).pop()).toBe(`pulumi-agents import: --id: everruns agent ${fleet.everruns.archived} is archived: pass --include-archived to write it as a restore (\`pulumi up\` re-activates it)`);
    expect(fs.existsSync(r.dir)).toBe(false);
  });

  test("a folder that already holds files is refused before any request; --force writes into it and keeps the project files", async () => {
    const dir = newDir();
    fs.mkdirSync(path.join(dir, "prompts"), { recursive: true });
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: mine\nruntime: nodejs\n");
    fs.writeFileSync(path.join(dir, "prompts", "gone.systemPrompt.md"), "from an earlier import");
    const refused = await imp(["--platform", "everruns"], { dir, env: {} }); // no credentials needed to be refused
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`pulumi-agents import: ${dir} already holds files (Pulumi.yaml, prompts): choose an empty or new folder, or pass --force to overwrite the program and its prompts\n`);
    expect(fs.readdirSync(dir).sort()).toEqual(["Pulumi.yaml", "prompts"]);

    const forced = await imp(["--platform", "everruns", "--force"], { dir });
    expect(forced.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")).toBe("name: mine\nruntime: nodejs\n");
    expect(forced.stderr).toContain("kept the existing Pulumi.yaml");
    expect(forced.stderr).toContain("not written by this import (delete them if nothing uses them): prompts/gone.systemPrompt.md");
    expect(declared(forced.index)).toHaveLength(4);
  });
});

describe("filters", () => {
  test("--name globs match whole names, case-sensitively; any of several", async () => {
    // "Res*" would miss "Résumé writer": é is not e.
    expect(declared((await imp(["--platform", "everruns,letta", "--name", "R*"])).index)).toEqual([
      expect.stringMatching(/^research-assistant-[0-9a-f]{6}$/),
      expect.stringMatching(/^research-assistant-[0-9a-f]{6}$/),
      "resume-writer",
    ]);
    expect((await imp(["--platform", "everruns", "--name", "support"])).code).toBe(1);
    expect(declared((await imp(["--platform", "everruns,letta", "--name", "Support", "--name", "客服*"])).index)).toEqual([
      "letta-agent",
      expect.stringMatching(/^support-[0-9a-f]{6}$/),
      expect.stringMatching(/^support-[0-9a-f]{6}$/),
    ]);
  });

  test("--tag keeps objects carrying any of the tags; platforms without tags have none to match", async () => {
    const r = await imp(["--platform", "asteroid,everruns,letta", "--tag", "tier-1", "--tag", "prod"]);
    expect(r.code).toBe(0);
    expect(r.index).toContain('tags: ["support", "tier-1"]');
    expect(r.index).toContain('tags: ["research", "prod"]');
    expect(declared(r.index)).toHaveLength(2);
    expect(r.stderr).toContain("asteroid: pools and profiles have no tags, so --tag leaves none of them");
  });

  test("--id narrows a platform to the objects named, also from --ids-file with comments", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ids-")), "ids.txt");
    fs.writeFileSync(file, `# the triage agent\nodeus:${fleet.odeus.agents[0]}\n\n${fleet.letta.agents[2]}   # CJK name\n${fleet.letta.agents[0]}\n`);
    const r = await imp(["--ids-file", file, "--id", `asteroid:${fleet.asteroid.pools[2]}`]);
    expect(r.code).toBe(0);
    expect(declared(r.index)).toEqual(["kaufe", "letta-agent", "research-assistant", "triage"]);
    // An agent named by id has its secrets' names read too (never their values).
    expect(r.stdout).toMatch(/^pulumi config set --secret research-assistant-secrets-OPENAI_KEY +# letta\.Agent research-assistant: secrets OPENAI_KEY\n/m);
    for (const s of fleet.secrets) expect(r.index + r.stdout + r.stderr).not.toContain(s);
    // Only the objects named were read: no list call was made.
    expect(r.stderr).not.toMatch(/listing/);
  });

  test("without --platform, every platform configured in the environment is listed; Odeus is skipped with a note", async () => {
    const r = await imp([], { env: envFor(["everruns", "odeus"]) });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("odeus: skipped: its API cannot list agents; name them with --id odeus:<uuid> or --ids-file");
    expect(declared(r.index)).toHaveLength(4);
    expect(r.index).toContain('from "pulumi-agents"');
    expect(r.index).not.toMatch(/asteroid\.|letta\./);
  });

  test("--base-url points a platform elsewhere than its environment variable", async () => {
    const env = { ...envFor(["letta"]), LETTA_BASE_URL: "http://127.0.0.1:9/nowhere" };
    const r = await imp(["--platform", "letta", "--base-url", `letta=${emu.baseUrl("letta")}`], { env });
    expect(r.code).toBe(0);
    expect(declared(r.index)).toHaveLength(4);
  });
});

test("a long discovery shows its progress: pages read and objects found per platform", async () => {
  const big = await startAll();
  try {
    const org = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
    for (let i = 0; i < 51; i++) await call(big, "asteroid", "POST", "/agent-profile-pools", { name: `bulk-${String(i).padStart(3, "0")}`, organizationId: org });
    for (let i = 0; i < 52; i++) await call(big, "letta", "POST", "/v1/agents/", { name: `bulk ${i}` });
    const env: NodeJS.ProcessEnv = {};
    for (const p of ["asteroid", "letta"]) {
      env[`${p.toUpperCase()}_API_KEY`] = big.key(p);
      env[`${p.toUpperCase()}_BASE_URL`] = big.baseUrl(p);
    }
    const r = await imp(["--name", "bulk*"], { env });
    expect(r.code).toBe(0);
    const lines = r.stderr.split("\n");
    expect(lines).toEqual(expect.arrayContaining([
      "asteroid: pools: page 1, 50 of 51",
      "asteroid: pools: page 2, 51 of 51",
      "asteroid: 51 pools and 0 profiles listed, 51 match",
      "letta: agents: page 1, 50",
      "letta: agents: page 2, 52",
      "letta: 52 agents listed, 52 match (hidden agents are not listed)",
      "reading 103 objects as an import reads them",
      "read 25 of 103",
      "read 103 of 103",
    ]));
    expect(declared(r.index)).toHaveLength(103);
    // Names stay readable and unique: `bulk-000` for the pool, `bulk-0` for the agent.
    expect(declared(r.index)).toEqual(expect.arrayContaining(["bulk-000", "bulk-0", "bulk-51"]));
  } finally {
    await big.close();
  }
});

test("a live value the provider's check refuses is written as it is, with a warning in the program and on stderr", async () => {
  const other = await startAll();
  try {
    const a = await call(other, "letta", "POST", "/v1/agents/", { name: "ops bot" });
    await call(other, "letta", "PATCH", `/v1/agents/${a.id}`, { name: "ops/bot" }); // PATCH has no character check
    const env = { LETTA_BASE_URL: other.baseUrl("letta"), LETTA_API_KEY: other.key("letta") };
    const r = await imp(["--platform", "letta"], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: ops-bot (letta.Agent ${a.id}): the provider refuses the live value of name: may hold only letters, digits, spaces and - _ ' (got "ops/bot"); its import fails until that is changed`);
    expect(r.index).toContain(`// warning: the provider refuses the live value of name: may hold only letters, digits, spaces and - _ ' (got "ops/bot"); the import fails until it is changed.\nconst opsBot = new letta.Agent("ops-bot", {\n  name: "ops/bot",`);
  } finally {
    await other.close();
  }
});

test("the built command dispatches `import` and prints its usage", () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin/provider/cli.js"), "import", "--help"], { encoding: "utf8" });
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^usage: pulumi-agents import /);
  const bad = spawnSync(process.execPath, [path.join(ROOT, "bin/provider/cli.js"), "import", "--platform", "nope"], { encoding: "utf8" });
  expect(bad.status).toBe(1);
  expect(bad.stderr).toBe('pulumi-agents import: --platform: unknown platform "nope" (use asteroid, everruns, letta or odeus) (see pulumi-agents import --help)\n');
});

test("an unreachable base URL is named with where it was set: the environment variable or the flag", async () => {
  const env = { LETTA_BASE_URL: "http://127.0.0.1:1/letta" };
  const r = await imp(["--platform", "letta"], { env });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/letta: cannot reach http:\/\/127\.0\.0\.1:1\/letta \(set by LETTA_BASE_URL\)/);
  const f = await imp(["--platform", "letta", "--base-url", "letta=http://127.0.0.1:1/letta"], { env: {} });
  expect(f.stderr).toMatch(/\(set by --base-url letta=…\)/);
});

// The import reads no stack config, so its fix cannot be `pulumi config set`; and the default URL it was never going to use is not shown.
test("a bad base URL in the environment is refused before any progress line names a URL, with a fix the import reads", async () => {
  const r = await imp(["--platform", "asteroid"], { env: { ASTEROID_BASE_URL: "ftp://x", ASTEROID_API_KEY: "k" } });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(
    'pulumi-agents import: asteroid: ASTEROID_BASE_URL must be an absolute http(s) URL such as https://odyssey.asteroid.ai/agents/v2, got "ftp://x". ' +
      "Fix: `export ASTEROID_BASE_URL=https://odyssey.asteroid.ai/agents/v2` or pass `--base-url asteroid=https://odyssey.asteroid.ai/agents/v2` " +
      "(or your server's URL, with its scheme and path).\n",
  );
  expect(fs.existsSync(r.dir)).toBe(false);
});

test("a bad number in the environment names the variable to fix, not stack config", async () => {
  const r = await imp(["--platform", "letta"], { env: { ...envFor(["letta"]), LETTA_REQUEST_TIMEOUT_MS: "soon" } });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(
    'pulumi-agents import: letta: LETTA_REQUEST_TIMEOUT_MS must be a positive whole number (how long one attempt may wait for an answer, in milliseconds), got "soon". ' +
      "Fix: `export LETTA_REQUEST_TIMEOUT_MS=30000`.\n",
  );
});

test("the listing progress line names the base URL actually used", async () => {
  const r = await imp(["--platform", "letta"], { env: envFor(["letta"]) });
  expect(r.code).toBe(0);
  expect(r.stderr.split("\n")[0]).toBe(`letta: listing ${emu.baseUrl("letta")}`);
});
