/**
 * asteroid.AgentProfilePool through the real dynamic-provider host against the emulator:
 * the lifecycle a user runs with the CLI (preview, up, no-op, update, drift, refresh, replace,
 * out-of-band delete, destroy, import) and every bad input the seed implies.
 */
import { CheckError, Stack } from "../host/engine";
import { world, type World } from "../host/fixture";

const T = "asteroid:AgentProfilePool";
const ORG = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const ORG2 = "5d2b6a8e-1c3f-4e7a-9b0d-2f4c6e8a0b1c";

let w: World;
beforeAll(async () => (w = await world()));
afterAll(() => w.close());
beforeEach(() => w.ctl.clear());

describe("AgentProfilePool lifecycle", () => {
  const base = { name: "checkout-pool", organizationId: ORG };

  test("create sends one POST with exactly the fields set, and outputs carry server values", async () => {
    const s = await w.stack.up(T, "life", base);
    expect(s.op).toBe("create");
    const writes = await w.ctl.writes("asteroid");
    expect(writes).toEqual([{ platform: "asteroid", method: "POST", path: "/agent-profile-pools", query: {}, body: base }]);
    expect(s.state.outputs).toMatchObject({ ...base, allowConcurrentUse: false, selectionStrategy: "least_recently_used" });
    expect(s.state.outputs.createdAt).toEqual(expect.any(String));
    expect(s.state.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("a second preview shows no change and makes no write call", async () => {
    const s = await w.stack.plan(T, "life", base);
    expect(s.op).toBe("same");
    expect(await w.ctl.writes("asteroid")).toEqual([]);
  });

  test("changing one field sends one PATCH carrying exactly that field", async () => {
    const s = await w.stack.up(T, "life", { ...base, selectionStrategy: "most_recently_used" });
    expect(s.op).toBe("update");
    const writes = await w.ctl.writes("asteroid");
    expect(writes.map((r) => [r.method, r.path, r.body])).toEqual([
      ["PATCH", `/agent-profile-pools/${s.state.id}`, { selectionStrategy: "most_recently_used" }],
    ]);
  });

  test("renaming is an in-place PATCH, not a replacement", async () => {
    const s = await w.stack.up(T, "life", { ...base, name: "checkout-pool-2", selectionStrategy: "most_recently_used" });
    expect(s.op).toBe("update");
    expect((await w.ctl.writes("asteroid")).map((r) => r.body)).toEqual([{ name: "checkout-pool-2" }]);
  });

  test("an out-of-band edit is found by refresh, shown by the next preview, and healed by up", async () => {
    const desired = { ...base, name: "checkout-pool-2", selectionStrategy: "most_recently_used" };
    const id = w.stack.get(T, "life")!.id;
    await w.ctl.edit("asteroid", "pools", id, { selectionStrategy: "least_recently_used" });
    const r = await w.stack.refresh(T, "life");
    expect(r.changedOutputs).toEqual(["selectionStrategy", "updatedAt"]);
    const p = await w.stack.plan(T, "life", desired);
    expect(p.op).toBe("update");
    expect(p.diffKeys).toEqual(["selectionStrategy"]);
    await w.ctl.clear();
    await w.stack.up(T, "life", desired);
    expect((await w.ctl.writes("asteroid")).map((r) => r.body)).toEqual([{ selectionStrategy: "most_recently_used" }]);
    await w.stack.refresh(T, "life");
    expect((await w.stack.plan(T, "life", desired)).op).toBe("same");
  });

  test("a field removed from the program is reset to its documented default", async () => {
    const s = await w.stack.up(T, "life", { ...base, name: "checkout-pool-2" });
    expect(s.op).toBe("update");
    expect((await w.ctl.writes("asteroid")).map((r) => r.body)).toEqual([{ selectionStrategy: "least_recently_used" }]);
  });

  test("changing organizationId replaces, deleting first because the name is kept", async () => {
    const before = w.stack.get(T, "life")!.id;
    const s = await w.stack.up(T, "life", { ...base, name: "checkout-pool-2", organizationId: ORG2 });
    expect(s.op).toBe("replace");
    expect(s.replaces).toEqual(["organizationId"]);
    expect(s.deleteBeforeReplace).toBe(true);
    const writes = await w.ctl.writes("asteroid");
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([`DELETE /agent-profile-pools/${before}`, "POST /agent-profile-pools"]);
    expect(s.state.id).not.toBe(before);
  });

  test("a replacement that also renames creates the new pool before deleting the old one", async () => {
    const s = await w.stack.up(T, "life", { name: "checkout-pool-3", organizationId: ORG });
    expect(s.op).toBe("replace");
    expect(s.deleteBeforeReplace).toBe(false);
    expect((await w.ctl.writes("asteroid")).map((r) => r.method)).toEqual(["POST", "DELETE"]);
  });

  test("a pool deleted out of band reads as gone, and destroy of a missing pool succeeds", async () => {
    const st = w.stack.get(T, "life")!;
    await w.ctl.remove("asteroid", "pools", st.id);
    const r = await w.stack.refresh(T, "life");
    expect(r.gone).toBe(true);
    w.stack.state.set(st.urn, st); // as if refresh had not run: destroy must still succeed
    await expect(w.stack.destroy(T, "life")).resolves.toBeUndefined();
  });

  test("import by id yields the same outputs as create did, with no diff", async () => {
    const desired = { name: "imported-pool", organizationId: ORG, allowConcurrentUse: true };
    const created = (await w.stack.up(T, "orig", desired)).state;
    const other = new Stack(w.stack.host);
    const imported = await other.import(T, "adopted", created.id, desired);
    const strip = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith("__")));
    expect(strip(imported.outputs)).toEqual(strip(created.outputs));
    expect((await other.plan(T, "adopted", desired)).op).toBe("same");
    await w.stack.destroy(T, "orig");
  });

  test("import of a malformed id is refused before any request", async () => {
    await expect(new Stack(w.stack.host).import(T, "bad-id", "pool-1", base)).rejects.toThrow(/an agent profile pool id is a UUID/);
    expect(await w.ctl.requests("asteroid")).toEqual([]);
  });

  test("destroy sends DELETE and the pool is gone", async () => {
    const s = await w.stack.up(T, "gone", base);
    await w.stack.destroy(T, "gone");
    await expect(w.ctl.get("asteroid", "pools", s.state.id)).rejects.toThrow(/404/);
  });
});

describe("AgentProfilePool drift per field", () => {
  const desired = { name: "drift-pool", organizationId: ORG, allowConcurrentUse: true, selectionStrategy: "most_recently_used" };
  beforeAll(() => w.stack.up(T, "drift", desired));

  const cases: [field: string, edit: Record<string, unknown>, repair: Record<string, unknown>][] = [
    ["name", { name: "renamed-in-console" }, { name: "drift-pool" }],
    ["allowConcurrentUse", { allowConcurrentUse: false }, { allowConcurrentUse: true }],
    ["selectionStrategy", { selectionStrategy: "least_recently_used" }, { selectionStrategy: "most_recently_used" }],
  ];
  test.each(cases)("%s changed out of band: refresh finds it, the preview names it, up sends exactly the repair", async (field, edit, repair) => {
    const id = w.stack.get(T, "drift")!.id;
    await w.ctl.edit("asteroid", "pools", id, edit);
    await w.stack.refresh(T, "drift");
    const p = await w.stack.plan(T, "drift", desired);
    expect([p.op, p.diffKeys]).toEqual(["update", [field]]);
    await w.ctl.clear();
    await w.stack.up(T, "drift", desired);
    expect((await w.ctl.writes("asteroid")).map((r) => [r.method, r.path, r.body])).toEqual([["PATCH", `/agent-profile-pools/${id}`, repair]]);
    await w.stack.refresh(T, "drift");
    expect((await w.stack.plan(T, "drift", desired)).op).toBe("same");
  });

  test("organizationId changed out of band: the preview replaces the pool", async () => {
    await w.ctl.edit("asteroid", "pools", w.stack.get(T, "drift")!.id, { organizationId: ORG2 });
    await w.stack.refresh(T, "drift");
    const p = await w.stack.plan(T, "drift", desired);
    expect([p.op, p.diffKeys, p.replaces]).toEqual(["replace", ["organizationId"], ["organizationId"]]);
  });
});

describe("AgentProfilePool delete where the server has no DELETE", () => {
  test.each([405, 501])("a %i says how to delete the pool by hand and drop it from the stack", async (status) => {
    const s = await w.stack.up(T, `nodelete-${status}`, { name: `nodelete-${status}`, organizationId: ORG });
    await w.ctl.fault({ platform: "asteroid", method: "DELETE", status, body: { code: status, message: "Method Not Allowed" }, count: 1 });
    const e = (await w.stack.destroy(T, `nodelete-${status}`).catch((x) => x)) as Error;
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toContain(`asteroid: DELETE /agent-profile-pools/${s.state.id} is not supported by the server (${status})`);
    expect(e.message).toMatch(/Delete the pool .* by hand .* `pulumi state delete <urn>`/);
    expect(e.message).not.toContain("asteroid-test-key");
    await w.stack.destroy(T, `nodelete-${status}`);
  });
});

describe("AgentProfilePool names are unique within an organization (a clash is 400 or 409)", () => {
  const hint = /a pool named "taken-pool" probably exists already in this organization: choose another name, or adopt the existing one with the `import` resource option/;

  test("a create whose name is taken (409) by a pool with other settings says what to do, and adopts nothing", async () => {
    await w.stack.up(T, "first", { name: "taken-pool", organizationId: ORG });
    const e = await w.stack.up(T, "second", { name: "taken-pool", organizationId: ORG, selectionStrategy: "most_recently_used" }).catch((x) => x);
    expect(String(e.message)).toMatch(/asteroid: POST \/agent-profile-pools failed with 409 Conflict/);
    expect(String(e.message)).toMatch(hint);
    expect(String(e.message)).toMatch(/its selectionStrategy differ from the program's, so it was not adopted/);
    expect(w.stack.get(T, "second")).toBeUndefined();
  });

  test("a create whose name is taken (409) by a pool with every field sent equal adopts it, with a warning (the re-run after a lost answer)", async () => {
    const before = w.stack.host.stderr.length;
    const s = await w.stack.up(T, "again", { name: "taken-pool", organizationId: ORG });
    expect(s.state.id).toBe(w.stack.get(T, "first")!.id);
    expect(await w.stack.host.output(before, /adopted/)).toMatch(/the create was refused because the name is taken \(POST \/agent-profile-pools answered 409: an agent profile pool named taken-pool already exists in this organization\); .* has every field the program sets, so it is taken to be the one an earlier run of this stack created .* and is adopted. If it belongs to something else, `pulumi state delete` it/);
    expect((await w.ctl.writes("asteroid")).filter((r) => r.method === "POST")).toHaveLength(1);
    w.stack.state.delete(s.urn);
  });

  test("a rename onto a taken name answered 400 says the same", async () => {
    await w.stack.up(T, "third", { name: "other-pool", organizationId: ORG });
    await w.ctl.fault({ platform: "asteroid", method: "PATCH", status: 400, body: { code: 400, message: "name already exists" } });
    const e = await w.stack.up(T, "third", { name: "taken-pool", organizationId: ORG }).catch((x) => x);
    expect(String(e.message)).toMatch(/failed with 400 Bad Request: name already exists/);
    expect(String(e.message)).toMatch(hint);
  });

  test("a PATCH that does not rename gets no name hint", async () => {
    await w.ctl.fault({ platform: "asteroid", method: "PATCH", status: 409, body: { code: 409, message: "conflict" } });
    const e = await w.stack.up(T, "third", { name: "other-pool", organizationId: ORG, allowConcurrentUse: true }).catch((x) => x);
    expect(String(e.message)).toMatch(/failed with 409 Conflict: conflict$/);
    await w.ctl.clearFaults();
    await w.stack.destroy(T, "first");
    await w.stack.destroy(T, "third");
  });
});

describe("AgentProfilePool read-back check", () => {
  test("a name the server rewrites is reported by name in the up output and never becomes a perpetual diff", async () => {
    const desired = { name: "Mixed-Case-Pool", organizationId: ORG };
    await w.ctl.fault({ platform: "asteroid", method: "POST", path: "/agent-profile-pools", rewrite: { name: "mixed-case-pool" } });
    const before = w.stack.host.stderr.length;
    const s = await w.stack.up(T, "rewritten", desired);
    const said = await w.stack.host.output(before, /rewrote "name"/);
    expect(said).toContain('warning: asteroid.AgentProfilePool create: the server rewrote "name": sent "Mixed-Case-Pool", it kept "mixed-case-pool"');
    // The server really stored its version: refresh and preview stay quiet...
    await w.ctl.edit("asteroid", "pools", s.state.id, { name: "mixed-case-pool" });
    expect((await w.stack.refresh(T, "rewritten")).changedOutputs).not.toContain("name");
    expect((await w.stack.plan(T, "rewritten", desired)).op).toBe("same");
    // ...while a real edit in the console is still drift.
    await w.ctl.edit("asteroid", "pools", s.state.id, { name: "someone-else" });
    await w.stack.refresh(T, "rewritten");
    const p = await w.stack.plan(T, "rewritten", desired);
    expect([p.op, p.diffKeys]).toEqual(["update", ["name"]]);
    await w.stack.destroy(T, "rewritten");
  });
});

describe("AgentProfilePool validation at check, before any request", () => {
  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    ["empty name", { name: "", organizationId: ORG }, "name", /must not be empty/],
    ["256-character name", { name: "x".repeat(256), organizationId: ORG }, "name", /at most 255 characters \(got 256\)/],
    ["missing name", { organizationId: ORG }, "name", /is required/],
    ["non-uuid organizationId", { name: "p", organizationId: "org-1" }, "organizationId", /UUID/],
    ["missing organizationId", { name: "p" }, "organizationId", /is required/],
    ["unknown selectionStrategy", { name: "p", organizationId: ORG, selectionStrategy: "round_robin" }, "selectionStrategy", /least_recently_used.*most_recently_used/],
    ["non-boolean allowConcurrentUse", { name: "p", organizationId: ORG, allowConcurrentUse: "yes" }, "allowConcurrentUse", /must be a boolean/],
    ["numeric name", { name: 42, organizationId: ORG }, "name", /must be a string/],
  ];
  test.each(bad)("%s fails at check", async (_, inputs, property, reason) => {
    const err = (await w.stack.plan(T, "bad", inputs).catch((e) => e)) as CheckError;
    expect(err).toBeInstanceOf(CheckError);
    expect(err.failures).toEqual([{ property, reason: expect.stringMatching(reason) }]);
    expect(await w.ctl.requests("asteroid")).toEqual([]);
  });

  test("the 255-character limit counts characters (code points), as the seed's maxLength does, not UTF-16 units", async () => {
    expect((await w.stack.plan(T, "emoji", { name: "😀".repeat(255), organizationId: ORG })).op).toBe("create");
    const err = (await w.stack.plan(T, "emoji", { name: "😀".repeat(256), organizationId: ORG }).catch((e) => e)) as CheckError;
    expect(err.failures).toEqual([{ property: "name", reason: "must have at most 255 characters (got 256)" }]);
    const s = await w.stack.up(T, "emoji", { name: "😀".repeat(255), organizationId: ORG });
    expect(s.state.outputs.name).toBe("😀".repeat(255));
    await w.stack.destroy(T, "emoji");
  });

  test("several bad properties give one failure each", async () => {
    const err = (await w.stack.plan(T, "bad", { name: "", organizationId: "x", selectionStrategy: "z" }).catch((e) => e)) as CheckError;
    expect(err.failures.map((f) => f.property).sort()).toEqual(["name", "organizationId", "selectionStrategy"]);
  });
});
