/**
 * The field table: every resource is declared once, as a map from input name to a field spec.
 * The kind of a field decides how it is validated, compared, sent and read back; resource files
 * hold no diff logic of their own.
 */
import type { z } from "zod";
import type { RequestOptions, Response } from "../http/client";

/**
 * - `scalar`: a single value, sent when changed.
 * - `text`: a multi-line string (prompts); compared exactly except for one trailing newline.
 * - `list`: an ordered list, sent whole when anything in it changed.
 * - `set`: a list whose order does not matter (tags, ids); reordering is no change; sent whole.
 * - `object`: a nested object sent whole when any part changed (may hold write-only parts).
 * - `map`: a free-form object compared structurally and sent whole.
 * - `keyed`: a list of items with an identity, reconciled into add / delete / update deltas.
 * - `computed`: set by the server; read back, never compared, never sent.
 */
export type Kind = "scalar" | "text" | "list" | "set" | "object" | "map" | "keyed" | "computed";

/** What happens on the platform when the program stops setting a field it set before. */
export type RemovePolicy =
  /** Send this value: the platform's clearing sentinel (`null`, `""`, `[]`, `{}`) or its documented default. */
  | { send: unknown }
  /** Nothing clears it in place: the resource is replaced. */
  | { replace: true }
  /** Nothing clears it and replacing would be wrong: fail at check time with this reason. */
  | { reject: string };

/** Keyed collections (Asteroid cookies and credentials): desired list reconciled by key into deltas. */
export interface KeyedSpec {
  /** The identity of an item; two items with the same key are rejected at check. */
  key: (item: Record<string, unknown>) => string;
  /**
   * The members the identity is made of. A server that rewrites them (a cookie domain `.example.com`
   * stored as `example.com`) is still matched to the item sent, by the item's other members.
   */
  keyMembers?: string[];
  /** How a person reads the key in a check failure, e.g. "domain + key". */
  keyLabel: string;
  /** The item member a duplicate-key failure points at (`credentials[2].name`); default: the item. */
  keyPath?: string;
  /** The server id of an item in the response. */
  idField: string;
  /** Response-only item members (ids, timestamps): kept in outputs, never compared. */
  itemComputed: string[];
  /** Wire field names of the deltas. Without `update`, a changed item is deleted and added again. */
  add: string;
  remove: string;
  update?: string;
  /** The body of an update delta for a changed item (default: the item as sent). */
  toUpdate?: (item: Record<string, unknown>) => unknown;
}

export interface FieldSpec {
  kind: Kind;
  /** TSDoc for the input, taken from the seed's description. */
  doc: string;
  /** zod schema of the input value (on a computed field, optional: it only types the output). */
  schema?: z.ZodType;
  required?: boolean;
  /** Request property name when it differs from the input name. */
  wire?: string;
  /** Response property name, or a function reading the value out of the response body. */
  read?: string | ((body: Record<string, unknown>) => unknown);
  /** Input value -> request value. */
  toWire?: (v: unknown) => unknown;
  /** Response value -> input shape. */
  fromWire?: (v: unknown, body: Record<string, unknown>) => unknown;
  /** Canonical form used only for comparison (case, defaults, missing members). */
  normalize?: (v: unknown) => unknown;
  /** Cannot be changed in place: a change replaces the resource. */
  forceNew?: boolean;
  /** Sent at create only and not readable afterwards: outputs keep what was sent; a change replaces. */
  createOnly?: boolean;
  /** Never read back from the server, never logged; compared with the last applied value. */
  secret?: boolean;
  /** Write-only members inside an object field or inside each item of a list/keyed field. */
  secretMembers?: string[];
  /** A provider setting that is never sent to the platform (e.g. whether to publish). */
  providerOnly?: boolean;
  /** Removal from the program: how the platform is brought back to "unset". Default: nothing is sent. */
  onRemove?: RemovePolicy;
  /** The field only means something in some configurations (e.g. proxy mode); elsewhere it is ignored. */
  appliesWhen?: (inputs: Record<string, unknown>) => boolean;
  /** Sibling fields (that the program set) sent along whenever this field is sent. */
  sendWith?: string[];
  /**
   * The server answers with a fuller object than it was sent (its defaults filled in): only the
   * members the program set are compared (nested objects likewise); the rest never shows as drift.
   */
  partial?: boolean;
  keyed?: KeyedSpec;
  /**
   * The identity of an item of a `list` or `set` field (a Letta memory block by its `label`), so a
   * review pairs an edited item with its old self. Only reports read it: the list is still sent whole.
   */
  identity?: Pick<KeyedSpec, "key" | "keyLabel">;
}

export interface CtxRequestOptions extends RequestOptions {
  /** The schema a 2xx answer must fit (see core/answers.ts); an answer that does not is an error, never success. */
  expect?: z.ZodType;
}

export interface Ctx {
  /** The platform client, redacting the write-only values in play from every error. */
  http: { request(method: string, path: string, o?: CtxRequestOptions): Promise<Response> };
  /** Reports a message to the person running pulumi (never a secret). */
  warn(message: string): void;
}

export type Wire = Record<string, unknown>;

/** One create call: what the platform may tag the object with, so it can be found again. */
export interface CreateAttempt {
  /** A random token for this create (Letta keeps it in a reserved metadata key). */
  readonly token: string;
  /** The id chosen by the client before the call, where the client picks ids (Everruns). */
  id?: string;
}

/**
 * How the object an unconfirmed create made is found again (the connection dropped, a 5xx, an
 * unreadable answer): the rule each platform's page documents.
 */
export interface Recovery {
  /**
   * - `id`: the id was chosen before the call; an unconfirmed create is recorded under it and the
   *   next `up` finishes it with the same id (an idempotent upsert).
   * - `token`: the object carries this create's token; finding it proves it is ours. When it cannot be
   *   found, a placeholder is recorded: the next `up` replaces it, deleting whatever the token finds.
   * - `name`: a name unique on the platform; the object found by name is adopted only when every field
   *   sent matches, and its write-only values are sent again (nothing proves who made it).
   */
  by: "id" | "token" | "name";
  /**
   * The object the create made, or undefined when it provably does not exist; throws when it cannot
   * tell. `hint.body` is the create body when called right after the create; later (reading or deleting
   * an unconfirmed create) only the name sent is known.
   */
  find(ctx: Ctx, attempt: CreateAttempt, hint: { body?: Wire; name?: string }): Promise<Wire | undefined>;
  /** An error of create that means "it exists already" (a unique-name clash on a re-run). */
  isConflict?(e: unknown): boolean;
}

/** The calls a resource makes; each path lives here and nowhere else. */
export interface ResourceApi {
  create(ctx: Ctx, body: Wire, inputs: Record<string, unknown>, attempt: CreateAttempt): Promise<Wire>;
  /**
   * Returns undefined when the object is gone (404 and the platform's documented equivalents, nothing
   * else). `props` are the outputs in state (empty on import; undefined when re-reading right after a write).
   */
  read(ctx: Ctx, id: string, props?: Record<string, unknown>): Promise<Wire | undefined>;
  /** `olds` are the outputs in state before the update (e.g. server-attached ids to keep). */
  update(ctx: Ctx, id: string, body: Wire, inputs: Record<string, unknown>, olds?: Record<string, unknown>): Promise<Wire>;
  delete(ctx: Ctx, id: string, props: Record<string, unknown>): Promise<void>;
  /** Runs after a successful create or update (e.g. publishing a draft); may return a fresher body. */
  afterWrite?(ctx: Ctx, id: string, inputs: Record<string, unknown>, body: Wire): Promise<Wire | void>;
}

export interface ResourceDef {
  platform: string;
  /** Type name within the platform namespace, e.g. "AgentProfilePool". */
  type: string;
  doc: string;
  fields: Record<string, FieldSpec>;
  /**
   * Cross-field rules, run at check after every field is valid on its own. `inputs` holds only known
   * values; `unknown` names the inputs that are set but not known yet (preview), so a rule can tell
   * "not set" from "not known" and let the latter pass.
   */
  rules?: (inputs: Record<string, unknown>, fail: (path: string, reason: string) => void, unknown: ReadonlySet<string>) => void;
  /** A name unique on the platform: a replacement that keeps it must delete before it creates. */
  uniqueName?: string;
  /** The id of the object in a response body. */
  idOf: (body: Wire) => string;
  /** How an unconfirmed create is recovered; without it (Odeus) the create's error says what to do. */
  recover?: Recovery;
  /** Checks an id given to `import`; returns the reason it is wrong. */
  validateId?: (id: string) => string | undefined;
  api: ResourceApi;
}

/** A resource table whose field types are kept (so the resource class is typed from it). */
export type TypedDef<F extends Record<string, FieldSpec>> = Omit<ResourceDef, "fields"> & { fields: F };

export function defineResource<F extends Record<string, FieldSpec>>(def: TypedDef<F>): TypedDef<F> {
  for (const [name, f] of Object.entries(def.fields)) {
    if (f.kind !== "computed" && !f.schema) throw new Error(`${def.type}.${name}: an input field needs a schema`);
    if (f.kind === "keyed" && !f.keyed) throw new Error(`${def.type}.${name}: a keyed field needs its keyed spec`);
  }
  return def;
}

/** Field-spec builders: one line per field in a resource table. They keep the zod type, so the
 *  resource class's args and outputs are typed from the table. */
type Opts<R extends boolean> = Omit<FieldSpec, "kind" | "schema" | "doc" | "required"> & { required?: R };
type Built<K extends Kind, S, R extends boolean> = FieldSpec & { kind: K; schema: S } & (true extends R ? { required: true } : {});
const build =
  <K extends Kind>(kind: K, extra: Partial<FieldSpec> = {}) =>
  <S extends z.ZodType, R extends boolean = false>(schema: S, doc: string, o?: Opts<R>): Built<K, S, R> =>
    ({ kind, schema, doc, ...extra, ...o }) as Built<K, S, R>;
export const f = {
  scalar: build("scalar"),
  text: build("text"),
  list: build("list"),
  set: build("set"),
  object: build("object"),
  map: build("map"),
  forceNew: build("scalar", { forceNew: true }),
  keyed: <S extends z.ZodType, R extends boolean = false>(schema: S, doc: string, keyed: KeyedSpec, o?: Opts<R>) =>
    ({ kind: "keyed", schema, doc, keyed, ...o }) as Built<"keyed", S, R>,
  computed: (doc: string, o?: Opts<false>) => ({ kind: "computed", doc, ...o }) as FieldSpec & { kind: "computed" },
};

/** The request property name of a field. */
export const wireName = (name: string, spec: FieldSpec): string => spec.wire ?? name;

/** Whether a top-level output holds write-only material (and so must be a secret output). */
export const holdsSecret = (spec: FieldSpec): boolean => !!spec.secret || (spec.secretMembers?.length ?? 0) > 0;

/** Input fields a user can set (everything but computed). */
export const inputFields = (def: ResourceDef): [string, FieldSpec][] =>
  Object.entries(def.fields).filter(([, s]) => s.kind !== "computed");
