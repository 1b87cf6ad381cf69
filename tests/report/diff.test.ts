/** The line diff behind text-field sections: minimal, reversible, and printed as unified hunks. */
import { diffLines, toLines, unifiedDiff } from "../../provider/report/diff";

/** Length of the longest common subsequence, by dynamic programming (the reference for minimality). */
function lcs(a: string[], b: string[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) t[i][j] = a[i - 1] === b[j - 1] ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
  return t[a.length][b.length];
}

/** A deterministic pseudo-random generator, so a failure is reproducible. */
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

describe("diffLines", () => {
  test("the edit script rebuilds both sides and keeps a longest common subsequence (random cases)", () => {
    const r = rng(42);
    for (let c = 0; c < 400; c++) {
      const pick = () => Array.from({ length: Math.floor(r() * 12) }, () => "abcd"[Math.floor(r() * 4)]);
      const a = pick();
      const b = pick();
      const edits = diffLines(a, b);
      expect(edits.filter((e) => e.op !== "+").map((e) => e.line)).toEqual(a);
      expect(edits.filter((e) => e.op !== "-").map((e) => e.line)).toEqual(b);
      expect(edits.filter((e) => e.op === " ").length).toBe(lcs(a, b));
    }
  });

  test("identical texts have no edits; empty sides are all added or all removed", () => {
    expect(diffLines(["x", "y"], ["x", "y"]).every((e) => e.op === " ")).toBe(true);
    expect(diffLines([], ["x", "y"]).map((e) => e.op)).toEqual(["+", "+"]);
    expect(diffLines(["x"], []).map((e) => e.op)).toEqual(["-"]);
  });

  test("a rewrite of thousands of lines finishes and is still a correct (if not minimal) script", () => {
    const a = Array.from({ length: 6000 }, (_, i) => `old ${i}`);
    const b = Array.from({ length: 6000 }, (_, i) => `new ${i}`);
    const t0 = Date.now();
    const edits = diffLines(a, b);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(edits.filter((e) => e.op !== "+").map((e) => e.line)).toEqual(a);
    expect(edits.filter((e) => e.op !== "-").map((e) => e.line)).toEqual(b);
  });
});

describe("unifiedDiff", () => {
  test("prints @@ headers with 3 lines of context and merges nearby changes into one hunk", () => {
    const old = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20"].join("\n");
    const now = old.replace("3\n", "three\n").replace("\n5\n", "\nfive\n").replace("\n18\n", "\n");
    expect(unifiedDiff(old, now)).toEqual([
      "@@ -1,8 +1,8 @@",
      " 1",
      " 2",
      "-3",
      "+three",
      " 4",
      "-5",
      "+five",
      " 6",
      " 7",
      " 8",
      "@@ -15,6 +15,5 @@",
      " 15",
      " 16",
      " 17",
      "-18",
      " 19",
      " 20",
    ]);
  });

  test("equal texts give nothing; one trailing newline is not a change", () => {
    expect(unifiedDiff("a\nb", "a\nb")).toEqual([]);
    expect(unifiedDiff("a\nb\n", "a\nb")).toEqual([]);
    expect(toLines("a\nb\n")).toEqual(["a", "b"]);
    expect(toLines("")).toEqual([]);
  });

  test("from nothing, every line is added (a new prompt)", () => {
    expect(unifiedDiff("", "hello\nworld\n")).toEqual(["@@ -0,0 +1,2 @@", "+hello", "+world"]);
  });
});
