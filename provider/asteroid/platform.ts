/** Asteroid Agent Service v2: camelCase JSON, `X-Asteroid-Agents-Api-Key`, errors `{code, message}`. */
import { z } from "zod";
import { commonErrorMessage, type PlatformSpec } from "../http/client";
import { ApiError } from "../http/errors";
import { id, loose } from "../core/answers";
import type { Ctx, Recovery, Wire } from "../core/fields";
export { chars } from "../core/strings";

export const asteroid: PlatformSpec = {
  name: "asteroid",
  envPrefix: "ASTEROID",
  defaultBaseUrl: "https://odyssey.asteroid.ai/agents/v2",
  keyRequired: true,
  authHeaders: (key) => ({ "X-Asteroid-Agents-Api-Key": key }),
  errorMessage: commonErrorMessage,
  // The pool list (documented): every Asteroid v2 server has it.
  probe: { path: "/agent-profile-pools", query: { page: "1", pageSize: "1" } },
};

/** GET that reads 404 as "gone" and verifies any other answer against `schema`. */
export async function getOrGone(ctx: Ctx, path: string, schema: z.ZodType): Promise<Wire | undefined> {
  const res = await ctx.http.request("GET", path, { accept: [404], expect: schema });
  return res.status === 404 ? undefined : (res.body as Wire);
}

/** A name clash: 409, or a 400 whose message says the name exists (api/asteroid.md §1). */
export const isNameClash = (e: unknown): e is ApiError =>
  e instanceof ApiError && (e.status === 409 || (e.status === 400 && /exist|unique|taken|duplicate/i.test(e.serverMessage)));

/**
 * A create (POST) or update (PATCH) of a named object, its answer verified against `schema`. Names are
 * unique within an organization and a clash comes back as 400 or 409 (api/asteroid.md §1): when the
 * body sets a name, the error says what to do about it.
 */
export async function writeNamed(ctx: Ctx, method: "POST" | "PATCH", path: string, body: Wire, what: string, schema: z.ZodType): Promise<Wire> {
  try {
    return (await ctx.http.request(method, path, { body, expect: schema })).body as Wire;
  } catch (e) {
    if (isNameClash(e) && "name" in body) {
      e.message += ` (a ${what} named ${JSON.stringify(body.name)} probably exists already in this organization: ` +
        `choose another name, or adopt the existing one with the \`import\` resource option)`;
    }
    throw e;
  }
}

/** A v2 list page: `{items, page, pageSize, total}` (api/asteroid.md §1). */
const page = loose({ items: z.array(loose({ id, name: z.string() })), total: z.number().int().nonnegative() });
/** Items per list page asked for when looking an object up (the API's maximum is not documented). */
const PAGE_SIZE = 100;
/** Pages read at most when looking an object up by name. */
const MAX_PAGES = 50;

/**
 * Recovery by unique name: after an unconfirmed POST (or a name clash on a re-run), the object of
 * that name in the organization is read from the list and then in full. The core adopts it only
 * when every field sent matches, and sends its write-only values again.
 */
export function byName(listPath: string, getPath: (id: string) => string, schema: z.ZodType, query: (body: Wire) => Record<string, string>): Recovery {
  return {
    by: "name",
    isConflict: isNameClash,
    async find(ctx, _attempt, { body = {} }) {
      const name = body.name;
      if (typeof name !== "string") return undefined;
      for (let n = 1; n <= MAX_PAGES; n++) {
        const res = await ctx.http.request("GET", listPath, { query: { ...query(body), page: String(n), pageSize: String(PAGE_SIZE) }, expect: page });
        const { items, total } = res.body as { items: Wire[]; total: number };
        const hit = items.find((x) => x.name === name && (body.organizationId === undefined || x.organizationId === undefined || x.organizationId === body.organizationId));
        if (hit) return getOrGone(ctx, getPath(String(hit.id)), schema);
        if (!items.length || n * PAGE_SIZE >= total) return undefined;
      }
      throw new Error(`more than ${MAX_PAGES * PAGE_SIZE} objects to search through for the name ${JSON.stringify(name)}`);
    },
  };
}

/** DELETE where 404 means already gone; 405/501 mean the platform cannot delete it through the API. */
export async function deleteOrExplain(ctx: Ctx, path: string, what: string, id: string): Promise<void> {
  const res = await ctx.http.request("DELETE", path, { accept: [404, 405, 501] });
  if (res.status === 405 || res.status === 501) {
    throw new Error(
      `asteroid: DELETE ${path} is not supported by the server (${res.status}). Delete the ${what} ${id} by hand ` +
        `in the Asteroid console, then drop it from the stack with \`pulumi state delete <urn>\`.`,
    );
  }
}
