/**
 * Drives the real dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) over gRPC the way
 * the Pulumi engine does, with the provider serialized by the SDK's own closure serializer exactly
 * as `pulumi.dynamic.Resource` does. The host runs with its working directory in a temporary program
 * folder outside the repository, whose `node_modules/pulumi-agents` links to this package.
 *
 * `Stack` models the engine's side: state per resource, secret marking (the host answers Configure
 * with acceptSecrets=false), and verbs that read like the CLI: preview, up, refresh, destroy, import.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { secretize } from "../../provider/core/resource";
import { holdsSecret, type ResourceDef } from "../../provider/core/fields";
import { resources } from "../../provider/registry";
import { deepEqual, isObject, UNKNOWN } from "../../provider/core/values";

/* eslint-disable @typescript-eslint/no-require-imports */
const structproto = require("google-protobuf/google/protobuf/struct_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const statusproto = require("@pulumi/pulumi/proto/status_pb");

/**
 * A create or update that failed after the object came to exist: the dynamic host packs the thrown
 * error's `id`, `properties` and `reasons` as `pulumirpc.ErrorResourceInitFailed`, and the engine
 * records the object with those outputs and init errors (the next `up` updates it).
 */
export class InitFailedError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Props,
    readonly reasons: string[],
  ) {
    super(message);
  }
}

/** The grpc error of Create/Update, as the engine reads it (`provider_plugin.go` resourceStateAndError). */
function initFailed(err: any): InitFailedError | undefined {
  const bin = err?.metadata?.get?.("grpc-status-details-bin")?.[0];
  if (!bin) return undefined;
  for (const any of statusproto.Status.deserializeBinary(bin).getDetailsList()) {
    if (any.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
    const d = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
    return new InitFailedError(err.message, d.getId(), d.getProperties()?.toJavaScript() ?? {}, d.getReasonsList());
  }
  return undefined;
}

export const REPO = path.resolve(__dirname, "../../..");
type Props = Record<string, unknown>;

/** A value the program marked with `pulumi.secret()`. */
export class Secret {
  constructor(readonly value: unknown) {}
}
export const secret = (v: unknown) => new Secret(v);
/** A value not known at preview time (an output of a resource not created yet). */
export const unknown = () => UNKNOWN;

const SERIALIZE = `
const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure");
(async () => {
  const out = {};
  for (const t of JSON.parse(process.argv[1])) {
    const provider = require("pulumi-agents/shells/" + t.replace(":", "."));
    out[t] = (await serializeFunction(() => provider, { allowSecrets: true })).text;
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });`;

let serialized: Record<string, string> | undefined;
/**
 * The \`__provider\` text of a type, produced by the SDK's serializer exactly as \`pulumi.dynamic.Resource\`
 * does in a user's program: run with the program folder as working directory and the package installed
 * in its node_modules (a link to this checkout, symlinks preserved as npm leaves them). Cached on disk
 * per build, since every test file needs it.
 */
export async function serializeProvider(token: string): Promise<string> {
  if (!serialized) {
    const tokens = Object.keys(resources).sort();
    const shellDir = path.join(REPO, "bin/provider/shells");
    const stamp = [...fs.readdirSync(shellDir).map((f) => fs.statSync(path.join(shellDir, f)).mtimeMs), fs.statSync(path.join(REPO, "bin/provider/core/resource.js")).mtimeMs, tokens.join()].join("|");
    const cache = path.join(os.tmpdir(), `pulumi-agents-providers-${createHash("sha1").update(REPO + stamp).digest("hex").slice(0, 12)}.json`);
    if (fs.existsSync(cache)) serialized = JSON.parse(fs.readFileSync(cache, "utf8"));
    else {
      const r = spawnSync(process.execPath, ["--preserve-symlinks", "--no-deprecation", "--no-warnings", "-e", SERIALIZE, JSON.stringify(tokens)], {
        cwd: makeProgramDir(),
        env: { ...process.env, NODE_PATH: path.join(REPO, "node_modules") },
        encoding: "utf8",
      });
      if (r.status !== 0) throw new Error(`serializing providers failed: ${r.stderr}`);
      serialized = JSON.parse(r.stdout) as Record<string, string>;
      fs.writeFileSync(cache, r.stdout);
    }
  }
  const text = serialized![token];
  if (!text) throw new Error(`no provider shell for ${token}`);
  return text;
}

/** A throwaway Pulumi program folder outside the repo with `node_modules/pulumi-agents` -> this package. */
export function makeProgramDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pa-program-"));
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(REPO, path.join(dir, "node_modules", "pulumi-agents"), "dir");
  // As npm installs a program: @pulumi/pulumi beside pulumi-agents.
  fs.symlinkSync(path.join(REPO, "node_modules", "@pulumi"), path.join(dir, "node_modules", "@pulumi"), "dir");
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "program", private: true }));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: program\nruntime: nodejs\n");
  return dir;
}

const toStruct = (v: Props) => structproto.Struct.fromJavaScript(v);

function call<T>(client: any, method: string, req: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
}

/** One running host process, configured with stack config (or an explicit provider's inputs). */
export class Host {
  readonly stderr: string[] = [];
  private constructor(
    private readonly proc: ChildProcess,
    private readonly client: any,
    readonly programDir: string,
  ) {}

  static async start(config: Record<string, string | undefined>, programDir = makeProgramDir(), env: NodeJS.ProcessEnv = {}): Promise<Host> {
    // The program's own SDK runs the host, as under the CLI (a link to this checkout's by default).
    const entry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js", { paths: [programDir, REPO] });
    const proc = spawn(process.execPath, [entry, "127.0.0.1:0"], {
      cwd: programDir,
      env: { ...process.env, PULUMI_PROJECT: "program", PULUMI_STACK: "test", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const port = await new Promise<string>((resolve, reject) => {
      let buf = "";
      proc.stdout!.on("data", (d) => {
        buf += d;
        const line = buf.split("\n")[0];
        if (buf.includes("\n")) resolve(line.trim());
      });
      proc.on("exit", (code) => reject(new Error(`dynamic-provider host exited with ${code}`)));
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const host = new Host(proc, client, programDir);
    proc.stderr!.on("data", (d) => host.stderr.push(...String(d).split("\n").filter(Boolean)));
    const req = new provproto.ConfigureRequest();
    const args: Props = {};
    for (const [k, v] of Object.entries(config)) if (v !== undefined) args[k] = v;
    req.setArgs(toStruct(args));
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    await call(client, "configure", req);
    return host;
  }

  /**
   * What the provider printed (warnings reach `pulumi up` output this way) from line `from` on. The
   * host writes stderr asynchronously after answering, so this waits until `until` matches, or until
   * stderr has been quiet for 200 ms, at most 3 s.
   */
  async output(from = 0, until?: RegExp): Promise<string> {
    const deadline = Date.now() + 3000;
    let seen = -1;
    let quietSince = Date.now();
    for (;;) {
      const text = this.stderr.slice(from).join("\n");
      if (until?.test(text) || Date.now() > deadline) return text;
      if (this.stderr.length !== seen) {
        seen = this.stderr.length;
        quietSince = Date.now();
      } else if (!until && Date.now() - quietSince >= 200) return text;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async check(urn: string, olds: Props, news: Props) {
    const req = new provproto.CheckRequest();
    req.setUrn(urn);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const res: any = await call(this.client, "check", req);
    return {
      inputs: res.getInputs()?.toJavaScript() ?? {},
      failures: res.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })) as { property: string; reason: string }[],
    };
  }

  async diff(urn: string, id: string, olds: Props, news: Props) {
    const req = new provproto.DiffRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const res: any = await call(this.client, "diff", req);
    const C = provproto.DiffResponse.DiffChanges;
    const changes = res.getChanges() === C.DIFF_SOME ? true : res.getChanges() === C.DIFF_NONE ? false : undefined;
    return { changes, replaces: res.getReplacesList() as string[], deleteBeforeReplace: res.getDeletebeforereplace() as boolean };
  }

  async create(urn: string, props: Props) {
    const req = new provproto.CreateRequest();
    req.setUrn(urn);
    req.setProperties(toStruct(props));
    const res: any = await call(this.client, "create", req).catch((e) => {
      throw initFailed(e) ?? e;
    });
    return { id: res.getId() as string, outputs: res.getProperties().toJavaScript() as Props };
  }

  async read(urn: string, id: string, props: Props, inputs: Props) {
    const req = new provproto.ReadRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(toStruct(props));
    req.setInputs(toStruct(inputs));
    const res: any = await call(this.client, "read", req);
    return { id: res.getId() as string, outputs: res.getProperties()?.toJavaScript() ?? {}, inputs: res.getInputs()?.toJavaScript() as Props | undefined };
  }

  async update(urn: string, id: string, olds: Props, news: Props) {
    const req = new provproto.UpdateRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const res: any = await call(this.client, "update", req).catch((e) => {
      throw initFailed(e) ?? e;
    });
    return { outputs: res.getProperties().toJavaScript() as Props };
  }

  async delete(urn: string, id: string, props: Props) {
    const req = new provproto.DeleteRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(toStruct(props));
    await call(this.client, "delete", req);
  }

  async stop(): Promise<void> {
    this.client.close();
    this.proc.kill();
    await new Promise((r) => this.proc.once("exit", r));
  }
}

/* ---------- secrets, as the engine handles them for a provider that does not accept secrets ---------- */

/** Removes secret markers (what the engine sends) and returns the paths that were secret. */
export function stripSecrets(v: unknown): unknown {
  if (v instanceof Secret) return stripSecrets(v.value);
  if (Array.isArray(v)) return v.map(stripSecrets);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stripSecrets(x)]));
  return v;
}

/** The engine's annotateSecrets: an output is secret where the same-named input was. */
export function annotateSecrets(outs: unknown, ins: unknown): unknown {
  if (ins instanceof Secret) return outs instanceof Secret ? outs : new Secret(stripSecrets(outs));
  if (Array.isArray(ins) && Array.isArray(outs) && ins.length === outs.length) return outs.map((o, i) => annotateSecrets(o, ins[i]));
  if (isObject(ins) && isObject(outs) && !(outs instanceof Secret)) {
    const r: Props = { ...outs };
    for (const k of Object.keys(ins)) if (k in r) r[k] = annotateSecrets(r[k], ins[k]);
    return r;
  }
  return outs;
}

/** State as a checkpoint file would hold it: every secret value replaced by an opaque envelope. */
export function checkpointJSON(v: unknown): string {
  const enc = (x: unknown): unknown =>
    x instanceof Secret
      ? { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:encrypted" }
      : Array.isArray(x) ? x.map(enc) : isObject(x) ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, enc(y)])) : x;
  return JSON.stringify(enc(v), null, 2);
}

/* ---------- the engine model ---------- */

export interface ResourceState {
  token: string;
  name: string;
  urn: string;
  id: string;
  inputs: Props;
  outputs: Props;
  /** Set when a create or update failed after the object existed: the next `up` updates it even without changes. */
  initErrors?: string[];
}

export type Op = "create" | "update" | "replace" | "same" | "delete" | "read" | "refresh" | "import";

export interface Step {
  op: Op;
  urn: string;
  token: string;
  name: string;
  /** Top-level inputs that differ between old and new inputs: what `pulumi preview` displays. */
  diffKeys: string[];
  replaces: string[];
  deleteBeforeReplace: boolean;
  failures: { property: string; reason: string }[];
  oldInputs?: Props;
  newInputs?: Props;
  oldOutputs?: Props;
}

export class CheckError extends Error {
  constructor(readonly failures: { property: string; reason: string }[]) {
    super(`check failed: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  }
}

const visible = (p: Props) => Object.fromEntries(Object.entries(p).filter(([k]) => !k.startsWith("__")));

export class Stack {
  readonly state = new Map<string, ResourceState>();
  constructor(
    readonly host: Host,
    readonly project = "program",
    readonly stack = "test",
  ) {}

  static async start(config: Record<string, string | undefined>): Promise<Stack> {
    return new Stack(await Host.start(config));
  }

  urn(token: string, name: string): string {
    const [platform, type] = token.split(":");
    return `urn:pulumi:${this.stack}::${this.project}::pulumi-nodejs:dynamic/${platform}:${type}::${name}`;
  }

  def(token: string): ResourceDef {
    return resources[token];
  }

  /** Program inputs as the resource class sends them: write-only values marked secret, provider attached. */
  private async programInputs(token: string, inputs: Props): Promise<Props> {
    // Inputs registered by the SDK itself (a real program) already carry `__provider` and secret marks.
    if (typeof inputs.__provider === "string") return inputs;
    const marked = secretize(this.def(token), inputs, (v) => (v instanceof Secret ? v : new Secret(v)), (v) => v instanceof Secret);
    return { ...marked, __provider: await serializeProvider(token) };
  }

  private secretOutputs(token: string, outputs: Props, inputs: Props): Props {
    const marked = annotateSecrets(outputs, inputs) as Props;
    for (const [name, spec] of Object.entries(this.def(token).fields)) {
      if (holdsSecret(spec) && marked[name] !== undefined && !(marked[name] instanceof Secret)) marked[name] = new Secret(stripSecrets(marked[name]));
    }
    return marked;
  }

  /** Check + Diff: what `pulumi preview` shows for one resource. Throws CheckError on failures. */
  async plan(token: string, name: string, inputs: Props): Promise<Step & { checked: Props }> {
    const urn = this.urn(token, name);
    const prev = this.state.get(urn);
    const news = await this.programInputs(token, inputs);
    const checked = await this.host.check(urn, stripSecrets(prev?.inputs ?? {}) as Props, stripSecrets(news) as Props);
    const base = { urn, token, name, failures: checked.failures, replaces: [] as string[], deleteBeforeReplace: false };
    if (checked.failures.length) throw Object.assign(new CheckError(checked.failures), { step: base });
    // The engine re-applies the secretness of the program's inputs to what check returned.
    const checkedInputs = annotateSecrets(checked.inputs, news) as Props;
    if (!prev) return { ...base, op: "create", diffKeys: Object.keys(visible(checked.inputs)), checked: checkedInputs, newInputs: checkedInputs };
    const d = await this.host.diff(urn, prev.id, stripSecrets(prev.outputs) as Props, checked.inputs);
    const oldIn = visible(stripSecrets(prev.inputs) as Props);
    const newIn = visible(checked.inputs);
    const diffKeys = [...new Set([...Object.keys(oldIn), ...Object.keys(newIn)])].filter((k) => !deepEqual(oldIn[k], newIn[k])).sort();
    // The engine updates a resource with init errors even when the diff shows no change.
    const op: Op = d.replaces.length ? "replace" : d.changes === false && !prev.initErrors?.length ? "same" : "update";
    return { ...base, op, diffKeys, replaces: d.replaces, deleteBeforeReplace: d.deleteBeforeReplace, checked: checkedInputs, oldInputs: prev.inputs, newInputs: checkedInputs, oldOutputs: prev.outputs };
  }

  /** `pulumi preview` for a set of resources. */
  async preview(resources: [token: string, name: string, inputs: Props][]): Promise<Step[]> {
    const steps: Step[] = [];
    for (const [t, n, i] of resources) steps.push(await this.plan(t, n, i));
    return steps;
  }

  /** `pulumi up` for one resource: check, diff, then create / update / replace. */
  async up(token: string, name: string, inputs: Props): Promise<Step & { state: ResourceState }> {
    const step = await this.plan(token, name, inputs);
    const urn = step.urn;
    const prev = this.state.get(urn);
    const plain = stripSecrets(step.checked) as Props;
    let next: ResourceState;
    // A create or update that fails after the object exists is recorded with its outputs and init errors.
    const recorded = (e: unknown, base: Omit<ResourceState, "outputs" | "id">): never => {
      if (e instanceof InitFailedError) {
        this.state.set(urn, { ...base, id: e.id, outputs: this.secretOutputs(token, e.properties, step.checked), initErrors: e.reasons });
      }
      throw e;
    };
    const fresh = { token, name, urn, inputs: step.checked };
    if (step.op === "create") {
      const r = await this.host.create(urn, plain).catch((e) => recorded(e, fresh));
      next = { ...fresh, id: r.id, outputs: this.secretOutputs(token, r.outputs, step.checked) };
    } else if (step.op === "update") {
      const r = await this.host.update(urn, prev!.id, stripSecrets(prev!.outputs) as Props, plain).catch((e) =>
        recorded(e instanceof InitFailedError ? Object.assign(e, { id: prev!.id }) : e, { ...prev!, inputs: step.checked }),
      );
      next = { ...prev!, inputs: step.checked, outputs: this.secretOutputs(token, r.outputs, step.checked), initErrors: undefined };
    } else if (step.op === "replace") {
      if (step.deleteBeforeReplace) {
        await this.host.delete(urn, prev!.id, stripSecrets(prev!.outputs) as Props);
        this.state.delete(urn);
      }
      const r = await this.host.create(urn, plain).catch((e) => recorded(e, fresh));
      if (!step.deleteBeforeReplace) await this.host.delete(urn, prev!.id, stripSecrets(prev!.outputs) as Props);
      next = { ...fresh, id: r.id, outputs: this.secretOutputs(token, r.outputs, step.checked) };
    } else next = { ...prev!, inputs: step.checked };
    this.state.set(urn, next);
    return { ...step, state: next };
  }

  /** `pulumi refresh` of one resource: Read, then state takes the live values (or drops a gone resource). */
  async refresh(token: string, name: string): Promise<{ gone: boolean; changedOutputs: string[]; state?: ResourceState }> {
    const urn = this.urn(token, name);
    const prev = this.state.get(urn);
    if (!prev) throw new Error(`${name} is not in the stack`);
    const r = await this.host.read(urn, prev.id, stripSecrets(prev.outputs) as Props, stripSecrets(prev.inputs) as Props);
    if (!r.id) {
      this.state.delete(urn);
      return { gone: true, changedOutputs: [] };
    }
    const inputs = annotateSecrets({ ...(r.inputs ?? prev.inputs) }, prev.inputs) as Props;
    const outputs = this.secretOutputs(token, r.outputs, inputs);
    const oldOut = visible(stripSecrets(prev.outputs) as Props);
    const newOut = visible(stripSecrets(outputs) as Props);
    const changedOutputs = [...new Set([...Object.keys(oldOut), ...Object.keys(newOut)])].filter((k) => !deepEqual(oldOut[k], newOut[k])).sort();
    // A refresh takes the id read (it may change) and clears init errors.
    const next = { ...prev, id: r.id, inputs, outputs, initErrors: undefined };
    this.state.set(urn, next);
    return { gone: false, changedOutputs, state: next };
  }

  /** The `import` resource option: Read with only an id, then the program's inputs must show no diff. */
  async import(token: string, name: string, id: string, inputs: Props): Promise<ResourceState> {
    const urn = this.urn(token, name);
    const provider = await serializeProvider(token);
    const r = await this.host.read(urn, id, { __provider: provider }, {});
    if (!r.id) throw new Error(`import of ${id}: the resource does not exist`);
    const news = await this.programInputs(token, inputs);
    const checked = await this.host.check(urn, r.inputs ?? {}, stripSecrets(news) as Props);
    if (checked.failures.length) throw new CheckError(checked.failures);
    const d = await this.host.diff(urn, r.id, r.outputs, checked.inputs);
    if (d.changes !== false) throw new Error(`import of ${id}: the program's inputs differ from the live resource (replaces: ${d.replaces.join(", ") || "none"})`);
    const checkedInputs = annotateSecrets(checked.inputs, news) as Props;
    const st = { token, name, urn, id: r.id, inputs: checkedInputs, outputs: this.secretOutputs(token, r.outputs, checkedInputs) };
    this.state.set(urn, st);
    return st;
  }

  /** `pulumi destroy` of one resource. */
  async destroy(token: string, name: string): Promise<void> {
    const urn = this.urn(token, name);
    const prev = this.state.get(urn);
    if (!prev) return;
    await this.host.delete(urn, prev.id, stripSecrets(prev.outputs) as Props);
    this.state.delete(urn);
  }

  get(token: string, name: string): ResourceState | undefined {
    return this.state.get(this.urn(token, name));
  }

  /** The whole stack state as a checkpoint file would hold it (secrets encrypted). */
  checkpoint(): string {
    return checkpointJSON([...this.state.values()]);
  }

  stop(): Promise<void> {
    return this.host.stop();
  }
}
