/**
 * Progress lines while an operation waits on a rate limit or a retry, written to the host's stderr
 * (which `pulumi up` shows). One account writes at most one line per interval: a thousand
 * resources turned away at once give one line, then a count of the others.
 */

export type Sink = (line: string) => void;

export const stderrSink: Sink = (line) => {
  process.stderr.write(`${line}\n`);
};

export class Progress {
  private last = -Infinity;
  private pending?: string;
  private suppressed = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    public sink: Sink = stderrSink,
    readonly intervalMs = 3000,
    private readonly now: () => number = Date.now,
  ) {}

  /** A line about one wait; written now, or folded into the next line when one was written lately. */
  note(line: string): void {
    const now = this.now();
    if (now - this.last >= this.intervalMs && !this.timer) return this.write(line, 0);
    this.pending = line;
    this.suppressed++;
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), Math.max(0, this.last + this.intervalMs - now));
      this.timer.unref();
    }
  }

  /** Writes what is pending now (the latest line, with how many others it stands for). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending !== undefined) this.write(this.pending, this.suppressed - 1);
  }

  private write(line: string, others: number): void {
    this.last = this.now();
    this.pending = undefined;
    this.suppressed = 0;
    this.sink(others > 0 ? `${line} (and ${others} other wait${others === 1 ? "" : "s"} since the last line)` : line);
  }
}
