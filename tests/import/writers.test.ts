/** The program and manifest writers: values in the program's shape, secrets and files as references. */
import { parse } from "yaml";
import { FileRef, liveInputs, placeholders, SecretRef, type Planned } from "../../provider/import/adopt";
import { ImportError } from "../../provider/import/options";
import { literal, writeTs } from "../../provider/import/write-ts";
import { writeYaml } from "../../provider/import/write-yaml";
import { resources } from "../../provider/registry";

const profileDef = resources["asteroid:AgentProfile"];
const live = {
  id: "acd308df-4dc6-4d65-bd2e-ae0758a57419",
  name: "checkout-bot",
  organizationId: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
  proxyMode: "custom",
  proxyType: "mobile", // left behind by an earlier managed mode
  customProxy: { server: "socks5://proxy.example.com:1080", username: "bot" },
  credentials: [{ id: "c1", name: "GITHUB_TOKEN", createdAt: "2026-01-01T00:00:00Z" }],
  cookies: [{ id: "k1", name: "Session", key: "sid", domain: "shop.example.com", secure: true, sameSite: "Lax", httpOnly: true, createdAt: "2026-01-01T00:00:00Z" }],
  inboxEmail: "acd308df@agentmail.asteroid.ai",
  createdAt: "2026-01-01T00:00:00Z",
};

function planned(token: string, inputs: Record<string, unknown>, name = "checkout-bot"): Planned {
  const def = resources[token];
  const keys = new Set<string>();
  const withRefs = placeholders(def, name, inputs, keys);
  return { token, def, id: "acd308df-4dc6-4d65-bd2e-ae0758a57419", objectName: name, inputs: withRefs, restore: false, warnings: [], name, ident: "checkoutBot", secrets: [], files: [] };
}

test("live inputs: outputs and fields outside the object's mode are left out, keyed items lose their server members, write-only members wait for config", () => {
  const inputs = liveInputs(profileDef, live);
  expect(Object.keys(inputs)).toEqual(["name", "organizationId", "proxyMode", "customProxy", "cookies", "credentials"]);
  const p = planned("asteroid:AgentProfile", inputs);
  expect(p.inputs.customProxy).toEqual({ server: "socks5://proxy.example.com:1080", username: "bot", password: new SecretRef("checkout-bot-customProxy-password", "customProxy.password") });
  // members in the order the docs give them: name, key, value, domain, ...
  expect(Object.keys((p.inputs.cookies as Record<string, unknown>[])[0])).toEqual(["name", "key", "value", "domain", "secure", "sameSite", "httpOnly"]);
  expect(p.inputs.credentials).toEqual([{ name: "GITHUB_TOKEN", data: new SecretRef("checkout-bot-credentials-GITHUB_TOKEN", "credentials GITHUB_TOKEN") }]);
});

test("a Letta agent: create-only memory blocks are not written, secrets by key only, the prompt goes to a file", () => {
  const def = resources["letta:Agent"];
  const inputs = liveInputs(def, { name: "r", system: "Line 1\nLine 2", memoryBlocks: [{ label: "persona", value: "x" }], includeBaseTools: true }, ["OPENAI_KEY"]);
  const p = planned("letta:Agent", inputs, "r");
  expect(p.inputs).toEqual({
    name: "r",
    system: new FileRef("prompts/r.system.md", "Line 1\nLine 2"),
    secrets: { OPENAI_KEY: new SecretRef("r-secrets-OPENAI_KEY", "secrets OPENAI_KEY") },
  });
});

test("TypeScript literals: short values inline, long ones indented, keys quoted only when they must be", () => {
  expect(literal({ a: 1, "b-c": [true, null], d: "é\n\"" })).toBe('{ a: 1, "b-c": [true, null], d: "é\\n\\"" }');
  expect(literal({ config: new SecretRef("k", "w"), prompt: new FileRef("prompts/a.md", "x") })).toBe(
    '{ config: config.requireSecret("k"), prompt: fs.readFileSync("prompts/a.md", "utf8") }',
  );
  expect(literal({ long: "x".repeat(120) })).toBe(`{\n  long: "${"x".repeat(120)}",\n}`);
  // metadata may hold any key: `__proto__` stays an own member when the program runs
  const meta = JSON.parse('{"__proto__": {"a": 1}}');
  const text = literal(meta);
  expect(text).toBe('{ ["__proto__"]: { a: 1 } }');
  expect(Object.keys(eval(`(${text})`))).toEqual(["__proto__"]);
});

test("index.ts imports only what it uses", () => {
  const pool = planned("asteroid:AgentProfilePool", { name: "p", organizationId: "3c90c3cc-0d44-4b50-8888-8dd25736052a" }, "p");
  const ts = writeTs([pool]);
  expect(ts).toContain('import { asteroid } from "pulumi-agents";\n\nconst checkoutBot = new asteroid.AgentProfilePool("p", {');
  expect(ts).not.toMatch(/node:fs|@pulumi\/pulumi|new pulumi\.Config/);
});

test("YAML: a literal ${ is escaped, files and secrets are manifest forms, and the file reads back to the same values", () => {
  const p = planned("everruns:Agent", { name: "Costs ${x}", systemPrompt: "Hi ${there}", tags: ["$${already}"] }, "costs");
  const text = writeYaml([p]);
  expect(text).toContain("systemPrompt: { file: prompts/costs.systemPrompt.md }");
  expect(parse(text).resources.costs).toEqual({
    type: "everruns.Agent",
    properties: { name: "Costs $${x}", systemPrompt: { file: "prompts/costs.systemPrompt.md" }, tags: ["$$${already}"] },
    options: { import: "acd308df-4dc6-4d65-bd2e-ae0758a57419" },
  });
});

test("YAML: an object whose only key is `file` cannot be written (the manifest would read a file): one clear error", () => {
  const p = planned("everruns:Agent", { name: "a", systemPrompt: "b", capabilities: [{ ref: "reader", config: { file: "/etc/x" } }] }, "a");
  expect(() => writeYaml([p])).toThrow(ImportError);
  expect(() => writeYaml([p])).toThrow('everruns.Agent acd308df-4dc6-4d65-bd2e-ae0758a57419: capabilities[0].config is an object whose only key is "file", which a manifest reads as a file to load: use --format ts');
});
