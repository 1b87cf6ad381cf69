/**
 * The generated files: `schema.json` (Pulumi package schema), `manifest.schema.json` (the JSON
 * Schema editors use for manifests) and each platform's TypeScript types. All must match what the
 * field tables generate now, and say what the tables say: types, docs, required inputs, secrets,
 * replacement; schema.json's tokens are the ones the runtime registers, and its `config` section
 * lists every setting the runtime reads.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { defineResource, f, holdsSecret, inputFields, type ResourceDef } from "../../provider/core/fields";
import { resources } from "../../provider/registry";
import { manifestType } from "../../provider/manifest/format";
import * as pulumi from "@pulumi/pulumi";
import { manifestSchema, packageSchema, renderSchemas, replacesOnChange, resourceToken } from "../../provider/schema";
import { SETTINGS } from "../../provider/schema/config";
import { platforms } from "../../provider/registry";
import { settingsFor } from "../../provider/http/config";
import * as agents from "../../provider";

const REPO = path.resolve(__dirname, "../../..");
const api = { create: async () => ({}), read: async () => undefined, update: async () => ({}), delete: async () => undefined };

describe("checked-in files", () => {
  for (const [name, content] of Object.entries(renderSchemas())) {
    test(`${name} is what the field tables generate (run \`npm run schema\` after changing a table)`, () => {
      const file = path.join(REPO, name);
      expect(fs.existsSync(file)).toBe(true);
      expect(fs.readFileSync(file, "utf8")).toBe(content);
    });
  }

  test("both are shipped in the package", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
    expect(pkg.files).toEqual(expect.arrayContaining(["schema.json", "manifest.schema.json"]));
    expect(pkg.exports["./schema.json"]).toBe("./schema.json");
    expect(pkg.exports["./manifest.schema.json"]).toBe("./manifest.schema.json");
  });
});

describe("schema.json says what every registered table says", () => {
  const schema = packageSchema(resources, Object.values(platforms)) as any;
  const defs = Object.values(resources);

  test("one resource per table, keyed by the token the runtime registers: pulumi-nodejs:dynamic/<platform>:<Type>", () => {
    expect(schema.name).toBe("pulumi-agents");
    expect(schema.allowedPackageNames).toEqual(["pulumi-nodejs"]);
    expect(Object.keys(schema.resources).sort()).toEqual(defs.map((d) => `pulumi-nodejs:dynamic/${d.platform}:${d.type}`).sort());
  });

  test("schema_tokens_match_runtime: each class registers exactly its schema.json token", async () => {
    const registered: string[] = [];
    await pulumi.runtime.setMocks(
      { newResource: (a) => (registered.push(a.type), { id: `${a.name}-id`, state: a.inputs }), call: () => ({}) },
      "program",
      "test",
      true,
    );
    const classes = [agents.asteroid.AgentProfilePool, agents.asteroid.AgentProfile, agents.everruns.Agent, agents.odeus.Agent, agents.letta.Agent];
    classes.forEach((C, i) => new (C as unknown as new (n: string, a: object) => pulumi.CustomResource)(`r${i}`, {}));
    for (let i = 0; i < 100 && registered.length < classes.length; i++) await new Promise((r) => setTimeout(r, 10));
    expect(registered.sort()).toEqual(Object.keys(schema.resources).sort());
    expect(classes.map((C) => resourceToken(C.definition)).sort()).toEqual(registered);
  });

  test("the config section lists every platform setting, with its environment variable, default and secrecy", () => {
    const vars = schema.config.variables;
    const names = Object.values(platforms).flatMap((p) => SETTINGS.map((s) => `${p.name}:${s.key}`));
    expect(Object.keys(vars).sort()).toEqual(names.sort());
    for (const p of Object.values(platforms)) {
      expect(vars[`${p.name}:apiKey`]).toMatchObject({ type: "string", secret: true, defaultInfo: { environment: [`${p.envPrefix}_API_KEY`] } });
      expect(vars[`${p.name}:baseUrl`]).toMatchObject({ type: "string", default: p.defaultBaseUrl, defaultInfo: { environment: [`${p.envPrefix}_BASE_URL`] } });
      expect(vars[`${p.name}:baseUrl`].secret).toBeUndefined();
    }
  });

  test("the config section and the runtime read the same settings, from stack config and from the environment", () => {
    const sample = (s: { key: string; type: string }, n: number) => (s.key === "baseUrl" ? `https://api${n}.example.com/v2` : s.type === "string" ? `value-${n}-of-${s.key}` : String(n + 7));
    const parsed = (s: { type: string }, v: string) => (s.type === "string" ? v : Number(v));
    for (const p of Object.values(platforms)) {
      const all = Object.fromEntries(SETTINGS.map((s) => [`${p.name}:${s.key}`, sample(s, 1)]));
      const read = settingsFor(p, { get: (k) => all[k] }, {}) as Record<string, unknown>;
      for (const s of SETTINGS) expect([s.key, read[s.key]]).toEqual([s.key, parsed(s, sample(s, 1))]);
      const fromEnv = settingsFor(p, undefined, Object.fromEntries(SETTINGS.map((s) => [`${p.envPrefix}_${s.env}`, sample(s, 2)]))) as Record<string, unknown>;
      for (const s of SETTINGS) expect([s.key, fromEnv[s.key]]).toEqual([s.key, parsed(s, sample(s, 2))]);
    }
  });

  test("Letta toolRules is a discriminated union by type, one named type per rule", () => {
    const items = schema.resources["pulumi-nodejs:dynamic/letta:Agent"].inputProperties.toolRules.items;
    expect(items.discriminator.propertyName).toBe("type");
    expect(Object.keys(items.discriminator.mapping)).toEqual(["run_first", "exit_loop", "continue_loop", "required_before_exit", "requires_approval", "constrain_child_tools", "parent_last_tool", "conditional", "max_count_per_step"]);
    expect(items.discriminator.mapping.conditional).toBe("#/types/pulumi-agents:letta:AgentToolRuleConditional");
    expect(schema.types["pulumi-agents:letta:AgentToolRuleConditional"].properties.type).toEqual({ type: "string", const: "conditional" });
  });

  test.each(defs.map((d) => [resourceToken(d), d] as const))("%s: inputs, outputs, docs, required, secret, replacement", (token, def) => {
    const r = schema.resources[token];
    expect(r.description).toBe(def.doc);
    const inputs = inputFields(def).map(([n]) => n);
    expect(Object.keys(r.inputProperties)).toEqual(inputs);
    expect(Object.keys(r.properties)).toEqual(Object.keys(def.fields));
    const required = inputFields(def).filter(([, s]) => s.required).map(([n]) => n);
    expect(r.requiredInputs).toEqual(required);
    expect(r.required).toEqual(required);
    for (const [name, spec] of Object.entries(def.fields)) {
      const p = r.properties[name];
      expect(p.description).toBe(spec.doc);
      expect(!!p.secret).toBe(holdsSecret(spec));
      expect(!!p.willReplaceOnChanges).toBe(replacesOnChange(spec));
      if (spec.kind !== "computed") expect(r.inputProperties[name]).toEqual(p);
    }
  });

  test("every property is a Pulumi type, and every type reference resolves", () => {
    const primitive = ["string", "number", "integer", "boolean", "array", "object"];
    const seen: string[] = [];
    const visit = (p: any, where: string) => {
      seen.push(where);
      if (p.$ref) {
        if (p.$ref === "pulumi.json#/Any") return;
        expect(p.$ref).toMatch(/^#\/types\/pulumi-agents:/);
        expect(schema.types[p.$ref.slice("#/types/".length)]).toBeDefined();
        return;
      }
      if (p.oneOf) return p.oneOf.forEach((x: any, i: number) => visit(x, `${where}|${i}`));
      expect(primitive).toContain(p.type);
      if (p.type === "array") visit(p.items, `${where}[]`);
      if (p.type === "object" && p.additionalProperties) visit(p.additionalProperties, `${where}{}`);
    };
    for (const [token, r] of Object.entries<any>(schema.resources)) for (const [n, p] of Object.entries(r.properties)) visit(p, `${token}.${n}`);
    for (const [token, t] of Object.entries<any>(schema.types)) {
      if (t.enum) {
        expect(["string", "number", "integer"]).toContain(t.type);
        for (const e of t.enum) expect(Object.keys(e)).toEqual(["value"]);
      } else {
        expect(t.type).toBe("object");
        for (const [n, p] of Object.entries(t.properties)) visit(p, `${token}.${n}`);
        for (const k of t.required ?? []) expect(t.properties).toHaveProperty(k);
      }
    }
    expect(seen.length).toBeGreaterThan(defs.length);
  });
});

describe("zod -> Pulumi types (a table of its own)", () => {
  const def = defineResource({
    platform: "test",
    type: "Thing",
    doc: "A thing.",
    fields: {
      name: f.scalar(z.string().min(1).max(10), "Name.", { required: true }),
      count: f.scalar(z.number().int().min(0), "Count."),
      ratio: f.scalar(z.number().min(0).max(1), "Ratio."),
      on: f.scalar(z.boolean(), "On."),
      mode: f.scalar(z.enum(["a", "b"]), "Mode."),
      region: f.forceNew(z.string(), "Region."),
      seed: f.scalar(z.string(), "Seed.", { createOnly: true }),
      model: f.scalar(z.string(), "Model.", { onRemove: { replace: true } }),
      token: f.scalar(z.string(), "Token.", { secret: true }),
      tags: f.set(z.array(z.string()), "Tags."),
      creds: f.list(z.array(z.strictObject({ name: z.string(), data: z.string(), note: z.string().optional() })), "Creds.", { secretMembers: ["data"] }),
      labels: f.map(z.record(z.string(), z.string()), "Labels."),
      meta: f.map(z.record(z.string(), z.unknown()), "Meta."),
      proxy: f.object(z.object({ server: z.string(), port: z.number().int() }).nullable(), "Proxy."),
      either: f.scalar(z.union([z.string(), z.number()]), "Either."),
      level: f.scalar(z.union([z.literal("low"), z.literal("high")]), "Level."),
      anything: f.scalar(z.unknown(), "Anything."),
      createdAt: f.computed("Created."),
    },
    idOf: () => "",
    api,
  });
  const s = packageSchema({ "test:Thing": def }) as any;
  const p = s.resources["pulumi-nodejs:dynamic/test:Thing"].inputProperties;
  const T = "pulumi-agents:test:";

  test.each([
    ["name", { type: "string", description: "Name." }],
    ["count", { type: "integer", description: "Count." }],
    ["ratio", { type: "number", description: "Ratio." }],
    ["on", { type: "boolean", description: "On." }],
    ["mode", { $ref: `#/types/${T}ThingMode`, description: "Mode." }],
    ["region", { type: "string", description: "Region.", willReplaceOnChanges: true }],
    ["seed", { type: "string", description: "Seed.", willReplaceOnChanges: true }],
    ["model", { type: "string", description: "Model.", willReplaceOnChanges: true }],
    ["token", { type: "string", description: "Token.", secret: true }],
    ["tags", { type: "array", items: { type: "string" }, description: "Tags." }],
    ["creds", { type: "array", items: { $ref: `#/types/${T}ThingCred` }, description: "Creds.", secret: true }],
    ["labels", { type: "object", additionalProperties: { type: "string" }, description: "Labels." }],
    ["meta", { type: "object", additionalProperties: { $ref: "pulumi.json#/Any" }, description: "Meta." }],
    ["proxy", { $ref: `#/types/${T}ThingProxy`, description: "Proxy." }],
    ["either", { oneOf: [{ type: "string" }, { type: "number" }], description: "Either." }],
    ["level", { $ref: `#/types/${T}ThingLevel`, description: "Level." }],
    ["anything", { $ref: "pulumi.json#/Any", description: "Anything." }],
  ])("%s", (name, expected) => {
    expect(p[name]).toEqual(expected);
  });

  test("named types: enums, objects with required members and secret members", () => {
    expect(s.types[`${T}ThingMode`]).toEqual({ type: "string", description: "Mode.", enum: [{ value: "a" }, { value: "b" }] });
    expect(s.types[`${T}ThingLevel`]).toEqual({ type: "string", description: "Level.", enum: [{ value: "low" }, { value: "high" }] });
    expect(s.types[`${T}ThingCred`]).toEqual({
      type: "object",
      properties: { name: { type: "string" }, data: { type: "string", secret: true }, note: { type: "string" } },
      required: ["name", "data"],
    });
    expect(s.types[`${T}ThingProxy`]).toEqual({
      type: "object",
      description: "Proxy.",
      properties: { server: { type: "string" }, port: { type: "integer" } },
      required: ["server", "port"],
    });
  });

  test("computed fields are outputs only; required inputs are listed", () => {
    const r = s.resources["pulumi-nodejs:dynamic/test:Thing"];
    expect(r.properties.createdAt).toEqual({ type: "string", description: "Created." });
    expect(r.inputProperties.createdAt).toBeUndefined();
    expect(r.requiredInputs).toEqual(["name"]);
  });
});

describe("manifest.schema.json", () => {
  const schema = manifestSchema(resources);
  // zod reads the generated JSON Schema back: a validator independent of the loader. It compiles
  // `pattern` without the `u` flag (editors use it), so Unicode property escapes are left out here.
  const withoutUnicodePatterns = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(withoutUnicodePatterns)
      : v && typeof v === "object"
        ? Object.fromEntries(Object.entries(v).filter(([k, x]) => !(k === "pattern" && String(x).includes("\\p{"))).map(([k, x]) => [k, withoutUnicodePatterns(x)]))
        : v;
  const validator = z.fromJSONSchema(withoutUnicodePatterns(schema) as any);
  const ok = (doc: unknown) => validator.safeParse(doc).success;
  const ORG = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

  test("has one definition per registered table, holding exactly its input fields", () => {
    for (const def of Object.values(resources) as ResourceDef[]) {
      const d = (schema.definitions as any)[manifestType(def)];
      expect(Object.keys(d.properties)).toEqual(inputFields(def).map(([n]) => n));
      expect(d.required ?? []).toEqual(inputFields(def).filter(([, s]) => s.required).map(([n]) => n));
      expect(d.additionalProperties).toBe(false);
    }
    expect(schema.definitions.entry.anyOf.map((a: any) => a.properties.type.const).sort()).toEqual(Object.values(resources).map(manifestType).sort());
  });

  test("accepts the example manifest", () => {
    const doc = parse(fs.readFileSync(path.join(REPO, "examples/manifest/agents.yaml"), "utf8"), { merge: true });
    expect(validator.safeParse(doc).error?.issues).toBeUndefined();
  });

  test("types each entry's properties by its type, and accepts references and files where values go", () => {
    const pool = (properties: unknown, extra = {}) => ({ resources: { p: { type: "asteroid.AgentProfilePool", properties, ...extra } } });
    expect(ok(pool({ name: "a", organizationId: ORG }))).toBe(true);
    expect(ok(pool({ name: 5, organizationId: ORG }))).toBe(false);
    expect(ok(pool({ name: "a", organizationId: ORG, bogus: 1 }))).toBe(false);
    expect(ok(pool({ name: "a" }))).toBe(false); // organizationId is required
    expect(ok(pool({ name: "a", organizationId: ORG, selectionStrategy: "random" }))).toBe(false);
    expect(ok(pool({ name: { file: "name.txt" }, organizationId: "${profile.organizationId}" }))).toBe(true);
    expect(ok(pool({ name: "a", organizationId: ORG, allowConcurrentUse: "${config:concurrent}" }))).toBe(true);
    expect(ok(pool({ name: "a", organizationId: ORG, allowConcurrentUse: { file: "x" } }))).toBe(false); // a file is text
    expect(ok(pool({ name: "a", organizationId: ORG }, { options: { protect: true, dependsOn: ["x"] } }))).toBe(true);
    expect(ok(pool({ name: "a", organizationId: ORG }, { options: { protect: "yes" } }))).toBe(false);
    expect(ok({ resources: { p: { type: "asteroid.Nope", properties: {} } } })).toBe(false);
    expect(ok({ resources: {}, "x-anchors": { a: 1 } })).toBe(true);
    expect(ok({ resources: {}, other: 1 })).toBe(false);
  });
});
