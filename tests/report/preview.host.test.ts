/**
 * The report on real provider output: steps from the real dynamic-provider host against the
 * emulator, turned into `pulumi preview --json` by tests/host/preview-json.ts, then parsed and
 * rendered exactly as the CLI would.
 */
import { resources } from "../../provider/registry";
import { parsePreview, report } from "../../provider/report";
import { deleteStep, previewDigest, previewJson } from "../host/preview-json";
import { world, type World } from "../host/fixture";

const POOL = "asteroid:AgentProfilePool";
const ORG = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const ORG2 = "5d2b6a8e-1c3f-4e7a-9b0d-2f4c6e8a0b1c";
/** The pool's name stands in for a prompt: a multi-line name is valid (1-255 characters). */
const PROMPT_V1 = "Checkout pool\nRotate on every run\nUse only EU profiles\nNever share sessions";
const PROMPT_V2 = "Checkout pool\nRotate on every run\nUse only EU and UK profiles\nNever share sessions\nRetire after 30 days";

let w: World;
beforeAll(async () => (w = await world()));
afterAll(() => w.close());

describe("report on the pool through the real host", () => {
  const checkout = { name: PROMPT_V1, organizationId: ORG };
  const legacy = { name: "legacy-pool", organizationId: ORG };
  const moved = { name: "moved-pool", organizationId: ORG };

  beforeAll(async () => {
    await w.stack.up(POOL, "checkout", checkout);
    await w.stack.up(POOL, "legacy", legacy);
    await w.stack.up(POOL, "moved", moved);
  });

  test("the harness document is what `pulumi preview --json` prints, and parses", async () => {
    const steps = await w.stack.preview([[POOL, "checkout", { ...checkout, name: PROMPT_V2 }]]);
    const text = previewJson(w.stack, steps);
    const doc = JSON.parse(text);
    expect(Object.keys(doc)).toEqual(["steps", "duration", "changeSummary"]);
    expect(doc.steps[0]).toMatchObject({ op: "same", urn: "urn:pulumi:test::program::pulumi:pulumi:Stack::program-test" });
    const s = doc.steps[1];
    expect(Object.keys(s)).toEqual(["op", "urn", "provider", "oldState", "newState", "detailedDiff"]);
    expect(s).toMatchObject({ op: "update", urn: "urn:pulumi:test::program::pulumi-nodejs:dynamic/asteroid:AgentProfilePool::checkout", detailedDiff: null });
    expect(s.oldState).toMatchObject({ custom: true, type: "pulumi-nodejs:dynamic/asteroid:AgentProfilePool", id: w.stack.get(POOL, "checkout")!.id });
    expect(s.newState.inputs).toMatchObject({ name: PROMPT_V2, organizationId: ORG });
    expect(typeof s.newState.inputs.__provider).toBe("string");
    expect(doc.changeSummary).toEqual({ same: 1, update: 1 });
    expect(() => parsePreview(text)).not.toThrow();
  });

  test("update, replace, create and delete in one preview: table, reasons, and the prompt-like field as a line diff", async () => {
    const steps = await w.stack.preview([
      [POOL, "checkout", { ...checkout, name: PROMPT_V2 }],
      [POOL, "moved", { ...moved, organizationId: ORG2 }],
      [POOL, "returns", { name: "returns-pool", organizationId: ORG, selectionStrategy: "most_recently_used" }],
    ]);
    expect(steps.map((s) => s.op)).toEqual(["update", "replace", "create"]);
    const r = report(previewJson(w.stack, steps, { deletes: [[POOL, "legacy"]] }));
    expect(r.exitCode).toBe(2);
    expect(r.summary).toBe("pulumi-agents report: 4 changes (1 create, 1 update, 1 replace, 1 delete) in program/test");
    const rows = r.markdown.split("\n").filter((l) => l.startsWith("| `"));
    expect(rows).toEqual([
      "| `checkout` | `asteroid.AgentProfilePool` | update | `name` |",
      "| `moved` | `asteroid.AgentProfilePool` | **replace**: `organizationId` cannot change in place | `organizationId` |",
      "| `returns` | `asteroid.AgentProfilePool` | create | `name`, `organizationId`, `selectionStrategy` |",
      "| `legacy` | `asteroid.AgentProfilePool` | **delete** | — |",
    ]);
    expect(r.markdown).toContain(
      [
        "**`name`** (+2 −1 lines)",
        "```diff",
        "@@ -1,4 +1,5 @@",
        " Checkout pool",
        " Rotate on every run",
        "-Use only EU profiles",
        "+Use only EU and UK profiles",
        " Never share sessions",
        "+Retire after 30 days",
        "```",
      ].join("\n"),
    );
    expect(r.markdown).toContain(`**\`organizationId\`**: \`"${ORG}"\` → \`"${ORG2}"\``);
    expect(r.markdown).not.toMatch(/__provider|exports\.handler/);
  });

  test("with replacement steps shown, the pool that keeps its name is deleted before it is re-created", async () => {
    const steps = await w.stack.preview([[POOL, "moved", { ...moved, organizationId: ORG2 }]]);
    expect(steps[0].deleteBeforeReplace).toBe(true);
    const doc = previewDigest(w.stack, steps, { showReplacementSteps: true });
    expect(doc.steps!.map((s) => s.op)).toEqual(["same", "delete-replaced", "replace", "create-replacement"]);
    const r = report(doc);
    expect(r.changes.resources).toHaveLength(1);
    expect(r.markdown).toContain("**replace**: `organizationId` cannot change in place (deleted before it is re-created)");
  });

  test("a preview with nothing to do is no changes, exit 0", async () => {
    const steps = await w.stack.preview([[POOL, "checkout", checkout], [POOL, "legacy", legacy], [POOL, "moved", moved]]);
    expect(steps.map((s) => s.op)).toEqual(["same", "same", "same"]);
    const r = report(previewJson(w.stack, steps));
    expect(r.exitCode).toBe(0);
    expect(r.markdown).toContain("### Pulumi preview of `program/test`: no changes");
    // Pulumi's own count, which includes the stack: 3 pools + the stack.
    expect(r.markdown).toContain("<sub>Resources (Pulumi's count, the stack included): 4 unchanged.</sub>");
    expect(report(previewJson(w.stack, steps, { showSames: true })).exitCode).toBe(0);
  });

  test("drift: an out-of-band edit, refreshed, reads live -> desired in the report", async () => {
    const id = w.stack.get(POOL, "legacy")!.id;
    await w.ctl.edit("asteroid", "pools", id, { name: "renamed-by-hand" });
    await w.stack.refresh(POOL, "legacy");
    const steps = await w.stack.preview([[POOL, "legacy", legacy]]);
    const r = report(previewJson(w.stack, steps));
    expect(r.exitCode).toBe(2);
    expect(r.markdown).toContain("| `legacy` | `asteroid.AgentProfilePool` | update | `name` |");
    expect(r.markdown).toContain('**`name`**: `"renamed-by-hand"` → `"legacy-pool"`');
  });

  test("deleteStep names a resource the program dropped", () => {
    expect(deleteStep(w.stack, POOL, "legacy")).toMatchObject({ op: "delete", name: "legacy" });
    expect(() => deleteStep(w.stack, POOL, "nope")).toThrow(/not in the stack/);
  });
});

// Other resources, while they are registered: real prompts and real write-only values.
const everruns = resources["everruns:Agent"] ? describe : describe.skip;
everruns("report on everruns.Agent systemPrompt through the real host", () => {
  const T = "everruns:Agent";
  const agent = {
    name: "support",
    systemPrompt: "You are the support agent for Acme.\n\nRules:\n- Answer questions about orders.\n- Never promise a date.\n\nSign with Acme Support.\n",
    tags: ["support"],
  };

  test("a prompt edit is a line diff and nothing else of the agent shows", async () => {
    await w.ctl.control("everruns", "put-mode", {});
    await w.stack.up(T, "support", agent);
    const systemPrompt = agent.systemPrompt.replace("- Never promise a date.\n", "- Never promise a date.\n- Never ask for card numbers.\n");
    const steps = await w.stack.preview([[T, "support", { ...agent, systemPrompt, tags: ["support", "tier-2"] }]]);
    const r = report(previewJson(w.stack, steps));
    expect(r.markdown).toContain("| `support` | `everruns.Agent` | update | `systemPrompt`, `tags` |");
    expect(r.markdown).toContain(" - Never promise a date.\n+- Never ask for card numbers.\n \n");
    expect(r.markdown).toContain("**`tags`** (1 added)\n- added `\"tier-2\"`");
    await w.stack.destroy(T, "support");
  });
});

const profiles = resources["asteroid:AgentProfile"] ? describe : describe.skip;
profiles("report on asteroid.AgentProfile write-only values through the real host", () => {
  const T = "asteroid:AgentProfile";
  const SECRETS = ["ghp-report-secret-1", "ghp-report-secret-2", "npm-report-secret-1", "proxy-report-secret-1", "proxy-report-secret-22"];
  const profile = {
    name: "shopper",
    organizationId: ORG,
    proxyMode: "custom",
    customProxy: { server: "socks5://proxy.example.com:1080", username: "bot", password: SECRETS[3] },
    credentials: [{ name: "github_token", data: SECRETS[0] }],
  };

  test("credential data and proxy passwords never reach the preview JSON or the report, in either secret form", async () => {
    await w.stack.up(T, "shopper", profile);
    const next = {
      ...profile,
      customProxy: { ...profile.customProxy, password: SECRETS[4] },
      credentials: [{ name: "github_token", data: SECRETS[1] }, { name: "NPM_TOKEN", data: SECRETS[2] }],
    };
    const steps = await w.stack.preview([[T, "shopper", next]]);
    for (const secrets of ["mask", "envelope"] as const) {
      const text = previewJson(w.stack, steps, { secrets });
      const r = report(text);
      for (const s of SECRETS) {
        expect(text).not.toContain(s);
        expect(r.markdown).not.toContain(s);
      }
      expect(r.markdown).toContain("| `shopper` | `asteroid.AgentProfile` | update |");
      const added = r.markdown.split("\n").find((l) => l.startsWith("- added "));
      expect(added).toMatch(/"name":"NPM_TOKEN"/);
      expect(added).toMatch(/"data":"\[secret\]"/);
    }
    await w.stack.destroy(T, "shopper");
  });
});

const letta = resources["letta:Agent"] ? describe : describe.skip;
letta("report on letta.Agent memory blocks through the real host", () => {
  const T = "letta:Agent";
  const PERSONA = "You are Helper, the support agent of Acme.\nYou answer in English.\nYou never share internal ticket numbers.\nYou sign as Helper.\n";
  const agent = {
    name: "helper",
    model: "openai/gpt-4o-mini",
    memoryBlocks: [
      { label: "human", value: "Name: unknown\nPrefers: short answers\n", limit: 2000 },
      { label: "persona", value: PERSONA, limit: 5000 },
    ],
  };

  test("a memory block's value edited below the top level is a line diff, the block matched by label, and the replacement says why", async () => {
    await w.stack.up(T, "helper", agent);
    const next = {
      ...agent,
      // Reordered, written in the API's snake_case, and the persona's third line edited.
      memoryBlocks: [
        { label: "persona", value: PERSONA.replace("ticket numbers.", "ticket numbers or order margins."), limit: 5000, read_only: false },
        agent.memoryBlocks[0],
      ],
    };
    const steps = await w.stack.preview([[T, "helper", next]]);
    expect(steps.map((s) => s.op)).toEqual(["replace"]);
    const r = report(previewJson(w.stack, steps));
    expect(r.markdown).toContain("| `helper` | `letta.Agent` | **replace**: `memoryBlocks` cannot change in place | `memoryBlocks` |");
    expect(r.markdown).toContain("**`memoryBlocks`** (1 changed, items matched by label)\n- changed `persona`: `read_only` set to `false`\n- the order of the items changed");
    expect(r.markdown).toContain(
      "`memoryBlocks[persona].value` (+1 −1 lines)\n```diff\n@@ -1,4 +1,4 @@\n You are Helper, the support agent of Acme.\n You answer in English.\n-You never share internal ticket numbers.\n+You never share internal ticket numbers or order margins.\n You sign as Helper.\n```",
    );
    await w.stack.destroy(T, "helper");
  });
});
