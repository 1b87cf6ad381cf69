/**
 * Check failures quote at most a short prefix of a bad value (a 1 MiB prompt must not give a 1 MiB
 * reason), and a limit's "got N" is in the limit's own unit. Tried on every input field of every
 * resource with values of the wrong shape, since any field's schema can echo its input.
 */
import { check, QUOTE_CHARS } from "../../provider/core/check";
import { inputFields } from "../../provider/core/fields";
import { resources } from "../../provider/registry";

/** Far over any limit a reason may quote (the prompt limits go up to 1 MiB; 256 KiB shows the kind). */
const HUGE = "x".repeat(1 << 18);
const bad: unknown[] = [HUGE, 1e300, [HUGE], { [HUGE.slice(0, 1000)]: HUGE }, [{ ref: HUGE, slug: HUGE, name: HUGE, key: HUGE, type: HUGE, actionId: HUGE }]];

describe("check reasons quote a short prefix of a bad value", () => {
  for (const [token, def] of Object.entries(resources)) {
    test(`${token}: every field, every wrong shape`, () => {
      let failures = 0;
      for (const [name] of inputFields(def)) {
        for (const v of bad) {
          const r = check(def, {}, { [name]: v });
          for (const f of r.failures) {
            failures++;
            // The reason may name the property and a short prefix, never the value whole.
            expect(f.reason.length).toBeLessThan(400);
            expect(f.property.length).toBeLessThan(1200);
          }
        }
      }
      expect(failures).toBeGreaterThan(0);
    });
  }

  test("the quoted prefix says how long the value was", () => {
    const r = check(resources["letta:Agent"], {}, { name: `bad/${HUGE}` });
    const f = r.failures.find((x) => x.property === "name")!;
    expect(f.reason).toContain(`${HUGE.length + 6} characters`);
    expect(f.reason).toContain("x".repeat(QUOTE_CHARS - 10));
  });
});

describe('"got N" is in the unit of the limit', () => {
  const emoji = "🙂"; // one character (code point), two UTF-16 units
  test("odeus.Agent: a limit in characters counts code points", () => {
    const def = resources["odeus:Agent"];
    expect(check(def, {}, { name: emoji.repeat(80) }).failures).toEqual([]);
    const over = check(def, {}, { name: emoji.repeat(81) }).failures;
    expect(over).toEqual([{ property: "name", reason: "must have at most 80 characters (got 81)" }]);
    expect(check(def, {}, { name: "a", conversationStarters: [emoji.repeat(256)] }).failures[0].reason).toBe("must have at most 255 characters (got 256)");
  });
  test("everruns.Agent: a limit in bytes counts UTF-8 bytes", () => {
    const def = resources["everruns:Agent"];
    const f = check(def, {}, { name: "a", systemPrompt: "p", description: emoji.repeat(2561) }).failures;
    expect(f).toEqual([{ property: "description", reason: "must be at most 10 KiB (10240 bytes of UTF-8; got 10244 bytes)" }]);
  });
  test("a list limit counts items", () => {
    const f = check(resources["odeus:Agent"], {}, { name: "a", conversationStarters: Array(21).fill("q") }).failures;
    expect(f).toEqual([{ property: "conversationStarters", reason: "must have at most 20 items (got 21)" }]);
  });
});

test("a NaN or infinite number is named as such, not as 'a number, not number'", () => {
  const f = check(resources["odeus:Agent"], {}, { name: "a", creativity: NaN }).failures;
  expect(f).toEqual([{ property: "creativity", reason: "must be a finite number, not NaN" }]);
});
