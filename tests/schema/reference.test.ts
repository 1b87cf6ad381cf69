/** The README's field reference is generated from the tables: it names every field and is never stale. */
import * as fs from "node:fs";
import * as path from "node:path";
import { renderReference, START, END } from "../../provider/schema/reference";
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
