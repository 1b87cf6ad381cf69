/**
 * The emulator's agent-profile API over real HTTP: the PATCH delta semantics of seed 000
 * (uppercased names, update by name case-insensitively, unknown ids), unique names per organization,
 * and secrets that are stored but never returned.
 */
import { request } from "undici";
import { useEmulator } from "../host/fixture";
import { ORG, ORG2, proxy, sid } from "./profile.fixtures";

type P = Record<string, unknown>;
const env = useEmulator();

async function call(method: string, path: string, body?: unknown, key = env.emu.key("asteroid")): Promise<{ status: number; body: P }> {
  const res = await request(`${env.emu.baseUrl("asteroid")}${path}`, {
    method: method as "GET",
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { "content-type": "application/json", ...(key ? { "x-asteroid-agents-api-key": key } : {}) },
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : {} };
}

const create = (extra: P = {}) =>
  call("POST", "/agent-profiles", {
    name: `p-${Math.random().toString(36).slice(2)}`, organizationId: ORG, proxyMode: "custom", customProxy: proxy,
    credentials: [{ name: "github_token", data: "plain-1" }], cookies: [sid], ...extra,
  });

describe("emulator: agent profiles", () => {
  test("create answers 201 with the profile: names uppercased, secrets masked or left out, defaults filled", async () => {
    const r = await create();
    expect(r.status).toBe(201);
    const p = r.body;
    expect(p.credentials).toEqual([{ id: expect.any(String), name: "GITHUB_TOKEN", data: "********", createdAt: expect.any(String) }]);
    expect((p.cookies as P[])[0]).toMatchObject({ key: "sid", value: "********", expiry: "2030-01-01T00:00:00.000Z" });
    expect(p.customProxy).toEqual({ server: proxy.server, username: proxy.username });
    expect(p).toMatchObject({ description: "", stickyIP: false, adblockActive: false, tracingEnabled: false, inboxEmail: `${String(p.id).slice(0, 8)}@agentmail.asteroid.ai` });
    const stored = await env.ctl.get("asteroid", "profiles", String(p.id));
    expect((stored.credentials as P[])[0].data).toBe("plain-1");
    expect((stored.customProxy as P).password).toBe(proxy.password);
    expect(JSON.stringify((await call("GET", `/agent-profiles/${p.id}`)).body)).not.toMatch(/plain-1|proxy-secret|cookie-secret/);
  });

  test("credentialsToUpdate matches names case-insensitively; adds are uppercased; deletes take ids", async () => {
    const p = (await create({ credentials: [{ name: "GITHUB_TOKEN", data: "a" }, { name: "npm", data: "b" }] })).body;
    const [gh, npm] = p.credentials as P[];
    const r = await call("PATCH", `/agent-profiles/${p.id}`, {
      credentialsToUpdate: [{ name: "github_token", data: "a2" }], credentialsToAdd: [{ name: "aws", data: "c" }], credentialsToDelete: [npm.id],
    });
    expect(r.status).toBe(200);
    expect((r.body.credentials as P[]).map((c) => c.name)).toEqual(["GITHUB_TOKEN", "AWS"]);
    const stored = await env.ctl.get("asteroid", "profiles", String(p.id));
    expect((stored.credentials as P[]).map((c) => [c.id === gh.id, c.data])).toEqual([[true, "a2"], [false, "c"]]);
  });

  test("cookies have no update: delete by id and add in one PATCH", async () => {
    const p = (await create()).body;
    const old = (p.cookies as P[])[0];
    const r = await call("PATCH", `/agent-profiles/${p.id}`, { cookiesToDelete: [old.id], cookiesToAdd: [{ ...sid, value: "v2" }] });
    expect(r.status).toBe(200);
    expect((r.body.cookies as P[]).map((c) => c.id)).not.toContain(old.id);
    expect(((await env.ctl.get("asteroid", "profiles", String(p.id))).cookies as P[])[0].value).toBe("v2");
  });

  test("unknown ids and names are 404 and leave the profile untouched", async () => {
    const p = (await create()).body;
    const missing = "0b7c6a52-3f1e-4d8a-9c2b-5e6f7a8b9c0d";
    for (const body of [
      { credentialsToDelete: [missing], name: "should-not-apply" },
      { cookiesToDelete: [missing] },
      { credentialsToUpdate: [{ name: "nope", data: "x" }] },
    ]) {
      const r = await call("PATCH", `/agent-profiles/${p.id}`, body);
      expect([r.status, r.body.code]).toEqual([404, 404]);
    }
    expect((await call("GET", `/agent-profiles/${p.id}`)).body.name).toBe(p.name);
    expect((await call("PATCH", `/agent-profiles/${missing}`, { name: "x" })).status).toBe(404);
  });

  test("adding a credential name that exists, in any case, is a 400", async () => {
    const p = (await create()).body;
    const r = await call("PATCH", `/agent-profiles/${p.id}`, { credentialsToAdd: [{ name: "GitHub_Token", data: "x" }] });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/GITHUB_TOKEN already exists/);
  });

  test("organizationId and stickyIP are not accepted by the PATCH", async () => {
    const p = (await create()).body;
    expect((await call("PATCH", `/agent-profiles/${p.id}`, { organizationId: ORG2 })).status).toBe(400);
    expect((await call("PATCH", `/agent-profiles/${p.id}`, { stickyIP: true })).body.message).toMatch(/stickyIP cannot be updated/);
  });

  test("names are unique per organization: a clash on create or rename is a 400", async () => {
    const a = (await create({ name: "dup" })).body;
    const clash = await create({ name: "dup" });
    expect([clash.status, clash.body.message]).toEqual([400, "an agent profile named dup already exists in this organization"]);
    expect((await create({ name: "dup", organizationId: ORG2 })).status).toBe(201);
    const b = (await create({ name: "other" })).body;
    expect((await call("PATCH", `/agent-profiles/${b.id}`, { name: "dup" })).status).toBe(400);
    expect((await call("PATCH", `/agent-profiles/${a.id}`, { name: "dup" })).status).toBe(200);
  });

  test("the seed's limits and enums are enforced", async () => {
    const p = (await create()).body;
    for (const body of [
      { name: "" }, { description: "x".repeat(1001) }, { proxyMode: "tor" }, { proxyCC: "es" }, { proxyType: "x" }, { operatingSystem: "linux" },
      { proxyGatewayPresetId: "x" }, { customProxy: { server: "s", username: "u" } }, { credentialsToAdd: [{ name: "", data: "x" }] },
      { cookiesToAdd: [{ ...sid, sameSite: "lax" }] }, { cookiesToDelete: ["not-a-uuid"] },
    ]) expect([JSON.stringify(body), (await call("PATCH", `/agent-profiles/${p.id}`, body)).status]).toEqual([JSON.stringify(body), 400]);
  });

  test("a strict server: properties the seed's request schemas do not list are a 400, top level and nested", async () => {
    const p = (await create()).body;
    const cred = (p.credentials as P[])[0];
    for (const [body, why] of [
      [{ credentials: [{ name: "x", data: "y" }] }, /credentials cannot be updated/],
      [{ inboxEmail: "x@agentmail.asteroid.ai" }, /unknown property inboxEmail/],
      [{ credentialIds: { GITHUB_TOKEN: cred.id } }, /unknown property credentialIds/],
      [{ credentialsToUpdate: [{ name: "github_token", data: "z", id: cred.id }] }, /unknown property credentialsToUpdate\[0\]\.id/],
      [{ credentialsToAdd: [{ name: "n", data: "d", secret: true }] }, /unknown property credentialsToAdd\[0\]\.secret/],
      [{ cookiesToAdd: [{ ...sid, path: "/" }] }, /unknown property cookiesToAdd\[0\]\.path/],
      [{ customProxy: { ...proxy, port: 1080 } }, /unknown property customProxy\.port/],
    ] as [P, RegExp][]) {
      const r = await call("PATCH", `/agent-profiles/${p.id}`, body);
      expect([JSON.stringify(body), r.status, r.body.message]).toEqual([JSON.stringify(body), 400, expect.stringMatching(why)]);
    }
    expect((await create({ cookiesToAdd: [sid] })).body.message).toMatch(/unknown property cookiesToAdd/);
    expect((await create({ inboxEmail: "x" })).status).toBe(400);
    // What the schemas do list passes, including an item's own server-set members.
    expect((await call("PATCH", `/agent-profiles/${p.id}`, { credentialsToUpdate: [{ name: "github_token", data: "z" }], cookiesToAdd: [{ ...sid, key: "k2", createdAt: "2026-01-01T00:00:00Z" }] })).status).toBe(200);
  });

  test("a strict server: the pool create and PATCH take only the documented properties", async () => {
    const made = await call("POST", "/agent-profile-pools", { name: `pool-${Math.random().toString(36).slice(2)}`, organizationId: ORG });
    expect(made.status).toBe(201);
    for (const body of [{ id: made.body.id }, { createdAt: "2026-01-01T00:00:00Z" }, { members: [] }]) {
      expect((await call("PATCH", `/agent-profile-pools/${made.body.id}`, body)).body).toEqual({ code: 400, message: `unknown property ${Object.keys(body)[0]}` });
    }
    expect((await call("POST", "/agent-profile-pools", { name: "p2", organizationId: ORG, maxProfiles: 3 })).body.message).toBe("unknown property maxProfiles");
    expect((await call("PATCH", `/agent-profile-pools/${made.body.id}`, { allowConcurrentUse: true, selectionStrategy: "most_recently_used" })).status).toBe(200);
  });

  test("list by organization, delete, and auth", async () => {
    const p = (await create({ organizationId: ORG2, name: "listed" })).body;
    const list = (await call("GET", `/agent-profiles?organizationId=${ORG2}`)).body;
    expect((list.items as P[]).map((x) => x.name)).toContain("listed");
    expect(JSON.stringify(list)).not.toMatch(/plain-1/);
    expect((await call("DELETE", `/agent-profiles/${p.id}`)).status).toBe(204);
    expect((await call("GET", `/agent-profiles/${p.id}`)).status).toBe(404);
    expect((await call("DELETE", `/agent-profiles/${p.id}`)).status).toBe(404);
    expect((await call("GET", "/agent-profiles", undefined, "wrong-key")).status).toBe(401);
  });
});
