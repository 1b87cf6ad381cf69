#!/usr/bin/env node
/**
 * The `pulumi-agents` command.
 *
 *   pulumi-agents report [file|-] [--max-chars N] [--out file]
 *
 * Reads `pulumi preview --json` from the file (or stdin when the file is `-` or missing), writes the
 * Markdown report to stdout (or `--out`), and prints a one-line summary to stderr.
 * Exit status: 0 no changes, 2 changes present, 3 the preview reported errors, 1 bad usage or input.
 */
import * as fs from "node:fs";
import { DEFAULT_MAX_CHARS, EXIT, PreviewInputError, report } from "./report";

export const USAGE = `usage: pulumi-agents report [file|-] [--max-chars N] [--out file]

Reads the output of \`pulumi preview --json\` from a file, or from stdin when the file is "-" or
left out, and writes a Markdown review of the changes (for a pull-request comment).

  --max-chars N   size cap of the report in characters (default ${DEFAULT_MAX_CHARS}); the longest
                  diffs are shortened first and the summary table is never cut
  --out file      write the report to this file instead of stdout

Exit status: 0 no changes, 2 changes present, 3 the preview reported errors, 1 bad usage or input.
A one-line summary goes to stderr.`;

class UsageError extends Error {}

interface Args {
  file?: string;
  maxChars: number;
  out?: string;
}

export function parseArgs(argv: string[]): Args {
  const [cmd, ...rest] = argv;
  if (cmd !== "report") throw new UsageError(cmd ? `unknown command ${JSON.stringify(cmd)}` : "missing command");
  const args: Args = { maxChars: DEFAULT_MAX_CHARS };
  const value = (i: number, flag: string, inline?: string): string => {
    const v = inline ?? rest[i + 1];
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    if (flag === "--max-chars") {
      const v = value(i, flag, inline);
      if (inline === undefined) i++;
      if (!/^[1-9][0-9]*$/.test(v)) throw new UsageError(`--max-chars must be a positive whole number, got ${JSON.stringify(v)}`);
      args.maxChars = Number(v);
    } else if (flag === "--out" || flag === "-o") {
      args.out = value(i, flag, inline);
      if (inline === undefined) i++;
    } else if (a === "-" || !a.startsWith("-")) {
      if (args.file !== undefined) throw new UsageError(`only one input file, got ${JSON.stringify(args.file)} and ${JSON.stringify(a)}`);
      args.file = a;
    } else throw new UsageError(`unknown option ${a}`);
  }
  return args;
}

function readInput(file?: string): string {
  if (file === undefined || file === "-") {
    if (file === undefined && process.stdin.isTTY) throw new UsageError("no input: give a file, or pipe `pulumi preview --json` into stdin");
    return fs.readFileSync(0, "utf8");
  }
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new PreviewInputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Runs the command; returns the exit status. */
export function main(argv: string[]): number {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const args = parseArgs(argv);
    const r = report(readInput(args.file), { maxChars: args.maxChars });
    if (args.out) fs.writeFileSync(args.out, r.markdown);
    else process.stdout.write(r.markdown);
    process.stderr.write(`${r.summary}\n`);
    return r.exitCode;
  } catch (e) {
    if (e instanceof UsageError) process.stderr.write(`pulumi-agents: ${e.message}\n\n${USAGE}\n`);
    else if (e instanceof PreviewInputError) process.stderr.write(`pulumi-agents report: ${e.message}\n`);
    else process.stderr.write(`pulumi-agents: ${(e as Error).stack ?? e}\n`);
    return EXIT.error;
  }
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  // `pulumi-agents import ...`: provider/import parses its own flags (see provider/import/options.ts).
  if (argv[0] === "import") void import("./import").then((m) => m.runImport(argv.slice(1))).then((code) => (process.exitCode = code));
  else process.exitCode = main(argv);
}
