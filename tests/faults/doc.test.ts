/**
 * docs/faults.md publishes the fault matrix this suite runs: every fault kind against every call kind
 * of every resource. The table is generated from tests/faults/matrix.ts; regenerate it with
 * `node bin/tests/faults/doc.test.js --write` after changing the matrix.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { FAULTS, type CallKind, type Subject } from "./matrix";
import { everrunsAgent, lettaAgent, odeusAgent, pool, profile } from "./subjects";

const DOC = path.resolve(__dirname, "../../../docs/faults.md");
const START = "<!-- matrix: generated from tests/faults/matrix.ts -->";
const END = "<!-- end of matrix -->";
const SUBJECTS = [pool, profile, everrunsAgent, odeusAgent, lettaAgent];

/** One table per resource: fault kinds down, call kinds across. */
export function renderMatrix(subjects: Subject[] = SUBJECTS): string {
  const out: string[] = [START, ""];
  let cells = 0;
  for (const s of subjects) {
    const calls = Object.keys(s.calls) as CallKind[];
    out.push(`### \`${s.token.replace(":", ".")}\``, "", `| fault | ${calls.join(" | ")} |`, `| --- | ${calls.map(() => "---").join(" | ")} |`);
    for (const k of FAULTS) {
      const row = calls.map((c) => {
        cells++;
        if (k.absorbed) return "survived (absorbed)";
        if (c === "create" && k.acted && !s.recoversCreate) return "survived (told: no list API)";
        return "survived";
      });
      out.push(`| ${k.what} | ${row.join(" | ")} |`);
    }
    out.push("");
  }
  out.push(`${cells} cells tried, ${cells} survived.`, "", END);
  return out.join("\n");
}

if (require.main === module && process.argv.includes("--write")) {
  const doc = fs.readFileSync(DOC, "utf8");
  fs.writeFileSync(DOC, doc.slice(0, doc.indexOf(START)) + renderMatrix() + doc.slice(doc.indexOf(END) + END.length));
} else {
  test("docs/faults.md publishes the matrix the suite runs (regenerate: node bin/tests/faults/doc.test.js --write)", () => {
    const doc = fs.readFileSync(DOC, "utf8");
    expect(doc.slice(doc.indexOf(START), doc.indexOf(END) + END.length)).toBe(renderMatrix());
  });
}
