/**
 * asteroid.AgentProfile through the real dynamic-provider host against the emulator: the lifecycle
 * (preview, up, no-op, update, refresh, replace, out-of-band delete, import, destroy), the keyed
 * cookie and credential deltas, proxy-mode switches, and write-only secrets.
 */
import type * as pulumi from "@pulumi/pulumi";
import { asteroid } from "../../provider";
import { Secret, Stack, stripSecrets } from "../host/engine";
import { world, type World } from "../host/fixture";
import { ProgramStack } from "../host/program";
import { customProfile, GATEWAY, ORG, ORG2, prefs, proxy, SECRETS, sid, T } from "./profile.fixtures";

type P = Record<string, unknown>;
let w: World;
beforeAll(async () => (w = await world()));
afterAll(() => w.close());
beforeEach(() => w.ctl.clear());

const outputs = (name: string) => stripSecrets(w.stack.get(T, name)!.outputs) as P;
const stored = async (name: string) => w.ctl.get("asteroid", "profiles", w.stack.get(T, name)!.id);
const patches = async () => (await w.ctl.writes("asteroid")).map((r) => [r.method, r.path, r.body]);
const noPlaintext = (text: string) => SECRETS.filter((s) => text.includes(s));

describe("AgentProfile lifecycle", () => {
  let desired: P = customProfile("checkout-bot");

  test("create sends one POST with exactly the fields set; outputs carry ids, inbox and secrets kept secret", async () => {
    const s = await w.stack.up(T, "life", desired);
    expect(s.op).toBe("create");
    const writes = await w.ctl.writes("asteroid");
    expect(writes).toEqual([{ platform: "asteroid", method: "POST", path: "/agent-profiles", query: {}, body: desired }]);
    const out = outputs("life");
    expect(out.inboxEmail).toBe("checkout-bot-inbox@agentmail.asteroid.ai");
    expect(out.createdAt).toEqual(expect.any(String));
    const server = await stored("life");
    const creds = server.credentials as P[];
    expect(creds.map((c) => c.name)).toEqual(["GITHUB_TOKEN", "NPM_TOKEN"]);
    expect(out.credentialIds).toEqual({ GITHUB_TOKEN: creds[0].id, NPM_TOKEN: creds[1].id });
    const cookies = server.cookies as P[];
    expect(out.cookieIds).toEqual({ "shop.example.com/sid": cookies[0].id, "shop.example.com/prefs": cookies[1].id });
    // Items keep the program's spelling (github_token, the expiry as written) plus their server ids.
    expect(out.credentials).toEqual([
      { name: "github_token", data: "ghp-secret-1", id: creds[0].id, createdAt: expect.any(String) },
      { name: "NPM_TOKEN", data: "npm-secret-1", id: creds[1].id, createdAt: expect.any(String) },
    ]);
    expect((out.cookies as P[])[0]).toMatchObject({ ...sid, id: cookies[0].id });
    expect(out.customProxy).toEqual(proxy);
    // Write-only values are secret outputs; the readable id maps are not.
    const st = w.stack.get(T, "life")!;
    for (const k of ["credentials", "cookies", "customProxy"]) expect(st.outputs[k]).toBeInstanceOf(Secret);
    expect(st.outputs.credentialIds).not.toBeInstanceOf(Secret);
    expect(noPlaintext(w.stack.checkpoint())).toEqual([]);
  });

  test("a second preview, and a refresh followed by a preview, show nothing and make no write call", async () => {
    expect((await w.stack.plan(T, "life", desired)).op).toBe("same");
    const r = await w.stack.refresh(T, "life");
    expect(r.changedOutputs).toEqual([]);
    const p = await w.stack.plan(T, "life", desired);
    expect(p.op).toBe("same");
    expect(p.diffKeys).toEqual([]);
    expect(await w.ctl.writes("asteroid")).toEqual([]);
  });

  test("the server's uppercase GITHUB_TOKEN is no drift against github_token, and writing it uppercase is no change", async () => {
    const upper = { ...desired, credentials: [{ name: "GITHUB_TOKEN", data: "ghp-secret-1" }, { name: "npm_token", data: "npm-secret-1" }] };
    expect((await w.stack.plan(T, "life", upper)).op).toBe("same");
  });

  test("reordering cookies and credentials is no change and makes no call", async () => {
    const reordered = { ...desired, credentials: [...(desired.credentials as P[])].reverse(), cookies: [prefs, sid] };
    const s = await w.stack.up(T, "life", reordered);
    expect(s.op).toBe("same");
    expect(await w.ctl.writes("asteroid")).toEqual([]);
  });

  test("adding one credential, rotating another and removing a third is one PATCH with exactly those three deltas", async () => {
    const before = outputs("life").credentialIds as Record<string, string>;
    desired = { ...desired, credentials: [{ name: "github_token", data: "ghp-secret-2" }, { name: "aws_key", data: "aws-secret-1" }] };
    const s = await w.stack.up(T, "life", desired);
    expect(s.op).toBe("update");
    expect(await patches()).toEqual([
      ["PATCH", `/agent-profiles/${s.state.id}`, {
        credentialsToAdd: [{ name: "aws_key", data: "aws-secret-1" }],
        credentialsToUpdate: [{ name: "github_token", data: "ghp-secret-2" }],
        credentialsToDelete: [before.NPM_TOKEN],
      }],
    ]);
    const server = await stored("life");
    expect((server.credentials as P[]).map((c) => [c.name, c.data])).toEqual([["GITHUB_TOKEN", "ghp-secret-2"], ["AWS_KEY", "aws-secret-1"]]);
    const ids = outputs("life").credentialIds as Record<string, string>;
    expect(ids.GITHUB_TOKEN).toBe(before.GITHUB_TOKEN);
    expect(Object.keys(ids).sort()).toEqual(["AWS_KEY", "GITHUB_TOKEN"]);
    expect((await w.stack.plan(T, "life", desired)).op).toBe("same");
  });

  test("changing one cookie's value sends one delete of its id and one add, in one PATCH", async () => {
    const before = outputs("life").cookieIds as Record<string, string>;
    const sid2 = { ...sid, value: "cookie-secret-sid-2" };
    desired = { ...desired, cookies: [sid2, prefs] };
    const s = await w.stack.up(T, "life", desired);
    expect(await patches()).toEqual([["PATCH", `/agent-profiles/${s.state.id}`, { cookiesToDelete: [before["shop.example.com/sid"]], cookiesToAdd: [sid2] }]]);
    const after = outputs("life").cookieIds as Record<string, string>;
    expect(after["shop.example.com/sid"]).not.toBe(before["shop.example.com/sid"]);
    expect(after["shop.example.com/prefs"]).toBe(before["shop.example.com/prefs"]);
    expect(((await stored("life")).cookies as P[]).find((c) => c.key === "sid")!.value).toBe("cookie-secret-sid-2");
    expect((await w.stack.plan(T, "life", desired)).op).toBe("same");
  });

  test("rotating customProxy.password sends only the proxy, whole", async () => {
    desired = { ...desired, customProxy: { ...proxy, password: "proxy-secret-2" } };
    const s = await w.stack.up(T, "life", desired);
    expect(await patches()).toEqual([["PATCH", `/agent-profiles/${s.state.id}`, { customProxy: { ...proxy, password: "proxy-secret-2" } }]]);
    expect(((await stored("life")).customProxy as P).password).toBe("proxy-secret-2");
  });

  test("changing the proxy username re-sends the stored password with it", async () => {
    desired = { ...desired, customProxy: { ...proxy, username: "bot2", password: "proxy-secret-2" } };
    await w.stack.up(T, "life", desired);
    expect((await patches()).map((p) => p[2])).toEqual([{ customProxy: { ...proxy, username: "bot2", password: "proxy-secret-2" } }]);
  });

  test("renaming is an in-place PATCH of the name alone", async () => {
    desired = { ...desired, name: "checkout-bot-2" };
    const s = await w.stack.up(T, "life", desired);
    expect(s.op).toBe("update");
    expect((await patches()).map((p) => p[2])).toEqual([{ name: "checkout-bot-2" }]);
  });

  test("a credential deleted out of band is found by refresh and re-added by up", async () => {
    const id = w.stack.get(T, "life")!.id;
    const server = await stored("life");
    await w.ctl.edit("asteroid", "profiles", id, { credentials: (server.credentials as P[]).filter((c) => c.name !== "AWS_KEY") });
    const r = await w.stack.refresh(T, "life");
    expect(r.changedOutputs).toEqual(["credentialIds", "credentials", "updatedAt"]);
    const p = await w.stack.plan(T, "life", desired);
    expect(p.op).toBe("update");
    expect(p.diffKeys).toEqual(["credentials"]);
    await w.ctl.clear();
    await w.stack.up(T, "life", desired);
    expect((await patches()).map((x) => x[2])).toEqual([{ credentialsToAdd: [{ name: "aws_key", data: "aws-secret-1" }] }]);
    await w.stack.refresh(T, "life");
    expect((await w.stack.plan(T, "life", desired)).op).toBe("same");
  });

  test("a secret changed out of band is not reported: refresh shows nothing, the preview is same", async () => {
    const id = w.stack.get(T, "life")!.id;
    const server = await stored("life");
    await w.ctl.edit("asteroid", "profiles", id, {
      credentials: (server.credentials as P[]).map((c) => ({ ...c, data: "changed-elsewhere" })),
      customProxy: { ...(server.customProxy as P), password: "changed-elsewhere" },
      cookies: (server.cookies as P[]).map((c) => ({ ...c, value: "changed-elsewhere" })),
    });
    const r = await w.stack.refresh(T, "life");
    expect(r.changedOutputs).toEqual(["updatedAt"]);
    expect((await w.stack.plan(T, "life", desired)).op).toBe("same");
  });

  test("switching proxyMode from custom to none sends the mode alone and keeps no stale proxy in state", async () => {
    const { customProxy: _, ...none } = desired;
    desired = { ...none, proxyMode: "none" };
    const s = await w.stack.up(T, "life", desired);
    expect(await patches()).toEqual([["PATCH", `/agent-profiles/${s.state.id}`, { proxyMode: "none" }]]);
    // The PATCH has no way to clear customProxy: the server may keep it, the provider stops managing it.
    expect(outputs("life").customProxy).toEqual({ server: proxy.server, username: "bot2" });
    expect(noPlaintext(w.stack.checkpoint())).toEqual([]);
    await w.stack.refresh(T, "life");
    expect((await w.stack.plan(T, "life", desired)).op).toBe("same");
  });

  test("switching back to custom sends the mode and the whole proxy, password included", async () => {
    desired = { ...desired, proxyMode: "custom", customProxy: { ...proxy, username: "bot2", password: "proxy-secret-2" } };
    await w.stack.up(T, "life", desired);
    expect((await patches()).map((x) => x[2])).toEqual([{ proxyMode: "custom", customProxy: { ...proxy, username: "bot2", password: "proxy-secret-2" } }]);
  });

  test("switching to managed sends the mode and the managed fields; leaving it sends only the mode", async () => {
    const { customProxy: _, ...rest } = desired;
    const managed = { ...rest, proxyMode: "managed", proxyType: "residential", proxyCC: "de", captchaSolverActive: true };
    await w.stack.up(T, "life", managed);
    expect((await patches()).map((x) => x[2])).toEqual([{ proxyMode: "managed", proxyType: "residential", proxyCC: "de", captchaSolverActive: true }]);
    await w.ctl.clear();
    desired = { ...rest, proxyMode: "gateway", proxyGatewayPresetId: GATEWAY };
    await w.stack.up(T, "life", desired);
    expect((await patches()).map((x) => x[2])).toEqual([{ proxyMode: "gateway", proxyGatewayPresetId: GATEWAY }]);
    await w.stack.refresh(T, "life");
    expect((await w.stack.plan(T, "life", desired)).op).toBe("same");
  });

  test("fields removed from the program: booleans and description are reset, the lists emptied, unclearable ones left", async () => {
    const { description: _d, extraStealth: _e, credentials: _c, cookies: _k, operatingSystem: _o, ...rest } = desired;
    const before = outputs("life");
    desired = rest;
    await w.stack.up(T, "life", desired);
    const body = (await patches())[0][2] as Record<string, string[]>;
    expect(body).toEqual({
      description: "",
      extraStealth: false,
      credentialsToDelete: expect.any(Array),
      cookiesToDelete: expect.any(Array),
    });
    expect(body.credentialsToDelete.sort()).toEqual(Object.values(before.credentialIds as P).sort());
    expect(body.cookiesToDelete.sort()).toEqual(Object.values(before.cookieIds as P).sort());
    expect(outputs("life").operatingSystem).toBe("macos");
    expect((await w.stack.plan(T, "life", desired)).op).toBe("same");
  });

  test("changing organizationId replaces, deleting first because the name is kept", async () => {
    const before = w.stack.get(T, "life")!.id;
    desired = { ...desired, organizationId: ORG2 };
    const s = await w.stack.up(T, "life", desired);
    expect(s.op).toBe("replace");
    expect(s.replaces).toEqual(["organizationId"]);
    expect(s.deleteBeforeReplace).toBe(true);
    expect((await w.ctl.writes("asteroid")).map((r) => `${r.method} ${r.path}`)).toEqual([`DELETE /agent-profiles/${before}`, "POST /agent-profiles"]);
  });

  test("a profile deleted out of band reads as gone, and destroy of a missing profile succeeds", async () => {
    const st = w.stack.get(T, "life")!;
    await w.ctl.remove("asteroid", "profiles", st.id);
    expect((await w.stack.refresh(T, "life")).gone).toBe(true);
    w.stack.state.set(st.urn, st);
    await expect(w.stack.destroy(T, "life")).resolves.toBeUndefined();
  });
});

describe("AgentProfile replacement, import and destroy", () => {
  const managed = {
    name: "sticky", organizationId: ORG, proxyMode: "managed", proxyType: "mobile", proxyCC: "us", captchaSolverActive: true, stickyIP: true,
    credentials: [{ name: "api_key", data: "ghp-secret-1" }],
  };

  test("stickyIP is sent at create and a change replaces the profile (delete first: same name)", async () => {
    await w.stack.up(T, "sticky", managed);
    expect(((await w.ctl.writes("asteroid"))[0].body as P).stickyIP).toBe(true);
    const s = await w.stack.up(T, "sticky", { ...managed, stickyIP: false });
    expect(s.op).toBe("replace");
    expect(s.replaces).toEqual(["stickyIP"]);
    expect(s.deleteBeforeReplace).toBe(true);
    expect((await w.stack.plan(T, "sticky", { ...managed, stickyIP: false })).op).toBe("same");
  });

  test("a replacement that also renames creates before it deletes", async () => {
    const s = await w.stack.up(T, "sticky", { ...managed, name: "sticky-2", stickyIP: true });
    expect(s.deleteBeforeReplace).toBe(false);
    expect((await w.ctl.writes("asteroid")).filter((r) => r.method !== "PATCH").map((r) => r.method)).toEqual(["POST", "DELETE"]);
  });

  test("import by id rebuilds cookies and credentials from the server, ids included, with no diff", async () => {
    const desired = customProfile("imported-bot");
    const created = (await w.stack.up(T, "orig", desired)).state;
    const other = new Stack(w.stack.host);
    const imported = await other.import(T, "adopted", created.id, desired);
    const out = stripSecrets(imported.outputs) as P;
    const mine = stripSecrets(created.outputs) as P;
    expect(out.credentialIds).toEqual(mine.credentialIds);
    expect(out.cookieIds).toEqual(mine.cookieIds);
    // Import cannot recover write-only values: items come back with ids, server spelling, no secrets.
    expect(out.credentials).toEqual([
      { name: "GITHUB_TOKEN", id: (mine.credentialIds as P).GITHUB_TOKEN, createdAt: expect.any(String) },
      { name: "NPM_TOKEN", id: (mine.credentialIds as P).NPM_TOKEN, createdAt: expect.any(String) },
    ]);
    expect(out.customProxy).toEqual({ server: proxy.server, username: proxy.username });
    expect((await other.plan(T, "adopted", desired)).op).toBe("same");
    // Import cannot tell whether the program's secrets match the server's: the program's values at the
    // import are the baseline. An update of another field sends only that field, and state does not
    // record write-only values it did not send.
    await w.ctl.clear();
    await other.up(T, "adopted", { ...desired, description: "adopted" });
    expect((await patches()).map((x) => x[2])).toEqual([{ description: "adopted" }]);
    const after = stripSecrets(other.get(T, "adopted")!.outputs) as { credentials: P[]; customProxy: P };
    expect(after.credentials[0]).toEqual({ name: "github_token", id: (mine.credentialIds as P).GITHUB_TOKEN, createdAt: expect.any(String) });
    expect(after.customProxy).toEqual({ server: proxy.server, username: proxy.username });
    expect((await other.plan(T, "adopted", { ...desired, description: "adopted" })).op).toBe("same");
    // A rotation after the import is sent, and only then recorded.
    await w.ctl.clear();
    const rotated = { ...desired, description: "adopted", credentials: [{ name: "github_token", data: "ghp-secret-2" }, { name: "NPM_TOKEN", data: "npm-secret-1" }] };
    await other.up(T, "adopted", rotated);
    expect((await patches()).map((x) => x[2])).toEqual([{ credentialsToUpdate: [{ name: "github_token", data: "ghp-secret-2" }] }]);
    expect((await other.plan(T, "adopted", rotated)).op).toBe("same");
    await other.destroy(T, "adopted");
    w.stack.state.delete(created.urn);
  });

  test("destroy sends DELETE and the profile is gone", async () => {
    const s = w.stack.get(T, "sticky")!;
    await w.stack.destroy(T, "sticky");
    expect((await w.ctl.writes("asteroid")).map((r) => `${r.method} ${r.path}`)).toEqual([`DELETE /agent-profiles/${s.id}`]);
    await expect(w.ctl.get("asteroid", "profiles", s.id)).rejects.toThrow(/404/);
  });
});

describe("AgentProfile secrets and errors", () => {
  test("a name taken in the organization fails with the server's reason and a hint", async () => {
    await w.stack.up(T, "first", { name: "taken", organizationId: ORG });
    const e = (await w.stack.up(T, "second", { name: "taken", organizationId: ORG, credentials: [{ name: "k", data: "ghp-secret-1" }] }).catch((x) => x)) as Error;
    expect(e.message).toMatch(/POST \/agent-profiles failed with 400 Bad Request: an agent profile named taken already exists/);
    expect(e.message).toMatch(/import/);
    expect(noPlaintext(e.message)).toEqual([]);
  });

  test("a taken name whose profile matches everything but write-only values is not adopted: nothing is overwritten", async () => {
    // Another's profile, with a credential of the same name: made, then dropped from this stack.
    const made = await w.stack.up(T, "theirs", { name: "theirs", organizationId: ORG, credentials: [{ name: "GH", data: "npm-secret-1" }] });
    w.stack.state.delete(made.urn);
    const theirs = { id: made.state.id };
    await w.ctl.clear();
    const e = (await w.stack.up(T, "mine", { name: "theirs", organizationId: ORG, credentials: [{ name: "GH", data: "ghp-secret-1" }] }).catch((x) => x)) as Error;
    expect(e.message).toMatch(/already exists/);
    expect(e.message).toMatch(/its credentials hold write-only values that cannot be read back and compared, so it was not adopted/);
    expect(e.message).toContain(`adopt it with the \`import\` resource option (id ${theirs.id})`);
    expect(noPlaintext(e.message)).toEqual([]);
    expect(w.stack.get(T, "mine")).toBeUndefined();
    expect((await w.ctl.writes("asteroid")).map((r) => r.method)).toEqual(["POST"]);
    const server = await w.ctl.get("asteroid", "profiles", theirs.id as string);
    expect((server.credentials as P[])[0].data).toBe("npm-secret-1");
  });

  test("a create lost before the server acted says what the re-run does: with write-only values, it gives the id to import rather than adopting by name", async () => {
    await w.ctl.fault({ platform: "asteroid", method: "POST", drop: true });
    const e = (await w.stack.up(T, "lost", { name: "lost", organizationId: ORG, credentials: [{ name: "GH", data: "ghp-secret-1" }] }).catch((x) => x)) as Error;
    expect(e.message).toMatch(/No asteroid.AgentProfile named "lost" exists so far/);
    expect(e.message).toMatch(/the re-run reports the name as taken and gives its id to adopt with the `import` resource option/);
    expect(e.message).not.toMatch(/it is adopted by its name/);
    expect(noPlaintext(e.message)).toEqual([]);
    await w.ctl.fault({ platform: "asteroid", method: "POST", drop: true });
    const plain = (await w.stack.up(T, "lost", { name: "lost", organizationId: ORG }).catch((x) => x)) as Error;
    expect(plain.message).toMatch(/if it exists by then, it is adopted by its name\.$/);
  });

  test("a server error that echoes a secret is redacted", async () => {
    const desired = { name: "taken", organizationId: ORG, credentials: [{ name: "k", data: "aws-secret-1" }] };
    await w.ctl.fault({ platform: "asteroid", method: "PATCH", status: 400, body: { code: 400, message: "credential data aws-secret-1 is not allowed" } });
    const e = (await w.stack.up(T, "first", desired).catch((x) => x)) as Error;
    expect(e.message).toMatch(/PATCH .* failed with 400 Bad Request: credential data \[secret\] is not allowed/);
    expect(e.message).toMatch(/pulumi refresh/);
    expect(noPlaintext(e.message)).toEqual([]);
    await w.stack.destroy(T, "first");
  });

  test("a real program that forgot pulumi.secret() still keeps every write-only value secret", async () => {
    const program = new ProgramStack(w.stack);
    const run = await program.run(() => {
      const profile = new asteroid.AgentProfile("prog", customProfile("program-bot") as never);
      // The readable id maps are typed from the table.
      const ids: pulumi.Output<Record<string, string>> = profile.credentialIds;
      return ids;
    }, { preview: false });
    expect(run.errors).toEqual([]);
    expect(run.steps.map((s) => s.op)).toEqual(["create"]);
    const st = w.stack.get(T, "prog")!;
    // The values reached the provider and state, and only as secrets.
    const plainState = JSON.stringify(stripSecrets(st));
    for (const v of ["proxy-secret-1", "ghp-secret-1", "npm-secret-1", "cookie-secret-sid-1"]) expect(plainState).toContain(v);
    for (const k of ["credentials", "cookies", "customProxy"]) expect(st.outputs[k]).toBeInstanceOf(Secret);
    expect(noPlaintext(w.stack.checkpoint())).toEqual([]);
    await w.stack.destroy(T, "prog");
  });

  test("nothing the provider printed holds a secret", async () => {
    expect(noPlaintext(await w.stack.host.output())).toEqual([]);
  });
});
