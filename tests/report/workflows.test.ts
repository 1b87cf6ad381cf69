/**
 * The GitHub Actions workflows in examples/ci: their structure, and their shell steps run for real
 * with a stand-in `pulumi` (printing a preview fixture, exiting as the real CLI would) and `npx`
 * (running the built `pulumi-agents` bin), with GitHub's output and summary files.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "../../..");
const CI = path.join(ROOT, "examples/ci");
const FIXTURES = path.join(ROOT, "tests/fixtures/preview");

interface WfStep {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
const workflow = (file: string) => parse(fs.readFileSync(path.join(CI, file), "utf8"));
const stepsOf = (wf: any): WfStep[] => (Object.values(wf.jobs) as { steps: WfStep[] }[])[0].steps;

/** Evaluates the small subset of GitHub expressions the `if:`s use: step outputs, ==, !=, &&, ||, (). */
function evalIf(expr: string, outputs: Record<string, Record<string, string>>): boolean {
  const js = expr
    .replace(/steps\.([\w-]+)\.outputs\.([\w-]+)/g, (_, s, o) => JSON.stringify(outputs[s]?.[o] ?? ""))
    .replace(/'([^']*)'/g, (_, s) => JSON.stringify(s))
    .replace(/!=/g, "!==")
    .replace(/([^!=])==([^=])/g, "$1===$2");
  if (/[a-zA-Z_$]/.test(js.replace(/"[^"]*"/g, ""))) throw new Error(`unsupported expression: ${expr}`);
  return new Function(`return (${js});`)() as boolean;
}

/** Runs the `run:` steps of a workflow (from the first pulumi step on) in a scratch workspace. */
function runJob(file: string, fixture: string, pulumiExit: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wf-"));
  const bin = path.join(dir, ".bin");
  fs.mkdirSync(bin);
  const log = path.join(dir, "pulumi-args.txt");
  fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho "$@" >> '${log}'\ncat '${path.join(FIXTURES, fixture)}'\nexit ${pulumiExit}\n`, { mode: 0o755 });
  fs.writeFileSync(
    path.join(bin, "npx"),
    `#!/bin/sh\n[ "$1" = pulumi-agents ] || { echo "unexpected npx $1" >&2; exit 127; }\nshift\nexec '${process.execPath}' '${path.join(ROOT, "bin/provider/cli.js")}' "$@"\n`,
    { mode: 0o755 },
  );
  const outputs: Record<string, Record<string, string>> = {};
  const summary = path.join(dir, "summary.md");
  const ran: string[] = [];
  let failed = false;
  for (const step of stepsOf(workflow(file))) {
    if (!step.run || step.run.trim() === "npm ci") continue;
    if (step.if && !evalIf(step.if, outputs)) continue;
    const outFile = path.join(dir, `out-${step.id ?? ran.length}`);
    fs.writeFileSync(outFile, "");
    const script = step.run.replace(/\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}/g, (_, s, o) => outputs[s]?.[o] ?? "");
    const r = spawnSync("bash", ["-e", "-c", script], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: `${bin}:${process.env.PATH}`, PULUMI_STACK: "acme/agents/prod", GITHUB_OUTPUT: outFile, GITHUB_STEP_SUMMARY: summary },
    });
    ran.push(step.name ?? step.run);
    if (step.id) outputs[step.id] = Object.fromEntries(fs.readFileSync(outFile, "utf8").split("\n").filter(Boolean).map((l) => l.split("=", 2) as [string, string]));
    if (r.status !== 0) {
      failed = true;
      break;
    }
  }
  const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8") : undefined);
  return { dir, outputs, ran, failed, summary: read("summary.md") ?? "", pulumiArgs: read("pulumi-args.txt") ?? "", read, steps: stepsOf(workflow(file)) };
}

describe("examples/ci/pull-request.yml", () => {
  const wf = workflow("pull-request.yml");
  const steps = stepsOf(wf);

  test("runs on pull requests, may write PR comments, previews to JSON, reports, and posts the report as a sticky comment", () => {
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(wf.permissions).toMatchObject({ "pull-requests": "write" });
    expect(steps.find((s) => s.run?.includes("pulumi preview"))!.run).toMatch(/pulumi preview --stack "\$PULUMI_STACK" .*--json > preview\.json/);
    expect(steps.find((s) => s.run?.includes("pulumi-agents"))!.run).toContain("npx pulumi-agents report preview.json --out report.md");
    const comment = steps.find((s) => s.uses?.startsWith("marocchino/sticky-pull-request-comment@"))!;
    expect(comment.with).toMatchObject({ path: "report.md" });
    expect(comment.if).toBe("hashFiles('report.md') != ''");
  });

  test("changes: the report lands in report.md and the job summary, and the job passes", () => {
    const r = runJob("pull-request.yml", "prompt-change.json", 0);
    expect(r.pulumiArgs).toBe("preview --stack acme/agents/prod --non-interactive --json\n");
    expect(r.outputs).toEqual({ preview: { status: "0" }, report: { exit: "2" } });
    expect(r.read("report.md")).toContain("| `support` | `everruns.Agent` | update |");
    expect(r.summary).toBe(r.read("report.md"));
    expect(r.failed).toBe(false);
  });

  test("a failed preview still gets its report (the comment is posted), then the job fails", () => {
    const r = runJob("pull-request.yml", "errors.json", 255);
    expect(r.outputs).toEqual({ preview: { status: "255" }, report: { exit: "3" } });
    expect(r.read("report.md")).toContain("failed with 2 errors");
    expect(r.failed).toBe(true);
    expect(r.ran.at(-1)).toBe("Fail when the preview or the report failed");
  });
});

describe("examples/ci/drift.yml", () => {
  const wf = workflow("drift.yml");
  const steps = stepsOf(wf);

  test("runs on a schedule, previews with --refresh --expect-no-changes, and uploads the report as an artifact", () => {
    expect(wf.on.schedule[0].cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    expect(Object.keys(wf.on)).toContain("workflow_dispatch");
    const preview = steps.find((s) => s.run?.includes("pulumi preview"))!.run!;
    expect(preview).toMatch(/pulumi preview .*--refresh --expect-no-changes --json > drift\.json/);
    const upload = steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect(String(upload.with!.path)).toContain("drift.md");
  });

  test("no drift: the report says so and the job passes", () => {
    const r = runJob("drift.yml", "no-changes.json", 0);
    expect(r.pulumiArgs).toBe("preview --stack acme/agents/prod --non-interactive --refresh --expect-no-changes --json\n");
    expect(r.outputs).toEqual({ drift: { status: "0" }, report: { exit: "0" } });
    expect(r.summary).toContain("no changes");
    expect(r.failed).toBe(false);
  });

  test("drift: pulumi fails on --expect-no-changes, the report is attached and in the summary, the job fails", () => {
    const r = runJob("drift.yml", "prompt-change.json", 255);
    expect(r.outputs).toEqual({ drift: { status: "255" }, report: { exit: "2" } });
    expect(r.read("drift.md")).toContain("**`systemPrompt`**");
    expect(r.summary).toContain("**`systemPrompt`**");
    expect(r.failed).toBe(true);
    expect(r.ran.at(-1)).toBe("Fail on drift");
  });

  test("changes seen by the report fail the job even when pulumi exited 0", () => {
    const r = runJob("drift.yml", "prompt-change.json", 0);
    expect(r.outputs.report).toEqual({ exit: "2" });
    expect(r.failed).toBe(true);
  });
});
