/**
 * The package as a user gets it: `npm pack`, then `npm install` of the tarball into a fresh program
 * folder beside `@pulumi/pulumi` (3.248.0, the newest SDK that runs on Node 20; set
 * PULUMI_SDK_VERSION to try another, e.g. the 3.213.0 floor of the peer range). The install is
 * offline from npm's cache (filled by `npm ci`) when it can be, else it may fetch metadata.
 *
 * Then: one SDK copy, the public entry points resolve (and nothing else), the provider is
 * serialized by the program's own SDK as `require("pulumi-agents/shells/<type>")`, one resource
 * goes through the real dynamic-provider host of the installed SDK against the emulator, and
 * `pulumi-agents emulator` runs from the installed bin.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startAll, type Emulator } from "../../emulator";
import { EmulatorControl } from "../../emulator/control";
import { emulatorConfig } from "../host/fixture";
import { Host, REPO, Stack, stripSecrets } from "../host/engine";

const SDK = process.env.PULUMI_SDK_VERSION ?? "3.248.0";
const ORG = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const POOL = "asteroid:AgentProfilePool";
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(cmd: string, args: string[], cwd: string, input?: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", input, env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" } });
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** `npm install` from the cache alone; npm asks the registry only for what the cache lacks. */
function install(dir: string): void {
  let r = run(npm, ["install", "--offline", "--no-package-lock", "--ignore-scripts"], dir);
  if (r.code !== 0 && /ENOTCACHED/.test(r.stderr)) r = run(npm, ["install", "--prefer-offline", "--no-package-lock", "--ignore-scripts"], dir);
  if (r.code !== 0) throw new Error(`npm install failed in ${dir}:\n${r.stderr}`);
}

/** Runs a script in the program folder with the program's own node_modules, as `pulumi` would. */
function node(dir: string, script: string): string {
  const r = run(process.execPath, ["-e", script], dir);
  if (r.code !== 0) throw new Error(`node failed in ${dir}:\n${r.stderr}`);
  return r.stdout;
}

/** `__provider` exactly as a program's `new asteroid.AgentProfilePool(...)` registers it (SDK mock monitor). */
const SERIALIZE = `
const pulumi = require("@pulumi/pulumi");
let provider;
pulumi.runtime.setMocks({ newResource: (a) => ((provider = a.inputs.__provider), { id: "id", state: a.inputs }), call: () => ({}) }, "program", "dev", true);
const { asteroid } = require("pulumi-agents");
new asteroid.AgentProfilePool("checkout", { name: "checkout", organizationId: "${ORG}" });
const wait = () => (provider ? process.stdout.write(JSON.stringify(provider)) : setTimeout(wait, 10));
wait();`;

let tmp: string;
let tarball: string;
let files: string[];
let program: string;
let emu: Emulator;
let ctl: EmulatorControl;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pa-pack-"));
  // The build ran before the tests (npm test); --ignore-scripts packs exactly that build.
  const packed = run(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], REPO);
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const info = JSON.parse(packed.stdout)[0];
  tarball = path.join(tmp, info.filename);
  files = info.files.map((f: { path: string }) => f.path);
  program = path.join(tmp, "program");
  fs.mkdirSync(program);
  fs.writeFileSync(path.join(program, "package.json"), JSON.stringify({ name: "program", private: true, dependencies: { "@pulumi/pulumi": SDK, "pulumi-agents": `file:${tarball}` } }));
  fs.writeFileSync(path.join(program, "Pulumi.yaml"), "name: program\nruntime: nodejs\n");
  install(program);
  emu = await startAll();
  ctl = new EmulatorControl(emu.url);
}, 180_000);

afterAll(async () => {
  await emu?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("the tarball", () => {
  test("holds the built code with its typings, README, docs, LICENSE and both schemas", () => {
    for (const f of ["package.json", "README.md", "LICENSE", "schema.json", "manifest.schema.json", "bin/provider/index.js", "bin/provider/index.d.ts", "bin/provider/cli.js", "bin/provider/host.js", "bin/emulator/index.js", "bin/emulator/cli.js"]) {
      expect(files).toContain(f);
    }
    for (const doc of fs.readdirSync(path.join(REPO, "docs"))) expect(files).toContain(`docs/${doc}`);
    for (const f of files.filter((x) => x.endsWith(".js"))) expect(files).toContain(f.replace(/\.js$/, ".d.ts"));
  });

  test("ships no tests, bench, compiled examples, sources, source maps or build info", () => {
    // The example sources the README and docs link to are shipped to be read (examples/ci, examples/manifest), not built.
    const example = (f: string) => /^examples\/(ci|manifest)\//.test(f);
    const stray = files.filter((f) => /^bin\/(tests|bench|examples)\//.test(f) || /\.(map|tsbuildinfo)$/.test(f) || (f.endsWith(".ts") && !f.endsWith(".d.ts") && !example(f)) || f.startsWith("bin/provider/schema/"));
    expect(stray).toEqual([]);
    expect(files.filter((f) => f.startsWith("examples/") && !example(f))).toEqual([]);
  });

  // The new-user trial: README and docs linked to examples/ci/*.yml and examples/manifest/, which were not shipped.
  test("every relative link of the shipped README and docs points at a shipped file or folder", () => {
    const dead: string[] = [];
    for (const doc of files.filter((f) => f.endsWith(".md") && (f === "README.md" || f.startsWith("docs/")))) {
      const text = fs.readFileSync(path.join(REPO, doc), "utf8");
      for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith("#")) continue;
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(doc), link.split("#")[0])).replace(/\/$/, "");
        if (!files.some((f) => f === target || f.startsWith(`${target}/`))) dead.push(`${doc}: ${link}`);
      }
    }
    expect(dead).toEqual([]);
    for (const dir of ["examples/ci", "examples/manifest"]) {
      for (const f of fs.readdirSync(path.join(REPO, dir), { recursive: true, withFileTypes: true })) {
        // (npm never packs an .npmrc: it only matters to `npm install` in a checkout.)
        if (f.isFile() && f.name !== ".npmrc") expect(files).toContain(path.posix.join(path.relative(REPO, f.parentPath).split(path.sep).join("/"), f.name));
      }
    }
  });

  test("is self-contained: every relative require of the shipped code is shipped", () => {
    const missing: string[] = [];
    for (const f of files.filter((x) => x.endsWith(".js"))) {
      const text = fs.readFileSync(path.join(REPO, f), "utf8");
      for (const [, spec] of text.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(f), spec));
        if (![target, `${target}.js`, `${target}/index.js`, `${target}.json`].some((t) => files.includes(t))) missing.push(`${f} -> ${spec}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test("package.json: exports without ./bin/*, repository/homepage/bugs of one repository, a peer SDK range the dev pin satisfies", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
    expect(Object.keys(pkg.exports)).not.toContain("./bin/*");
    expect(Object.keys(pkg.exports).filter((k) => k.includes("bin"))).toEqual(["./bin/provider/shells/*.js"]);
    const repo = pkg.repository.url.replace(/^git\+/, "").replace(/\.git$/, "");
    expect(pkg.homepage.startsWith(repo)).toBe(true);
    expect(pkg.bugs.url.startsWith(repo)).toBe(true);
    expect(pkg.keywords).toEqual(expect.arrayContaining(["pulumi", "ai-agents"]));
    expect(pkg.peerDependencies["@pulumi/pulumi"]).toMatch(/^\^3\.\d+\.\d+$/);
    expect(pkg.dependencies["@pulumi/pulumi"]).toBeUndefined();
    for (const range of Object.values<string>(pkg.dependencies)) expect(range).toMatch(/^\^\d+\.\d+\.\d+$/);
    const [, floor] = /\^(\d+\.\d+\.\d+)/.exec(pkg.peerDependencies["@pulumi/pulumi"])!;
    const num = (v: string) => v.split(".").map(Number).reduce((a, x) => a * 1000 + x, 0);
    expect(num(pkg.devDependencies["@pulumi/pulumi"])).toBeGreaterThanOrEqual(num(floor));
  });
});

describe("installed into a fresh program", () => {
  test("one_sdk_copy: the program and pulumi-agents share one @pulumi/pulumi", () => {
    const copies: string[] = [];
    const walk = (dir: string) => {
      const nm = path.join(dir, "node_modules");
      if (!fs.existsSync(nm)) return;
      for (const name of fs.readdirSync(nm)) {
        const entries = name.startsWith("@") ? fs.readdirSync(path.join(nm, name)).map((n) => `${name}/${n}`) : [name];
        for (const e of entries) {
          if (e === "@pulumi/pulumi") copies.push(path.join(nm, e));
          walk(path.join(nm, e));
        }
      }
    };
    walk(program);
    expect(copies).toEqual([path.join(program, "node_modules/@pulumi/pulumi")]);
    expect(JSON.parse(fs.readFileSync(path.join(copies[0], "package.json"), "utf8")).version).toBe(SDK);
    const ls = run(npm, ["ls", "@pulumi/pulumi", "--all"], program);
    expect(ls.code).toBe(0); // no invalid or missing peer
    expect(ls.stdout).toMatch(/pulumi-agents@[\d.]+\n\s+└── @pulumi\/pulumi@[\d.]+ deduped/);
  });

  test("require('pulumi-agents') gives the namespaces; the shells, host, emulator and schemas resolve; internals do not", () => {
    const out = JSON.parse(
      node(
        program,
        `const a = require("pulumi-agents");
         const tryResolve = (m) => { try { require.resolve(m); return "ok"; } catch (e) { return e.code; } };
         console.log(JSON.stringify({
           keys: Object.keys(a).sort(),
           classes: [a.asteroid.AgentProfilePool, a.asteroid.AgentProfile, a.everruns.Agent, a.odeus.Agent, a.letta.Agent].map((c) => typeof c),
           resolve: Object.fromEntries(["pulumi-agents/shells/asteroid.AgentProfilePool", "pulumi-agents/host", "pulumi-agents/emulator", "pulumi-agents/emulator/control",
             "pulumi-agents/schema.json", "pulumi-agents/manifest.schema.json", "pulumi-agents/package.json",
             "pulumi-agents/bin/provider/core/check.js", "pulumi-agents/bin/tests/host/engine.js"].map((m) => [m, tryResolve(m)])),
         }));`,
      ),
    );
    expect(out.keys).toEqual(["Provider", "asteroid", "everruns", "letta", "manifest", "odeus"]);
    expect(out.classes).toEqual(["function", "function", "function", "function", "function"]);
    expect(out.resolve).toEqual({
      "pulumi-agents/shells/asteroid.AgentProfilePool": "ok",
      "pulumi-agents/host": "ok",
      "pulumi-agents/emulator": "ok",
      "pulumi-agents/emulator/control": "ok",
      "pulumi-agents/schema.json": "ok",
      "pulumi-agents/manifest.schema.json": "ok",
      "pulumi-agents/package.json": "ok",
      "pulumi-agents/bin/provider/core/check.js": "ERR_PACKAGE_PATH_NOT_EXPORTED",
      "pulumi-agents/bin/tests/host/engine.js": "ERR_PACKAGE_PATH_NOT_EXPORTED",
    });
  });

  /** up, refresh, no-op preview and destroy of one pool through the installed SDK's own host. */
  async function lifecycle(dir: string, provider: string): Promise<void> {
    const stack = new Stack(await Host.start(emulatorConfig(emu), dir));
    try {
      await ctl.clear();
      const inputs = { name: `pool-${path.basename(dir)}`, organizationId: ORG, __provider: provider };
      const up = await stack.up(POOL, "checkout", inputs);
      expect(up.op).toBe("create");
      // The reason for the SDK floor (3.213.0): its host passes the inputs `read` returns to the engine.
      const read = await stack.host.read(up.urn, up.state.id, stripSecrets(up.state.outputs) as Record<string, unknown>, {});
      expect(read.inputs).toMatchObject({ name: inputs.name, organizationId: ORG });
      expect((await stack.refresh(POOL, "checkout")).gone).toBe(false);
      expect((await stack.plan(POOL, "checkout", inputs)).op).toBe("same");
      await stack.destroy(POOL, "checkout");
      expect((await ctl.writes("asteroid")).map((w) => w.method)).toEqual(["POST", "DELETE"]);
    } finally {
      await stack.stop();
    }
  }

  test("runs one resource through the installed SDK's dynamic-provider host against the emulator", async () => {
    const provider = JSON.parse(node(program, SERIALIZE));
    expect(provider).toContain('require("pulumi-agents/shells/asteroid.AgentProfilePool")');
    expect(Buffer.byteLength(provider)).toBeLessThan(1024);
    expect(provider).not.toContain(tmp);
    await lifecycle(program, provider);
  });

  test("serializer_first_pulumi_agents_in_path: a program under a folder named pulumi-agents-* still runs", async () => {
    // The SDK's serializer finds the package.json of a module by the first "pulumi-agents" in its
    // absolute path; under such a folder it misses and keeps the file's own path, which the
    // package exports for the shells only.
    const moved = path.join(tmp, "pulumi-agents-infra");
    fs.renameSync(program, moved);
    try {
      const provider = JSON.parse(node(moved, SERIALIZE));
      expect(provider).toMatch(/require\("pulumi-agents\/(shells\/asteroid\.AgentProfilePool|bin\/provider\/shells\/asteroid\.AgentProfilePool\.js)"\)/);
      expect(provider).not.toContain(tmp);
      await lifecycle(moved, provider);
    } finally {
      fs.renameSync(moved, program);
    }
  });

  test("pulumi-agents emulator runs from the installed bin and serves its controls", async () => {
    const help = run(path.join(program, "node_modules/.bin/pulumi-agents"), ["emulator", "--help"], program);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: pulumi-agents emulator/);
    const child = spawn(path.join(program, "node_modules/.bin/pulumi-agents"), ["emulator", "--port=0"], { cwd: program, stdio: ["ignore", "pipe", "pipe"] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let buf = "";
        child.stdout.on("data", (d) => {
          buf += d;
          const m = /listening on (http:\/\/\S+)/.exec(buf);
          if (m) resolve(m[1]);
        });
        child.on("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
      });
      const res = await fetch(`${url}/_emulator/requests`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([]);
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
  });
});
