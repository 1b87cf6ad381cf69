/**
 * A small line diff (Myers' O(ND) algorithm) and unified-diff hunks, so a changed prompt reads as
 * the lines that changed rather than two whole strings.
 */

export type Edit = { op: " " | "-" | "+"; line: string };

/** Beyond this many differing lines the diff gives up on alignment and shows old removed, new added. */
const MAX_EDIT_DISTANCE = 2000;

/** The shortest edit script turning `a` into `b`, as kept / removed / added lines in order. */
export function diffLines(a: string[], b: string[]): Edit[] {
  // Common prefix and suffix cost nothing and keep the search small.
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const head: Edit[] = a.slice(0, pre).map((line) => ({ op: " ", line }));
  const tail: Edit[] = a.slice(a.length - suf).map((line) => ({ op: " ", line }));
  const mid = myers(a.slice(pre, a.length - suf), b.slice(pre, b.length - suf));
  return [...head, ...mid, ...tail];
}

function myers(a: string[], b: string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  if (n === 0) return b.map((line) => ({ op: "+", line }));
  if (m === 0) return a.map((line) => ({ op: "-", line }));
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  // trace[d] holds V for diagonals -d..d after step d (index k + d).
  const trace: Int32Array[] = [];
  let prev = new Int32Array(1);
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    const v = new Int32Array(2 * d + 1);
    const get = (k: number) => (k >= -(d - 1) && k <= d - 1 ? prev[k + d - 1] : -1);
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (d === 0) x = 0;
      else if (k === -d || (k !== d && get(k - 1) < get(k + 1))) x = get(k + 1);
      else x = get(k - 1) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[k + d] = x;
      if (x >= n && y >= m) found = d;
    }
    trace.push(v);
    prev = v;
  }
  if (found < 0) return [...a.map((line): Edit => ({ op: "-", line })), ...b.map((line): Edit => ({ op: "+", line }))];

  // Walk back through the trace: each step d undoes one edit and the snake (equal lines) after it.
  const out: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const vPrev = trace[d - 1];
    const get = (k: number) => (k >= -(d - 1) && k <= d - 1 ? vPrev[k + d - 1] : -1);
    const k = x - y;
    const down = k === -d || (k !== d && get(k - 1) < get(k + 1));
    const px = get(down ? k + 1 : k - 1);
    const py = px - (down ? k + 1 : k - 1);
    while (x > px && y > py) {
      out.push({ op: " ", line: a[x - 1] });
      x--;
      y--;
    }
    if (down) out.push({ op: "+", line: b[--y] });
    else out.push({ op: "-", line: a[--x] });
  }
  while (x > 0 && y > 0) {
    out.push({ op: " ", line: a[x - 1] });
    x--;
    y--;
  }
  return out.reverse();
}

/** Splits a text value into lines; one trailing newline is not a line of its own. */
export function toLines(s: string): string[] {
  const t = s.endsWith("\n") ? s.slice(0, -1) : s;
  return t === "" ? [] : t.split(/\r?\n/);
}

/**
 * Unified diff hunks (`@@ -a,b +c,d @@` headers, `context` lines around each change), as the lines
 * inside a ```diff block. Empty when the texts are equal.
 */
export function unifiedDiff(oldText: string, newText: string, context = 3): string[] {
  const a = toLines(oldText);
  const b = toLines(newText);
  const edits = diffLines(a, b);
  if (!edits.some((e) => e.op !== " ")) return [];
  // Positions of each edit in a and b.
  const pos: { ai: number; bi: number }[] = [];
  let ai = 0;
  let bi = 0;
  for (const e of edits) {
    pos.push({ ai, bi });
    if (e.op !== "+") ai++;
    if (e.op !== "-") bi++;
  }
  const out: string[] = [];
  let i = 0;
  while (i < edits.length) {
    while (i < edits.length && edits[i].op === " ") i++;
    if (i >= edits.length) break;
    const start = Math.max(0, i - context);
    // Extend the hunk while the next change is within 2*context lines.
    let end = i;
    let last = i;
    while (end < edits.length) {
      if (edits[end].op !== " ") last = end;
      else if (end - last > 2 * context) break;
      end++;
    }
    const stop = Math.min(edits.length, last + context + 1);
    const slice = edits.slice(start, stop);
    const oldCount = slice.filter((e) => e.op !== "+").length;
    const newCount = slice.filter((e) => e.op !== "-").length;
    const oldStart = oldCount ? pos[start].ai + 1 : pos[start].ai;
    const newStart = newCount ? pos[start].bi + 1 : pos[start].bi;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const e of slice) out.push(`${e.op}${e.line}`);
    i = stop;
  }
  return out;
}

/**
 * What a line diff of `toLines` cannot show: a newline added or removed at the end, or line endings
 * changed between CRLF and LF. Undefined when neither differs.
 */
export function lineEndingNote(oldText: string, newText: string): string | undefined {
  const notes: string[] = [];
  const crlf = (s: string) => /\r\n/.test(s);
  if (oldText && newText && crlf(oldText) !== crlf(newText)) notes.push(`line endings changed from ${crlf(oldText) ? "CRLF to LF" : "LF to CRLF"}`);
  const eol = (s: string) => s.endsWith("\n");
  if (oldText && newText && eol(oldText) !== eol(newText)) notes.push(eol(newText) ? "a newline was added at the end" : "the newline at the end was removed");
  return notes.length ? notes.join("; ") : undefined;
}
