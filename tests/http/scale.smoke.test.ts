/**
 * The scale benchmark (`npm run bench:scale`) as a smoke test on a few resources: it runs end to end
 * through the real host, no operation fails (also under a rate limit), and every phase makes the
 * fewest calls the platform's API allows. No timing is asserted: the figures belong in the README.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { COMMANDS, PHASES, runScale } from "../../bench/scale";

test("the scale benchmark runs on a few resources: no failed operation, the fewest calls in every phase", async () => {
  const r = await runScale({ n: 5, rate: 1, parallel: ["all"], overheadParallel: 5, overheadRounds: 1 });
  for (const [type, phases] of Object.entries(r.calls)) {
    for (const p of PHASES) expect([type, p, phases[p].measured]).toEqual([type, p, phases[p].minimum]);
  }
  expect(Object.keys(r.calls)).toHaveLength(5);
  expect(r.throughput.map((t) => t.failed)).toEqual([0]);
  expect(r.rateLimited.map((t) => t.failed)).toEqual([0]);
  expect(r.overhead!.handwrittenSeconds).toBeGreaterThan(0);
  expect(r.overhead!.bareSeconds).toBeGreaterThan(0);
  // Each command in a host of its own, for both providers (every phase ran without a failure, or it throws).
  for (const peaks of [r.memory!.perCommand.ours, r.memory!.perCommand.handwritten]) {
    expect(Object.keys(peaks)).toEqual(Object.keys(COMMANDS));
    for (const mb of Object.values(peaks)) expect(mb).toBeGreaterThan(50);
  }
}, 120_000);

test.each([
  [["--parallel", "0"], '--parallel must be a whole number of at least 1, got "0"'],
  [["--parallel", "1.5"], '--parallel must be a whole number of at least 1, got "1.5"'],
  [["--rate", "abc"], '--rate must be a positive number of requests per second, got "abc"'],
  [["--overhead-parallel", "abc"], '--overhead-parallel must be a whole number of at least 1, got "abc"'],
  [["--bogus"], "Unknown option '--bogus'"],
])("bench:scale %j: one line saying what is wrong, the usage, exit 2, nothing run", (args, message) => {
  const r = spawnSync(process.execPath, [path.join(__dirname, "../../bench/scale.js"), ...args], { encoding: "utf8" });
  expect(r.status).toBe(2);
  expect(r.stderr.trimEnd().split("\n")).toEqual([`bench:scale: ${message}`, expect.stringMatching(/^usage: npm run bench:scale -- \[--n 200\]/)]);
  expect(r.stdout).toBe("");
});
