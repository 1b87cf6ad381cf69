/**
 * Discovery: what an account holds, through each platform's list API, with the same client as the
 * provider (auth, timeouts, retries, rate limits, redacted errors).
 *
 * - Asteroid pools: `GET /agent-profile-pools` (api/asteroid.md §3, documented), paged with `page` and
 *   `pageSize` (default 50, the maximum is not documented), `searchName` for a partial name match.
 * - Asteroid profiles: `GET /agent-profiles` with the same paging: **inferred** (api/asteroid.md §2.4,
 *   mirroring the pool list), like every profile call but the PATCH.
 * - Everruns agents: `GET /v1/agents` (api/everruns.md), `{data}` holding only *active* agents; the
 *   version the provider follows has no paging, later ones are expected to page with `offset`/`limit`,
 *   which are sent and followed when a full page comes back. Archived agents cannot be listed.
 * - Letta agents: `GET /v1/agents/` (api/letta.md §4), a plain array paged with `limit` and an `after`
 *   cursor, `order=asc`; `query_text` narrows by name, `tags` by tag; hidden agents are not listed.
 * - Odeus: no list API (api/odeus.md): agents are named by id.
 */
import type { PlatformClient } from "../http/client";
import { isObject } from "../core/values";
import { globMatcher, literalHint, type Platform } from "./options";

type Wire = Record<string, unknown>;

/** An object found on a platform, before it is read the way an import reads it. */
export interface Found {
  /** Resource type token, `asteroid:AgentProfilePool`; for an Asteroid id, the types to try in order. */
  tokens: string[];
  id: string;
  /** Where it came from, for messages: `asteroid list` or `--id`. */
  from: string;
  /** Found by a list call (so it may vanish before it is read), rather than named by id. */
  listed: boolean;
  /** Letta: the names of the agent's secrets (their values are dropped as soon as they are seen). */
  secretKeys?: string[];
}

export interface Filters {
  names: string[];
  tags: string[];
}

/** Progress on stderr: what a long discovery is doing. */
export type Progress = (line: string) => void;

export const TOKENS: Record<Platform, string[]> = {
  asteroid: ["asteroid:AgentProfile", "asteroid:AgentProfilePool"],
  everruns: ["everruns:Agent"],
  letta: ["letta:Agent"],
  odeus: ["odeus:Agent"],
};

const str = (v: unknown) => (typeof v === "string" ? v : "");
const tagsOf = (v: unknown): string[] => (Array.isArray(v) ? v.filter((t): t is string => typeof t === "string") : []);

/** Whether an object passes the name and tag filters (names: any glob; tags: any tag). */
export function matches(f: Filters, name: string, tags: string[] | undefined): boolean {
  if (f.names.length && !f.names.some((g) => globMatcher(g)(name))) return false;
  if (f.tags.length && !f.tags.some((t) => tags?.includes(t))) return false;
  return true;
}

/** A single glob's literal part, sent as a server-side search; the glob itself is applied here. */
const hint = (f: Filters): string | undefined => (f.names.length === 1 && literalHint(f.names[0]) ? literalHint(f.names[0]) : undefined);

/** The keys of a Letta secrets answer: a list of `{key, value}` or a map. Values are never kept. */
export function secretKeysOf(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter(isObject).map((x) => str(x.key)).filter(Boolean).sort();
  if (isObject(v)) return Object.keys(v).sort();
  return [];
}

/** Asteroid's `{items, page, pageSize, total}` pages, until every item is read. */
async function asteroidPages(client: PlatformClient, path: string, query: Record<string, string | undefined>, label: string, progress: Progress): Promise<Wire[]> {
  const PAGE_SIZE = 50;
  const out: Wire[] = [];
  const seen = new Set<string>();
  for (let page = 1; ; page++) {
    const res = await client.request("GET", path, { query: { ...query, page: String(page), pageSize: String(PAGE_SIZE) } });
    const body = isObject(res.body) ? res.body : {};
    const items = Array.isArray(body.items) ? body.items.filter(isObject) : [];
    const fresh = items.filter((x) => !seen.has(str(x.id)));
    for (const x of fresh) seen.add(str(x.id));
    out.push(...fresh);
    const total = typeof body.total === "number" ? body.total : undefined;
    progress(`asteroid: ${label}: page ${page}, ${out.length}${total === undefined ? "" : ` of ${total}`}`);
    // A server that ignored `page` would repeat itself: nothing new also ends the listing.
    if (!fresh.length || items.length < PAGE_SIZE || (total !== undefined && out.length >= total)) return out;
  }
}

async function listAsteroid(client: PlatformClient, f: Filters, progress: Progress): Promise<Found[]> {
  if (f.tags.length) progress("asteroid: pools and profiles have no tags, so --tag leaves none of them");
  // Pools: oldest first, so objects created while listing land on later pages instead of shifting them.
  const pools = await asteroidPages(client, "/agent-profile-pools", { searchName: hint(f), sortField: "created_at", sortDirection: "asc" }, "pools", progress);
  const profiles = await asteroidPages(client, "/agent-profiles", {}, "profiles", progress);
  const keep = (xs: Wire[], token: string) => xs.filter((x) => matches(f, str(x.name), undefined)).map((x): Found => ({ tokens: [token], id: str(x.id), from: "asteroid list", listed: true }));
  const out = [...keep(pools, "asteroid:AgentProfilePool"), ...keep(profiles, "asteroid:AgentProfile")];
  progress(`asteroid: ${pools.length} pools and ${profiles.length} profiles listed, ${out.length} match`);
  return out;
}

async function listEverruns(client: PlatformClient, f: Filters, progress: Progress): Promise<Found[]> {
  const LIMIT = 100;
  const agents: Wire[] = [];
  const seen = new Set<string>();
  for (let page = 1; ; page++) {
    const res = await client.request("GET", "/v1/agents", { query: { search: hint(f), limit: String(LIMIT), offset: String(agents.length) } });
    const body = isObject(res.body) ? res.body : {};
    const data = Array.isArray(body.data) ? body.data.filter(isObject) : [];
    const fresh = data.filter((x) => !seen.has(str(x.id)));
    for (const x of fresh) seen.add(str(x.id));
    agents.push(...fresh);
    progress(`everruns: agents: page ${page}, ${agents.length}`);
    // The server the provider follows does not page (it answers everything, whatever the limit).
    if (data.length !== LIMIT || !fresh.length) break;
  }
  const out = agents
    .filter((a) => a.status === undefined || a.status === "active")
    .filter((a) => matches(f, str(a.name), tagsOf(a.tags)))
    .map((a): Found => ({ tokens: ["everruns:Agent"], id: str(a.id), from: "everruns list", listed: true }));
  progress(`everruns: ${agents.length} active agents listed, ${out.length} match (archived agents are not listed)`);
  return out;
}

async function listLetta(client: PlatformClient, f: Filters, progress: Progress): Promise<Found[]> {
  const LIMIT = 50;
  const agents: Wire[] = [];
  let after: string | undefined;
  for (let page = 1; ; page++) {
    const res = await client.request("GET", "/v1/agents/", {
      query: {
        limit: String(LIMIT),
        order: "asc",
        after,
        query_text: hint(f),
        tags: f.tags.length ? f.tags : undefined,
        // Tags for the filter; secrets only for their names (the values are dropped below).
        include: ["agent.tags", "agent.secrets"],
      },
    });
    const items = Array.isArray(res.body) ? res.body.filter(isObject) : [];
    for (const a of items) agents.push({ id: a.id, name: a.name, tags: a.tags, secretKeys: secretKeysOf(a.secrets ?? a.tool_exec_environment_variables) });
    progress(`letta: agents: page ${page}, ${agents.length}`);
    const last = str(items[items.length - 1]?.id);
    if (items.length < LIMIT || !last || last === after) break;
    after = last;
  }
  const out = agents
    .filter((a) => matches(f, str(a.name), tagsOf(a.tags)))
    .map((a): Found => ({ tokens: ["letta:Agent"], id: str(a.id), from: "letta list", listed: true, secretKeys: a.secretKeys as string[] }));
  progress(`letta: ${agents.length} agents listed, ${out.length} match (hidden agents are not listed)`);
  return out;
}

export const listers: Partial<Record<Platform, (client: PlatformClient, f: Filters, progress: Progress) => Promise<Found[]>>> = {
  asteroid: listAsteroid,
  everruns: listEverruns,
  letta: listLetta,
};

/** Letta: the names of one agent's secrets (for an agent named by id rather than listed). */
export async function lettaSecretKeys(client: PlatformClient, id: string): Promise<string[]> {
  const res = await client.request("GET", `/v1/agents/${encodeURIComponent(id)}`, { query: { include: ["agent.secrets"] }, accept: [404] });
  if (res.status === 404 || !isObject(res.body)) return [];
  return secretKeysOf(res.body.secrets ?? res.body.tool_exec_environment_variables);
}

/** Everruns: one agent as GET answers it, archived or not (undefined: it does not exist). */
export async function everrunsAgent(client: PlatformClient, id: string): Promise<Wire | undefined> {
  const res = await client.request("GET", `/v1/agents/${encodeURIComponent(id)}`, { accept: [404] });
  return res.status === 404 || !isObject(res.body) ? undefined : res.body;
}
