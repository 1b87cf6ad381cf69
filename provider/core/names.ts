/**
 * "Did you mean": the accepted name a misspelt one most likely meant. One rule for every place that
 * suggests a name: input properties at check, stack config keys, Provider arguments, manifest types.
 */

/** Case, `_` and `-` do not tell two names apart: `system_prompt` is `systemPrompt`. */
const loose = (s: string) => s.toLowerCase().replace(/[_-]/g, "");

/** Edit distance with adjacent transpositions (optimal string alignment). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The accepted name a misspelt one most likely meant: equal but for case and `_`/`-`, or within a
 * small edit distance (1 for short names, up to 3 for long ones). Undefined when nothing is close.
 */
export function closest(name: string, accepted: Iterable<string>): string | undefined {
  const n = loose(name);
  let best: string | undefined;
  let bestD = Math.max(1, Math.min(3, Math.floor(n.length / 4))) + 1;
  for (const a of accepted) {
    const d = loose(a) === n ? 0 : distance(n, loose(a));
    if (d < bestD) [best, bestD] = [a, d];
  }
  return best;
}

