/**
 * manifest.load under the SDK's mock runtime: what it declares (types, inputs, options, order),
 * prompt files relative to the manifest, references, config, and the whole-file validation that
 * reports every problem as `file:line:column: path: reason` before any resource is declared.
 */
import * as pulumi from "@pulumi/pulumi";
import { asteroid, manifest, Provider } from "../../provider";
import { folder, mockRuntime, ORG, registered, settle, valueOf } from "./helpers";

// The SDK's own registration call: every option a resource is declared with passes through it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeResource = require("@pulumi/pulumi/runtime/resource");
let declared: jest.SpyInstance;

beforeAll(() => mockRuntime("proj"));
beforeEach(() => {
  registered.length = 0;
  declared = jest.spyOn(runtimeResource, "registerResource");
});
afterEach(() => declared.mockRestore());

/** `[name, options]` of every resource declared, in declaration order. */
const declarations = () => declared.mock.calls.map((c) => [c[3] as string, c[8] as pulumi.CustomResourceOptions] as const);

/** The problems `load` reports, one line each. */
function problems(file: string, cwd: string, opts: manifest.LoadOptions = {}): string[] {
  try {
    manifest.load(file, { cwd, ...opts });
  } catch (e) {
    expect(e).toBeInstanceOf(manifest.ManifestError);
    return (e as manifest.ManifestError).issues.map(manifest.formatIssue);
  }
  throw new Error("load did not fail");
}

describe("declaring", () => {
  test("every entry is declared with its properties and returned by name, as the package's own classes", async () => {
    const dir = folder({
      "team/agents.yaml": [
        "resources:",
        "  support:",
        "    type: everruns.Agent",
        "    properties:",
        "      name: Customer support",
        "      systemPrompt: { file: prompts/support.md }",
        "      tags: [support, tier-1]",
        "  browsers:",
        "    type: asteroid.AgentProfilePool",
        "    properties:",
        "      name: support-browsers",
        `      organizationId: ${ORG}`,
        "      selectionStrategy: most_recently_used",
        "",
      ].join("\n"),
      "team/prompts/support.md": "You are the support agent.\n\n- Be brief.\n",
    });
    const res = manifest.load("team/agents.yaml", { cwd: dir });
    expect(Object.keys(res)).toEqual(["support", "browsers"]);
    expect(res.browsers).toBeInstanceOf(asteroid.AgentProfilePool);
    expect(await valueOf(res.browsers.id)).toBe("browsers-id");
    await settle();
    expect(registered).toEqual([
      {
        type: "pulumi-nodejs:dynamic/everruns:Agent",
        name: "support",
        // the prompt is the file's exact text, read relative to the manifest (team/), not the working directory
        inputs: { name: "Customer support", systemPrompt: "You are the support agent.\n\n- Be brief.\n", tags: ["support", "tier-1"] },
      },
      {
        type: "pulumi-nodejs:dynamic/asteroid:AgentProfilePool",
        name: "browsers",
        inputs: { name: "support-browsers", organizationId: ORG, selectionStrategy: "most_recently_used" },
      },
    ]);
  });

  test("references resolve to the other entry's outputs, which is declared first", async () => {
    const dir = folder({
      "agents.yaml": [
        "resources:",
        "  agent:",
        "    type: everruns.Agent",
        "    properties:",
        "      name: Support",
        '      systemPrompt: "Use the ${pool.name} pool. Write $${order} literally."',
        "      description: ${pool}",
        '      tags: ["${profile.organizationId}", plain]',
        "  pool:",
        "    type: asteroid.AgentProfilePool",
        "    properties:",
        "      name: support-pool",
        "      organizationId: ${profile.organizationId}",
        "  profile:",
        "    type: asteroid.AgentProfile",
        "    properties:",
        "      name: browser",
        `      organizationId: ${ORG}`,
        "",
      ].join("\n"),
    });
    const res = manifest.load("agents.yaml", { cwd: dir });
    expect(declarations().map(([n]) => n)).toEqual(["profile", "pool", "agent"]);
    expect(await valueOf(res.agent.systemPrompt)).toBe("Use the support-pool pool. Write ${order} literally.");
    await settle();
    const inputs = Object.fromEntries(registered.map((r) => [r.name, r.inputs]));
    expect(inputs.pool).toEqual({ name: "support-pool", organizationId: ORG });
    expect(inputs.agent).toEqual({
      name: "Support",
      systemPrompt: "Use the support-pool pool. Write ${order} literally.",
      description: "pool-id",
      tags: [ORG, "plain"],
    });
  });

  test("objects that merely have a `ref` member (everruns capabilities) are values, not references", async () => {
    const dir = folder({
      "agents.yaml": "resources:\n  a:\n    type: everruns.Agent\n    properties:\n      name: a\n      systemPrompt: p\n      capabilities: [{ ref: current_time }, { ref: web_fetch, config: { timeout: 5 } }]\n",
    });
    manifest.load("agents.yaml", { cwd: dir });
    await settle();
    expect(registered[0].inputs.capabilities).toEqual([{ ref: "current_time" }, { ref: "web_fetch", config: { timeout: 5 } }]);
  });

  test("options become resource options; dependsOn and provider name entries and providers", async () => {
    const eu = new asteroid.AgentProfilePool("unused", { name: "x", organizationId: ORG }); // any resource stands for a dependency
    const provider = new Provider("eu", {});
    declared.mockClear();
    const dir = folder({
      "agents.yaml": [
        "resources:",
        "  pool:",
        "    type: asteroid.AgentProfilePool",
        `    properties: { name: pool, organizationId: "${ORG}" }`,
        "    options:",
        "      protect: true",
        "      ignoreChanges: [selectionStrategy]",
        "      deleteBeforeReplace: true",
        "      retainOnDelete: true",
        "      import: 6f9619ff-8b86-d011-b42d-00c04fc964ff",
        "      provider: eu",
        "  agent:",
        "    type: everruns.Agent",
        "    properties: { name: a, systemPrompt: p }",
        "    options: { dependsOn: [pool] }",
        "",
      ].join("\n"),
    });
    const res = manifest.load("agents.yaml", { cwd: dir, providers: { eu: provider }, defaults: { parent: eu, protect: false } });
    const [pool, agent] = declarations();
    expect(pool[0]).toBe("pool");
    expect(pool[1]).toMatchObject({
      protect: true,
      ignoreChanges: ["selectionStrategy"],
      deleteBeforeReplace: true,
      retainOnDelete: true,
      import: "6f9619ff-8b86-d011-b42d-00c04fc964ff",
      provider,
      parent: eu,
    });
    expect(agent[0]).toBe("agent");
    expect(agent[1]).toMatchObject({ dependsOn: [res.pool], parent: eu, protect: false });
    await settle();
    expect(registered.find((r) => r.name === "pool")).toMatchObject({ id: "6f9619ff-8b86-d011-b42d-00c04fc964ff", provider: expect.stringContaining("::eu::") });
  });

  test("stack config: ${config:key} is read as text, ${secret:key} and keys the stack holds as secrets stay secret", async () => {
    pulumi.runtime.setAllConfig({ "proj:org": ORG, "proj:note": "from config", "proj:token": "s3cr3t", "other:held": "hidden" }, ["other:held"]);
    const dir = folder({
      "agents.yaml": [
        "resources:",
        "  pool:",
        "    type: asteroid.AgentProfilePool",
        "    properties: { name: pool, organizationId: '${config:org}' }",
        "  agent:",
        "    type: everruns.Agent",
        "    properties:",
        "      name: ${config:note}",
        "      systemPrompt: token ${secret:token}",
        "      description: ${config:other:held}",
        "",
      ].join("\n"),
    });
    const res = manifest.load("agents.yaml", { cwd: dir });
    expect(await valueOf(res.pool.organizationId)).toBe(ORG);
    expect(await valueOf(res.agent.name)).toBe("from config");
    expect(await pulumi.isSecret(res.agent.name)).toBe(false);
    expect(await pulumi.isSecret(res.agent.systemPrompt)).toBe(true);
    expect(await pulumi.isSecret(res.agent.description)).toBe(true);
    pulumi.runtime.setAllConfig({});
  });

  test("YAML anchors and merge keys work, and `x-` top-level keys are ignored", async () => {
    const dir = folder({
      "agents.yaml": [
        "x-pool: &pool",
        `  organizationId: ${ORG}`,
        "  selectionStrategy: most_recently_used",
        "resources:",
        "  a:",
        "    type: asteroid.AgentProfilePool",
        "    properties: { <<: *pool, name: a }",
        "",
      ].join("\n"),
    });
    manifest.load("agents.yaml", { cwd: dir });
    await settle();
    expect(registered[0].inputs).toEqual({ name: "a", organizationId: ORG, selectionStrategy: "most_recently_used" });
  });

  test("an empty `resources:` declares nothing", () => {
    const dir = folder({ "agents.yaml": "resources:\n" });
    expect(manifest.load("agents.yaml", { cwd: dir })).toEqual({});
  });
});

describe("validation of the whole file before any declaration", () => {
  afterEach(async () => {
    await settle();
    expect(declared).not.toHaveBeenCalled();
    expect(registered).toEqual([]);
  });

  test("property errors come from the resource's own check, at the line and column of the value", () => {
    const dir = folder({
      "agents.yaml": [
        "resources:", //                                           1
        "  pool:", //                                              2
        "    type: asteroid.AgentProfilePool", //                  3
        "    properties:", //                                      4
        "      name: ''", //                                       5
        "      organizationId: not-a-uuid", //                     6
        "      selectionStrategy: random", //                      7
        "      poolSize: 3", //                                    8
        "      createdAt: yesterday", //                           9
        "  support:", //                                           10
        "    type: everruns.Agent", //                             11
        "    properties:", //                                      12
        "      name: Support", //                                  13
        "      tags: support", //                                  14
        "      capabilities:", //                                  15
        "        - ref: current_time", //                          16
        "        - ref: ''", //                                    17
        "",
      ].join("\n"),
    });
    expect(problems("agents.yaml", dir)).toEqual([
      "agents.yaml:5:13: resources.pool.properties.name: must not be empty",
      'agents.yaml:6:23: resources.pool.properties.organizationId: must be a valid UUID (got "not-a-uuid")',
      'agents.yaml:7:26: resources.pool.properties.selectionStrategy: must be one of "least_recently_used", "most_recently_used" (got "random")',
      "agents.yaml:8:7: resources.pool.properties.poolSize: unknown property; asteroid.AgentProfilePool takes name, organizationId, allowConcurrentUse, selectionStrategy",
      "agents.yaml:9:7: resources.pool.properties.createdAt: is an output of asteroid.AgentProfilePool, set by the platform; it cannot be set",
      // a missing required property points at the `properties:` key of its entry
      "agents.yaml:12:5: resources.support.properties.systemPrompt: is required",
      "agents.yaml:14:13: resources.support.properties.tags: must be a list, not string",
      "agents.yaml:17:16: resources.support.properties.capabilities[1].ref: must not be empty",
    ]);
  });

  test("envelope, options, references, cycles and files are checked too, all in one report", () => {
    const dir = folder({
      "agents.yaml": [
        "resources:", //                                                   1
        "  support:", //                                                   2
        "    type: everruns.Agent", //                                     3
        "    properties:", //                                              4
        "      name: Support", //                                          5
        "      systemPrompt: { file: prompts/missing.md }", //             6
        "      description: ${nobody.id}", //                              7
        "    options:", //                                                 8
        "      protect: yes", //                                           9
        "      provider: eu", //                                           10
        "      dependsOn: [triage]", //                                    11
        "      timeout: 5", //                                             12
        "  triage:", //                                                    13
        "    type: everruns.Agent", //                                     14
        "    properties:", //                                              15
        "      name: Triage", //                                           16
        "      systemPrompt: Route ${support.name} ${support.colour}", //  17
        "  pool:", //                                                      18
        "    type: asteroid.Pool", //                                      19
        "    properties: {}", //                                           20
        "    option: {}", //                                               21
        "  bad name:", //                                                  22
        "    type: everruns.Agent", //                                     23
        "    properties: { name: n, systemPrompt: '${config:missing} ${oops!}' }", // 24
        "extras: 1", //                                                    25
        "",
      ].join("\n"),
    });
    expect(problems("agents.yaml", dir)).toEqual([
      "agents.yaml:6:29: resources.support.properties.systemPrompt.file: cannot read prompts/missing.md: no such file (paths are relative to the manifest)",
      'agents.yaml:7:20: resources.support.properties.description: no entry named "nobody" in this manifest',
      "agents.yaml:9:16: resources.support.options.protect: must be a boolean, not string",
      'agents.yaml:10:17: resources.support.options.provider: no provider named "eu" was passed to manifest.load (pass { providers: { "eu": provider } })',
      "agents.yaml:12:7: resources.support.options.timeout: unknown property",
      'agents.yaml:17:21: resources.triage.properties.systemPrompt: everruns.Agent has no output "colour"; it has id, urn, name, systemPrompt, description, defaultModelId, capabilities, tags, agentId, status, createdAt, updatedAt, usage',
      // the cycle closes at triage's reference (support -> triage by dependsOn); one report for the pair
      "agents.yaml:17:21: resources.triage.properties.systemPrompt: references form a cycle: support -> triage -> support",
      expect.stringMatching(/^agents\.yaml:19:11: resources\.pool\.type: must be one of .*"asteroid\.AgentProfilePool".* \(got "asteroid\.Pool"\)$/),
      "agents.yaml:21:5: resources.pool.option: unknown property",
      "agents.yaml:22:3: resources.bad name: a name uses letters, digits, `_` and `-`, and starts with a letter, digit or `_`",
      "agents.yaml:24:42: resources.bad name.properties.systemPrompt: stack config proj:missing is not set (pulumi config set proj:missing <value>)",
      "agents.yaml:24:42: resources.bad name.properties.systemPrompt: ${oops!} is not an expression: write ${name}, ${name.output}, ${config:key} or ${secret:key} (and $${ for a literal ${)",
      "agents.yaml:25:1: extras: unknown top-level key: a manifest has `resources:` (and `x-` keys, ignored, for YAML anchors)",
    ]);
  });

  test("a reference to itself, and a cycle through references only", () => {
    const dir = folder({
      "agents.yaml": [
        "resources:",
        "  a:",
        "    type: everruns.Agent",
        "    properties: { name: '${b.name}', systemPrompt: '${a.name}' }",
        "  b:",
        "    type: everruns.Agent",
        "    properties: { name: b, systemPrompt: '${a.systemPrompt}' }",
        "",
      ].join("\n"),
    });
    expect(problems("agents.yaml", dir)).toEqual([
      "agents.yaml:4:52: resources.a.properties.systemPrompt: an entry cannot refer to itself",
      "agents.yaml:7:42: resources.b.properties.systemPrompt: references form a cycle: a -> b -> a",
    ]);
  });

  test("an error inside a merged anchor points where the anchor's value is written", () => {
    const dir = folder({
      "agents.yaml": ["x-pool: &pool", "  organizationId: 42", "resources:", "  a:", "    type: asteroid.AgentProfilePool", "    properties: { <<: *pool, name: a }", ""].join("\n"),
    });
    expect(problems("agents.yaml", dir)).toEqual(["agents.yaml:2:19: resources.a.properties.organizationId: must be a string, not number"]);
  });

  test("YAML syntax errors are reported with their position, and nothing else is attempted", () => {
    const dir = folder({ "agents.yaml": "resources:\n  a:\n    type: everruns.Agent\n  a:\n    type: odeus.Agent\n    properties: [1,\n" });
    const out = problems("agents.yaml", dir);
    expect(out[0]).toMatch(/^agents\.yaml:4:3: the key "a" appears twice in this mapping/);
    expect(out.length).toBeGreaterThan(1);
    expect(out.every((l) => /^agents\.yaml:\d+:\d+: /.test(l))).toBe(true);
  });

  test("a manifest that is not a mapping, has no resources, or cannot be read", () => {
    const dir = folder({ "list.yaml": "- a\n- b\n", "empty.yaml": "x-note: nothing here\n", "scalar.yaml": "resources: 3\n" });
    expect(problems("list.yaml", dir)).toEqual(["list.yaml:1:1: a manifest is a mapping with a `resources:` key"]);
    expect(problems("empty.yaml", dir)).toEqual(["empty.yaml:1:1: `resources:` is missing"]);
    expect(problems("scalar.yaml", dir)).toEqual(["scalar.yaml:1:12: resources: must be a mapping of resource names to entries"]);
    expect(problems("nope.yaml", dir)).toEqual(["nope.yaml:1:1: cannot read the manifest: no such file"]);
  });

  test("secret values are never shown in a reason", () => {
    pulumi.runtime.setAllConfig({ "proj:token": "s3cr3t" }, ["proj:token"]);
    const dir = folder({
      "agents.yaml": "resources:\n  a:\n    type: asteroid.AgentProfilePool\n    properties: { name: a, organizationId: '${config:token}', selectionStrategy: '${secret:token}', allowConcurrentUse: x }\n",
    });
    const out = problems("agents.yaml", dir);
    pulumi.runtime.setAllConfig({});
    expect(out).toEqual(["agents.yaml:4:121: resources.a.properties.allowConcurrentUse: must be a boolean, not string"]);
    expect(out.join("\n")).not.toContain("s3cr3t");
  });

  test("validate lists the problems without throwing or declaring", () => {
    const dir = folder({ "agents.yaml": "resources:\n  a:\n    type: asteroid.AgentProfilePool\n    properties: { name: a }\n" });
    expect(manifest.validate("agents.yaml", { cwd: dir })).toEqual([
      { file: "agents.yaml", line: 4, column: 5, path: "resources.a.properties.organizationId", reason: "is required" },
    ]);
  });
});

describe("did you mean, in manifests as at check", () => {
  test("a misspelt property and a misspelt type name what they most likely meant", () => {
    const dir = folder({
      "agents.yaml":
        "resources:\n  pool:\n    type: asteroid.AgentProfilePool\n    properties:\n      name: p\n      organizationId: 3c90c3cc-0d44-4b50-8888-8dd25736052a\n      selectionStrategey: most_recently_used\n  bad:\n    type: everruns.Agnet\n",
    });
    const failures = manifest.validate("agents.yaml", { cwd: dir }).map((f) => `${f.line}:${f.column} ${f.path}: ${f.reason}`);
    expect(failures).toEqual([
      "7:7 resources.pool.properties.selectionStrategey: unknown property; did you mean selectionStrategy?",
      expect.stringMatching(/^9:11 resources\.bad\.type: must be one of .* \(got "everruns\.Agnet"\); did you mean "everruns\.Agent"\?$/),
    ]);
  });
});

test("a duplicate key names the key and where it repeats", () => {
  const dir = folder({ "agents.yaml": "resources:\n  pool:\n    type: asteroid.AgentProfilePool\n    properties:\n      name: p\n      name: q\n" });
  expect(manifest.validate("agents.yaml", { cwd: dir })).toEqual([
    { file: "agents.yaml", line: 6, column: 7, path: "", reason: 'the key "name" appears twice in this mapping (keys must be unique)' },
  ]);
});
