/**
 * The Pulumi side: a resource class per table, and the thin provider shell that Pulumi serializes
 * into state. The shell captures nothing but its type token; each method `require()`s the installed
 * package inside the dynamic-provider host (whose working directory is the program's), so no zod
 * schema, undici agent or absolute path is ever serialized.
 */
import * as pulumi from "@pulumi/pulumi";
import { holdsSecret, type ResourceDef } from "./fields";
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

/** Whether a program value holds a value marked `pulumi.secret()`, at any depth. */
async function holdsMarkedSecret(v: unknown): Promise<boolean> {
  if (pulumi.Output.isInstance(v)) return pulumi.isSecret(v);
  if (Array.isArray(v)) return (await Promise.all(v.map(holdsMarkedSecret))).some(Boolean);
  if (isObject(v)) return (await Promise.all(Object.values(v).map(holdsMarkedSecret))).some(Boolean);
  return false;
}

/**
 * The names of the inputs the program marked secret. The dynamic-provider host strips secret marks
 * before the provider sees its inputs, so this list (names only, `__secretInputs`) is how the provider
 * knows to keep those values out of warnings, errors and excerpts, like write-only values.
 */
export function secretInputNames(args: Record<string, unknown>): pulumi.Output<string[] | undefined> {
  const names = Object.entries(args)
    .filter(([k, v]) => !k.startsWith("__") && v !== undefined)
    .map(async ([k, v]) => ((await holdsMarkedSecret(v)) ? k : undefined));
  // None marked: no input at all, so a program without secrets registers exactly its own inputs.
  return pulumi.output(Promise.all(names).then((ks) => {
    const marked = ks.filter((k): k is string => k !== undefined);
    return marked.length ? marked : undefined;
  }));
}

/** What `pulumi.dynamic.Resource`'s constructor takes: provider, name, props, options, module, type. */
export type DynamicArgs = [pulumi.dynamic.ResourceProvider, string, pulumi.Inputs, pulumi.CustomResourceOptions, string, string];

/**
 * The constructor arguments of a table's resource: its provider shell, every field of the table
 * (outputs start as unknown), the program's args with write-only values marked secret, and the
 * type token `pulumi-nodejs:dynamic/<platform>:<Type>`. Unknown top-level args are passed on, so
 * check can name them (a JavaScript program passes anything).
 */
export function dynamicArgs(def: ResourceDef, name: string, args: object | undefined, opts: pulumi.CustomResourceOptions = {}): DynamicArgs {
  const secretOutputs = Object.entries(def.fields).filter(([, s]) => holdsSecret(s)).map(([n]) => n);
  const props: Record<string, unknown> = Object.fromEntries(Object.keys(def.fields).map((k) => [k, undefined]));
  Object.assign(props, secretize(def, (args ?? {}) as Record<string, unknown>));
  props.__secretInputs = secretInputNames((args ?? {}) as Record<string, unknown>);
  return [
    shellOf(`${def.platform}:${def.type}`),
    name,
    props,
    { ...opts, additionalSecretOutputs: [...secretOutputs, ...(opts.additionalSecretOutputs ?? [])] },
    def.platform,
    def.type,
  ];
}

/**
 * An untyped resource class for a table (the package's own classes are generated, typed and
 * documented: see provider/<platform>/generated.ts). `manifest.load` uses it for a registered
 * table that has no generated class yet.
 */
export function resourceClass(def: ResourceDef): {
  new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions): pulumi.CustomResource;
  readonly definition: ResourceDef;
} {
  class AgentResource extends pulumi.dynamic.Resource {
    static readonly definition = def;
    constructor(name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) {
      super(...dynamicArgs(def, name, args, opts));
    }
  }
  Object.defineProperty(AgentResource, "name", { value: def.type });
  return AgentResource;
}
