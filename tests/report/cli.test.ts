/** `pulumi-agents report` as CI runs it: the built bin, file or stdin, exit status, summary on stderr. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");
const CLI = path.join(ROOT, "bin/provider/cli.js");
const FIXTURES = path.join(ROOT, "tests/fixtures/preview");
const fixture = (name: string) => path.join(FIXTURES, `${name}.json`);

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: "utf8", cwd: os.tmpdir() });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("pulumi-agents report", () => {
  test("package.json ships the command as a bin with a node shebang", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(pkg.bin).toEqual({ "pulumi-agents": "bin/provider/cli.js" });
    expect(fs.readFileSync(CLI, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
  });

  test("reads a file, writes Markdown to stdout, one summary line to stderr, exits 2 on changes", () => {
    const r = run(["report", fixture("prompt-change")]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("| `support` | `everruns.Agent` | update |");
    expect(r.stderr).toBe("pulumi-agents report: 4 changes (1 create, 1 update, 1 replace, 1 delete) in agents/dev\n");
  });

  test("reads stdin when the file is - or left out, with the same result", () => {
    const text = fs.readFileSync(fixture("prompt-change"), "utf8");
    const fromFile = run(["report", fixture("prompt-change")]);
    for (const args of [["report", "-"], ["report"]]) {
      const r = run(args, text);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe(fromFile.stdout);
    }
  });

  test("reads an engine-event log (`pulumi preview --event-log`) the same way, and a summary-only preview exits 2", () => {
    const r = run(["report", path.join(FIXTURES, "event-log.jsonl")]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("| `helper` | `letta.Agent` | update | `system` |");
    expect(r.stderr).toBe("pulumi-agents report: 4 changes (4 update) in agents/dev\n");
    const s = run(["report", "-"], '{"steps": [], "changeSummary": {"create": 2}}');
    expect(s.code).toBe(2);
    expect(s.stderr).toBe("pulumi-agents report: 2 changes (2 create); the preview's steps and the engine's summary disagree\n");
  });

  test("exits 0 with no changes and 3 when the preview reported errors", () => {
    expect(run(["report", fixture("no-changes")]).code).toBe(0);
    const failed = run(["report", fixture("errors")]);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toMatch(/the preview reported 2 errors/);
  });

  test("--out writes the report to a file and nothing to stdout", () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "report-")), "report.md");
    const r = run(["report", fixture("prompt-change"), "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(fs.readFileSync(out, "utf8")).toContain("### Pulumi preview of `agents/dev`");
  });

  test("--max-chars caps the report (both spellings) and the summary says what was shortened", () => {
    const doc = JSON.parse(fs.readFileSync(fixture("prompt-change"), "utf8"));
    const s = doc.steps[1];
    s.newState.inputs.systemPrompt = Array.from({ length: 500 }, (_, i) => `rule ${i}: be kind`).join("\n");
    const text = JSON.stringify(doc);
    for (const args of [["report", "--max-chars", "3000"], ["report", "--max-chars=3000"]]) {
      const r = run(args, text);
      expect(r.code).toBe(2);
      expect(r.stdout.length).toBeLessThanOrEqual(3000);
      expect(r.stdout).toContain("| `legacy` | `asteroid.AgentProfilePool` | **delete** | — |");
      expect(r.stderr).toMatch(/1 section shortened to fit 3000 characters\n$/);
    }
  });

  test("bad usage and unreadable input exit 1 with a reason", () => {
    const cases: [string[], string | undefined, RegExp][] = [
      [["report", "/nonexistent/preview.json"], undefined, /cannot read \/nonexistent\/preview\.json: ENOENT/],
      [["report", "-"], "Previewing update (dev):\n", /the input is not JSON: it is the text output of `pulumi preview`/],
      [["report", "-"], "", /the input is empty/],
      [["report", "--max-chars", "lots"], undefined, /--max-chars must be a positive whole number/],
      [["report", "--frobnicate"], undefined, /unknown option --frobnicate/],
      [["publish"], undefined, /unknown command "publish"/],
      [["report", "a.json", "b.json"], undefined, /only one input file/],
    ];
    for (const [args, input, message] of cases) {
      const r = run(args, input ?? "");
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
    }
  });

  test("--help prints the usage with the exit statuses", () => {
    const r = run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("usage: pulumi-agents report [file|-] [--max-chars N] [--out file]");
    expect(r.stdout).toContain("Exit status: 0 no changes, 2 changes present, 3 the preview reported errors, 1 bad usage or input.");
  });
});
