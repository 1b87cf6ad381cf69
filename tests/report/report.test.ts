/**
 * The report on documents shaped exactly like `pulumi preview --json` output (fixtures in
 * tests/fixtures/preview): summary table, line diffs, list items, secrets, the size cap, exit codes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { defineResource, f } from "../../provider/core/fields";
import { resources } from "../../provider/registry";
import { EXIT, parsePreview, PreviewInputError, report, type PreviewDigest } from "../../provider/report";

const FIXTURES = path.resolve(__dirname, "../../../tests/fixtures/preview");
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8");
const load = (name: string): PreviewDigest => JSON.parse(fixture(name));

/** A resource with every secret form, registered only for these tests (so they do not depend on other resources). */
const vault = defineResource({
  platform: "test",
  type: "Vault",
  doc: "A test resource holding secrets.",
  fields: {
    name: f.scalar(z.string(), "Name."),
    proxyPassword: f.scalar(z.string(), "A write-only password.", { secret: true }),
    webhookToken: f.scalar(z.string(), "A write-only token.", { secret: true }),
    credentials: f.keyed(
      z.array(z.object({ name: z.string(), data: z.string() })),
      "Credentials, keyed by name; `data` is write-only.",
      { key: (i) => String(i.name).toLowerCase(), keyLabel: "name (case-insensitive)", idField: "id", itemComputed: ["id"], add: "add", remove: "delete" },
      { secretMembers: ["data"] },
    ),
  },
  idOf: (b) => String(b.id),
  api: {
    create: async () => ({}),
    read: async () => undefined,
    update: async () => ({}),
    delete: async () => undefined,
  },
});
beforeAll(() => (resources["test:Vault"] = vault));
afterAll(() => delete resources["test:Vault"]);

describe("fixtures follow the documented shape of `pulumi preview --json`", () => {
  // PreviewDigest, PreviewStep and apitype.ResourceV3 members (pulumi/pulumi pkg/display, sdk/go/common/apitype).
  const DIGEST = ["config", "steps", "diagnostics", "duration", "changeSummary", "maybeCorrupt"];
  const STEP = ["op", "urn", "provider", "oldState", "newState", "diffReasons", "replaceReasons", "detailedDiff"];
  const STATE = ["urn", "custom", "delete", "id", "type", "inputs", "outputs", "parent", "protect", "external", "dependencies", "initErrors", "provider", "propertyDependencies", "pendingReplacement", "additionalSecretOutputs", "aliases", "customTimeouts", "importID", "retainOnDelete", "deletedWith", "created", "modified", "sourcePosition", "ignoreChanges", "replaceOnChanges", "refreshBeforeUpdate", "viewOf", "taint", "hideDiffs", "resourceHooks"];
  const DIAG = ["urn", "prefix", "message", "severity"];
  const OPS = ["same", "create", "update", "delete", "replace", "create-replacement", "delete-replaced", "read", "read-replacement", "refresh", "discard", "discard-replaced", "remove-pending-replace", "import", "import-replacement"];
  const KINDS = ["add", "add-replace", "delete", "delete-replace", "update", "update-replace"];

  for (const file of fs.readdirSync(FIXTURES).filter((n) => n.endsWith(".json"))) {
    test(file, () => {
      const doc = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8"));
      expect(DIGEST).toEqual(expect.arrayContaining(Object.keys(doc)));
      for (const s of doc.steps ?? []) {
        expect(STEP).toEqual(expect.arrayContaining(Object.keys(s)));
        expect(OPS).toContain(s.op);
        expect(s.urn).toMatch(/^urn:pulumi:[^:]+::[^:]+::.+::.+$/);
        expect("detailedDiff" in s).toBe(true); // not omitempty in the Go struct
        for (const k of ["oldState", "newState"]) {
          if (!s[k]) continue;
          expect(STATE).toEqual(expect.arrayContaining(Object.keys(s[k])));
          expect(s[k].urn).toBe(s.urn);
          expect(typeof s[k].type).toBe("string");
          expect(typeof s[k].custom).toBe("boolean");
        }
        for (const d of Object.values(s.detailedDiff ?? {}) as { kind: string }[]) expect(KINDS).toContain(d.kind);
      }
      for (const d of doc.diagnostics ?? []) expect(DIAG).toEqual(expect.arrayContaining(Object.keys(d)));
      for (const n of Object.values(doc.changeSummary ?? {})) expect(Number.isInteger(n)).toBe(true);
      expect(() => parsePreview(JSON.stringify(doc))).not.toThrow();
    });
  }
});

describe("the summary table and the field sections", () => {
  const r = report(fixture("prompt-change"));

  test("one row per changed resource: name, <platform>.<Type>, operation with the replace reason, changed fields", () => {
    const rows = r.markdown.split("\n").filter((l) => l.startsWith("| `"));
    expect(rows).toEqual([
      "| `support` | `everruns.Agent` | update | `systemPrompt`, `capabilities`, `tags` |",
      "| `checkout` | `asteroid.AgentProfilePool` | **replace**: `organizationId` cannot change in place | `organizationId` |",
      "| `returns` | `asteroid.AgentProfilePool` | create | `name`, `organizationId`, `allowConcurrentUse` |",
      "| `legacy` | `asteroid.AgentProfilePool` | **delete** | — |",
    ]);
    expect(r.markdown).toContain("### Pulumi preview of `agents/dev`: 4 changes (1 to create, 1 to update, 1 to replace, 1 to delete)");
    expect(r.markdown).not.toContain("pulumi:pulumi:Stack");
  });

  test("a changed prompt is a unified line diff, not two whole strings", () => {
    const block = r.markdown.slice(r.markdown.indexOf("**`systemPrompt`**"), r.markdown.indexOf("**`capabilities`**"));
    expect(block).toContain("```diff\n@@ -1,8 +1,9 @@\n");
    expect(block).toContain("\n-- Answer only questions about orders, refunds and shipping.\n+- Answer only questions about orders, refunds, returns and shipping.\n");
    expect(block).toContain("\n+- Never ask for a full card number.\n");
    expect(block).toContain("\n - Never promise a delivery date.\n");
    // The unchanged last line is beyond the 3 lines of context: the whole prompt is not repeated.
    expect(block).not.toContain("Acme Support");
  });

  test("a changed list shows the items added and removed", () => {
    expect(r.markdown).toContain("**`capabilities`** (1 added, 1 removed, items matched by ref)\n- added `{\"ref\":\"code_runner\"}`\n- removed `{\"ref\":\"file_reader\"}`");
    expect(r.markdown).toContain("- added `\"tier-2\"`\n- removed `\"tier-1\"`");
  });

  test("internal inputs (`__provider`) and server-set outputs never show", () => {
    expect(r.markdown).not.toMatch(/__provider|__managed|exports\.handler|createdAt/);
  });

  test("a replacement shown with its replacement steps is one row that says which side goes first", () => {
    const rr = report(fixture("replacement-steps"));
    expect(rr.changes.resources).toHaveLength(1);
    expect(rr.markdown).toContain("| `checkout` | `asteroid.AgentProfilePool` | **replace**: `organizationId` cannot change in place (deleted before it is re-created) | `organizationId` |");
  });

  test("keyed lists match items by their key: a changed item is one change, not a removal and an addition", () => {
    const doc = load("secrets");
    const step = doc.steps![1];
    step.oldState!.inputs!.credentials = [{ name: "github", data: "[secret]", scope: "repo" }];
    step.newState!.inputs!.credentials = [{ name: "github", data: "[secret]", scope: "org" }];
    const rr = report(doc);
    expect(rr.markdown).toContain("**`credentials`** (1 changed, items matched by name (case-insensitive))");
    expect(rr.markdown).toContain("- changed `github`: `scope`: `\"repo\"` → `\"org\"`");
    expect(rr.markdown).not.toContain("added");
  });
});

describe("secrets: only ever changed or unchanged", () => {
  // Lengths 37 and 53 appear nowhere else in the fixture, so a printed length would be caught.
  const OLD_PASSWORD = "old-proxy-password-0123456789abcdefgh"; // 37
  const NEW_PASSWORD = "new-proxy-password-with-a-longer-value-0123456789abcd"; // 53
  const TOKEN = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB";
  const WEBHOOK = "whk_live_9f8e7d6c5b4a";

  /** The fixture as `pulumi preview --json --show-secrets` would print it: plaintext everywhere. */
  function plaintextDoc(): PreviewDigest {
    const doc = load("secrets");
    const [o, n] = [doc.steps![1].oldState!.inputs!, doc.steps![1].newState!.inputs!];
    Object.assign(o, { proxyPassword: OLD_PASSWORD, webhookToken: WEBHOOK, credentials: [{ name: "github", data: TOKEN }, { name: "jira", data: TOKEN }] });
    Object.assign(n, { proxyPassword: NEW_PASSWORD, webhookToken: WEBHOOK, credentials: [{ name: "github", data: TOKEN }, { name: "slack", data: TOKEN }] });
    return doc;
  }

  test("secret values from the field table are never printed, nor their length, even when the document shows them", () => {
    const r = report(plaintextDoc());
    for (const v of [OLD_PASSWORD, NEW_PASSWORD, TOKEN, WEBHOOK]) {
      expect(r.markdown).not.toContain(v);
      expect(r.summary).not.toContain(v);
    }
    expect(r.markdown).not.toMatch(/\b(37|53|42|21)\b/);
    expect(r.markdown).toContain("**`proxyPassword`** (secret): changed");
    expect(r.markdown).toContain("Secrets unchanged: `webhookToken`.");
    expect(r.markdown).toContain("- added `{\"name\":\"slack\",\"data\":\"[secret]\"}`");
    expect(r.markdown).toContain("- removed `{\"name\":\"jira\",\"data\":\"[secret]\"}`");
  });

  test('"[secret]" strings and secret envelopes are read as secrets; envelopes print nothing of their own', () => {
    const r = report(fixture("secrets"));
    // proxyPassword is "[secret]" on both sides and named by the engine: it may have changed, no more.
    expect(r.markdown).toContain("| `shopper` | `test.Vault` | update | `proxyPassword` (secret, may have changed), `credentials` |");
    expect(r.markdown).toContain("**`proxyPassword`** (secret): may have changed (the engine names it; the preview blinds both values)");
    expect(r.markdown).not.toMatch(/ciphertext|v1:|4dabf181/);
  });

  test("secrets of a type the package does not know are recognised by their markers alone", () => {
    const doc = JSON.parse(fixture("secrets").replace(/test:Vault/g, "other:Thing")) as PreviewDigest;
    const o = doc.steps![1].oldState!.inputs!;
    const n = doc.steps![1].newState!.inputs!;
    o.password = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify(OLD_PASSWORD) };
    n.password = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify(NEW_PASSWORD) };
    const r = report(doc);
    expect(r.markdown).toContain("**`password`** (secret): changed");
    expect(r.markdown).not.toContain(OLD_PASSWORD);
    expect(r.markdown).not.toContain(NEW_PASSWORD);
    expect(r.markdown).not.toMatch(/\b(37|53)\b/);
  });

  test("without diff reasons (dynamic providers give none), a blinded secret is changed only when nothing else explains the update", () => {
    const doc = load("secrets");
    const step = doc.steps![1];
    delete step.diffReasons;
    step.detailedDiff = null;
    step.newState!.inputs!.credentials = step.oldState!.inputs!.credentials;
    step.newState!.inputs!.webhookToken = step.oldState!.inputs!.webhookToken;
    const only = report(doc);
    expect(only.markdown).toContain("**`proxyPassword`** (secret): changed");

    step.newState!.inputs!.name = "renamed";
    const both = report(doc);
    expect(both.markdown).toContain("Secrets the preview blinds on both sides, so it cannot tell whether they changed: `proxyPassword`.");
    expect(both.markdown).toContain("| `shopper` | `test.Vault` | update | `name` |");
  });
});

describe("the size cap", () => {
  /** Three resources whose prompts change by `n` lines each. */
  function bigDoc(sizes: number[]): PreviewDigest {
    const doc = load("prompt-change");
    const agent = doc.steps![1];
    doc.steps = [doc.steps![0]];
    sizes.forEach((n, i) => {
      const s = JSON.parse(JSON.stringify(agent).replace(/::support/g, `::agent-${i}`));
      s.oldState.inputs.systemPrompt = Array.from({ length: n }, (_, k) => `old line ${k} of agent ${i}`).join("\n");
      s.newState.inputs.systemPrompt = Array.from({ length: n }, (_, k) => `new line ${k} of agent ${i}`).join("\n");
      s.newState.inputs.capabilities = s.oldState.inputs.capabilities;
      s.newState.inputs.tags = s.oldState.inputs.tags;
      s.diffReasons = ["systemPrompt"];
      doc.steps!.push(s);
    });
    return doc;
  }
  const block = (md: string, name: string) => md.slice(md.indexOf(`#### \`${name}\``)).split("\n#### ")[0];

  test("everything fits: nothing is cut", () => {
    const r = report(bigDoc([5, 5]));
    expect(r.cut).toEqual([]);
    expect(r.markdown).not.toContain("cut to fit");
  });

  test("the longest diff is shortened first; the others stay whole; the table stays; the cut is named", () => {
    const r = report(bigDoc([2000, 200, 5]), { maxChars: 30_000 });
    expect(r.markdown.length).toBeLessThanOrEqual(30_000);
    expect(r.cut.map((c) => c.resource)).toEqual(["agent-0"]);
    expect(r.cut[0].keptLines).toBeGreaterThan(0);
    expect(r.cut[0].keptLines).toBeLessThan(r.cut[0].totalLines);
    expect(block(r.markdown, "agent-1")).toContain("+new line 199 of agent 1");
    expect(block(r.markdown, "agent-2")).toContain("+new line 4 of agent 2");
    expect(block(r.markdown, "agent-0")).toMatch(/_… \d+ more lines of `systemPrompt` cut to fit the report's size cap\._/);
    expect(r.markdown).toMatch(/Cut to stay under 30,000 characters \(longest sections first\): `agent-0` `systemPrompt` \(\d+ of 4001 lines kept\)/);
    for (const i of [0, 1, 2]) expect(r.markdown).toContain(`| \`agent-${i}\` | \`everruns.Agent\` | update | \`systemPrompt\` |`);
    expect(r.summary).toContain("1 section shortened to fit 30000 characters");
    // Fences stay balanced after the cut.
    expect((r.markdown.match(/^```/gm) ?? []).length % 2).toBe(0);
  });

  test("a tighter cap shortens the two longest to the same size and keeps the short one whole", () => {
    const r = report(bigDoc([2000, 400, 5]), { maxChars: 12_000 });
    expect(r.markdown.length).toBeLessThanOrEqual(12_000);
    expect(r.cut.map((c) => c.resource).sort()).toEqual(["agent-0", "agent-1"]);
    const [a, b] = [block(r.markdown, "agent-0").length, block(r.markdown, "agent-1").length];
    expect(Math.abs(a - b)).toBeLessThan(200);
    expect(block(r.markdown, "agent-2")).toContain("+new line 4 of agent 2");
  });

  test("when even the section titles do not fit, the details go but the whole table stays", () => {
    const r = report(bigDoc([300, 300, 300]), { maxChars: 700 });
    for (const i of [0, 1, 2]) expect(r.markdown).toContain(`| \`agent-${i}\` | \`everruns.Agent\` | update | \`systemPrompt\` |`);
    expect(r.markdown).toContain("The field-by-field details were left out");
    expect(r.markdown).not.toContain("```diff");
    expect(r.exitCode).toBe(EXIT.changes);
  });

  test("the default cap is 60,000 characters", () => {
    const r = report(bigDoc([3000, 3000]));
    expect(r.markdown.length).toBeLessThanOrEqual(60_000);
    expect(r.markdown.length).toBeGreaterThan(55_000);
    expect(r.cut).toHaveLength(2);
  });
});

describe("exit status and the one-line summary", () => {
  test("0 when nothing changes, 2 when something does, 3 when the preview reported errors", () => {
    const none = report(fixture("no-changes"));
    expect(none.exitCode).toBe(0);
    expect(none.summary).toBe("pulumi-agents report: no changes in agents/dev");
    expect(none.markdown).toContain("### Pulumi preview of `agents/dev`: no changes");

    const some = report(fixture("prompt-change"));
    expect(some.exitCode).toBe(2);
    expect(some.summary).toBe("pulumi-agents report: 4 changes (1 create, 1 update, 1 replace, 1 delete) in agents/dev");

    const failed = report(fixture("errors"));
    expect(failed.exitCode).toBe(3);
    expect(failed.summary).toBe("pulumi-agents report: no changes in agents/dev; the preview reported 2 errors");
    expect(failed.markdown).toContain("- **error** (`checkout`): asteroid:AgentProfilePool resource 'checkout': property organizationId value {not-a-uuid} has a problem: must be a UUID");
    expect(failed.markdown).toContain("- **info**: some info");
  });

  test("a document that is not preview JSON is refused with the reason", () => {
    expect(() => report("")).toThrow(PreviewInputError);
    expect(() => report("Previewing update (dev):")).toThrow(/not JSON: it is the text output of `pulumi preview`/);
    expect(() => report("{not json")).toThrow(/not JSON/);
    expect(() => report("[]")).toThrow(/JSON object/);
    expect(() => report('{"steps": {}}')).toThrow(/`steps` must be an array/);
    expect(() => report('{"steps": [{"op": "update"}]}')).toThrow(/steps\[0\]\.urn must be a string/);
    expect(() => report('{"hello": 1}')).toThrow(/does not look like/);
  });

  test("an empty preview of a new, empty stack is no changes", () => {
    expect(report("{}".replace("{}", '{"changeSummary": {}}')).exitCode).toBe(0);
  });
});
