/**
 * The write-only rule after an import (README "Write-only values"): the program's values at the import
 * are the baseline. The preview right after the import shows nothing; an update of another field does
 * not record write-only values it did not send; a rotated value is sent, and only then recorded. After
 * a refresh the baseline is gone (write-only values cannot be read), so each one never sent is sent once.
 */
import { Stack, stripSecrets } from "../host/engine";
import { world, type World } from "../host/fixture";
import { T } from "./helpers";

let w: World;
beforeAll(async () => (w = await world()));
afterAll(() => w.close());
beforeEach(() => w.ctl.clear());

const base = { name: "imported agent", system: "You are a helper.", model: "openai/gpt-4o-mini" };
const patches = async () => (await w.ctl.writes("letta")).filter((r) => r.method === "PATCH").map((r) => r.body);

test("after an import, a rotated Letta secret is sent; an unrelated update does not record the unsent one", async () => {
  const made = await w.stack.up(T, "orig", { ...base, secrets: { API_TOKEN: "one-wo-secret" } });
  const other = new Stack(w.stack.host);
  await other.import(T, "adopted", made.state.id, { ...base, secrets: { API_TOKEN: "one-wo-secret" } });
  expect((await other.plan(T, "adopted", { ...base, secrets: { API_TOKEN: "one-wo-secret" } })).op).toBe("same");

  await w.ctl.clear();
  await other.up(T, "adopted", { ...base, description: "now managed", secrets: { API_TOKEN: "one-wo-secret" } });
  expect(await patches()).toEqual([{ description: "now managed" }]);
  expect((stripSecrets(other.get(T, "adopted")!.outputs) as Record<string, unknown>).secrets).toBeUndefined();
  expect((await other.plan(T, "adopted", { ...base, description: "now managed", secrets: { API_TOKEN: "one-wo-secret" } })).op).toBe("same");

  await w.ctl.clear();
  const rotated = { ...base, description: "now managed", secrets: { API_TOKEN: "two-wo-secret" } };
  await other.up(T, "adopted", rotated);
  expect(await patches()).toEqual([{ secrets: { API_TOKEN: "two-wo-secret" } }]);
  expect((stripSecrets(other.get(T, "adopted")!.outputs) as Record<string, unknown>).secrets).toEqual({ API_TOKEN: "two-wo-secret" });
  expect((await w.ctl.get("letta", "agents", made.state.id)).secrets).toEqual({ API_TOKEN: "two-wo-secret" });
  expect((await other.plan(T, "adopted", rotated)).op).toBe("same");
  expect(other.checkpoint()).not.toMatch(/wo-secret/);
});

test("after an import and a refresh, a write-only value never sent is sent once, then known", async () => {
  const desired = { ...base, name: "refreshed agent", secrets: { K: "k-wo-secret" } };
  const made = await w.stack.up(T, "orig2", desired);
  const other = new Stack(w.stack.host);
  await other.import(T, "adopted2", made.state.id, desired);
  await other.refresh(T, "adopted2");
  const p = await other.plan(T, "adopted2", desired);
  expect(p.op).toBe("update");
  await w.ctl.clear();
  await other.up(T, "adopted2", desired);
  expect(await patches()).toEqual([{ secrets: { K: "k-wo-secret" } }]);
  await other.refresh(T, "adopted2");
  expect((await other.plan(T, "adopted2", desired)).op).toBe("same");
});
