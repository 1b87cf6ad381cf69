/**
 * The dynamic-provider methods of a resource, derived from its table:
 * inputs -> check -> diff -> one HTTP call -> normalised outputs.
 */
import type { PlatformClient } from "../http/client";
import { check, type CheckFailure } from "./check";
import { holdsSecret, inputFields, type Ctx, type ResourceDef, type Wire } from "./fields";
import { diff, managedOf, planCreate, planUpdate, type DiffResult } from "./plan";
import { readBack, readInputs, toState, type Rewrites } from "./state";
import { isObject } from "./values";

type Props = Record<string, unknown>;

export interface Lifecycle {
  check(olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }>;
  diff(id: string, olds: Props, news: Props): Promise<DiffResult>;
  create(inputs: Props): Promise<{ id: string; outs: Props }>;
  read(id: string, props?: Props): Promise<{ id: string; props: Props; inputs?: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  delete(id: string, props: Props): Promise<void>;
}

/** Every write-only value in a set of inputs, so errors can redact them. */
export function secretValues(def: ResourceDef, inputs: Props): string[] {
  const out: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (isObject(v)) Object.values(v).forEach(collect);
  };
  for (const [name, spec] of inputFields(def)) {
    if (!holdsSecret(spec)) continue;
    const v = inputs[name];
    if (spec.secret) collect(v);
    for (const m of spec.secretMembers ?? []) for (const item of [v].flat()) if (isObject(item)) collect(item[m]);
  }
  return out;
}

const omit = (r: Rewrites, names: string[]): Rewrites =>
  Object.fromEntries(Object.entries(r).filter(([k]) => !names.includes(k)));

/** Wraps the platform client so every request redacts the write-only values in play. */
function ctxFor(def: ResourceDef, client: PlatformClient, secrets: string[], label: string): Ctx {
  const http = Object.create(client) as PlatformClient;
  http.request = (method, path, o = {}) => client.request(method, path, { ...o, secrets: [...(o.secrets ?? []), ...secrets] });
  return { http, warn: (m) => console.warn(`warning: ${def.platform}.${def.type} ${label}: ${m}`) };
}

const definedInputs = (def: ResourceDef, news: Props) =>
  inputFields(def).filter(([n]) => news[n] !== undefined).map(([n]) => n);

export function lifecycle(def: ResourceDef, client: () => PlatformClient): Lifecycle {
  /** Builds outputs from a write's response, running the read-back check on the fields sent. */
  function afterWrite(id: string, body: Wire, news: Props, sent: string[], prev?: Props, ctx?: Ctx): Props {
    const base = omit((prev?.__rewrites as Rewrites) ?? {}, sent);
    const managed = definedInputs(def, news);
    const first = toState(def, body, { applied: news, prev, managed, rewrites: base });
    const { warnings, rewrites } = readBack(def, sent, news, first, base);
    for (const w of warnings) ctx?.warn(w);
    return toState(def, body, { applied: news, prev, managed, rewrites });
  }

  return {
    async check(olds, news) {
      return check(def, olds, news);
    },

    async diff(_id, olds, news) {
      return diff(def, olds, news);
    },

    async create(inputs) {
      const ctx = ctxFor(def, client(), secretValues(def, inputs), "create");
      const body = planCreate(def, inputs);
      let res = await def.api.create(ctx, body, inputs);
      const id = def.idOf(res);
      if (def.api.afterWrite) {
        try {
          res = (await def.api.afterWrite(ctx, id, inputs, res)) ?? res;
        } catch (e) {
          // The object exists: hand its id to the engine so it lands in state instead of leaking.
          throw Object.assign(new Error(`${(e as Error).message} (the ${def.type} was created with id ${id} and is kept in the stack)`), {
            id,
            properties: afterWrite(id, res, inputs, [], undefined),
            reasons: [(e as Error).message],
          });
        }
      }
      const sent = definedInputs(def, inputs);
      return { id, outs: afterWrite(id, res, inputs, sent, undefined, ctx) };
    },

    async read(id, props = {}) {
      const bad = def.validateId?.(id);
      if (bad) throw new Error(`${def.platform}.${def.type}: cannot read "${id}": ${bad}`);
      const ctx = ctxFor(def, client(), secretValues(def, props), "read");
      const res = await def.api.read(ctx, id, props);
      if (!res) return { id: "", props: {} };
      const managed = managedOf(props);
      const outs = toState(def, res, { prev: props, managed, rewrites: props.__rewrites as Rewrites | undefined });
      return { id: def.idOf(res) || id, props: outs, inputs: readInputs(def, outs) };
    },

    async update(id, olds, news) {
      const ctx = ctxFor(def, client(), [...secretValues(def, news), ...secretValues(def, olds)], "update");
      const body = planUpdate(def, olds, news);
      const sent = [...sentFields(def, body)].filter((n) => news[n] !== undefined);
      let res: Wire | undefined = Object.keys(body).length ? await def.api.update(ctx, id, body, news, olds) : undefined;
      if (def.api.afterWrite) res = (await def.api.afterWrite(ctx, id, news, res ?? {})) || res;
      if (!res || !Object.keys(res).length) res = await def.api.read(ctx, id);
      if (!res) throw new Error(`${def.platform}.${def.type} ${id} disappeared during the update`);
      return { outs: afterWrite(id, res, news, sent, olds, ctx) };
    },

    async delete(id, props) {
      const ctx = ctxFor(def, client(), secretValues(def, props), "delete");
      await def.api.delete(ctx, id, props);
    },
  };
}

/** The input fields whose wire names appear in a request body (keyed fields through their delta names). */
function sentFields(def: ResourceDef, body: Wire): Set<string> {
  const out = new Set<string>();
  for (const [name, spec] of inputFields(def)) {
    const names = spec.keyed ? [spec.keyed.add, spec.keyed.remove, spec.keyed.update ?? ""] : [spec.wire ?? name];
    if (names.some((n) => n in body)) out.add(name);
  }
  return out;
}
