/**
 * The output folder: a small Pulumi project (Pulumi.yaml, package.json, tsconfig.json, .gitignore)
 * around the program. The folder must be empty unless `--force`; everything is computed before the
 * first byte is written, and a new folder appears whole (written beside it, then renamed into place).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ImportError } from "./options";
import { slug } from "./names";

export interface OutFile {
  /** Relative to the output folder, `/`-separated. */
  path: string;
  text: string;
  /** Project scaffolding: written only when the folder does not have it yet. */
  scaffold?: boolean;
}

/** Refuses a folder that holds files (unless forced) or a path that is not a folder. Called before any request. */
export function checkOut(dir: string, force: boolean): void {
  let entries: string[];
  try {
    if (!fs.statSync(dir).isDirectory()) throw new ImportError(`--out ${dir} is a file, not a folder`);
    entries = fs.readdirSync(dir);
  } catch (e) {
    if (e instanceof ImportError) throw e;
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new ImportError(`--out ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (entries.length && !force) {
    throw new ImportError(`${dir} already holds files (${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", …" : ""}): choose an empty or new folder, or pass --force to overwrite the program and its prompts`);
  }
}

/** This package's version and the @pulumi/pulumi it pins, for the program's package.json. */
function versions(): { self: string; pulumi: string } {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "../../../package.json"), "utf8"));
    return { self: `^${pkg.version}`, pulumi: pkg.peerDependencies?.["@pulumi/pulumi"] ?? pkg.dependencies?.["@pulumi/pulumi"] ?? "^3" };
  } catch {
    return { self: "*", pulumi: "^3" };
  }
}

export function projectFiles(dir: string, platforms: string[]): OutFile[] {
  const name = slug(path.basename(path.resolve(dir))) || "agents";
  const v = versions();
  const pkg = {
    name,
    private: true,
    main: "index.ts",
    devDependencies: { "@types/node": "^20", typescript: "^5" },
    dependencies: { "@pulumi/pulumi": v.pulumi, "pulumi-agents": v.self },
  };
  const tsconfig = {
    compilerOptions: {
      strict: true, outDir: "bin", target: "es2020", module: "commonjs", moduleResolution: "node",
      sourceMap: true, skipLibCheck: true, forceConsistentCasingInFileNames: true,
    },
    files: ["index.ts"],
  };
  return [
    { path: "Pulumi.yaml", scaffold: true, text: `name: ${name}\nruntime: nodejs\ndescription: AI agents adopted with \`pulumi-agents import\` (${platforms.join(", ")}).\n` },
    { path: "package.json", scaffold: true, text: `${JSON.stringify(pkg, null, 2)}\n` },
    { path: "tsconfig.json", scaffold: true, text: `${JSON.stringify(tsconfig, null, 2)}\n` },
    { path: ".gitignore", scaffold: true, text: "/bin/\n/node_modules/\n" },
  ];
}

export interface Written {
  written: string[];
  /** Scaffolding left as it was. */
  kept: string[];
  /** Prompt files in the folder that this run did not write (from an earlier import). */
  stale: string[];
}

/** Writes the files: a new folder in one rename; an existing one file by file (each replaced atomically). */
export function writeOut(dir: string, files: OutFile[]): Written {
  const exists = fs.existsSync(dir);
  const target = exists ? dir : `${dir.replace(/[\\/]+$/, "")}.tmp-${process.pid}`;
  const out: Written = { written: [], kept: [], stale: [] };
  try {
    for (const f of files) {
      const abs = path.join(target, ...f.path.split("/"));
      if (f.scaffold && fs.existsSync(abs)) {
        out.kept.push(f.path);
        continue;
      }
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      const tmp = `${abs}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, f.text);
      fs.renameSync(tmp, abs);
      out.written.push(f.path);
    }
    if (!exists) fs.renameSync(target, dir);
  } catch (e) {
    if (!exists) fs.rmSync(target, { recursive: true, force: true });
    throw new ImportError(`cannot write ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const prompts = path.join(dir, "prompts");
  if (exists && fs.existsSync(prompts)) {
    const mine = new Set(files.map((f) => f.path));
    out.stale = fs.readdirSync(prompts).map((f) => `prompts/${f}`).filter((f) => !mine.has(f)).sort();
  }
  return out;
}
