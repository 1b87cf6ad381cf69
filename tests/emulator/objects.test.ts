/**
 * The emulator's stored-object controls (`/_emulator/objects/<platform>/<collection>[/<id>]`): a name
 * that is not a platform or one of its collections is a 404 naming the known ones, not an empty list.
 */
import { modules, startAll, type Emulator } from "../../emulator";

let emu: Emulator;
beforeAll(async () => (emu = await startAll()));
afterAll(() => emu.close());

async function get(path: string): Promise<{ status: number; type: string | null; body: unknown }> {
  const res = await fetch(`${emu.url}/_emulator/objects/${path}`);
  return { status: res.status, type: res.headers.get("content-type"), body: await res.json() };
}

describe("unknown names are a 404 naming the known ones", () => {
  test.each([
    ["a mistyped collection (asteroid/pool)", "asteroid/pool", 'unknown collection "pool" of asteroid (collections: pools, profiles)'],
    ["an unknown platform (nope/pools)", "nope/pools", 'unknown platform "nope" (platforms: everruns, asteroid, odeus, letta)'],
    ["an object of a mistyped collection", "letta/agent/agent-1", 'unknown collection "agent" of letta (collections: agents, tools, blocks, sources, identities)'],
    ["an object of an unknown platform", "openai/agents/x", 'unknown platform "openai" (platforms: everruns, asteroid, odeus, letta)'],
    ["a collection the store keeps for itself (everruns/controls)", "everruns/controls", 'unknown collection "controls" of everruns (collections: agents)'],
  ])("%s", async (_what, path, error) => {
    const r = await get(path);
    expect(r.status).toBe(404);
    expect(r.type).toBe("application/json");
    expect(r.body).toEqual({ error });
  });

  test("an unknown object of a known collection is still a 404", async () => {
    expect(await get("odeus/agents/nope")).toMatchObject({ status: 404, body: { error: "no odeus/agents/nope" } });
  });
});

test("every known collection, empty at start, answers []", async () => {
  const all = modules.flatMap((m) => m.collections.map((c) => `${m.name}/${c}`));
  expect(all).toEqual(expect.arrayContaining(["asteroid/pools", "asteroid/profiles", "everruns/agents", "odeus/agents", "odeus/published", "letta/agents", "letta/tools"]));
  for (const path of all) expect(await get(path)).toMatchObject({ status: 200, body: [] });
});
