/**
 * Letta (api/letta.md §1-2): `Authorization: Bearer <key>`, Letta Cloud unless a base URL is set,
 * no key needed for a self-hosted server without a password, FastAPI `{detail}` errors whose 422
 * `detail` is a string (the server's Python repr) or, as the OpenAPI document claims, an array.
 */
import { commonErrorMessage, type PlatformSpec } from "../http/client";
import { isObject } from "../core/values";

/** The message of a FastAPI error body: `{detail: "..."}` or `{detail: [{loc, msg, type}, ...]}`. */
export function lettaErrorMessage(body: unknown): string | undefined {
  if (!isObject(body)) return commonErrorMessage(body);
  const d = body.detail;
  if (typeof d === "string" && d) return d;
  if (Array.isArray(d)) {
    const parts = d.map((e) => {
      if (!isObject(e)) return String(e);
      const loc = Array.isArray(e.loc) ? e.loc.filter((l) => l !== "body").join(".") : "";
      const msg = typeof e.msg === "string" ? e.msg : JSON.stringify(e);
      return loc ? `${loc}: ${msg}` : msg;
    });
    if (parts.length) return parts.join("; ").slice(0, 500);
  }
  return commonErrorMessage(body);
}

export const letta: PlatformSpec = {
  name: "letta",
  envPrefix: "LETTA",
  defaultBaseUrl: "https://api.letta.com",
  keyRequired: false,
  authHeaders: (key) => ({ Authorization: `Bearer ${key}` }),
  errorMessage: lettaErrorMessage,
  probe: { path: "/v1/agents/", query: { limit: "1" } },
};

/* ---------- casing: camelCase in the program, snake_case on the wire ---------- */

export const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
export const camel = (k: string): string => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * Renames the keys of an object with `fn`; `deep` recurses into nested objects and lists except
 * under the keys in `opaque` (user data such as a JSON schema, whose keys are kept as written).
 */
export function renameKeys(v: unknown, fn: (k: string) => string, deep = false, opaque: string[] = []): unknown {
  if (Array.isArray(v)) return deep ? v.map((x) => renameKeys(x, fn, deep, opaque)) : v;
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const keep = opaque.includes(k) || opaque.includes(camel(k));
    out[fn(k)] = deep && !keep ? renameKeys(x, fn, deep, opaque) : x;
  }
  return out;
}

/** The same for each item of a list (top-level keys of each item only). */
export const renameItems = (v: unknown, fn: (k: string) => string): unknown =>
  Array.isArray(v) ? v.map((x) => renameKeys(x, fn)) : v;

/** Drops `null` members (the server's "not set"), so a read-back compares with what was sent. */
export function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = dropNulls(x);
  return out;
}
