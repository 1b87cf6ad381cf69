/**
 * asteroid.AgentProfile drift, one field at a time: change it out of band on the emulator, refresh,
 * and the next preview names exactly that field; up sends exactly the repair; then no perpetual diff.
 */
import { stripSecrets } from "../host/engine";
import { world, type World } from "../host/fixture";
import { customProfile, GATEWAY, ORG, proxy, sid, T } from "./profile.fixtures";

type P = Record<string, unknown>;
let w: World;
beforeAll(async () => (w = await world()));
afterAll(() => w.close());

const stored = (name: string) => w.ctl.get("asteroid", "profiles", w.stack.get(T, name)!.id) as Promise<P>;
const ids = (name: string, field: "credentialIds" | "cookieIds") => (stripSecrets(w.stack.get(T, name)!.outputs) as Record<string, Record<string, string>>)[field];

/** [field, out-of-band edit of the stored profile, the repair the next up must send]. */
type Case = [field: string, edit: (server: P) => P, repair: (server: P) => P];

async function driftCase(name: string, desired: P, [field, edit, repair]: Case, op: "update" | "replace" = "update") {
  const before = await stored(name);
  await w.ctl.edit("asteroid", "profiles", w.stack.get(T, name)!.id, edit(before));
  await w.stack.refresh(T, name);
  const p = await w.stack.plan(T, name, desired);
  expect([p.op, p.diffKeys]).toEqual([op, [field]]);
  const expected = repair(await stored(name));
  await w.ctl.clear();
  await w.stack.up(T, name, desired);
  const writes = await w.ctl.writes("asteroid");
  if (op === "update") expect(writes.map((r) => r.body)).toEqual([expected]);
  await w.stack.refresh(T, name);
  expect((await w.stack.plan(T, name, desired)).op).toBe("same");
}

describe("drift per field, custom proxy mode", () => {
  const desired = customProfile("drift-bot");
  beforeAll(() => w.stack.up(T, "drift", desired));

  const cookie = (server: P, key: string) => (server.cookies as P[]).find((c) => c.key === key)!;
  const cases: Case[] = [
    ["name", () => ({ name: "renamed-elsewhere" }), () => ({ name: "drift-bot" })],
    ["description", () => ({ description: "edited in the console" }), () => ({ description: "Checks out carts" })],
    ["operatingSystem", () => ({ operatingSystem: "windows" }), () => ({ operatingSystem: "macos" })],
    ["proxyMode", () => ({ proxyMode: "none" }), () => ({ proxyMode: "custom" })],
    ["customProxy", (s) => ({ customProxy: { ...(s.customProxy as P), username: "someone-else" } }), () => ({ customProxy: proxy })],
    ["extraStealth", () => ({ extraStealth: false }), () => ({ extraStealth: true })],
    ["cachePersistence", () => ({ cachePersistence: false }), () => ({ cachePersistence: true })],
    ["adblockActive", () => ({ adblockActive: false }), () => ({ adblockActive: true })],
    ["popupBlockerActive", () => ({ popupBlockerActive: false }), () => ({ popupBlockerActive: true })],
    ["forcePopupsAsTabsActive", () => ({ forcePopupsAsTabsActive: false }), () => ({ forcePopupsAsTabsActive: true })],
    ["mediaBlockerActive", () => ({ mediaBlockerActive: true }), () => ({ mediaBlockerActive: false })],
    ["pdfViewerActive", () => ({ pdfViewerActive: false }), () => ({ pdfViewerActive: true })],
    ["tracingEnabled", () => ({ tracingEnabled: true }), () => ({ tracingEnabled: false })],
    ["inboxEmailPrefix", () => ({ inboxEmailPrefix: "elsewhere" }), () => ({ inboxEmailPrefix: "drift-bot-inbox" })],
    [
      "credentials",
      (s) => ({ credentials: (s.credentials as P[]).filter((c) => c.name !== "NPM_TOKEN") }),
      () => ({ credentialsToAdd: [{ name: "NPM_TOKEN", data: "npm-secret-1" }] }),
    ],
    [
      "credentials",
      (s) => ({ credentials: [...(s.credentials as P[]), { id: "0b7c6a52-3f1e-4d8a-9c2b-5e6f7a8b9c0d", name: "ROGUE", data: "x", createdAt: "2026-01-01T00:00:00Z" }] }),
      () => ({ credentialsToDelete: ["0b7c6a52-3f1e-4d8a-9c2b-5e6f7a8b9c0d"] }),
    ],
    [
      "cookies",
      (s) => ({ cookies: (s.cookies as P[]).map((c) => (c.key === "sid" ? { ...c, secure: false } : c)) }),
      (s) => ({ cookiesToDelete: [cookie(s, "sid").id], cookiesToAdd: [sid] }),
    ],
    [
      "cookies",
      (s) => ({ cookies: (s.cookies as P[]).filter((c) => c.key !== "sid") }),
      () => ({ cookiesToAdd: [sid] }),
    ],
  ];
  test.each(cases)("%s changed out of band", (...c) => driftCase("drift", desired, c));

  test("an out-of-band change of a credential's data, a cookie's value or the proxy password is never reported", async () => {
    const s = await stored("drift");
    await w.ctl.edit("asteroid", "profiles", w.stack.get(T, "drift")!.id, {
      credentials: (s.credentials as P[]).map((c) => ({ ...c, data: "other" })),
      cookies: (s.cookies as P[]).map((c) => ({ ...c, value: "other" })),
      customProxy: { ...(s.customProxy as P), password: "other" },
    });
    expect((await w.stack.refresh(T, "drift")).changedOutputs).toEqual(["updatedAt"]);
    expect((await w.stack.plan(T, "drift", desired)).op).toBe("same");
  });

  test("ids read back by refresh are the server's", async () => {
    const s = await stored("drift");
    expect(ids("drift", "credentialIds")).toEqual(Object.fromEntries((s.credentials as P[]).map((c) => [c.name, c.id])));
    expect(ids("drift", "cookieIds")).toEqual(Object.fromEntries((s.cookies as P[]).map((c) => [`shop.example.com/${c.key}`, c.id])));
  });
});

describe("drift per field, managed and gateway proxy modes", () => {
  const managed = {
    name: "drift-managed", organizationId: ORG, proxyMode: "managed", proxyType: "residential", proxyCC: "fr", captchaSolverActive: true, stickyIP: false,
  };
  const gateway = { name: "drift-gateway", organizationId: ORG, proxyMode: "gateway", proxyGatewayPresetId: GATEWAY };
  beforeAll(async () => {
    await w.stack.up(T, "managed", managed);
    await w.stack.up(T, "gateway", gateway);
  });

  const cases: Case[] = [
    ["proxyType", () => ({ proxyType: "basic" }), () => ({ proxyType: "residential" })],
    ["proxyCC", () => ({ proxyCC: "us" }), () => ({ proxyCC: "fr" })],
    ["captchaSolverActive", () => ({ captchaSolverActive: false }), () => ({ captchaSolverActive: true })],
  ];
  test.each(cases)("%s changed out of band", (...c) => driftCase("managed", managed, c));

  test("stickyIP changed out of band: the preview replaces the profile", () =>
    driftCase("managed", managed, ["stickyIP", () => ({ stickyIP: true }), () => ({})], "replace"));

  test("proxyGatewayPresetId changed out of band", () =>
    driftCase("gateway", gateway, ["proxyGatewayPresetId", () => ({ proxyGatewayPresetId: "1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b" }), () => ({ proxyGatewayPresetId: GATEWAY })]));

  test("fields the program never set, or that do not apply to the mode, are not drift", async () => {
    await w.ctl.edit("asteroid", "profiles", w.stack.get(T, "managed")!.id, {
      description: "set elsewhere", inboxEmailPrefix: "elsewhere", customProxy: { server: "http://p.example.com:8080", username: "u" }, proxyGatewayPresetId: GATEWAY,
    });
    await w.ctl.edit("asteroid", "profiles", w.stack.get(T, "gateway")!.id, { proxyType: "mobile", proxyCC: "jp", captchaSolverActive: true, stickyIP: true });
    await w.stack.refresh(T, "managed");
    await w.stack.refresh(T, "gateway");
    expect((await w.stack.plan(T, "managed", managed)).op).toBe("same");
    expect((await w.stack.plan(T, "gateway", gateway)).op).toBe("same");
  });
});
