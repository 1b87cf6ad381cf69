/**
 * Runs a program written by `pulumi-agents import` as `pulumi up` / `pulumi preview` would: its
 * index.ts compiled by TypeScript, executed under the SDK's mock runtime from the program folder, every
 * dynamic resource routed to the real dynamic-provider host. A resource with the `import` option that
 * is not in the stack yet goes through the engine's import (Read with only the id, Check, then a Diff
 * that must show no change: `Stack.import`); everything else is planned or applied as usual.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";
import { REPO, Stack, stripSecrets, type Step } from "../host/engine";
import { fromSdk } from "../host/program";

const DYNAMIC = "pulumi-nodejs:dynamic/";

export interface Ran {
  name: string;
  token: string;
  /** `import` for an adopted resource; `same`, `update`, `replace`, `create` otherwise. */
  op: string;
  id?: string;
  diffKeys?: string[];
}

const plain = stripSecrets;

/** Type errors of the program's index.ts against the package's published types (strict, as its tsconfig says). */
export function typeErrors(dir: string): string[] {
  const options: ts.CompilerOptions = {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10, skipLibCheck: true, types: ["node"],
    typeRoots: [path.join(REPO, "node_modules/@types")], baseUrl: dir,
    paths: { "pulumi-agents": [path.join(REPO, "bin/provider/index.d.ts")], "@pulumi/pulumi": [path.join(REPO, "node_modules/@pulumi/pulumi")] },
  };
  const program = ts.createProgram([path.join(dir, "index.ts")], options);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

let compiled = 0;
/** index.ts as a function to run: compiled, its imports pointed at this checkout. */
export function compile(dir: string): () => void {
  const js = ts.transpileModule(fs.readFileSync(path.join(dir, "index.ts"), "utf8"), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  const wired = js
    .replace(/require\("pulumi-agents"\)/g, `require(${JSON.stringify(path.join(REPO, "bin/provider"))})`)
    .replace(/require\("@pulumi\/pulumi"\)/g, `require(${JSON.stringify(require.resolve("@pulumi/pulumi"))})`);
  const file = path.join(path.dirname(dir), `.program-${process.pid}-${compiled++}.js`);
  fs.writeFileSync(file, `module.exports = function program() {\n${wired}\n};\n`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file);
}

/** `pulumi up` (preview=false) or `pulumi preview` of the program in `dir`, with stack config `config`. */
export async function run(stack: Stack, dir: string, opts: { preview: boolean; project: string; config: Record<string, string> }): Promise<{ ran: Ran[]; errors: Error[] }> {
  const program = compile(dir);
  const ran: Ran[] = [];
  const errors: Error[] = [];
  const pending = new Set<Promise<unknown>>();
  const mocks: pulumi.runtime.Mocks = {
    call: () => ({}),
    newResource: (args) => {
      const p = (async () => {
        if (!args.type.startsWith(DYNAMIC)) return { id: `${args.name}-id`, state: args.inputs };
        const token = args.type.slice(DYNAMIC.length);
        const inputs = fromSdk(args.inputs) as Record<string, unknown>;
        try {
          if (args.id && !stack.get(token, args.name)) {
            // The engine imports during preview too (Read, Check, Diff); only `up` keeps the result.
            const target = opts.preview ? new Stack(stack.host) : stack;
            const st = await target.import(token, args.name, args.id, inputs);
            ran.push({ name: args.name, token, op: "import", id: st.id });
            return { id: st.id, state: plain(st.outputs) as Record<string, unknown> };
          }
          if (opts.preview) {
            const step: Step = await stack.plan(token, args.name, inputs);
            ran.push({ name: args.name, token, op: step.op, diffKeys: step.diffKeys });
            const prev = stack.get(token, args.name);
            return { id: prev?.id, state: plain(prev?.outputs ?? {}) as Record<string, unknown> };
          }
          const step = await stack.up(token, args.name, inputs);
          ran.push({ name: args.name, token, op: step.op, id: step.state.id, diffKeys: step.diffKeys });
          return { id: step.state.id, state: plain(step.state.outputs) as Record<string, unknown> };
        } catch (e) {
          errors.push(e as Error);
          throw e;
        }
      })();
      pending.add(p);
      p.catch(() => undefined).finally(() => pending.delete(p));
      return p;
    },
  };
  await pulumi.runtime.setMocks(mocks, opts.project, "dev", opts.preview);
  for (const [k, v] of Object.entries(opts.config)) pulumi.runtime.setConfig(`${opts.project}:${k}`, v);
  const cwd = process.cwd();
  const onRejection = () => undefined;
  process.on("unhandledRejection", onRejection);
  process.chdir(dir); // as `pulumi` runs a program: from its folder
  try {
    program();
    for (let idle = 0; idle < 3; ) {
      if (pending.size) {
        idle = 0;
        await Promise.allSettled([...pending]);
      } else idle++;
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    process.chdir(cwd);
    process.off("unhandledRejection", onRejection);
  }
  return { ran, errors };
}
