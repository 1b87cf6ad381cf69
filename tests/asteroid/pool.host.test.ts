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

  test("destroy sends DELETE and the pool is gone", async () => {
    const s = await w.stack.up(T, "gone", base);
    await w.stack.destroy(T, "gone");
    await expect(w.ctl.get("asteroid", "pools", s.state.id)).rejects.toThrow(/404/);
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

  test("several bad properties give one failure each", async () => {
    const err = (await w.stack.plan(T, "bad", { name: "", organizationId: "x", selectionStrategy: "z" }).catch((e) => e)) as CheckError;
    expect(err.failures.map((f) => f.property).sort()).toEqual(["name", "organizationId", "selectionStrategy"]);
  });
});
