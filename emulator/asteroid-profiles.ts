/**
 * Asteroid agent profiles (seed 000; create, get, list and delete as inferred in api/asteroid.md §2.4).
 *
 * Quirks copied from the spec:
 * - credential names are stored uppercased; `credentialsToUpdate` matches them case-insensitively;
 * - `cookiesToDelete` / `credentialsToDelete` take ids; an unknown id (or update name) is a 404;
 * - deltas apply in the order delete, update, add; adding a credential name that exists is a 400;
 * - write-only values are stored but never returned: credential `data` and cookie `value` come back
 *   masked, `customProxy` comes back without its password;
 * - `organizationId` and `stickyIP` are not accepted by the PATCH (400);
 * - names are unique per organization: a clash is a 400 (the PATCH documents no 409; v1 create
 *   documented "profile name already exists" as a 400);
 * - cookie `expiry` is stored as an ISO instant (the server may rewrite the format);
 * - a cookie `domain` with a leading dot is stored without it, as browsers store it (RFC 6265 §5.2.3:
 *   ".example.com" is "example.com"): the server normalises an item's identity;
 * - switching `proxyMode` keeps the other mode's fields (nothing in the PATCH can clear them).
 *
 * Stored objects (collection `profiles`) keep the secrets, so tests can check what reached the server.
 */
import { randomUUID } from "node:crypto";
import { err, isUuid, unknownProperty } from "./asteroid";
import type { EmuResponse, Handler, PlatformContext } from "./server";

type Obj = Record<string, unknown>;
const MASK = "********";
const OS = ["macos", "windows"];
const MODES = ["none", "managed", "custom", "gateway"];
const TYPES = ["basic", "residential", "mobile"];
const CCS = ["us", "uk", "fr", "it", "jp", "au", "de", "fi", "ca"];
const SAME_SITE = ["Strict", "Lax", "None"];
const BOOLS = [
  "captchaSolverActive", "extraStealth", "cachePersistence", "adblockActive", "popupBlockerActive",
  "forcePopupsAsTabsActive", "mediaBlockerActive", "pdfViewerActive", "tracingEnabled",
];
const SCALARS = ["name", "description", "operatingSystem", "proxyMode", "proxyType", "proxyCC", "proxyGatewayPresetId", "inboxEmailPrefix", ...BOOLS];
/** The properties of seed 000's request schemas; a strict server answers 400 to anything else. */
const DELTAS = ["cookiesToAdd", "cookiesToDelete", "credentialsToAdd", "credentialsToDelete", "credentialsToUpdate"];
const UPDATE_KEYS = [...SCALARS, "customProxy", ...DELTAS];
const CREATE_KEYS = [...SCALARS, "customProxy", "organizationId", "stickyIP", "credentials", "cookies"];
const CREDENTIAL_KEYS = ["name", "data", "id", "createdAt"];
const CREDENTIAL_UPDATE_KEYS = ["name", "data"];
const COOKIE_KEYS = ["name", "key", "value", "domain", "secure", "sameSite", "httpOnly", "expiry", "id", "createdAt"];
const PROXY_KEYS = ["server", "username", "password"];

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown) => typeof v === "string" && v.length > 0;
const profiles = (c: PlatformContext) => c.store.collection("profiles");

function credentialProblem(c: unknown, where: string, keys = CREDENTIAL_KEYS): string | undefined {
  if (!isObj(c)) return `${where} must be an object`;
  const unknown = unknownProperty(c, keys, `${where}.`);
  if (unknown) return unknown;
  if (!str(c.name)) return `${where}.name must be a non-empty string`;
  if (!str(c.data)) return `${where}.data must be a non-empty string`;
  return undefined;
}

function cookieProblem(c: unknown, where: string): string | undefined {
  if (!isObj(c)) return `${where} must be an object`;
  const unknown = unknownProperty(c, COOKIE_KEYS, `${where}.`);
  if (unknown) return unknown;
  for (const k of ["name", "key", "value", "domain"]) if (!str(c[k])) return `${where}.${k} must be a non-empty string`;
  for (const k of ["secure", "httpOnly"]) if (typeof c[k] !== "boolean") return `${where}.${k} must be a boolean`;
  if (!SAME_SITE.includes(c.sameSite as string)) return `${where}.sameSite must be one of ${SAME_SITE.join(", ")}`;
  if (c.expiry !== undefined && (typeof c.expiry !== "string" || Number.isNaN(Date.parse(c.expiry)))) return `${where}.expiry must be a date-time`;
  return undefined;
}

const listProblem = (v: unknown, where: string, each: (x: unknown, w: string) => string | undefined) =>
  v === undefined ? undefined : !Array.isArray(v) ? `${where} must be an array` : v.map((x, i) => each(x, `${where}[${i}]`)).find(Boolean);

/** The first problem with a profile body, or undefined. */
function profileProblem(b: Obj, create: boolean): string | undefined {
  if (create || "name" in b) {
    if (typeof b.name !== "string" || b.name.length < 1 || [...b.name].length > 255) return "name must be a string of 1-255 characters";
  }
  if (create && !isUuid(b.organizationId)) return "organizationId must be a uuid";
  if (!create) for (const k of ["organizationId", "stickyIP", "credentials", "cookies"]) if (k in b) return `${k} cannot be updated`;
  const unknown = unknownProperty(b, create ? CREATE_KEYS : UPDATE_KEYS);
  if (unknown) return unknown;
  if ("description" in b && (typeof b.description !== "string" || [...b.description].length > 1000)) return "description must be a string of at most 1000 characters";
  if ("operatingSystem" in b && !OS.includes(b.operatingSystem as string)) return `operatingSystem must be one of ${OS.join(", ")}`;
  if ("proxyMode" in b && !MODES.includes(b.proxyMode as string)) return `proxyMode must be one of ${MODES.join(", ")}`;
  if ("proxyType" in b && !TYPES.includes(b.proxyType as string)) return `proxyType must be one of ${TYPES.join(", ")}`;
  if ("proxyCC" in b && !CCS.includes(b.proxyCC as string)) return `proxyCC must be one of ${CCS.join(", ")}`;
  if ("proxyGatewayPresetId" in b && !isUuid(b.proxyGatewayPresetId)) return "proxyGatewayPresetId must be a uuid";
  if ("inboxEmailPrefix" in b && typeof b.inboxEmailPrefix !== "string") return "inboxEmailPrefix must be a string";
  for (const k of [...BOOLS, ...(create ? ["stickyIP"] : [])]) if (k in b && typeof b[k] !== "boolean") return `${k} must be a boolean`;
  if ("customProxy" in b) {
    const p = b.customProxy;
    if (!isObj(p)) return "customProxy must be an object";
    const extra = unknownProperty(p, PROXY_KEYS, "customProxy.");
    if (extra) return extra;
    for (const k of ["server", "username", "password"]) if (!str(p[k])) return `customProxy.${k} must be a non-empty string`;
  }
  return (
    listProblem(b.credentials, "credentials", credentialProblem) ??
    listProblem(b.cookies, "cookies", cookieProblem) ??
    listProblem(b.credentialsToAdd, "credentialsToAdd", credentialProblem) ??
    listProblem(b.credentialsToUpdate, "credentialsToUpdate", (x, w) => credentialProblem(x, w, CREDENTIAL_UPDATE_KEYS)) ??
    listProblem(b.cookiesToAdd, "cookiesToAdd", cookieProblem) ??
    listProblem(b.credentialsToDelete, "credentialsToDelete", (x, w) => (isUuid(x) ? undefined : `${w} must be a uuid`)) ??
    listProblem(b.cookiesToDelete, "cookiesToDelete", (x, w) => (isUuid(x) ? undefined : `${w} must be a uuid`))
  );
}

const newCredential = (c: Obj, now: string): Obj => ({ id: randomUUID(), name: String(c.name).toUpperCase(), data: c.data, createdAt: now });
const newCookie = (c: Obj, now: string): Obj => {
  const out: Obj = { id: randomUUID() };
  for (const k of ["name", "key", "value", "domain", "secure", "sameSite", "httpOnly"]) out[k] = c[k];
  out.domain = String(c.domain).replace(/^\./, "");
  if (c.expiry !== undefined) out.expiry = new Date(String(c.expiry)).toISOString();
  out.createdAt = now;
  return out;
};

const nameTaken = (c: PlatformContext, org: unknown, name: unknown, except?: string) =>
  [...profiles(c).values()].some((p) => p.organizationId === org && p.name === name && p.id !== except);
const clash = (name: unknown) => err(400, `an agent profile named ${name} already exists in this organization`);

/** A credential name added twice (or added while it exists) is rejected. */
function duplicateCredential(existing: Obj[], added: Obj[]): string | undefined {
  const seen = new Set(existing.map((c) => String(c.name).toUpperCase()));
  for (const c of added) {
    const n = String(c.name).toUpperCase();
    if (seen.has(n)) return n;
    seen.add(n);
  }
  return undefined;
}

/** What the API returns: secrets masked or left out, the inbox address resolved. */
function view(p: Obj): Obj {
  const out: Obj = { ...p };
  out.credentials = ((p.credentials as Obj[]) ?? []).map((c) => ({ ...c, data: MASK }));
  out.cookies = ((p.cookies as Obj[]) ?? []).map((c) => ({ ...c, value: MASK }));
  if (isObj(p.customProxy)) out.customProxy = { server: p.customProxy.server, username: p.customProxy.username };
  out.inboxEmail = `${p.inboxEmailPrefix ?? String(p.id).slice(0, 8)}@agentmail.asteroid.ai`;
  return out;
}

const notFound = (): EmuResponse => err(404, "agent profile not found");

export const profileRoutes: [string, string, Handler][] = [
  ["POST", "/agent-profiles", (req, c) => {
    const b = (isObj(req.body) ? req.body : {}) as Obj;
    const bad = profileProblem(b, true);
    if (bad) return err(400, bad);
    if (nameTaken(c, b.organizationId, b.name)) return clash(b.name);
    const dup = duplicateCredential([], ((b.credentials as Obj[]) ?? []));
    if (dup) return err(400, `credential ${dup} is given twice`);
    const now = c.now();
    const p: Obj = {
      id: randomUUID(), organizationId: b.organizationId, name: b.name, description: b.description ?? "",
      proxyMode: b.proxyMode ?? "none", stickyIP: b.stickyIP ?? false,
    };
    for (const k of BOOLS) p[k] = b[k] ?? false;
    for (const k of ["operatingSystem", "proxyType", "proxyCC", "proxyGatewayPresetId", "inboxEmailPrefix"]) if (b[k] !== undefined) p[k] = b[k];
    if (isObj(b.customProxy)) p.customProxy = { ...b.customProxy };
    p.credentials = ((b.credentials as Obj[]) ?? []).map((x) => newCredential(x, now));
    p.cookies = ((b.cookies as Obj[]) ?? []).map((x) => newCookie(x, now));
    p.createdAt = now;
    p.updatedAt = now;
    profiles(c).set(String(p.id), p);
    return { status: 201, body: view(p) };
  }],
  ["GET", "/agent-profiles", (req, c) => {
    const org = req.query.get("organizationId");
    const page = Number(req.query.get("page") ?? 1);
    const pageSize = Number(req.query.get("pageSize") ?? 50);
    const all = [...profiles(c).values()].filter((p) => !org || p.organizationId === org);
    return { status: 200, body: { items: all.slice((page - 1) * pageSize, page * pageSize).map(view), page, pageSize, total: all.length } };
  }],
  ["GET", "/agent-profiles/:id", (req, c) => {
    const p = profiles(c).get(req.params.id);
    return p ? { status: 200, body: view(p) } : notFound();
  }],
  ["PATCH", "/agent-profiles/:id", (req, c) => {
    const p = profiles(c).get(req.params.id);
    if (!p) return notFound();
    const b = (isObj(req.body) ? req.body : {}) as Obj;
    const bad = profileProblem(b, false);
    if (bad) return err(400, bad);
    if ("name" in b && nameTaken(c, p.organizationId, b.name, String(p.id))) return clash(b.name);
    // Work on copies so a failing delta leaves the profile untouched.
    let creds = ((p.credentials as Obj[]) ?? []).map((x) => ({ ...x }));
    let cookies = ((p.cookies as Obj[]) ?? []).map((x) => ({ ...x }));
    for (const id of (b.credentialsToDelete as string[]) ?? []) {
      if (!creds.some((x) => x.id === id)) return err(404, `credential ${id} not found in this profile`);
      creds = creds.filter((x) => x.id !== id);
    }
    for (const id of (b.cookiesToDelete as string[]) ?? []) {
      if (!cookies.some((x) => x.id === id)) return err(404, `cookie ${id} not found in this profile`);
      cookies = cookies.filter((x) => x.id !== id);
    }
    for (const u of (b.credentialsToUpdate as Obj[]) ?? []) {
      const hit = creds.find((x) => String(x.name) === String(u.name).toUpperCase());
      if (!hit) return err(404, `credential ${String(u.name).toUpperCase()} not found in this profile`);
      hit.data = u.data;
    }
    const dup = duplicateCredential(creds, (b.credentialsToAdd as Obj[]) ?? []);
    if (dup) return err(400, `credential ${dup} already exists in this profile`);
    const now = c.now();
    creds.push(...((b.credentialsToAdd as Obj[]) ?? []).map((x) => newCredential(x, now)));
    cookies.push(...((b.cookiesToAdd as Obj[]) ?? []).map((x) => newCookie(x, now)));
    for (const k of SCALARS) if (k in b) p[k] = b[k];
    if ("customProxy" in b) p.customProxy = { ...(b.customProxy as Obj) };
    p.credentials = creds;
    p.cookies = cookies;
    p.updatedAt = now;
    return { status: 200, body: view(p) };
  }],
  ["DELETE", "/agent-profiles/:id", (req, c) => (profiles(c).delete(req.params.id) ? { status: 204 } : notFound())],
];
