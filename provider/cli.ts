#!/usr/bin/env node
/**
 * The `pulumi-agents` command. Each subcommand is one entry of `COMMANDS`: its name, a one-line
 * summary, its usage text, its `node:util.parseArgs` options and a handler. Parsing is strict: an
 * unknown option, a missing value or a stray argument ends with one line on stderr and status 1.
 *
 *   pulumi-agents report [file|-] [--max-chars N] [--out file]
 *   pulumi-agents emulator [--port N] [--host ADDRESS] [--rate-limit R ...]
 *   pulumi-agents import [...]          (parses its own flags: provider/import/options.ts)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ParseArgsConfig } from "node:util";
import { EMULATOR_OPTIONS, EMULATOR_USAGE, parseCommandLine, runEmulator, UsageError } from "../emulator/cli";
import { USAGE as IMPORT_USAGE } from "./import/options";
import { DEFAULT_MAX_CHARS, EXIT, PreviewInputError, report } from "./report";

type Options = NonNullable<ParseArgsConfig["options"]>;
type Values = Record<string, string | boolean | undefined>;

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full help, starting with `usage: pulumi-agents <name> ...`. */
  usage: string;
  /** The command's options (`--help` is added to every command). */
  options: Options;
  /** The most positional arguments it takes. */
  positionals: number;
  /** Runs the command; returns the exit status, or undefined when it keeps running (a server). */
  run(values: Values, positionals: string[]): Promise<number | undefined> | number | undefined;
}

export const REPORT_USAGE = `usage: pulumi-agents report [file|-] [--max-chars N] [--out file]

Reads the output of \`pulumi preview --json\` from a file, or from stdin when the file is "-" or
left out, and writes a Markdown review of the changes (for a pull-request comment).

  --max-chars N   size cap of the report in characters (default ${DEFAULT_MAX_CHARS}); the longest
                  diffs are shortened first and the summary table is never cut
  -o, --out file  write the report to this file instead of stdout

Exit status: 0 no changes, 2 changes present, 3 the preview reported errors, 1 bad usage or input.
A one-line summary goes to stderr.`;

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

const reportCommand: Command = {
  name: "report",
  summary: "Markdown review of `pulumi preview --json` for a pull request",
  usage: REPORT_USAGE,
  options: { "max-chars": { type: "string" }, out: { type: "string", short: "o" } },
  positionals: 1,
  run(values, [file]) {
    const raw = values["max-chars"] as string | undefined;
    if (raw !== undefined && !/^[1-9][0-9]*$/.test(raw)) throw new UsageError(`--max-chars must be a positive whole number, got ${JSON.stringify(raw)}`);
    try {
      const r = report(readInput(file), { maxChars: raw === undefined ? DEFAULT_MAX_CHARS : Number(raw) });
      const out = values.out as string | undefined;
      if (out) {
        try {
          fs.writeFileSync(out, r.markdown);
        } catch (e) {
          throw new PreviewInputError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
      }
      else process.stdout.write(r.markdown);
      process.stderr.write(`${r.summary}\n`);
      return r.exitCode;
    } catch (e) {
      if (!(e instanceof PreviewInputError)) throw e;
      process.stderr.write(`pulumi-agents report: ${e.message}\n`);
      return EXIT.error;
    }
  },
};

const emulatorCommand: Command = {
  name: "emulator",
  summary: "the four platforms' APIs on a local port, for offline runs and CI (docs/emulator.md)",
  usage: EMULATOR_USAGE,
  options: EMULATOR_OPTIONS,
  positionals: 0,
  run: (values) => runEmulator(values as Record<string, string>),
};

/** `pulumi-agents import`: it parses its own flags (strict `parseArgs`, provider/import/options.ts). */
const IMPORT = { name: "import", summary: "write a program that adopts the agents an account already has (docs/adopt.md)", usage: IMPORT_USAGE };

/** The subcommands, in the order `--help` lists them. */
export const COMMANDS: Command[] = [reportCommand, emulatorCommand];

function version(): string {
  try {
    return JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../package.json"), "utf8")).version;
  } catch {
    return "unknown";
  }
}

export const USAGE = `usage: pulumi-agents <command> [options]      (pulumi-agents <command> --help for one command)

commands:
${[...COMMANDS, IMPORT].map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join("\n")}

${[...COMMANDS, IMPORT].map((c) => c.usage).join("\n\n")}`;

/** Runs the command line; returns the exit status, or undefined while a server keeps running. */
export async function main(argv: string[]): Promise<number | undefined> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    (first === undefined ? process.stderr : process.stdout).write(`${USAGE}\n`);
    return first === undefined ? EXIT.error : 0;
  }
  if (first === "--version" || first === "-v") {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (first === IMPORT.name) return (await import("./import")).runImport(rest);
  const command = COMMANDS.find((c) => c.name === first);
  const prefix = command ? `pulumi-agents ${command.name}` : "pulumi-agents";
  try {
    if (!command) {
      throw new UsageError(first.startsWith("-") ? `unknown option ${first}` : `unknown command ${JSON.stringify(first)} (commands: ${[...COMMANDS, IMPORT].map((c) => c.name).join(", ")})`);
    }
    const { values, positionals } = parseCommandLine(rest, { ...command.options, help: { type: "boolean", short: "h" } }, command.positionals > 0);
    if (values.help) {
      process.stdout.write(`${command.usage}\n`);
      return 0;
    }
    if (positionals.length > command.positionals) {
      throw new UsageError(
        command.positionals === 1 ? `only one input file, got ${positionals.map((p) => JSON.stringify(p)).join(" and ")}` : `unexpected argument ${JSON.stringify(positionals[command.positionals])}`,
      );
    }
    return await command.run(values as Values, positionals);
  } catch (e) {
    if (e instanceof UsageError) process.stderr.write(`${prefix}: ${e.message} (see ${prefix} --help)\n`);
    else process.stderr.write(`${prefix}: ${(e as Error).stack ?? e}\n`);
    return EXIT.error;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    if (code !== undefined) process.exitCode = code;
  });
}
