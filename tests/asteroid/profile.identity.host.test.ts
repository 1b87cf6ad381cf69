/**
 * Keyed identity through the real host: the server stores a cookie sent with domain `.example.com`
 * as `example.com` (RFC 6265 §5.2.3) and credential names uppercased. State keeps each item's server
 * id; changing the item later deletes it by id and adds it again in one PATCH (never
 * `cookiesToDelete: [null]`), and nothing is left to do afterwards.
 */
import { stripSecrets } from "../host/engine";
import { world, type World } from "../host/fixture";
import { ORG, T } from "./profile.fixtures";

type P = Record<string, unknown>;
let w: World;
beforeAll(async () => (w = await world()));
afterAll(() => w.close());

const cookie = (value: string) => ({ name: "Session", key: "sid", value, domain: ".example.com", secure: true, sameSite: "Lax", httpOnly: true });
const desired = (value: string, data: string) => ({ name: "identity-bot", organizationId: ORG, cookies: [cookie(value)], credentials: [{ name: "api_key", data }] });

test("a cookie whose domain the server normalises keeps its server id, and a later change deletes it by that id", async () => {
  const s = await w.stack.up(T, "id", desired("v1-wo-secret", "d1-wo-secret"));
  const stored = await w.ctl.get("asteroid", "profiles", s.state.id);
  const serverCookie = (stored.cookies as P[])[0];
  expect(serverCookie.domain).toBe("example.com");
  const out = stripSecrets(s.state.outputs) as { cookies: P[]; credentials: P[] };
  expect(out.cookies[0]).toMatchObject({ domain: ".example.com", id: serverCookie.id });
  expect(out.credentials[0]).toMatchObject({ name: "api_key", id: (stored.credentials as P[])[0].id });
  expect((await w.stack.plan(T, "id", desired("v1-wo-secret", "d1-wo-secret"))).op).toBe("same");
  await w.stack.refresh(T, "id");
  expect((await w.stack.plan(T, "id", desired("v1-wo-secret", "d1-wo-secret"))).op).toBe("same");

  await w.ctl.clear();
  await w.stack.up(T, "id", desired("v2-wo-secret", "d2-wo-secret"));
  const writes = await w.ctl.writes("asteroid");
  expect(writes.map((r) => [r.method, r.body])).toEqual([
    ["PATCH", {
      cookiesToAdd: [cookie("v2-wo-secret")], cookiesToDelete: [serverCookie.id],
      credentialsToUpdate: [{ name: "api_key", data: "d2-wo-secret" }],
    }],
  ]);
  expect((await w.stack.plan(T, "id", desired("v2-wo-secret", "d2-wo-secret"))).op).toBe("same");
  await w.stack.refresh(T, "id");
  expect((await w.stack.plan(T, "id", desired("v2-wo-secret", "d2-wo-secret"))).op).toBe("same");
  expect(w.stack.checkpoint()).not.toMatch(/wo-secret/);
  await w.stack.destroy(T, "id");
});
