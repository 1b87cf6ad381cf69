/**
 * Field semantics, table-driven: every kind through every transition (unset -> set, set -> changed,
 * set -> removed, never set, reorder), checking the diff and the exact PATCH body the core derives.
 */
import { z } from "zod";
import { defineResource, f } from "../../provider/core/fields";
import { diff, planCreate, planUpdate } from "../../provider/core/plan";
import { readBack, readInputs, toState } from "../../provider/core/state";
import { check } from "../../provider/core/check";
import { UNKNOWN } from "../../provider/core/values";

const cred = z.object({ name: z.string().min(1), data: z.string().min(1) });
const cookie = z.object({ domain: z.string(), key: z.string(), value: z.string() });

export const thing = defineResource({
  platform: "test",
  type: "Thing",
  doc: "A synthetic resource holding one field of every kind.",
  uniqueName: "name",
  fields: {
    name: f.scalar(z.string().min(1).max(10), "name", { required: true }),
    note: f.scalar(z.string(), "clears with an empty string", { onRemove: { send: "" } }),
    emoji: f.scalar(z.string(), "clears with null", { onRemove: { send: null } }),
    prompt: f.text(z.string(), "multi-line", { wire: "system_prompt", onRemove: { send: "" } }),
    steps: f.list(z.array(z.string()), "ordered", { onRemove: { send: [] } }),
    tags: f.set(z.array(z.string()), "unordered", { onRemove: { send: [] } }),
    meta: f.map(z.record(z.string(), z.unknown()), "structural", { onRemove: { send: {} } }),
    region: f.forceNew(z.string(), "force-new"),
    model: f.scalar(z.string(), "only replacement clears it", { onRemove: { replace: true } }),
    handle: f.scalar(z.string(), "cannot be cleared", { onRemove: { reject: "handle cannot be cleared; set a value" } }),
    plan: f.scalar(z.string(), "no removal policy: left on the platform"),
    token: f.scalar(z.string(), "write-only", { secret: true, onRemove: { send: "" } }),
    proxy: f.object(z.object({ server: z.string(), password: z.string() }), "object with a write-only member", { secretMembers: ["password"] }),
    creds: f.keyed(z.array(cred), "keyed with update", {
      key: (i) => String(i.name).toUpperCase(), keyMembers: ["name"], keyLabel: "name (case-insensitive)", idField: "id", itemComputed: ["id"],
      add: "credsToAdd", remove: "credsToDelete", update: "credsToUpdate",
    }, { secretMembers: ["data"], onRemove: { send: [] }, normalize: (v) => (v as { name: string }[]).map((c) => ({ ...c, name: c.name.toUpperCase() })) }),
    cookies: f.keyed(z.array(cookie), "keyed without update", {
      key: (i) => `${i.domain} ${i.key}`, keyMembers: ["domain", "key"], keyLabel: "domain + key", idField: "id", itemComputed: ["id"], add: "cookiesToAdd", remove: "cookiesToDelete",
    }, { secretMembers: ["value"], onRemove: { send: [] } }),
    mode: f.scalar(z.enum(["a", "b"]), "selects which fields apply"),
    onlyB: f.scalar(z.string(), "applies only in mode b", { appliesWhen: (i) => i.mode === "b" }),
    llm: f.scalar(z.string(), "sent with its companions", { sendWith: ["window"] }),
    window: f.scalar(z.number().int().positive(), "companion of llm"),
    createdAt: f.computed("server-set"),
  },
  idOf: (b) => String(b.id),
  api: { create: async () => ({}), read: async () => undefined, update: async () => ({}), delete: async () => undefined },
});

type P = Record<string, unknown>;
/** Outputs as the core keeps them after an apply of `inputs` (server echo + managed list). */
const applied = (inputs: P, server: P = {}): P => ({ ...server, ...inputs, __managed: Object.keys(inputs) });

const base = { name: "t" };
const cases: [title: string, olds: P, news: P, body: P | "replace", replaces?: string[]][] = [
  ["scalar unset -> set", applied(base), { ...base, note: "hi" }, { note: "hi" }],
  ["scalar set -> changed", applied({ ...base, note: "hi" }), { ...base, note: "yo" }, { note: "yo" }],
  ["scalar removed, cleared with its sentinel", applied({ ...base, note: "hi" }), base, { note: "" }],
  ["scalar removed, null sentinel", applied({ ...base, emoji: "🤖" }), base, { emoji: null }],
  ["scalar never set: the server's value is left alone", applied(base, { note: "server default" }), base, {}],
  ["scalar removed but already at the sentinel: no call", { ...applied({ ...base, note: "x" }), note: "" }, base, {}],
  ["field without removal policy: left on the platform", applied({ ...base, plan: "pro" }), base, {}],
  ["text uses its wire name", applied(base), { ...base, prompt: "You are\nhelpful" }, { system_prompt: "You are\nhelpful" }],
  ["text: a trailing newline from a prompt file is no change", applied({ ...base, prompt: "You are\nhelpful" }), { ...base, prompt: "You are\nhelpful\n" }, {}],
  ["text: any other whitespace is a change", applied({ ...base, prompt: "You are\nhelpful" }), { ...base, prompt: "You are \nhelpful" }, { system_prompt: "You are \nhelpful" }],
  ["ordered list: reorder is a change, sent whole", applied({ ...base, steps: ["a", "b"] }), { ...base, steps: ["b", "a"] }, { steps: ["b", "a"] }],
  ["ordered list: removed -> []", applied({ ...base, steps: ["a"] }), base, { steps: [] }],
  ["set: reorder is no change", applied({ ...base, tags: ["x", "y"] }), { ...base, tags: ["y", "x"] }, {}],
  ["set: an added item sends the whole set", applied({ ...base, tags: ["x", "y"] }), { ...base, tags: ["y", "x", "z"] }, { tags: ["y", "x", "z"] }],
  ["map: key order is no change", applied({ ...base, meta: { a: 1, b: { c: 2 } } }), { ...base, meta: { b: { c: 2 }, a: 1 } }, {}],
  ["map: removed -> {}", applied({ ...base, meta: { a: 1 } }), base, { meta: {} }],
  ["force-new change replaces", applied({ ...base, region: "eu" }), { ...base, region: "us" }, "replace", ["region"]],
  ["unclearable field removed replaces", applied({ ...base, model: "m1" }), base, "replace", ["model"]],
  ["write-only: compared with the last applied value", applied({ ...base, token: "s1" }), { ...base, token: "s1" }, {}],
  ["write-only: rotated", applied({ ...base, token: "s1" }), { ...base, token: "s2" }, { token: "s2" }],
  ["object with secret member: password rotation sends the object whole", applied({ ...base, proxy: { server: "s", password: "p1" } }), { ...base, proxy: { server: "s", password: "p2" } }, { proxy: { server: "s", password: "p2" } }],
  ["keyed: reorder is no change", applied({ ...base, creds: [{ name: "A", data: "1", id: "i1" }, { name: "B", data: "2", id: "i2" }] }), { ...base, creds: [{ name: "B", data: "2" }, { name: "a", data: "1" }] }, {}],
  [
    "keyed: add, update and delete in one body",
    applied({ ...base, creds: [{ name: "A", data: "1", id: "i1" }, { name: "B", data: "2", id: "i2" }] }),
    { ...base, creds: [{ name: "a", data: "rotated" }, { name: "c", data: "3" }] },
    { credsToAdd: [{ name: "c", data: "3" }], credsToDelete: ["i2"], credsToUpdate: [{ name: "a", data: "rotated" }] },
  ],
  [
    "keyed without update: a changed item is a delete plus an add",
    applied({ ...base, cookies: [{ domain: "d", key: "k", value: "v1", id: "c1" }] }),
    { ...base, cookies: [{ domain: "d", key: "k", value: "v2" }] },
    { cookiesToAdd: [{ domain: "d", key: "k", value: "v2" }], cookiesToDelete: ["c1"] },
  ],
  ["keyed removed -> every item deleted", applied({ ...base, creds: [{ name: "A", data: "1", id: "i1" }] }), base, { credsToDelete: ["i1"] }],
  ["a field that does not apply in this mode is ignored", applied({ ...base, mode: "a", onlyB: "x" }), { ...base, mode: "a", onlyB: "y" }, {}],
  ["companions are sent along", applied({ ...base, llm: "m1", window: 8 }), { ...base, llm: "m2", window: 8 }, { llm: "m2", window: 8 }],
  ["computed fields never cause a diff", { ...applied(base), createdAt: "yesterday" }, base, {}],
  ["an unknown value counts as changed", applied({ ...base, note: "hi" }), { ...base, note: UNKNOWN }, { note: UNKNOWN }],
];

describe("diff and PATCH body per kind and transition", () => {
  // A plain loop: jest 30's test.each hangs formatting titles for rows like these.
  for (const [title, olds, news, body, replaces] of cases) test(title, () => {
    const d = diff(thing, olds, news);
    if (body === "replace") {
      expect(d.changes).toBe(true);
      expect(d.replaces).toEqual(replaces);
      return;
    }
    expect(d.replaces).toEqual([]);
    expect(d.changes).toBe(Object.keys(body).length > 0);
    expect(planUpdate(thing, olds, news)).toEqual(body);
  });
});

describe("replacement and names", () => {
  test("a replacement keeping the unique name deletes before it creates", () => {
    expect(diff(thing, applied({ name: "t", region: "eu" }), { name: "t", region: "us" }).deleteBeforeReplace).toBe(true);
  });
  test("a replacement that renames creates first", () => {
    expect(diff(thing, applied({ name: "t", region: "eu" }), { name: "u", region: "us" }).deleteBeforeReplace).toBe(false);
  });
  test("stables lists computed fields when nothing replaces", () => {
    expect(diff(thing, applied(base), { ...base, note: "x" }).stables).toContain("createdAt");
  });
});

describe("imported resources (no record of what the program set)", () => {
  const imported = { name: "t", note: "server", token: undefined, creds: [{ name: "A", id: "i1" }] };
  test("omitted fields are left alone and write-only values cannot be compared: no diff", () => {
    expect(diff(thing, imported, { name: "t", token: "s", creds: [{ name: "a", data: "x" }] }).changes).toBe(false);
  });
  test("read inputs of an import name every readable field but no secret", () => {
    expect(readInputs(thing, { ...imported, token: "s" })).toEqual({ name: "t", note: "server", creds: [{ name: "A", id: "i1" }] });
  });
});

describe("create body", () => {
  test("holds every field set, with wire names, and no provider-only or inapplicable field", () => {
    expect(planCreate(thing, { name: "t", prompt: "p", mode: "a", onlyB: "x" })).toEqual({ name: "t", system_prompt: "p", mode: "a" });
  });
});

describe("state and the read-back check", () => {
  test("write-only values come from what was applied, never from the server's echo", () => {
    const st = toState(thing, { name: "t", token: "masked", proxy: { server: "s" }, creds: [{ name: "A", data: "****", id: "i1" }] }, {
      applied: { name: "t", token: "s3cret", proxy: { server: "s", password: "pw" }, creds: [{ name: "a", data: "plain" }] },
      sent: new Set(["token", "proxy.password", "creds[A].data"]),
    });
    // The item keeps the program's spelling ("a") since the server's "A" is the same under the field's normalize.
    expect(st).toMatchObject({ token: "s3cret", proxy: { server: "s", password: "pw" }, creds: [{ name: "a", data: "plain", id: "i1" }] });
  });
  test("state records a write-only value only when the request carried it; otherwise it keeps the last one sent", () => {
    const applied = { name: "t", token: "new", proxy: { server: "s", password: "new-pw" }, creds: [{ name: "a", data: "new-data" }] };
    const prev = { name: "t", token: "old", creds: [{ name: "a", data: "old-data", id: "i1" }] };
    const server = { name: "t", proxy: { server: "s" }, creds: [{ name: "A", id: "i1" }] };
    const st = toState(thing, server, { applied, prev, sent: new Set() });
    expect(st).toMatchObject({ token: "old", creds: [{ name: "a", data: "old-data", id: "i1" }] });
    expect(st.proxy).toEqual({ server: "s" });
    expect(JSON.stringify(st)).not.toMatch(/new-pw|new-data|"new"/);
  });
  test("keyed items follow the program's order; items only on the server come last without secrets", () => {
    const st = toState(thing, { creds: [{ name: "Z", data: "x", id: "z" }, { name: "B", id: "b" }, { name: "A", id: "a" }] }, {
      prev: { creds: [{ name: "A", data: "1" }, { name: "B", data: "2" }] },
    });
    expect(st.creds).toEqual([{ name: "A", id: "a", data: "1" }, { name: "B", id: "b", data: "2" }, { name: "Z", id: "z" }]);
  });
  test("a rewrite by the server is reported by name and kept out of the next diff", () => {
    const news = { name: "t", note: "Hello" };
    const server = { name: "t", note: "hello" };
    const first = toState(thing, server, { applied: news, managed: ["name", "note"] });
    const { warnings, rewrites } = readBack(thing, ["name", "note"], news, first, server);
    expect(warnings).toEqual([expect.stringContaining('rewrote "note": sent "Hello", it kept "hello"')]);
    const st = toState(thing, server, { applied: news, managed: ["name", "note"], rewrites });
    expect(diff(thing, st, news).changes).toBe(false);
    // The next refresh reads the same server value: still no drift; a real edit is still drift.
    expect(diff(thing, toState(thing, server, { prev: st, managed: ["name", "note"], rewrites }), news).changes).toBe(false);
    expect(diff(thing, toState(thing, { ...server, note: "other" }, { prev: st, managed: ["name", "note"], rewrites }), news).changes).toBe(true);
  });
  test("a dropped field is reported without ever showing a secret member", () => {
    const news = { name: "t", proxy: { server: "s", password: "pw-value" } };
    const first = toState(thing, { name: "t" }, { applied: news, sent: new Set(["proxy.password"]) });
    const { warnings } = readBack(thing, ["proxy"], news, first, { name: "t" });
    expect(warnings).toEqual([expect.stringContaining('dropped "proxy"')]);
    expect(warnings.join()).not.toContain("pw-value");
  });
});

describe("check", () => {
  test("one failure per bad property, with the path as the user wrote it", () => {
    const r = check(thing, {}, { name: "", creds: [{ name: "ok", data: "x" }, { name: "", data: "y" }], window: -1 });
    expect(r.failures).toEqual([
      { property: "name", reason: "must not be empty" },
      { property: "creds[1].name", reason: "must not be empty" },
      { property: "window", reason: expect.stringMatching(/^must be (at least|greater than) 0/) },
    ]);
  });
  test("duplicate keys in a keyed list fail on the later item, naming the identity", () => {
    const r = check(thing, {}, { name: "t", creds: [{ name: "gh", data: "1" }, { name: "GH", data: "2" }] });
    expect(r.failures).toEqual([{ property: "creds[1]", reason: "duplicates creds[0]: items are identified by name (case-insensitive)" }]);
  });
  test("an unknown value passes check", () => {
    expect(check(thing, {}, { name: UNKNOWN, window: UNKNOWN }).failures).toEqual([]);
  });
  test("removing a field that cannot be cleared fails at check with the table's reason", () => {
    expect(check(thing, { name: "t", handle: "h" }, { name: "t" }).failures).toEqual([{ property: "handle", reason: "handle cannot be cleared; set a value" }]);
  });
  test("a bad write-only value is reported without echoing it", () => {
    const r = check(thing, {}, { name: "t", token: 12345 });
    expect(r.failures).toEqual([{ property: "token", reason: "must be a string, not number" }]);
  });
  test("check never calls the platform (the resource's api is not touched)", () => {
    const spy = jest.spyOn(thing.api, "read");
    check(thing, {}, { name: "t" });
    expect(spy).not.toHaveBeenCalled();
  });
});
