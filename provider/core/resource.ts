/**
 * The Pulumi side: a resource class per table, and the thin provider shell that Pulumi serializes
 * into state. The shell captures nothing but its type token; each method `require()`s the installed
 * package inside the dynamic-provider host (whose working directory is the program's), so no zod
 * schema, undici agent or absolute path is ever serialized.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { holdsSecret, type FieldSpec, type ResourceDef, type TypedDef } from "./fields";
import { isObject } from "./values";

/**
 * The provider object of a type. Each type's shell is the whole `module.exports` of its own module
 * (`provider/shells/<platform>.<Type>`), so when the package is installed in a program's
 * node_modules, the SDK's closure serializer stores just `require("pulumi-agents/shells/<type>")`
 * (under 300 bytes); run from a source checkout it stores the shell by value (about 2 KB). Either
 * way the methods `require("pulumi-agents/host")` at call time and run the installed code.
 */
export function shellOf(token: string): pulumi.dynamic.ResourceProvider {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(`../shells/${token.replace(":", ".")}`);
  } catch {
    throw new Error(`pulumi-agents: no provider shell module for ${token} (add provider/shells/${token.replace(":", ".")}.ts)`);
  }
}

export function shell(token: string): pulumi.dynamic.ResourceProvider {
  return {
    configure: (req) => require("pulumi-agents/host").configure(req),
    check: (o, n) => require("pulumi-agents/host").call(token, "check", [o, n]),
    diff: (i, o, n) => require("pulumi-agents/host").call(token, "diff", [i, o, n]),
    create: (n) => require("pulumi-agents/host").call(token, "create", [n]),
    read: (i, p) => require("pulumi-agents/host").call(token, "read", [i, p]),
    update: (i, o, n) => require("pulumi-agents/host").call(token, "update", [i, o, n]),
    delete: (i, p) => require("pulumi-agents/host").call(token, "delete", [i, p]),
  };
}

type DeepInput<T> = T extends (infer E)[]
  ? pulumi.Input<DeepInput<E>[]>
  : T extends Record<string, unknown>
    ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
    : pulumi.Input<T>;

type Fields = Record<string, FieldSpec>;
type InputOf<S> = S extends { schema: infer Z extends z.ZodType } ? z.input<Z> : never;
type InputKeys<F extends Fields> = { [K in keyof F]: F[K] extends { kind: "computed" } ? never : K }[keyof F];
type RequiredKeys<F extends Fields> = { [K in keyof F]: F[K] extends { required: true } ? K : never }[keyof F];

/** The args of a resource class, derived from its table. */
export type ArgsOf<F extends Fields> = { [K in Extract<RequiredKeys<F>, InputKeys<F>>]: DeepInput<InputOf<F[K]>> } & {
  [K in Exclude<InputKeys<F>, RequiredKeys<F>>]?: DeepInput<InputOf<F[K]>>;
};

/** The output properties of a resource class, derived from its table. */
export type OutputsOf<F extends Fields> = {
  readonly [K in keyof F]: pulumi.Output<F[K] extends { kind: "computed" } ? (F[K] extends { schema: z.ZodType } ? InputOf<F[K]> : string) : InputOf<F[K]>>;
};

/**
 * Marks write-only values secret before they leave the program, even when the user forgot
 * `pulumi.secret()`. Members are marked one by one where the structure is plain, so names stay
 * readable in previews; a value that is itself an Output is marked secret whole.
 */
export function secretize(
  def: ResourceDef,
  args: Record<string, unknown>,
  wrap: (v: unknown) => unknown = pulumi.secret,
  opaque: (v: unknown) => boolean = pulumi.Output.isInstance,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...args };
  const markMembers = (item: unknown, members: string[]): unknown => {
    if (item === undefined) return item;
    if (!isObject(item) || opaque(item)) return wrap(item);
    const copy: Record<string, unknown> = { ...item };
    for (const m of members) if (copy[m] !== undefined) copy[m] = wrap(copy[m]);
    return copy;
  };
  for (const [name, spec] of Object.entries(def.fields)) {
    const v = args[name];
    if (v === undefined || !holdsSecret(spec)) continue;
    if (spec.secret) out[name] = wrap(v);
    else if (Array.isArray(v)) out[name] = v.map((item) => markMembers(item, spec.secretMembers!));
    else out[name] = markMembers(v, spec.secretMembers!);
  }
  return out;
}

export type ResourceClass<F extends Fields> = {
  new (name: string, args: ArgsOf<F>, opts?: pulumi.CustomResourceOptions): pulumi.CustomResource & OutputsOf<F>;
  /** The field table behind the class. */
  readonly definition: ResourceDef;
};

/** The resource class of a table: `new asteroid.AgentProfilePool(name, args, opts)`. */
export function resourceClass<F extends Fields>(def: TypedDef<F>): ResourceClass<F> {
  const token = `${def.platform}:${def.type}`;
  const secretOutputs = Object.entries(def.fields).filter(([, s]) => holdsSecret(s)).map(([n]) => n);
  const provider = shellOf(token);
  class AgentResource extends pulumi.dynamic.Resource {
    static readonly definition = def;
    constructor(name: string, args: ArgsOf<F>, opts: pulumi.CustomResourceOptions = {}) {
      const props: Record<string, unknown> = Object.fromEntries(Object.keys(def.fields).map((k) => [k, undefined]));
      Object.assign(props, secretize(def, (args ?? {}) as Record<string, unknown>));
      super(provider, name, props, {
        ...opts,
        additionalSecretOutputs: [...secretOutputs, ...(opts.additionalSecretOutputs ?? [])],
      }, def.platform, def.type);
    }
  }
  Object.defineProperty(AgentResource, "name", { value: def.type });
  return AgentResource as unknown as ResourceClass<F>;
}
