/** The README's field reference is generated from the tables: it names every field and is never stale. */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { renderReference, typeOf, START, END } from "../../provider/schema/reference";
import { toJson } from "../../provider/schema/json";
import { resources } from "../../provider/registry";
import { inputFields } from "../../provider/core/fields";

const readme = fs.readFileSync(path.resolve(__dirname, "../../../README.md"), "utf8");

test("README.md holds the reference generated from the field tables (run `npm run schema` after changing a table)", () => {
  const block = readme.slice(readme.indexOf(START), readme.indexOf(END) + END.length);
  expect(block).toBe(renderReference(resources));
});

test("the reference names every input of every resource", () => {
  const block = renderReference(resources);
  for (const [token, def] of Object.entries(resources)) {
    expect(block).toContain(`#### \`${token.replace(":", ".")}\``);
    for (const [name] of inputFields(def)) expect(block).toContain(`| \`${name}\` |`);
  }
});

describe("a UUID is said as such wherever check requires one", () => {
  const uuidRe = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

  test.each([
    ["a top-level UUID (z.guid)", z.guid(), "string (a UUID)"],
    ["a UUID written as the regex", uuidRe, "string (a UUID)"],
    ["a list of UUIDs", z.array(uuidRe), "list of string (a UUID)"],
    ["an object member", z.array(z.strictObject({ actionId: uuidRe, requiresConfirmation: z.boolean().optional() })), "list of object {actionId (a UUID), requiresConfirmation}"],
    ["an object member (z.guid)", z.strictObject({ id: z.guid(), name: z.string() }), "object {id (a UUID), name}"],
  ])("%s", (_what, schema, type) => {
    expect(typeOf(toJson(schema))).toBe(type);
  });

  // The new-user trial: check said `actions[0].actionId: must be a UUID`, the reference did not.
  test("odeus.Agent actions: the reference says actionId is a UUID", () => {
    expect(renderReference(resources)).toContain("| `actions` | list of object {actionId (a UUID), requiresConfirmation} |");
  });
});
