/**
 * Asteroid Agent Service v2 (seed 004 and api/asteroid.md): `X-Asteroid-Agents-Api-Key` auth,
 * `{code, message}` errors, names unique per organization (409), 404 for unknown ids.
 */
import { randomUUID } from "node:crypto";
import type { EmuRequest, EmuResponse, Handler, PlatformContext, PlatformModule } from "./server";
import { profileRoutes } from "./asteroid-profiles";

export const err = (code: number, message: string): EmuResponse => ({ status: code, body: { code, message } });
export const isUuid = (v: unknown) => typeof v === "string" && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
const STRATEGIES = ["least_recently_used", "most_recently_used"];
/** The request properties the seed lists (create) and the documented PATCH accepts; anything else is a 400. */
const POOL_CREATE = ["name", "organizationId", "allowConcurrentUse", "selectionStrategy"];
const POOL_UPDATE = ["name", "allowConcurrentUse", "selectionStrategy"];

/** A strict server: the first property the schema does not list, as a 400 reason. */
export const unknownProperty = (b: Record<string, unknown>, allowed: string[], where = ""): string | undefined => {
  const k = Object.keys(b).find((x) => !allowed.includes(x));
  return k === undefined ? undefined : `unknown property ${where}${k}`;
};

/** The first problem with a pool body, or undefined. `create` requires name and organizationId. */
function poolProblem(b: Record<string, unknown>, create: boolean): string | undefined {
  if (create || "name" in b) {
    if (typeof b.name !== "string" || b.name.length < 1 || [...b.name].length > 255) return "name must be a string of 1-255 characters";
  }
  if (create && !isUuid(b.organizationId)) return "organizationId must be a uuid";
  if (!create && "organizationId" in b) return "organizationId cannot be updated";
  const unknown = unknownProperty(b, create ? POOL_CREATE : POOL_UPDATE);
  if (unknown) return unknown;
  if ("allowConcurrentUse" in b && typeof b.allowConcurrentUse !== "boolean") return "allowConcurrentUse must be a boolean";
  if ("selectionStrategy" in b && !STRATEGIES.includes(b.selectionStrategy as string)) return `selectionStrategy must be one of ${STRATEGIES.join(", ")}`;
  return undefined;
}

const pools = (c: PlatformContext) => c.store.collection("pools");
const nameTaken = (c: PlatformContext, org: unknown, name: unknown, except?: string) =>
  [...pools(c).values()].some((p) => p.organizationId === org && p.name === name && p.id !== except);

const poolRoutes: [string, string, Handler][] = [
  ["POST", "/agent-profile-pools", (req, c) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const bad = poolProblem(b, true);
    if (bad) return err(400, bad);
    if (nameTaken(c, b.organizationId, b.name)) return err(409, `an agent profile pool named ${b.name} already exists in this organization`);
    const now = c.now();
    const pool = {
      id: randomUUID(), name: b.name, organizationId: b.organizationId,
      allowConcurrentUse: b.allowConcurrentUse ?? false, selectionStrategy: b.selectionStrategy ?? "least_recently_used",
      createdAt: now, updatedAt: now,
    };
    pools(c).set(pool.id, pool);
    return { status: 201, body: pool };
  }],
  ["GET", "/agent-profile-pools", (req, c) => {
    // api/asteroid.md §3: organizationId, page, pageSize, searchName (partial match), sortField, sortDirection.
    const q = req.query;
    const org = q.get("organizationId");
    const search = q.get("searchName")?.toLowerCase();
    const page = Number(q.get("page") ?? 1);
    const pageSize = Number(q.get("pageSize") ?? 50);
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(pageSize) || pageSize < 1) return err(400, "page and pageSize must be positive integers");
    const field = ({ name: "name", created_at: "createdAt", updated_at: "updatedAt" } as Record<string, string>)[q.get("sortField") ?? "created_at"];
    if (!field) return err(400, "sortField must be one of name, created_at, updated_at");
    const dir = q.get("sortDirection") ?? "desc";
    if (dir !== "asc" && dir !== "desc") return err(400, "sortDirection must be asc or desc");
    const all = [...pools(c).values()]
      .map((p, i) => [p, i] as const)
      .filter(([p]) => (!org || p.organizationId === org) && (!search || String(p.name).toLowerCase().includes(search)))
      .sort(([a, i], [b, j]) => String(a[field]).localeCompare(String(b[field])) || i - j)
      .map(([p]) => p);
    if (dir === "desc") all.reverse();
    return { status: 200, body: { items: all.slice((page - 1) * pageSize, page * pageSize), page, pageSize, total: all.length } };
  }],
  ["GET", "/agent-profile-pools/:id", (req, c) => {
    const p = pools(c).get(req.params.id);
    return p ? { status: 200, body: p } : err(404, "agent profile pool not found");
  }],
  ["PATCH", "/agent-profile-pools/:id", (req, c) => {
    const p = pools(c).get(req.params.id);
    if (!p) return err(404, "agent profile pool not found");
    const b = (req.body ?? {}) as Record<string, unknown>;
    const bad = poolProblem(b, false);
    if (bad) return err(400, bad);
    if ("name" in b && nameTaken(c, p.organizationId, b.name, String(p.id))) return err(409, `an agent profile pool named ${b.name} already exists in this organization`);
    for (const k of ["name", "allowConcurrentUse", "selectionStrategy"]) if (k in b) p[k] = b[k];
    p.updatedAt = c.now();
    return { status: 200, body: p };
  }],
  ["DELETE", "/agent-profile-pools/:id", (req, c) =>
    pools(c).delete(req.params.id) ? { status: 204 } : err(404, "agent profile pool not found")],
];

export const asteroidModule: PlatformModule = {
  name: "asteroid",
  defaultKey: "asteroid-test-key",
  auth: (req: EmuRequest, key) =>
    key && req.headers["x-asteroid-agents-api-key"] !== key ? err(401, "Unauthorized: missing or invalid X-Asteroid-Agents-Api-Key") : undefined,
  routes: [...poolRoutes, ...profileRoutes],
  collections: ["pools", "profiles"],
};
