/**
 * Listing against servers that page differently from the emulator: an Everruns version that pages with
 * `offset`/`limit` (api/everruns.md expects it of later versions), and servers that ignore the paging
 * parameters and answer everything every time. Every object is found once, and listing ends.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { listers } from "../../provider/import/discover";
import { PlatformClient } from "../../provider/http/client";
import { platforms } from "../../provider/registry";

let server: http.Server;
let base: string;
let handler: (url: URL) => unknown;
const seen: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    seen.push(`${url.pathname}${url.search}`);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(handler(url)));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections(); // the client keeps connections alive
  return new Promise((r) => server.close(r));
});
beforeEach(() => (seen.length = 0));

const client = (p: string) => new PlatformClient(platforms[p], { apiKey: "k", baseUrl: base });
const agents = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `agent_${i.toString(16).padStart(32, "0")}`, name: `a${i}`, status: "active" }));
const none = { names: [], tags: [] };

test("Everruns that pages with offset/limit: every page is read until a short one", async () => {
  const all = agents(230);
  handler = (u) => ({ data: all.slice(Number(u.searchParams.get("offset")), Number(u.searchParams.get("offset")) + Number(u.searchParams.get("limit"))) });
  const found = await listers.everruns!(client("everruns"), none, () => undefined);
  expect(found.map((f) => f.id)).toEqual(all.map((a) => a.id));
  expect(seen).toEqual(["/v1/agents?limit=100&offset=0", "/v1/agents?limit=100&offset=100", "/v1/agents?limit=100&offset=200"]);
});

test("Everruns that ignores paging and has exactly a page's worth: the repeat ends the listing", async () => {
  const all = agents(100);
  handler = () => ({ data: all });
  expect(await listers.everruns!(client("everruns"), none, () => undefined)).toHaveLength(100);
  expect(seen).toHaveLength(2);
});

test("Asteroid that ignores `page`: a page with nothing new ends the listing", async () => {
  const pools = Array.from({ length: 50 }, (_, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, name: `p${i}` }));
  handler = (u) => (u.pathname === "/agent-profile-pools" ? { items: pools } : { items: [] });
  const lines: string[] = [];
  const found = await listers.asteroid!(client("asteroid"), none, (l) => lines.push(l));
  expect(found).toHaveLength(50);
  expect(lines).toContain("asteroid: pools: page 2, 50");
});

test("Letta: pages follow the `after` cursor, oldest first, with the name hint and tag filter sent to the server", async () => {
  const all = Array.from({ length: 120 }, (_, i) => ({ id: `agent-00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, name: `bot ${i}`, tags: ["prod"] }));
  handler = (u) => {
    const after = u.searchParams.get("after");
    const from = after ? all.findIndex((a) => a.id === after) + 1 : 0;
    return all.slice(from, from + Number(u.searchParams.get("limit")));
  };
  const found = await listers.letta!(client("letta"), { names: ["bot *"], tags: ["prod"] }, () => undefined);
  expect(found).toHaveLength(120);
  expect(seen).toHaveLength(3);
  const first = new URL(seen[0], "http://x").searchParams;
  expect(Object.fromEntries(["limit", "order", "query_text", "tags"].map((k) => [k, first.get(k)]))).toEqual({ limit: "50", order: "asc", query_text: "bot ", tags: "prod" });
  expect(first.getAll("include")).toEqual(["agent.tags", "agent.secrets"]);
  expect(new URL(seen[2], "http://x").searchParams.get("after")).toBe(all[99].id);
});
