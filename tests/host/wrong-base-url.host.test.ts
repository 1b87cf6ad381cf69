/**
 * A base URL that is not the platform's API (its path missing or wrong) answers 404 to everything.
 * A 404 must then not count as "gone": a refresh would forget every object and a destroy would report
 * success while deleting nothing. Each resource, through the real host: the refresh and the destroy
 * fail naming the base URL and the setting, state keeps the object, and the object still exists.
 */
import { Host, Stack } from "./engine";
import { world, type World } from "./fixture";

const ORG = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const CASES: [token: string, platform: string, collection: string, inputs: Record<string, unknown>][] = [
  ["asteroid:AgentProfilePool", "asteroid", "pools", { name: "wrong-url-pool", organizationId: ORG }],
  ["asteroid:AgentProfile", "asteroid", "profiles", { name: "wrong-url-profile", organizationId: ORG, credentials: [{ name: "K", data: "wrong-url-secret" }] }],
  ["everruns:Agent", "everruns", "agents", { name: "wrong-url", systemPrompt: "You help." }],
  ["letta:Agent", "letta", "agents", { name: "wrong-url", model: "openai/gpt-4o-mini" }],
  ["odeus:Agent", "odeus", "agents", { name: "wrong-url", instruction: "You help." }],
];

let w: World;
beforeAll(async () => (w = await world()));
afterAll(() => w.close());

describe.each(CASES)("%s with a base URL that is not the API", (token, platform, collection, inputs) => {
  test.each([
    ["the server's root (the platform's path missing)", "root"],
    ["a wrong path", "wrong"],
  ])("%s: refresh and destroy fail and state keeps the object", async (_what, kind) => {
    const made = await w.stack.up(token, "obj", inputs);
    const base = w.config[`${platform}:baseUrl`]!;
    const badUrl = kind === "root" ? w.emu.url : `${base}/v9`;
    const bad = new Stack(await Host.start({ ...w.config, [`${platform}:baseUrl`]: badUrl }));
    try {
      bad.state.set(made.urn, w.stack.state.get(made.urn)!);
      await w.ctl.clear();
      const r = (await bad.refresh(token, "obj").catch((e) => e)) as Error;
      expect(r).toBeInstanceOf(Error);
      expect(r.message).toContain(`does not look like the ${platform} API`);
      expect(r.message).toContain(`Check ${platform}:baseUrl`);
      expect(r.message).not.toContain("wrong-url-secret");
      expect(bad.get(token, "obj")?.id).toBe(made.state.id);
      const d = (await bad.destroy(token, "obj").catch((e) => e)) as Error;
      expect(d).toBeInstanceOf(Error);
      expect(d.message).toContain(`does not look like the ${platform} API`);
      expect(bad.get(token, "obj")?.id).toBe(made.state.id);
      // The object is still there (a DELETE sent to the wrong path deleted nothing).
      const live = await w.ctl.list(platform, collection);
      expect(live.some((o) => JSON.stringify(o).includes(made.state.id))).toBe(true);
    } finally {
      await bad.stop();
      await w.stack.destroy(token, "obj");
    }
  });
});

describe.each(CASES)("%s created against a base URL with a wrong path", (token, platform, _collection, inputs) => {
  test("the create fails naming the base URL, not the object (no 'may have been created', no unknown ids), and nothing is recorded", async () => {
    const bad = new Stack(await Host.start({ ...w.config, [`${platform}:baseUrl`]: `${w.config[`${platform}:baseUrl`]}/v9` }));
    try {
      const e = (await bad.up(token, "new", inputs).catch((x) => x)) as Error;
      expect(e).toBeInstanceOf(Error);
      expect(e.message).toContain(`answered 404, but the base URL`);
      expect(e.message).toContain(`does not look like the ${platform} API`);
      expect(e.message).not.toMatch(/may have (been )?created|an id in the request is not known/);
      expect(e.message).not.toContain("wrong-url-secret");
      expect(bad.get(token, "new")).toBeUndefined();
    } finally {
      await bad.stop();
    }
  });
});

test("with the right base URL, a 404 still means gone, after one look at the API per account", async () => {
  const made = await w.stack.up("everruns:Agent", "gone", { name: "gone", systemPrompt: "You help." });
  await w.ctl.remove("everruns", "agents", made.state.id);
  await w.ctl.clear();
  const r = await w.stack.refresh("everruns:Agent", "gone");
  expect(r.gone).toBe(true);
  const gets = (await w.ctl.requests("everruns")).map((q) => `${q.method} ${q.path}`);
  // The read, and the list that shows the base URL is the API (once per account and process).
  expect(gets).toEqual([`GET /v1/agents/${made.state.id}`, "GET /v1/agents"]);
});
