/**
 * The generated TypeScript types as a user's editor and compiler see them: a program in its own
 * folder, with the package laid out as installed (package.json and the built code), imports
 * "pulumi-agents" through its `exports` (node16 resolution; node10 through `types`/`typesVersions`),
 * and the TypeScript compiler checks it. Errors name `AgentProfilePoolArgs`, typos
 * and wrong tool rules fail to compile, and hovers (quick info) show each property's TSDoc.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import ts from "typescript";
import { REPO } from "../host/engine";
import { resources } from "../../provider/registry";
import { inputFields } from "../../provider/core/fields";

const ORG = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.Node16,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  target: ts.ScriptTarget.ES2022,
  strict: true,
  noEmit: true,
  types: [],
  skipLibCheck: true,
};

let dir: string;
const files = new Map<string, string>();
const versions = new Map<string, number>();
let service: ts.LanguageService;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pa-types-"));
  fs.mkdirSync(path.join(dir, "node_modules"));
  // The package as installed: package.json and the built code only (no sources beside it).
  const pkg = path.join(dir, "node_modules", "pulumi-agents");
  fs.mkdirSync(path.join(pkg, "bin"), { recursive: true });
  fs.copyFileSync(path.join(REPO, "package.json"), path.join(pkg, "package.json"));
  for (const d of ["provider", "emulator"]) fs.symlinkSync(path.join(REPO, "bin", d), path.join(pkg, "bin", d), "dir");
  fs.symlinkSync(path.join(REPO, "node_modules", "@pulumi"), path.join(dir, "node_modules", "@pulumi"), "dir");
  fs.symlinkSync(path.join(REPO, "node_modules", "@types"), path.join(dir, "node_modules", "@types"), "dir");
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "program", private: true }));
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [...files.keys()],
    getScriptVersion: (f) => String(versions.get(f) ?? 0),
    getScriptSnapshot: (f) => {
      const text = files.get(f) ?? (fs.existsSync(f) ? fs.readFileSync(f, "utf8") : undefined);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => dir,
    getCompilationSettings: () => OPTIONS,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => files.has(f) || ts.sys.fileExists(f),
    readFile: (f) => files.get(f) ?? ts.sys.readFile(f),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
    realpath: ts.sys.realpath,
  };
  service = ts.createLanguageService(host, ts.createDocumentRegistry());
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Compiles one program file; returns its errors as text. */
function compile(source: string, name = "index.ts"): string[] {
  const file = path.join(dir, name);
  files.set(file, source);
  versions.set(file, (versions.get(file) ?? 0) + 1);
  return [...service.getSyntacticDiagnostics(file), ...service.getSemanticDiagnostics(file)].map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

/** The hover text (signature and TSDoc) at the first occurrence of `marker` in the last compiled file. */
function hover(source: string, marker: string): string {
  const file = path.join(dir, "hover.ts");
  compile(source, "hover.ts");
  const info = service.getQuickInfoAtPosition(file, source.indexOf(marker) + 1);
  return `${ts.displayPartsToString(info?.displayParts)}\n${ts.displayPartsToString(info?.documentation)}`.replace(/\s+/g, " ");
}

const HEADER = `import * as pulumi from "@pulumi/pulumi";\nimport { asteroid, everruns, letta, odeus } from "pulumi-agents";\n`;

test("a program with `pulumi new typescript`'s tsconfig (moduleResolution node, no skipLibCheck, no esModuleInterop) finds the package and its subpaths, and every declaration they pull in compiles", () => {
  const file = path.join(dir, "node10.ts");
  fs.writeFileSync(
    file,
    `${HEADER}import { startAll } from "pulumi-agents/emulator";
import { EmulatorControl } from "pulumi-agents/emulator/control";
export const pool = new asteroid.AgentProfilePool("c", { name: "c", organizationId: "${ORG}" });
export const started = startAll({ port: 0 }).then((e) => new EmulatorControl(e.url));
`,
  );
  // The compilerOptions `pulumi new typescript` writes (templates/typescript/tsconfig.json).
  const pulumiNew: ts.CompilerOptions = {
    strict: true,
    outDir: "bin",
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    sourceMap: true,
    experimentalDecorators: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
    types: ["node"],
  };
  const program = ts.createProgram([file], pulumiNew);
  // All diagnostics, the libraries' declarations included (no skipLibCheck), as `tsc` reports them.
  const errors = ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? path.relative(dir, d.file.fileName) : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
  expect(errors).toEqual([]);
});

test("a correct program compiles, with Inputs and Outputs where Pulumi users pass them", () => {
  const errors = compile(`${HEADER}
const org = pulumi.output("${ORG}");
const pool = new asteroid.AgentProfilePool("checkout", { name: "checkout", organizationId: org, selectionStrategy: "most_recently_used" });
const strategy: pulumi.Output<"least_recently_used" | "most_recently_used" | undefined> = pool.selectionStrategy;
const created: pulumi.Output<string> = pool.createdAt;
new asteroid.AgentProfile("profile", { name: "p", organizationId: pool.organizationId, cookies: [{ name: "s", key: "sid", value: pulumi.secret("v"), domain: "example.com", secure: true, sameSite: "Lax", httpOnly: true }] });
new everruns.Agent("support", { name: "Support", systemPrompt: "You help.", capabilities: [{ ref: "web_fetch", config: { depth: 2 } }], tags: ["support"] });
new odeus.Agent("triage", { name: "Triage", creativity: 0.2, actions: [{ actionId: "3c90c3cc-0d44-4b50-8888-8dd25736052a" }] });
const agent = new letta.Agent("memory", {
  model: "openai/gpt-4o-mini",
  modelSettings: { temperature: 0.2, providerType: "openai", reasoningEffort: "low" },
  toolRules: [
    { type: "run_first", toolName: "search" },
    { type: "conditional", toolName: "route", childOutputMapping: { yes: "send" } },
    { type: "max_count_per_step", toolName: "search", maxCountLimit: 2 },
  ],
});
export const out = { strategy, created, rules: agent.toolRules };
`);
  expect(errors).toEqual([]);
});

test("generated_types_name_args: a missing required property names AgentProfilePoolArgs, not the table's internals", () => {
  const errors = compile(`${HEADER}new asteroid.AgentProfilePool("checkout", { name: "checkout" });\n`);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain("Property 'organizationId' is missing in type '{ name: string; }' but required in type 'AgentProfilePoolArgs'");
  expect(errors[0]).not.toMatch(/ArgsOf|FieldSpec|Zod/);
});

test("a misspelt property does not compile, and the compiler suggests the right name", () => {
  const errors = compile(`${HEADER}new asteroid.AgentProfilePool("c", { name: "c", organizationId: "${ORG}", selectionStrategey: "most_recently_used" });\n`);
  expect(errors.join("\n")).toMatch(/'selectionStrategey' does not exist in type 'AgentProfilePoolArgs'. Did you mean to write 'selectionStrategy'\?/);
});

test("wrong values: an enum outside its values, a string where a number goes", () => {
  const errors = compile(`${HEADER}
new asteroid.AgentProfilePool("c", { name: "c", organizationId: "${ORG}", selectionStrategy: "random" });
new odeus.Agent("o", { name: "o", creativity: "high" });
`);
  expect(errors.join("\n")).toMatch(/"random"' is not assignable to type 'Input<"least_recently_used" \| "most_recently_used"> \| undefined'/);
  expect(errors.join("\n")).toMatch(/'string' is not assignable to type 'Input<number> \| undefined'/);
});

test("letta toolRules is typed as its discriminated union: each rule type takes its own members", () => {
  const errors = compile(`${HEADER}
new letta.Agent("a", { toolRules: [{ type: "conditional", toolName: "route" }] });
new letta.Agent("b", { toolRules: [{ type: "run_first", toolName: "x", children: ["y"] }] });
new letta.Agent("c", { toolRules: [{ type: "run_last", toolName: "x" }] });
`);
  expect(errors).toHaveLength(3);
  expect(errors[0]).toMatch(/Property 'childOutputMapping' is missing .* required in type 'AgentToolRuleConditionalArgs'/s);
  expect(errors[1]).toMatch(/'children' does not exist in type 'AgentToolRuleRunFirstArgs\b/);
  expect(errors[2]).toMatch(/"run_last"/);
});

test("hovers show each property's TSDoc: description, limits, removal and replacement", () => {
  const src = `${HEADER}new asteroid.AgentProfilePool("c", { name: "c", organizationId: "${ORG}", selectionStrategy: "most_recently_used" });\n`;
  const strategy = hover(src, "selectionStrategy:");
  expect(strategy).toMatch(/AgentProfilePoolArgs\.selectionStrategy\?: pulumi\.Input<"(least|most)_recently_used" \| "(least|most)_recently_used"> \| undefined/);
  expect(strategy).toContain("Strategy for selecting an available profile from the pool.");
  expect(strategy).toContain('Removed from the program: sends `"least_recently_used"`.');
  expect(strategy).toContain("A change is an in-place update.");
  const org = hover(src, "organizationId:");
  expect(org).toContain("Constraints: a UUID.");
  expect(org).toContain("Required.");
  expect(org).toContain("A change replaces the resource.");
  const name = hover(src, "name:");
  expect(name).toContain("Constraints: 1–255 characters.");
  const cls = hover(src, "AgentProfilePool(");
  expect(cls).toContain("constructor AgentProfilePool(name: string, args: asteroid.AgentProfilePoolArgs, opts?: pulumi.CustomResourceOptions): asteroid.AgentProfilePool");
  expect(cls).toContain("A pool of agent profiles that can be used for credential rotation.");
});

test("the shipped .d.ts carry the generated docs of every input", () => {
  for (const [def, dts] of Object.values(resources).map((d) => [d, fs.readFileSync(path.join(REPO, `bin/provider/${d.platform}/generated.d.ts`), "utf8")] as const)) {
    const args = dts.slice(dts.indexOf(`export interface ${def.type}Args {`));
    for (const [name, spec] of inputFields(def)) {
      const at = args.indexOf(`    ${name}${spec.required ? "" : "?"}: pulumi.Input<`);
      expect(at).toBeGreaterThan(0);
      const doc = args.slice(args.lastIndexOf("/**", at), at).replace(/\s*\n\s*\*\s?/g, " ");
      expect(doc).toContain(spec.doc.split(/\s+/).slice(0, 6).join(" "));
      expect(doc).toMatch(/Required\.|Removed from the program: /);
      expect(doc).toMatch(/A change (replaces the resource|is an in-place update)|A provider setting/);
    }
  }
});
