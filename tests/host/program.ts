/**
 * Runs a real Pulumi program (a function that declares resources with the package's classes)
 * under the SDK's mock runtime, routing every dynamic resource to the real dynamic-provider host:
 * the SDK serializes `__provider`, marks secrets and resolves dependencies exactly as under the CLI,
 * and the harness `Stack` plays the engine. Explicit `agents.Provider` resources get their own host
 * configured with their inputs, as the engine does.
 */
import * as pulumi from "@pulumi/pulumi";
import { Host, Secret, Stack, stripSecrets, type Step } from "./engine";

const DYNAMIC = "pulumi-nodejs:dynamic/";
const PROVIDER = "pulumi:providers:pulumi-nodejs";

export interface RunResult {
  steps: Step[];
  /** Errors raised while registering resources (check failures, API errors). */
  errors: Error[];
}

/** SDK-deserialized values -> harness values (secret envelopes become `Secret`). */
export function fromSdk(v: unknown): unknown {
  if (pulumi.Output.isInstance(v)) return v;
  if (Array.isArray(v)) return v.map(fromSdk);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270") return new Secret(fromSdk(o.value));
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromSdk(x)]));
  }
  return v;
}

const plain = stripSecrets;

/** A program's resources across runs: the default stack plus one per explicit provider. */
export class ProgramStack {
  readonly providers = new Map<string, Stack>();
  /** The inputs each explicit provider was registered with, as the SDK sent them (secrets marked). */
  readonly providerInputs = new Map<string, Record<string, unknown>>();
  constructor(readonly stack: Stack) {}

  private stackFor(provider: string | undefined): Stack {
    if (!provider) return this.stack;
    const urn = provider.split("::").slice(0, -1).join("::");
    return this.providers.get(urn) ?? this.stack;
  }

  /** `pulumi preview` (preview=true) or `pulumi up` of the program. */
  async run(program: () => unknown, opts: { preview: boolean; project?: string; stack?: string }): Promise<RunResult> {
    const steps: Step[] = [];
    const errors: Error[] = [];
    const pending = new Set<Promise<unknown>>();
    const track = <T>(p: Promise<T>) => {
      pending.add(p);
      p.catch(() => undefined).finally(() => pending.delete(p));
      return p;
    };
    const mocks: pulumi.runtime.Mocks = {
      call: () => ({}),
      newResource: (args) =>
        track(
          (async () => {
            if (args.type === PROVIDER) {
              const urn = `urn:pulumi:${opts.stack ?? "dev"}::${opts.project ?? "program"}::${PROVIDER}::${args.name}`;
              if (!this.providers.has(urn)) {
                this.providerInputs.set(args.name, fromSdk(args.inputs) as Record<string, unknown>);
                const config = plain(fromSdk(args.inputs)) as Record<string, string>;
                this.providers.set(urn, new Stack(await Host.start(config, this.stack.host.programDir)));
              }
              return { id: `${args.name}-id`, state: args.inputs };
            }
            if (!args.type.startsWith(DYNAMIC)) return { id: `${args.name}-id`, state: args.inputs };
            const token = args.type.slice(DYNAMIC.length);
            const stack = this.stackFor(args.provider);
            const inputs = fromSdk(args.inputs) as Record<string, unknown>;
            try {
              if (opts.preview) {
                const step = await stack.plan(token, args.name, inputs);
                steps.push(step);
                const prev = stack.get(token, args.name);
                return { id: prev?.id, state: plain(prev ? { ...prev.outputs, ...step.checked } : step.checked) as Record<string, unknown> };
              }
              const step = await stack.up(token, args.name, inputs);
              steps.push(step);
              return { id: step.state.id, state: plain(step.state.outputs) as Record<string, unknown> };
            } catch (e) {
              errors.push(e as Error);
              throw e;
            }
          })(),
        ),
    };
    await pulumi.runtime.setMocks(mocks, opts.project ?? "program", opts.stack ?? "dev", opts.preview);
    const rejections: unknown[] = [];
    const onRejection = (e: unknown) => rejections.push(e);
    process.on("unhandledRejection", onRejection);
    try {
      await program();
      // Registrations that depend on other resources' outputs start later: wait until none is left.
      for (let idle = 0; idle < 3; ) {
        if (pending.size) {
          idle = 0;
          await Promise.allSettled([...pending]);
        } else idle++;
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      process.off("unhandledRejection", onRejection);
    }
    return { steps, errors };
  }

  /** `pulumi refresh`: every resource of every provider. */
  async refresh(): Promise<{ name: string; token: string; gone: boolean; changedOutputs: string[] }[]> {
    const out = [];
    for (const stack of [this.stack, ...this.providers.values()]) {
      for (const r of [...stack.state.values()]) out.push({ name: r.name, token: r.token, ...(await stack.refresh(r.token, r.name)) });
    }
    return out;
  }

  /** `pulumi destroy`: every resource, newest first. */
  async destroy(): Promise<string[]> {
    const done: string[] = [];
    for (const stack of [...this.providers.values(), this.stack]) {
      for (const r of [...stack.state.values()].reverse()) {
        await stack.destroy(r.token, r.name);
        done.push(r.name);
      }
    }
    return done;
  }

  async stop(): Promise<void> {
    for (const s of this.providers.values()) await s.stop();
    await this.stack.stop();
  }
}
