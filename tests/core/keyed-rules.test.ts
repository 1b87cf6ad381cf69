/**
 * Core additions for keyed collections and cross-field rules (asteroid.AgentProfile needed them):
 * - rules learn which inputs are set but not known yet (preview), so "not set" differs from "unknown";
 * - `keyed.keyPath` points a duplicate-key failure at the member (`creds[1].name`);
 * - an item the server holds in an equivalent form keeps the program's spelling in state;
 * - read's inputs for managed keyed fields come back in the program's shape (no server ids).
 */
import { z } from "zod";
import { check } from "../../provider/core/check";
import { defineResource, f } from "../../provider/core/fields";
import { diff } from "../../provider/core/plan";
import { readInputs, toState } from "../../provider/core/state";
import { CHANGED_KEY, changedWriteOnly } from "../../provider/core/writeonly";
import { UNKNOWN } from "../../provider/core/values";

type P = Record<string, unknown>;
const seen: { known: P; unknown: string[] }[] = [];

const def = defineResource({
  platform: "test",
  type: "Keyed",
  doc: "keyed collections and rules",
  fields: {
    mode: f.scalar(z.enum(["a", "b"]), "mode"),
    extra: f.scalar(z.string(), "only in mode b"),
    creds: f.keyed(z.array(z.object({ name: z.string().min(1), data: z.string().min(1) })), "credentials", {
      key: (i) => String(i.name).toUpperCase(), keyLabel: "name (case-insensitive)", keyPath: "name", idField: "id", itemComputed: ["id", "createdAt"],
      add: "add", remove: "remove", update: "update",
    }, { secretMembers: ["data"], normalize: (v: unknown) => (Array.isArray(v) ? v.map((c) => ({ ...c, name: String(c.name).toUpperCase() })) : v) }),
    cookies: f.keyed(z.array(z.object({ key: z.string(), at: z.string().optional(), value: z.string() })), "cookies", {
      key: (i) => String(i.key), keyLabel: "key", idField: "id", itemComputed: ["id"], add: "cookiesToAdd", remove: "cookiesToDelete",
    }, {
      secretMembers: ["value"],
      normalize: (v: unknown) => (Array.isArray(v) ? v.map((c) => (c.at ? { ...c, at: new Date(c.at).toISOString() } : c)) : v),
    }),
  },
  rules: (known, fail, unknown) => {
    seen.push({ known, unknown: [...unknown] });
    if (unknown.has("mode")) return;
    if (known.mode !== "b" && (known.extra !== undefined || unknown.has("extra"))) fail("extra", "only with mode b");
  },
  idOf: (b) => String(b.id),
  api: { create: async () => ({}), read: async () => undefined, update: async () => ({}), delete: async () => undefined },
});

describe("rules see which inputs are not known yet", () => {
  beforeEach(() => (seen.length = 0));
  test("a set-but-unknown input is named in `unknown`, never in the known inputs", () => {
    expect(check(def, {}, { mode: "a", extra: UNKNOWN, creds: [{ name: UNKNOWN, data: "x" }] }).failures).toEqual([{ property: "extra", reason: "only with mode b" }]);
    expect(seen).toEqual([{ known: { mode: "a" }, unknown: ["extra", "creds"] }]);
  });
  test("an unknown input that decides a rule lets it pass", () => {
    expect(check(def, {}, { mode: UNKNOWN, extra: "x" }).failures).toEqual([]);
  });
  test("a known violation still fails", () => {
    expect(check(def, {}, { extra: "x" }).failures).toEqual([{ property: "extra", reason: "only with mode b" }]);
  });
});

describe("keyed duplicates", () => {
  test("keyPath points the failure at the key member", () => {
    expect(check(def, {}, { creds: [{ name: "gh", data: "1" }, { name: "GH", data: "2" }] }).failures).toEqual([
      { property: "creds[1].name", reason: "duplicates creds[0].name: items are identified by name (case-insensitive)" },
    ]);
  });
  test("without keyPath the failure names the item", () => {
    expect(check(def, {}, { cookies: [{ key: "k", value: "1" }, { key: "k", value: "2" }] }).failures.map((x) => x.property)).toEqual(["cookies[1]"]);
  });
});

describe("keyed items in state keep the program's spelling when the server's form is equivalent", () => {
  const server = {
    creds: [{ id: "i1", name: "GITHUB_TOKEN", data: "****", createdAt: "t1" }, { id: "i2", name: "OTHER", createdAt: "t2" }],
    cookies: [{ id: "c1", key: "sid", at: "2030-01-01T00:00:00.000Z", value: "****" }],
  };
  const applied = { creds: [{ name: "github_token", data: "s1" }], cookies: [{ key: "sid", at: "2030-01-01T00:00:00Z", value: "v1" }] };

  test("a case-only or format-only difference keeps what was sent, plus the server's computed members", () => {
    const st = toState(def, server, { applied, managed: ["creds", "cookies"] });
    expect(st.creds).toEqual([{ name: "github_token", data: "s1", id: "i1", createdAt: "t1" }, { id: "i2", name: "OTHER", createdAt: "t2" }]);
    expect(st.cookies).toEqual([{ key: "sid", at: "2030-01-01T00:00:00Z", value: "v1", id: "c1" }]);
  });

  test("a real difference shows the server's value (drift stays visible)", () => {
    const st = toState(def, { ...server, cookies: [{ id: "c1", key: "sid", at: "2031-01-01T00:00:00.000Z" }] }, { applied, managed: ["cookies"] });
    expect(st.cookies).toEqual([{ id: "c1", key: "sid", at: "2031-01-01T00:00:00.000Z", value: "v1" }]);
    expect(diff(def, st, applied).changes).toBe(true);
  });

  test("read's inputs for managed keyed fields match the program: no server ids or timestamps", () => {
    const st = toState(def, server, { applied, managed: ["creds", "cookies"] });
    const again = toState(def, server, { prev: st, managed: ["creds", "cookies"] });
    expect(again).toEqual(st);
    expect(readInputs(def, again)).toEqual({
      creds: [{ name: "github_token", data: "s1" }, { name: "OTHER" }],
      cookies: applied.cookies,
    });
    // OTHER exists on the server without a value this provider sent; the program now gives it one,
    // which check marks as changed since the program's last run: it is sent.
    const news = { creds: [{ name: "github_token", data: "s1" }, { name: "OTHER", data: "x" }], cookies: applied.cookies };
    expect(diff(def, again, { ...news, [CHANGED_KEY]: changedWriteOnly(def, readInputs(def, again), news) }).changes).toBe(true);
  });
});

/**
 * The keyed-identity kind: a server that normalises an item's key (a cookie domain, a name's case,
 * anything) still has its item matched to the one sent; state keeps the server's id for it, in the
 * program's spelling, and a later change deletes by that id and adds in the same PATCH.
 */
describe("keyed items keep the server's identity when the server rewrites their key", () => {
  const tagged = defineResource({
    platform: "test",
    type: "Tags",
    doc: "a keyed list whose key the server rewrites",
    fields: {
      items: f.keyed(z.array(z.object({ host: z.string(), label: z.string(), token: z.string() })), "items", {
        key: (i) => `${i.host}`, keyMembers: ["host"], keyLabel: "host", idField: "id", itemComputed: ["id"], add: "itemsToAdd", remove: "itemsToDelete",
      }, { secretMembers: ["token"], onRemove: { send: [] } }),
    },
    idOf: (b) => String(b.id),
    api: { create: async () => ({}), read: async () => undefined, update: async () => ({}), delete: async () => undefined },
  });
  const sent = { items: [{ host: ".Example.COM", label: "main", token: "t1" }, { host: "other.net", label: "second", token: "t2" }] };
  // The server lowercases the host and drops its leading dot, and returns its own ids.
  const server = { items: [{ id: "s1", host: "example.com", label: "main" }, { id: "s2", host: "other.net", label: "second" }] };

  test("after the write, state holds each item in the program's spelling with the server's id", async () => {
    jest.spyOn(console, "warn").mockImplementation(() => undefined); // the read-back warning names the rewrite
    const { lifecycle } = await import("../../provider/core/lifecycle");
    const lc = lifecycle({ ...tagged, api: { ...tagged.api, create: async () => ({ id: "x", ...server }) } }, () => ({ request: async () => ({ status: 200, body: {} }) }) as never);
    const { outs } = await lc.create(sent);
    expect(outs.items).toEqual([{ host: ".Example.COM", label: "main", token: "t1", id: "s1" }, { host: "other.net", label: "second", token: "t2", id: "s2" }]);
    // No drift: the rendering is remembered (a fingerprint, no values), on a write and on a refresh.
    expect(diff(tagged, outs, sent).changes).toBe(false);
    const refreshed = toState(tagged, server, { prev: outs, managed: ["items"], rewrites: outs.__rewrites as Record<string, string> });
    expect(refreshed.items).toEqual(outs.items);
    expect(JSON.stringify(outs.__rewrites)).not.toMatch(/t1|t2|example/i);
  });

  test("a later change of that item deletes it by its server id and adds it again in one PATCH", async () => {
    const { planUpdate } = await import("../../provider/core/plan");
    const olds = { items: [{ host: ".Example.COM", label: "main", token: "t1", id: "s1" }, { host: "other.net", label: "second", token: "t2", id: "s2" }], __managed: ["items"] };
    const news = { items: [{ host: ".Example.COM", label: "main", token: "t1-rotated" }, sent.items[1]] };
    expect(planUpdate(tagged, olds, news)).toEqual({ itemsToAdd: [news.items[0]], itemsToDelete: ["s1"] });
  });

  test("an item whose server id state lacks is not deleted by null: the error says to refresh", async () => {
    const { planUpdate } = await import("../../provider/core/plan");
    const olds = { items: [{ host: ".Example.COM", label: "main", token: "t1" }], __managed: ["items"] };
    expect(() => planUpdate(tagged, olds, { items: [] })).toThrow(/does not hold its server id.*pulumi refresh/);
  });

  test("two items that fit the same server item are not guessed: the server's values show", () => {
    const two = { items: [{ host: "a.Example.com", label: "same", token: "1" }, { host: "b.Example.com", label: "same", token: "2" }] };
    const st = toState(tagged, { items: [{ id: "s9", host: "c.example.com", label: "same" }] }, { applied: two });
    expect(st.items).toEqual([{ id: "s9", host: "c.example.com", label: "same" }]);
  });
});
