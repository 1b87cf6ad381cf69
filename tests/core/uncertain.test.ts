/**
 * A write whose outcome is unknown is neither success nor failure: an update is read back, and state
 * records what the object shows; write-only values the request carried are forgotten (their paths
 * kept in `__unsent`), so the next `up` sends them whatever the program says then.
 */
import { z } from "zod";
import { defineResource, f } from "../../provider/core/fields";
import { lifecycle } from "../../provider/core/lifecycle";
import { diff } from "../../provider/core/plan";
import { TransportError } from "../../provider/http/errors";

type P = Record<string, unknown>;
let server: P = {};
let fail: Error | undefined;
const def = defineResource({
  platform: "test",
  type: "Thing",
  doc: "a thing with a write-only member",
  fields: {
    name: f.scalar(z.string(), "name", { required: true }),
    note: f.scalar(z.string(), "note"),
    proxy: f.object(z.object({ server: z.string(), password: z.string() }), "proxy", { secretMembers: ["password"] }),
  },
  idOf: (b) => String(b.id),
  api: {
    create: async (_c, body) => (server = { id: "t1", ...body, ...(body.proxy ? { proxy: { server: (body.proxy as P).server } } : {}) }),
    read: async () => server,
    async update(_c, _id, body) {
      server = { ...server, ...body, proxy: body.proxy ? { server: (body.proxy as P).server } : server.proxy };
      if (fail) throw fail;
      return server;
    },
    delete: async () => undefined,
  },
});
const lc = lifecycle(def, () => ({}) as never);
beforeAll(() => jest.spyOn(console, "warn").mockImplementation(() => undefined));

test("an update whose answer was lost is read back; a rotated write-only value is forgotten and sent again, even if reverted", async () => {
  const v1 = { name: "t", note: "a", proxy: { server: "s", password: "pw-1" } };
  const { outs } = await lc.create(v1);
  expect(outs.proxy).toEqual({ server: "s", password: "pw-1" });
  fail = new TransportError("test", "PATCH", "/things/t1", "UND_ERR_SOCKET");
  const v2 = { name: "t", note: "b", proxy: { server: "s", password: "pw-2" } };
  const e = (await lc.update("t1", outs, v2).catch((x) => x)) as Error & { id: string; properties: P };
  fail = undefined;
  expect(e.message).toMatch(/does not show all of the update \(proxy\)/);
  expect(e.id).toBe("t1");
  expect(e.properties).toMatchObject({ note: "b", proxy: { server: "s" }, __unsent: ["proxy.password"] });
  expect(JSON.stringify(e.properties)).not.toMatch(/pw-/);
  // Whatever the program says next (the rotated value, or the old one again), it is sent.
  expect(diff(def, e.properties, v2).changes).toBe(true);
  expect(diff(def, e.properties, v1).changes).toBe(true);
  const { outs: after } = await lc.update("t1", e.properties, v1);
  expect(after).toMatchObject({ note: "a", proxy: { server: "s", password: "pw-1" } });
  expect(after.__unsent).toBeUndefined();
  expect(diff(def, after, v1).changes).toBe(false);
});

test("an update whose answer was lost but which the object shows in full succeeds, with a warning", async () => {
  const v1 = { name: "t", note: "a" };
  const { outs } = await lc.create(v1);
  fail = new TransportError("test", "PATCH", "/things/t1", "UND_ERR_HEADERS_TIMEOUT");
  const r = await lc.update("t1", outs, { name: "t", note: "c" });
  fail = undefined;
  expect(r.outs).toMatchObject({ note: "c" });
  expect(console.warn).toHaveBeenCalledWith(expect.stringMatching(/read back, the Thing shows the whole update/));
});

test("an excerpt never holds a secret, whole or cut short at the end of a body", () => {
  const { excerptOf } = jest.requireActual("../../provider/core/answers") as typeof import("../../provider/core/answers");
  expect(excerptOf('{"password":"hunter2-long","x":1}', ["hunter2-long"])).toBe('{"password":"[secret]","x":1}');
  expect(excerptOf('{"password":"hunter2-lo', ["hunter2-long"])).toBe('{"password":"[secret]');
  expect(excerptOf("x".repeat(500), [])).toMatch(/… \(500 characters\)$/);
});
