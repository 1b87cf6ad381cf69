/**
 * Core additions for servers that answer with more than they were sent (letta model_settings):
 * the `partial` field option, the import rule for fields whose removal is rejected, and `olds`
 * handed to `api.update` (so a resource can keep what the server attached by itself).
 */
import { z } from "zod";
import { defineResource, f, type Wire } from "../../provider/core/fields";
import { diff, fieldEqual, planUpdate } from "../../provider/core/plan";
import { readBack, readInputs, toState } from "../../provider/core/state";
import { check } from "../../provider/core/check";
import { lifecycle } from "../../provider/core/lifecycle";
import type { PlatformClient } from "../../provider/http/client";

const calls: { olds?: Record<string, unknown>; body: Wire }[] = [];
const def = defineResource({
  platform: "test",
  type: "Partial",
  doc: "partial",
  fields: {
    settings: f.object(z.record(z.string(), z.unknown()), "server fills defaults in", { partial: true, onRemove: { send: {} } }),
    whole: f.object(z.record(z.string(), z.unknown()), "compared whole"),
    handle: f.scalar(z.string(), "cannot be cleared", { onRemove: { reject: "handle cannot be cleared" } }),
    note: f.scalar(z.string(), "note", { onRemove: { send: "" } }),
  },
  idOf: (b) => String(b.id ?? ""),
  api: {
    create: async (_c, body) => ({ id: "x", ...body }),
    read: async () => ({ id: "x" }),
    update: async (_c, _id, body, _inputs, olds) => {
      calls.push({ olds, body });
      return { id: "x", ...body };
    },
    delete: async () => undefined,
  },
});

const server = { temperature: 0.5, maxTokens: 4096, reasoning: { effort: "low", budget: 100 } };

describe("partial fields", () => {
  test.each([
    ["a subset the server agrees with", { temperature: 0.5 }, true],
    ["a nested subset", { reasoning: { effort: "low" } }, true],
    ["a member the server changed", { temperature: 0.2 }, false],
    ["a nested member the server changed", { reasoning: { effort: "high" } }, false],
    ["a member the server lacks", { topP: 1 }, false],
  ])("%s", (_, desired, equal) => {
    expect(fieldEqual(def.fields.settings, desired, server)).toBe(equal);
    // without the option, any extra server member is a difference
    expect(fieldEqual(def.fields.whole, desired, server)).toBe(false);
  });

  test("diff and PATCH: no change while the set members agree; removal still sends the clearing value", () => {
    const olds = { settings: server, __managed: ["settings"] };
    expect(diff(def, olds, { settings: { temperature: 0.5 } }).changes).toBe(false);
    expect(planUpdate(def, olds, { settings: { temperature: 0.7 } })).toEqual({ settings: { temperature: 0.7 } });
    expect(planUpdate(def, olds, {})).toEqual({ settings: {} });
  });

  test("outputs show only the members the program set (so read's inputs match the program)", () => {
    const out = toState(def, { settings: server }, { applied: { settings: { temperature: 0.5 } } });
    expect(out.settings).toEqual({ temperature: 0.5 });
    expect(toState(def, { settings: server }, { prev: {} }).settings).toEqual(server);
    const drift = toState(def, { settings: { ...server, temperature: 0.9 } }, { prev: { settings: { temperature: 0.5 } } });
    expect(drift.settings).toEqual({ temperature: 0.9 });
  });

  test("read-back does not call a fuller answer a rewrite", () => {
    const desired = { settings: { temperature: 0.5 } };
    expect(readBack(def, ["settings"], desired, { settings: server }, { settings: server }).warnings).toEqual([]);
    expect(readBack(def, ["settings"], desired, { settings: { ...server, temperature: 1 } }, { settings: { ...server, temperature: 1 } }).warnings).toHaveLength(1);
  });
});

describe("import of a field whose removal is rejected", () => {
  test("read's inputs for an import leave it out, so a program that does not set it passes check", () => {
    const inputs = readInputs(def, { handle: "h", note: "n" });
    expect(inputs).toEqual({ note: "n" });
    expect(check(def, inputs, {}).failures).toEqual([]);
    // once managed, removing it is still rejected
    const managed = readInputs(def, { handle: "h", __managed: ["handle"] });
    expect(check(def, managed, {}).failures).toEqual([{ property: "handle", reason: "handle cannot be cleared" }]);
  });
});

describe("api.update receives the outputs in state", () => {
  test("olds reach the resource's update call", async () => {
    const client = { request: async () => ({ status: 200, body: {} }) } as unknown as PlatformClient;
    const lc = lifecycle(def, () => client);
    const olds = { note: "a", serverOnly: ["kept"], __managed: ["note"] };
    await lc.update("x", olds, { note: "b" });
    expect(calls).toEqual([{ olds, body: { note: "b" } }]);
  });
});
