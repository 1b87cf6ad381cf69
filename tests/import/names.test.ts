/** Resource names, variable names and config keys of an imported program: readable, unique, stable. */
import { configKey, identifiers, resourceNames, slug } from "../../provider/import/names";
import { globMatcher, literalHint, parseIdRef } from "../../provider/import/options";

test.each([
  ["Checkout pool", "checkout-pool"],
  ["Café — Support 2", "cafe-support-2"],
  ["Käufe 🛒", "kaufe"],
  ["Straße & Søren", "strasse-soren"],
  ["Müller's agent", "muller-s-agent"],
  ["客服助手", ""],
  ["  ", ""],
  ["a".repeat(30) + " " + "b".repeat(30), "a".repeat(30)],
])("slug(%j) is %j", (name, expected) => {
  expect(slug(name)).toBe(expected);
});

const pool = (id: string, objectName: string) => ({ token: "asteroid:AgentProfilePool", id, objectName });
const agent = (platform: string, id: string, objectName: string) => ({ token: `${platform}:Agent`, id, objectName });

describe("resourceNames", () => {
  const fleet = [
    agent("everruns", "agent_0193aaaa000070008000000000a1b2c3", "Support"),
    agent("everruns", "agent_0193aaaa000070008000000000d4e5f6", "Support"),
    agent("letta", "agent-3c90c3cc-0d44-4b50-8888-8dd25736052a", "客服助手"),
    agent("letta", "agent-4c90c3cc-0d44-4b50-8888-8dd25736052b", "Research"),
    agent("odeus", "550e8400-e29b-41d4-a716-446655440000", "Research"),
    pool("7d1e4b9a-2c3f-4e5d-9a8b-1c2d3e4f5a6b", "Checkout pool"),
  ];

  test("duplicates of one type get id tails (UUIDv7 ids: the random end, not the clock), of different types the type", () => {
    expect(resourceNames(fleet)).toEqual(["support-a1b2c3", "support-d4e5f6", "letta-agent", "research-letta", "research-odeus", "checkout-pool"]);
  });

  test("the names do not depend on the order the list API returned the objects in", () => {
    const names = new Map(fleet.map((x, i) => [x.id, resourceNames(fleet)[i]]));
    for (const shuffled of [[...fleet].reverse(), [fleet[3], fleet[0], fleet[5], fleet[1], fleet[4], fleet[2]]]) {
      const again = resourceNames(shuffled);
      shuffled.forEach((x, i) => expect(again[i]).toBe(names.get(x.id)));
    }
  });

  test("ids that end alike get longer tails; a suffixed name meeting another object's own name gets a counter", () => {
    const same = [agent("letta", "agent-00000000-0000-4000-8000-0000001a2b3c", "x"), agent("letta", "agent-00000000-0000-4000-8000-0000011a2b3c", "x")];
    expect(resourceNames(same)).toEqual(["x-001a2b3c", "x-011a2b3c"]);
    const clash = [pool("00000000-0000-4000-8000-000000abcdef", "a"), pool("00000000-0000-4000-8000-000000fedcba", "a"), pool("00000000-0000-4000-8000-000000111111", "a-abcdef")];
    expect(resourceNames(clash)).toEqual(["a-abcdef-2", "a-fedcba", "a-abcdef"]);
  });

  test("every name fits the manifest's name pattern and a file name", () => {
    for (const n of resourceNames(fleet)) expect(n).toMatch(/^[a-z0-9][a-z0-9-]*$/);
  });
});

test("identifiers: camelCase, never a keyword or a name the program itself uses, never starting with a digit, unique", () => {
  expect(identifiers(["checkout-pool", "3d-printer", "delete", "config", "a-1", "a1", "letta-agent"])).toEqual([
    "checkoutPool", "_3dPrinter", "_delete", "_config", "a1", "a1_2", "lettaAgent",
  ]);
});

test("configKey: shell-safe parts joined with -, unique within a program", () => {
  const taken = new Set<string>();
  expect(configKey("checkout-bot", ["cookies", ".Example.com/sid"], taken)).toBe("checkout-bot-cookies-Example-com-sid");
  expect(configKey("checkout-bot", ["cookies", "example.com/sid"], taken)).toBe("checkout-bot-cookies-example-com-sid");
  expect(configKey("checkout-bot", ["cookies", "example com/sid"], taken)).toBe("checkout-bot-cookies-example-com-sid-2");
});

test("ids: the platform from a prefix or from the id's own shape", () => {
  expect(parseIdRef("agent_0193aaaa000070008000000000a1b2c3", "--id")).toMatchObject({ platform: "everruns" });
  expect(parseIdRef("agent-3c90c3cc-0d44-4b50-8888-8dd25736052a", "--id")).toMatchObject({ platform: "letta" });
  expect(parseIdRef(" ODEUS:550e8400-e29b-41d4-a716-446655440000 ", "--id")).toEqual({ platform: "odeus", id: "550e8400-e29b-41d4-a716-446655440000", from: "--id" });
  expect(parseIdRef("550e8400-e29b-41d4-a716-446655440000", "--id").platform).toBeUndefined();
  expect(() => parseIdRef("slack:123", "ids.txt:4")).toThrow('ids.txt:4: unknown platform "slack"');
});

test("globs: * and ? over whole names, case-sensitive, other characters literal; the longest literal part is the server-side hint", () => {
  const m = globMatcher("Support (v?)*");
  expect(m("Support (v2) — EU")).toBe(true);
  expect(m("support (v2)")).toBe(false);
  expect(m("Support v2")).toBe(false);
  expect(globMatcher("客服*")("客服助手")).toBe(true);
  expect(literalHint("*prod-support?*")).toBe("prod-support");
  expect(literalHint("*")).toBe("");
});
