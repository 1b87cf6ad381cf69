/**
 * The dynamic-provider methods of a resource, derived from its table:
 * inputs -> check -> diff -> one HTTP call -> verified answer -> normalised outputs.
 *
 * What the stack records is what exists. A write whose outcome is unknown (the answer was lost,
 * came too late, was a 5xx or could not be read) is never taken as success or as failure blindly:
 * - create: the object is looked up the platform's way (`def.recover`: by the id chosen before the
 *   call, by a create token, or by a unique name) and adopted; when it cannot be found, an id is handed
 *   to the engine (an error carrying `id`/`properties`) so the next `up` finishes or replaces it;
 * - update: the object is read back; state records what it shows, and an update it does not show is an
 *   error carrying the live state, so the next `up` sends exactly what is missing.
 */
import { randomUUID } from "node:crypto";
import type { PlatformClient } from "../http/client";
import { redact, type ApiError } from "../http/errors";
import { mayHaveActed, verifyAnswer } from "./answers";
import { check, type CheckFailure } from "./check";
import { inputFields, type CreateAttempt, type Ctx, type ResourceDef, type Wire } from "./fields";
import { changedFields, diff, managedOf, planCreate, planUpdate, type DiffResult } from "./plan";
import { keyedMatches, readBack, readInputs, rewritesOf, seal, serverValue, toState, type Rewrites } from "./state";
import { isObject } from "./values";
import { CHANGED_KEY, IMPORT_KEY, MARKED_KEY, changedWriteOnly, markedOf, protectedValues, secretValues, withoutWriteOnly, writeOnlyEntries } from "./writeonly";

type Props = Record<string, unknown>;

export interface Lifecycle {
  check(olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }>;
  diff(id: string, olds: Props, news: Props): Promise<DiffResult>;
  create(inputs: Props): Promise<{ id: string; outs: Props }>;
  read(id: string, props?: Props): Promise<{ id: string; props: Props; inputs?: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  delete(id: string, props: Props): Promise<void>;
}

export { secretValues };

/** An unconfirmed create recorded in state (`__pending`): how to find the object again. No secret. */
export interface Pending {
  by: "id" | "token";
  token?: string;
  /** The name sent, to narrow the lookup (names are not secret). */
  name?: string;
}
/** The id recorded for an unconfirmed create whose platform chooses ids (Letta): a placeholder. */
export const placeholderId = (token: string) => `unconfirmed-create-${token}`;
export const pendingOf = (props: Props): Pending | undefined => (isObject(props.__pending) ? (props.__pending as unknown as Pending) : undefined);

/** Paths of write-only values a request carried that state cannot confirm the platform got (`__unsent`). */
const unsentOf = (props: Props): string[] => (Array.isArray(props.__unsent) ? (props.__unsent as string[]) : []);

const omit = (r: Rewrites, names: string[]): Rewrites => Object.fromEntries(Object.entries(r).filter(([k]) => !names.includes(k)));

/** Adds to an error's message (keeping its class and code) and returns it. */
function note<E>(e: E, text: string): E {
  if (e instanceof Error) e.message += text;
  return e;
}

/**
 * The error the engine records as a partially created resource: the object (maybe) exists under `id`
 * with these outputs. The dynamic host passes `properties` through as they are, and `read`/`delete`
 * of that state need the serialized provider, so it is carried over from the inputs.
 */
function handOver(e: unknown, id: string, properties: Props, inputs: Props): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  const outs = inputs.__provider === undefined ? properties : { ...properties, __provider: inputs.__provider };
  return Object.assign(err, { id, properties: outs, reasons: [err.message] });
}

/** Wraps the platform client: every request redacts the write-only values in play and verifies its answer. */
function ctxFor(def: ResourceDef, client: PlatformClient, secrets: string[], label: string): Ctx {
  return {
    http: {
      async request(method, path, o = {}) {
        const { expect, ...rest } = o;
        const all = [...(rest.secrets ?? []), ...secrets];
        const res = await client.request(method, path, { ...rest, secrets: all });
        if (expect && res.status >= 200 && res.status < 300) {
          verifyAnswer(expect, { platform: def.platform, method, path, status: res.status }, res.body, all);
        }
        return res;
      },
    },
    warn: (m) => console.warn(`warning: ${def.platform}.${def.type} ${label}: ${redact(m, secrets)}`),
  };
}

/** `POST /agent-profile-pools answered 409: <the server's message>`, without the hints added to the error. */
const clashOf = (e: unknown): string => {
  const a = e as Partial<ApiError>;
  return a.status ? `${a.method} ${a.path} answered ${a.status}${a.serverMessage ? `: ${a.serverMessage}` : ""}` : String((e as Error).message);
};

const definedInputs = (def: ResourceDef, news: Props) => inputFields(def).filter(([n]) => news[n] !== undefined).map(([n]) => n);

export function lifecycle(def: ResourceDef, client: () => PlatformClient): Lifecycle {
  const what = `${def.platform}.${def.type}`;
  const ctx = (label: string, ...inputs: Props[]) => ctxFor(def, client(), inputs.flatMap((i) => protectedValues(def, i)), label);

  /** Outputs of a write's answer, with the read-back check on the fields sent. */
  function settle(body: Wire, news: Props, sentFields: string[], o: { prev?: Props; sent: ReadonlySet<string>; c?: Ctx }): Props {
    const base = omit(rewritesOf(o.prev), sentFields);
    const managed = definedInputs(def, news);
    const first = toState(def, body, { applied: news, prev: o.prev, managed, rewrites: base, sent: o.sent });
    const { warnings, rewrites } = readBack(def, sentFields, news, first, body, base);
    for (const w of warnings) o.c?.warn(w);
    return toState(def, body, { applied: news, prev: o.prev, managed, rewrites, sent: o.sent });
  }

  /**
   * A create failed in a way that may have left the object behind (or says it exists already).
   * Returns the object when it is found and may be adopted; throws otherwise (see `Recovery`).
   */
  async function recoverCreate(c: Ctx, e: unknown, attempt: CreateAttempt, body: Wire, inputs: Props): Promise<{ res: Wire; byName: boolean }> {
    const r = def.recover;
    const conflict = !!r?.isConflict?.(e);
    if (!r || !(conflict || mayHaveActed(e))) throw e;
    let found: Wire | undefined;
    let lookup: unknown;
    try {
      found = await r.find(c, attempt, { body, name: typeof body.name === "string" ? body.name : undefined });
    } catch (le) {
      lookup = le;
    }
    const name = typeof body.name === "string" ? body.name : undefined;
    if (found) {
      if (r.by === "name") {
        // Nothing proves who made it: adopt it only when everything sent matches (write-only values aside).
        // Keyed items match when they are the items sent as the server renders them (a rewritten key).
        const live = toState(def, found, {});
        const differ = changedFields(def, live, { ...inputs, [CHANGED_KEY]: [] })
          .map((x) => x.name)
          .filter((n) => !(def.fields[n].kind === "keyed" && keyedMatches(def.fields[n], inputs[n], serverValue(n, def.fields[n], found))));
        if (differ.length) {
          throw note(e, `. The ${what} ${def.idOf(found)} has this name, but its ${differ.join(", ")} differ from the program's, so it was not adopted: choose another name, or adopt it with the \`import\` resource option.`);
        }
        // The server says the name was taken before this create: the object may be another's. Adopting
        // it would overwrite write-only values nobody can compare (credential data, cookie values, a
        // proxy password), so only an object with nothing write-only in the program is adopted.
        const writeOnly = [...new Set([...writeOnlyEntries(def, inputs).keys()].map((k) => k.split(/[.[]/)[0]))];
        if (conflict && writeOnly.length) {
          throw note(
            e,
            `. The ${what} ${def.idOf(found)} has this name and every other field the program sets, but its ${writeOnly.join(", ")} hold write-only values that cannot be read back and compared, so it was not adopted (adopting would overwrite them): ` +
              `if an earlier run of this stack created it, adopt it with the \`import\` resource option (id ${def.idOf(found)}); otherwise choose another name.`,
          );
        }
      }
      const how = r.by === "name" ? "by its name" : r.by === "id" ? "by its id" : "by its create token";
      c.warn(
        conflict
          ? `the create was refused because the name is taken (${clashOf(e)}); the ${def.type} ${def.idOf(found)} of that name has every field the program sets, so it is taken to be the one an earlier run of this stack created before its answer was lost, and is adopted. If it belongs to something else, \`pulumi state delete\` it from this stack.`
          : `the answer to the create was lost or unreadable (${(e as Error).message}); the ${def.type} it made was found ${how} and is adopted (id ${def.idOf(found)}).`,
      );
      return { res: found, byName: r.by === "name" };
    }
    const why = lookup === undefined ? "" : ` (looking it up failed: ${(lookup as Error).message})`;
    if (r.by === "id" && attempt.id) {
      const msg = `. The ${def.type} may have been created${why}: it is recorded in the stack as ${attempt.id} (unconfirmed), and the next \`pulumi up\` finishes it with the same id, never a second one.`;
      throw handOver(note(e, msg), attempt.id, { __pending: { by: "id", token: attempt.token }, __managed: definedInputs(def, inputs) }, inputs);
    }
    if (r.by === "token") {
      const id = placeholderId(attempt.token);
      const msg =
        `. The ${def.type} may have been created${why}: it is recorded in the stack as ${id} until that is known. ` +
        `\`pulumi refresh\` adopts it if it exists (found by its create token); the next \`pulumi up\` replaces it instead, deleting the one this create made if it exists.`;
      throw handOver(note(e, msg), id, { __pending: { by: "token", token: attempt.token, ...(name ? { name } : {}) }, __managed: definedInputs(def, inputs) }, inputs);
    }
    if (conflict) throw e;
    // A re-run that meets the name taken adopts by name only what it can compare (see above).
    const writeOnly = writeOnlyEntries(def, inputs).size > 0;
    const then = writeOnly
      ? "if it exists by then, the re-run reports the name as taken and gives its id to adopt with the `import` resource option (its write-only values cannot be compared, so it is not adopted by name)."
      : "if it exists by then, it is adopted by its name.";
    throw note(
      e,
      lookup === undefined
        ? `. No ${what} named ${JSON.stringify(name)} exists so far, so the create has not taken effect (a request still in progress may yet complete): run \`pulumi up\` again; ${then}`
        : `. Whether the ${def.type} was created could not be checked${why}: run \`pulumi up\` again; ${then}`,
    );
  }

  /** A create confirmed (or adopted): write-only values re-sent where nothing proves the platform got them, then afterWrite. */
  async function completeCreate(c: Ctx, res: Wire, inputs: Props, byName: boolean): Promise<{ id: string; outs: Props }> {
    const id = def.idOf(res);
    const all = new Set(writeOnlyEntries(def, inputs).keys());
    if (byName && all.size) {
      const managed = definedInputs(def, inputs);
      const olds = toState(def, res, { managed });
      const patch = planUpdate(def, olds, { ...inputs, [CHANGED_KEY]: [...all] });
      // If this fails, nothing is recorded: the next run adopts the object again and sends them again.
      if (Object.keys(patch).length) res = (await def.api.update(c, id, patch, inputs, olds)) ?? res;
    }
    if (def.api.afterWrite) {
      try {
        res = (await def.api.afterWrite(c, id, inputs, res)) ?? res;
      } catch (e) {
        // The object exists: hand its id to the engine so it lands in state instead of leaking.
        const msg = ` (the ${def.type} was created with id ${id} and is kept in the stack; the next \`pulumi up\` finishes it)`;
        throw handOver(note(e, msg), id, settle(res, inputs, [], { sent: all }), inputs);
      }
    }
    return { id, outs: settle(res, inputs, definedInputs(def, inputs), { sent: all, c }) };
  }

  async function createWith(c: Ctx, inputs: Props, attempt: CreateAttempt): Promise<{ id: string; outs: Props }> {
    const body = planCreate(def, inputs);
    let res: Wire;
    let byName = false;
    try {
      res = await def.api.create(c, body, inputs, attempt);
    } catch (e) {
      ({ res, byName } = await recoverCreate(c, e, attempt, body, inputs));
    }
    return completeCreate(c, res, inputs, byName);
  }

  /** Reads an unconfirmed create: adopted when found (a refresh may change the id), gone when provably absent. */
  async function readPending(c: Ctx, id: string, props: Props, p: Pending) {
    const managed = managedOf(props);
    const found = p.by === "id" ? await def.api.read(c, id) : await def.recover!.find(c, { token: p.token ?? "" }, { name: p.name });
    if (!found) return { id: "", props: {} };
    const outs = toState(def, found, { managed });
    return { id: def.idOf(found), props: outs, inputs: readInputs(def, outs) };
  }

  /**
   * An update whose outcome is unknown: the object is read back. State records what it shows; an update
   * it does not show in full (or write-only values it cannot confirm) is an error carrying the live
   * state, so the engine records the truth and the next `up` sends what is missing.
   */
  async function settleUncertainUpdate(c: Ctx, e: unknown, id: string, olds: Props, news: Props, sent: ReadonlySet<string>): Promise<{ outs: Props }> {
    let live: Wire | undefined;
    try {
      live = await def.api.read(c, id);
    } catch (re) {
      throw note(e, `. Reading the ${def.type} back failed too (${(re as Error).message}): the stack keeps its previous state; run \`pulumi refresh\`, then \`pulumi up\`.`);
    }
    if (!live) throw note(e, `. The ${def.type} ${id} is gone now: run \`pulumi refresh\` to drop it from the stack.`);
    const managed = [...new Set([...(managedOf(olds) ?? []), ...definedInputs(def, news)])];
    // Write-only values the request carried may or may not have been applied: state forgets them and
    // lists their paths, so the next `up` sends them (and never claims either value).
    const unsent = [...sent].filter((p) => writeOnlyEntries(def, news).has(p));
    const outs = toState(def, live, { applied: news, prev: withoutWriteOnly(def, olds, unsent), managed, rewrites: rewritesOf(olds), sent: new Set() });
    if (unsent.length) outs.__unsent = unsent;
    const missing = changedFields(def, outs, news).map((x) => x.name);
    if (!missing.length) {
      c.warn(`the answer to the update was lost or unreadable (${(e as Error).message}); read back, the ${def.type} shows the whole update.`);
      return { outs };
    }
    const msg = `. Read back, the ${def.type} does not show all of the update (${missing.join(", ")}): the stack records what it shows, and the next \`pulumi up\` sends the rest.`;
    throw handOver(note(e, msg), id, outs, news);
  }

  const methods: Lifecycle = {
    async check(olds, news) {
      const r = check(def, olds, news);
      if (r.failures.length) return r;
      const inputs: Props = { ...news };
      delete inputs[CHANGED_KEY];
      delete inputs[IMPORT_KEY];
      const changed = changedWriteOnly(def, olds, news);
      if (changed.length) inputs[CHANGED_KEY] = changed;
      return { inputs, failures: [] };
    },

    async diff(_id, olds, news) {
      const p = pendingOf(olds);
      // An unconfirmed create: finished in place when its id is real, replaced when it is a placeholder.
      if (p) return { changes: true, replaces: p.by === "token" ? ["__pending"] : [], deleteBeforeReplace: false, stables: [] };
      return diff(def, olds, news);
    },

    async create(inputs) {
      return createWith(ctx("create", inputs), inputs, { token: randomUUID() });
    },

    async read(id, props = {}) {
      const c = ctx("read", props);
      const p = pendingOf(props);
      if (p) return readPending(c, id, props, p);
      const bad = def.validateId?.(id);
      if (bad) throw new Error(`${what}: cannot read "${id}": ${bad}`);
      const res = await def.api.read(c, id, props);
      if (!res) return { id: "", props: {} };
      const managed = managedOf(props);
      const importing = !managed && !inputFields(def).some(([n]) => props[n] !== undefined);
      const outs = toState(def, res, { prev: props, managed, rewrites: rewritesOf(props) });
      if (unsentOf(props).length) outs.__unsent = unsentOf(props);
      const inputs = readInputs(def, outs);
      // An import: the program's write-only values become the baseline (core/writeonly.ts).
      if (importing) inputs[IMPORT_KEY] = true;
      return { id: def.idOf(res) || id, props: outs, inputs };
    },

    async update(id, olds, news) {
      const c = ctx("update", news, olds);
      const p = pendingOf(olds);
      if (p?.by === "id") return { outs: (await createWith(c, news, { token: p.token ?? randomUUID(), id })).outs };
      if (p) throw new Error(`${what} ${id} is an unconfirmed create: run \`pulumi refresh\` to adopt it, or let \`pulumi up\` replace it.`);
      const sentW = new Set<string>();
      const body = planUpdate(def, olds, news, sentW);
      const sent = [...sentFields(def, body)].filter((n) => news[n] !== undefined);
      let res: Wire | undefined;
      try {
        res = Object.keys(body).length ? await def.api.update(c, id, body, news, olds) : undefined;
        if (def.api.afterWrite) res = (await def.api.afterWrite(c, id, news, res ?? {})) || res;
      } catch (e) {
        if (!mayHaveActed(e)) throw e;
        return settleUncertainUpdate(c, e, id, olds, news, sentW);
      }
      if (!res || !Object.keys(res).length) {
        res = await def.api.read(c, id);
        if (!res) throw new Error(`${what} ${id} disappeared during the update: run \`pulumi refresh\` to drop it from the stack`);
      }
      return { outs: settle(res, news, sent, { prev: olds, sent: sentW, c }) };
    },

    async delete(id, props) {
      const c = ctx("delete", props);
      const p = pendingOf(props);
      if (p?.by === "token") {
        // A placeholder: delete whatever this create made, if anything.
        const found = await def.recover!.find(c, { token: p.token ?? "" }, { name: p.name });
        if (found) await def.api.delete(c, def.idOf(found), toState(def, found, {}));
        return;
      }
      await def.api.delete(c, id, props);
    },
  };

  // No write-only value outside a secret output, whatever the server echoes where (state.ts `seal`);
  // the names of the inputs the program marked secret travel with the outputs, for refresh.
  const sealed = (v: Props, ...from: Props[]) => {
    const marked = [...new Set(from.flatMap(markedOf))];
    const out = seal(def, v, from.flatMap((i) => protectedValues(def, i)), marked);
    if (marked.length) out[MARKED_KEY] = markedOf(from[0]).length ? markedOf(from[0]) : marked;
    return out;
  };
  const sealError = (e: unknown, ...from: Props[]): never => {
    const err = e as Error & { properties?: Props };
    if (err?.properties) err.properties = sealed(err.properties, ...from);
    throw e;
  };
  return {
    ...methods,
    async create(inputs) {
      const r = await methods.create(inputs).catch((e) => sealError(e, inputs));
      return { ...r, outs: sealed(r.outs, inputs) };
    },
    async read(id, props = {}) {
      const r = await methods.read(id, props);
      return { ...r, props: sealed(r.props, props), ...(r.inputs ? { inputs: sealed(r.inputs, props) } : {}) };
    },
    async update(id, olds, news) {
      const r = await methods.update(id, olds, news).catch((e) => sealError(e, news, olds));
      return { outs: sealed(r.outs, news, olds) };
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

export { verifyAnswer };
