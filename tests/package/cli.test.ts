/**
 * The `pulumi-agents` command line as a user meets it (the built bin, spawned): the command list,
 * `--version`, and `pulumi-agents emulator` (also `npm run emulator`, bin/emulator/cli.js) with
 * strict flags, `--help`, `--port=N`, one-line errors and a busy port named.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { EMULATOR_OPTIONS } from "../../emulator/cli";

const ROOT = path.resolve(__dirname, "../../..");
const CLI = path.join(ROOT, "bin/provider/cli.js");
const EMULATOR = path.join(ROOT, "bin/emulator/cli.js");
/** The emulator's usage line, as `--help` and docs/emulator.md show it. */
const EMULATOR_USAGE_LINE =
  "usage: pulumi-agents emulator [--port N] [--host ADDRESS] [--rate-limit R]\n" +
  "                              [--rate-limit-burst N] [--rate-limit-headers ietf|x]\n";

function run(file: string, args: string[]) {
  const r = spawnSync(process.execPath, [file, ...args], { encoding: "utf8", cwd: os.tmpdir(), timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts a long-running command and resolves with its first `listening on <url>`; the caller stops it. */
function start(file: string, args: string[]) {
  const child = spawn(process.execPath, [file, ...args], { cwd: os.tmpdir(), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)[^]*Ctrl-C to stop\n/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null) return child.exitCode;
    child.kill("SIGTERM");
    return new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  };
  return { url, stop, output: () => out };
}

describe("pulumi-agents", () => {
  test("--help lists every command with its usage; no command is a usage error", () => {
    const help = run(CLI, ["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: pulumi-agents <command> \[options\]/);
    expect(help.stdout).toMatch(/\n {2}report {5}.+\n {2}emulator {3}.+/);
    expect(help.stdout).toContain(EMULATOR_USAGE_LINE);
    const none = run(CLI, []);
    expect(none.code).toBe(1);
    expect(none.stdout).toBe("");
    expect(none.stderr).toMatch(/^usage: pulumi-agents <command>/);
  });

  test("--version prints the package version", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(run(CLI, ["--version"])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });

  test("an unknown command or option is one line naming it", () => {
    expect(run(CLI, ["emulate"])).toEqual({ code: 1, stdout: "", stderr: 'pulumi-agents: unknown command "emulate" (commands: report, emulator, import) (see pulumi-agents --help)\n' });
    expect(run(CLI, ["--port", "1"])).toEqual({ code: 1, stdout: "", stderr: "pulumi-agents: unknown option --port (see pulumi-agents --help)\n" });
  });
});

describe.each([
  ["pulumi-agents emulator", CLI, ["emulator"]],
  ["npm run emulator (bin/emulator/cli.js)", EMULATOR, []],
] as const)("%s", (_, file, prefix) => {
  test("--help prints the usage and starts nothing", () => {
    const r = run(file, [...prefix, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(EMULATOR_USAGE_LINE)).toBe(true);
    expect(r.stdout).toContain("docs/emulator.md");
    expect(r.stdout).not.toContain("listening");
  });

  // The usage line once showed only --port and --host; every flag belongs in it, and docs/emulator.md shows the same.
  test("the usage line names every flag, and docs/emulator.md copies it", () => {
    const usage = run(file, [...prefix, "--help"]).stdout;
    const line = usage.slice(0, usage.indexOf("\n\n"));
    for (const flag of Object.keys(EMULATOR_OPTIONS)) expect(line).toContain(`[--${flag} `);
    expect(fs.readFileSync(path.join(ROOT, "docs/emulator.md"), "utf8")).toContain(`\n${EMULATOR_USAGE_LINE}\n`);
  });

  test.each([
    [["--port", "abc"], '--port must be a whole number from 0 to 65535, got "abc"'],
    [["--port=65536"], '--port must be a whole number from 0 to 65535, got "65536"'],
    [["--port"], "--port needs a value"],
    [["--prot", "4011"], "unknown option --prot"],
    [["--help=yes"], "--help takes no value"],
    [["4011"], 'unexpected argument "4011"'],
  ])("%j is one line on stderr and status 1, with no stack trace", (args, message) => {
    const r = run(file, [...prefix, ...args]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`pulumi-agents emulator: ${message} (see ${file === CLI ? "pulumi-agents emulator " : ""}--help)\n`);
  });

  test("--port=N listens on N, serves the four APIs and the controls, and stops on SIGTERM", async () => {
    const free = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const emu = start(file, [...prefix, `--port=${free}`]);
    try {
      expect(await emu.url).toBe(`http://127.0.0.1:${free}`);
      expect(emu.output()).toContain(`asteroid  baseUrl http://127.0.0.1:${free}/asteroid  apiKey asteroid-test-key`);
      const res = await fetch(`http://127.0.0.1:${free}/_emulator/requests`);
      expect(res.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${free}/letta/v1/agents/`, { headers: { authorization: "Bearer letta-test-key" } })).status).toBe(200);
    } finally {
      expect(await emu.stop()).toBe(0);
    }
  });

  test("--rate-limit limits a platform like a gateway: 429 with Retry-After over the rate, RateLimit headers when asked", async () => {
    const emu = start(file, [...prefix, "--port=0", "--rate-limit", "asteroid=1", "--rate-limit-burst", "1", "--rate-limit-headers", "ietf"]);
    try {
      const url = await emu.url;
      const get = () => fetch(`${url}/asteroid/agent-profile-pools`, { headers: { "x-asteroid-agents-api-key": "asteroid-test-key" } });
      const first = await get();
      expect(first.status).toBe(200);
      expect(first.headers.get("ratelimit-policy")).toMatch(/^1;w=1/);
      const second = await get();
      expect(second.status).toBe(429);
      expect(second.headers.get("retry-after")).toBe("1");
      // Other platforms are not limited.
      expect((await fetch(`${url}/letta/v1/agents/`, { headers: { authorization: "Bearer letta-test-key" } })).status).toBe(200);
    } finally {
      expect(await emu.stop()).toBe(0);
    }
  });

  test.each([
    [["--rate-limit", "fast"], '--rate-limit must be a positive number, got "fast"'],
    [["--rate-limit", "astroid=5"], '--rate-limit: unknown platform "astroid" (platforms: everruns, asteroid, odeus, letta)'],
    [["--rate-limit-burst", "3"], "--rate-limit-burst needs --rate-limit"],
    [["--rate-limit", "5", "--rate-limit-headers", "github"], '--rate-limit-headers must be ietf or x, got "github"'],
  ])("bad rate-limit flags %j are one line", (args, message) => {
    const r = run(file, [...prefix, ...args]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: `pulumi-agents emulator: ${message} (see ${file === CLI ? "pulumi-agents emulator " : ""}--help)\n` });
  });

  test("emulator_busy_port: a port in use is named in one line, status 1", async () => {
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const r = run(file, [...prefix, "--port", String(port)]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(
        `pulumi-agents emulator: port ${port} on 127.0.0.1 is already in use (another emulator?): stop it, or choose another port with --port N (--port 0 picks a free one)\n`,
      );
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });
});

describe("small things a user runs into", () => {
  test("a negative port is named as such, not as a missing value", () => {
    expect(run(EMULATOR, ["--port", "-1"])).toEqual({ code: 1, stdout: "", stderr: "pulumi-agents emulator: --port must not be negative, got -1 (see --help)\n" });
  });
  test("report --out into a folder that does not exist is one line, not a stack trace", () => {
    const r = run(CLI, ["report", path.join(ROOT, "tests/fixtures/preview/no-changes.json"), "--out", "/nonexistent/dir/x.md"]);
    expect(r).toEqual({ code: 1, stdout: "", stderr: expect.stringMatching(/^(.*\n)?pulumi-agents report: cannot write \/nonexistent\/dir\/x\.md: ENOENT\n$/) });
  });
});
