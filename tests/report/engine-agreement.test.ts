/**
 * The report run on previews shaped exactly as the Pulumi CLI writes them (tests/fixtures/preview),
 * one describe per kind of error found on real `pulumi preview --json` outputs (issue 15), each test
 * named after the bug it pins: the verdict, stack outputs, multi-line text below the top level,
 * assets and secrets, diagnostics, trailing newlines and pipes, engine-event streams.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { EXIT, PreviewInputError, report, type PreviewDigest } from "../../provider/report";
import { secretStatus } from "../../provider/report/compare";

const FIXTURES = path.resolve(__dirname, "../../../tests/fixtures/preview");
const text = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), "utf8");
const load = (name: string): PreviewDigest => JSON.parse(text(`${name}.json`));
const STACK = "urn:pulumi:dev::agents::pulumi:pulumi:Stack::agents-dev";
const ENVELOPE = (ciphertext: string) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext });
/** The part of a report about one resource. */
const section = (md: string, name: string) => md.slice(md.indexOf(`#### \`${name}\``)).split(/\n#### /)[0];
const rows = (md: string) => md.split("\n").filter((l) => l.startsWith("| `"));

describe("1. the verdict comes from the engine's changeSummary, not from the steps alone", () => {
  test('steps empty while changeSummary counts creates ({"steps": [], "changeSummary": {"create": 2}}) is 2 changes, exit 2, not "no changes"', () => {
    const r = report('{"steps": [], "changeSummary": {"create": 2}}');
    expect(r.exitCode).toBe(EXIT.changes);
    expect(r.summary).toBe("pulumi-agents report: 2 changes (2 create); the preview's steps and the engine's summary disagree");
    expect(r.markdown).toContain("### Pulumi preview: 2 changes (2 to create)");
    expect(r.markdown).toContain("the engine counts 2 to create, but the document lists no steps at all");
    expect(r.markdown).not.toContain("no changes");
  });

  test("a policy-pack preview as the CLI writes it (no steps, 65 creates) is 65 changes, and says the details cannot be shown", () => {
    const r = report(text("policy-pack-no-steps.json"));
    expect(r.exitCode).toBe(EXIT.changes);
    expect(r.markdown).toContain("### Pulumi preview of `agents/dev`: 65 changes (65 to create)");
    expect(r.markdown).toContain("The verdict follows the engine's count, and what the steps do not list cannot be shown below.");
    expect(r.markdown).toContain("<sub>Resources (Pulumi's count, the stack included): 65 to create, 1 unchanged.</sub>");
  });

  test("every operation the engine counts as a change exits 2; same, read and refresh exit 0", () => {
    for (const op of ["create", "update", "delete", "replace", "import", "discard-replaced", "remove-pending-replace", "output-change"]) {
      expect([op, report(JSON.stringify({ changeSummary: { [op]: 1, same: 3 } })).exitCode]).toEqual([op, EXIT.changes]);
    }
    for (const op of ["same", "read", "refresh"]) {
      expect([op, report(JSON.stringify({ changeSummary: { [op]: 4 } })).exitCode]).toEqual([op, EXIT.noChanges]);
    }
  });

  test("steps that list a change the summary does not count are still a change, and the disagreement is said", () => {
    const doc = load("prompt-change");
    doc.changeSummary = { create: 1, update: 1, replace: 1, same: 1 };
    const r = report(doc);
    expect(r.exitCode).toBe(EXIT.changes);
    expect(r.markdown).toContain("the preview's steps list 1 to delete, but the engine counts none");
    expect(r.markdown).toContain("Changes the steps list are counted as changes too.");
    expect(r.summary).toContain("the preview's steps and the engine's summary disagree");
  });

  test("the headline and the totals are the engine's counts, the root stack included", () => {
    const r = report(text("nested-prompts.json"));
    expect(r.markdown).toContain("### Pulumi preview of `agents/dev`: 3 changes (2 to update, 1 to replace)");
    expect(r.markdown).toContain("<sub>Resources (Pulumi's count, the stack included): 2 to update, 1 to replace, 1 unchanged.</sub>");
    expect(r.changes.countsFrom).toBe("engine");
    expect(r.changes.disagreements).toEqual([]);
  });

  test("without a changeSummary the steps decide, and the totals say so", () => {
    const doc = load("prompt-change");
    delete doc.changeSummary;
    const r = report(doc);
    expect(r.exitCode).toBe(EXIT.changes);
    expect(r.markdown).toContain("counted from the steps: the document has no `changeSummary`");
  });
});

describe("2. stack outputs are shown, and a change of only them exits 2", () => {
  test("only the root stack's outputs change: its row, its outputs as diffs, exit 2", () => {
    const r = report(text("stack-outputs.json"));
    expect(r.exitCode).toBe(EXIT.changes);
    expect(r.summary).toBe("pulumi-agents report: 1 change (1 update) in agents/dev");
    expect(rows(r.markdown)).toEqual(["| `agents-dev` | `pulumi:pulumi:Stack` | update (outputs) | `dashboardUrl`, `escalationEmail`, `greeting` |"]);
    const outputs = section(r.markdown, "agents-dev").length ? r.markdown.slice(r.markdown.indexOf("#### Outputs of the stack `agents-dev`: update")) : "";
    expect(outputs).toContain('**`escalationEmail`**: `"help@acme.example"` → `"support@acme.example"`');
    expect(outputs).toContain('**`dashboardUrl`**: set to `"https://letta.acme.example/agents/support"`');
    expect(outputs).toContain("**`greeting`** (+1 −1 lines)\n```diff\n@@ -1,3 +1,3 @@\n Hello!\n How can I help you today?\n-Ask me about orders.\n+Ask me about orders and returns.\n```");
    // The unchanged output is not listed.
    expect(outputs).not.toContain("supportAgentId");
  });

  test("a stack update whose new outputs the JSON does not hold says so, and still exits 2", () => {
    const doc = load("stack-outputs");
    delete doc.steps![0].newState!.outputs;
    const r = report(doc);
    expect(r.exitCode).toBe(EXIT.changes);
    expect(r.markdown).toContain("The engine counts the stack's outputs as changing; the document does not hold their new values");
  });

  test("an update the engine counts but no step lists points at the stack's outputs", () => {
    const doc = load("no-changes");
    doc.changeSummary = { same: 1, update: 1 };
    const r = report(doc);
    expect(r.exitCode).toBe(EXIT.changes);
    expect(r.markdown).toContain("the engine counts 1 to update (a change of only the stack's outputs is counted this way), but the preview's steps list none");
  });

  test("Pulumi 3.115's `output-change` count is a change, explained without a disagreement", () => {
    const doc = load("no-changes");
    doc.changeSummary = { "output-change": 1, same: 2 };
    const r = report(doc);
    expect(r.exitCode).toBe(EXIT.changes);
    expect(r.changes.disagreements).toEqual([]);
    expect(r.markdown).toContain("The engine counts 1 change of the stack's outputs (`output-change`)");
  });

  test("secret stack outputs stay secret", () => {
    const doc = load("stack-outputs");
    doc.steps![0].oldState!.outputs!.apiKey = "[secret]";
    doc.steps![0].newState!.outputs!.apiKey = "[secret]";
    doc.steps![0].newState!.outputs!.adminToken = "[secret]";
    const r = report(doc);
    expect(r.markdown).toContain("**`adminToken`** (secret): changed");
    expect(rows(r.markdown)[0]).toContain("`adminToken` (secret)");
    expect(r.markdown).not.toContain("`apiKey`** (secret): changed");
  });
});

describe("3. multi-line strings at any depth are line-diffed, list items matched by the table's identity", () => {
  const r = report(text("nested-prompts.json"));
  const helper = section(r.markdown, "helper");

  test("a Letta memoryBlocks[i].value whose third line changed is a line diff, matched by label although the blocks were reordered", () => {
    expect(helper).toContain(
      [
        "`memoryBlocks[persona].value` (+1 −1 lines)",
        "```diff",
        "@@ -1,4 +1,4 @@",
        " You are Helper, the support agent of Acme.",
        " You answer in English.",
        "-You never share internal ticket numbers.",
        "+You never share internal ticket numbers or order margins.",
        " You sign as Helper.",
        "```",
      ].join("\n"),
    );
    expect(helper).toContain("**`memoryBlocks`** (1 added, 2 changed, items matched by label)");
    expect(helper).toContain("- changed `human`: `limit`: `2000` → `4000`");
    expect(helper).toContain("- the order of the items changed");
    // No prompt is shown as an escaped JSON string.
    expect(r.markdown).not.toMatch(/\\n/);
  });

  test("a new memory block shows its value as added lines, not as one escaped string", () => {
    expect(helper).toContain('- added `{"label":"policies","value":"<2 lines, below>","limit":2000}`');
    expect(helper).toContain("`memoryBlocks[policies].value` (new, 2 lines)\n```diff\n@@ -0,0 +1,2 @@\n+Refunds within 30 days.\n+No refunds on gift cards.\n```");
  });

  test("a tool rule's prompt template is a line diff, the rule matched by tool name + type", () => {
    expect(helper).toContain("**`toolRules`** (1 changed, items matched by tool name + type)");
    expect(helper).toContain("`toolRules[search / constrain_child_tools].promptTemplate` (+1 −1 lines)\n```diff\n@@ -1,3 +1,3 @@\n <tool_rule>\n-After search, answer with one of:");
  });

  test("an Odeus inputFields[].description is a line diff, the field matched by slug", () => {
    const intake = section(r.markdown, "intake");
    expect(intake).toContain("**`inputFields`** (1 added, 1 changed, items matched by slug)");
    expect(intake).toContain('- added `{"slug":"priority","type":"SELECT","label":"Priority","options":["low","high"]}`');
    expect(intake).toContain("`inputFields[issue].description` (+1 −0 lines)\n```diff\n@@ -1,2 +1,3 @@\n Describe the problem.\n+Say when it started.\n Attach photos if you can.\n```");
  });

  test("text inside an Everruns capability's config is a line diff, the capability matched by ref", () => {
    const support = section(r.markdown, "support");
    expect(support).toContain("**`capabilities`** (1 changed, items matched by ref)");
    expect(support).toContain('- changed `web_fetch`: `config.allowedDomains`: `["acme.example"]` → `["acme.example","docs.acme.example"]`');
    expect(support).toContain("`capabilities[web_fetch].config.instructions` (+1 −1 lines)\n```diff\n@@ -1,3 +1,3 @@\n Fetch only public pages.\n-Never log in.\n+Never log in, never submit forms.\n");
  });

  test("a type the package does not know: a list item edited in place is one change with its text line-diffed", () => {
    const doc = load("trailing-newline");
    const s = doc.steps![2];
    s.oldState!.inputs!.environment = [{ name: "PROMPT", value: "line one\nline two\n" }];
    s.newState!.inputs!.environment = [{ name: "PROMPT", value: "line one\nline 2\n" }];
    const md = report(doc).markdown;
    expect(md).toContain("**`environment`** (1 changed)");
    expect(md).toContain("`environment[0].value` (+1 −1 lines)\n```diff\n@@ -1,2 +1,2 @@\n line one\n-line two\n+line 2\n```");
  });

  test("the size cap shortens the longest nested diff first, keeps the short ones and never cuts the table", () => {
    const doc = load("nested-prompts");
    const blocks = doc.steps![1].newState!.inputs!.memoryBlocks as { label: string; value: string }[];
    const old = doc.steps![1].oldState!.inputs!.memoryBlocks as { label: string; value: string }[];
    old.find((b) => b.label === "persona")!.value = Array.from({ length: 1500 }, (_, i) => `old rule ${i}`).join("\n");
    blocks.find((b) => b.label === "persona")!.value = Array.from({ length: 1500 }, (_, i) => `new rule ${i}`).join("\n");
    const capped = report(doc, { maxChars: 9000 });
    expect(capped.markdown.length).toBeLessThanOrEqual(9000);
    expect(rows(capped.markdown)).toEqual(rows(r.markdown));
    expect(capped.cut.map((c) => c.field)).toEqual(["memoryBlocks[persona].value"]);
    expect(capped.markdown).toMatch(/_… \d+ more lines of `memoryBlocks\[persona\]\.value` cut to fit the report's size cap\._/);
    // The other nested diffs stay whole, and every fence is closed.
    expect(capped.markdown).toContain("+Never log in, never submit forms.");
    expect(capped.markdown).toContain("+Say when it started.");
    expect((capped.markdown.match(/^```/gm) ?? []).length % 2).toBe(0);
  });
});

describe("4. assets, archives and secrets are recognised by the engine's signatures", () => {
  const r = report(text("assets-secrets.json"));

  test("asset and archive signatures and hashes are not shown as fields: the text or path change is", () => {
    expect(r.markdown).not.toMatch(/4dabf181|c44067f5|0def7320|hash|5f6c0b1e|a1b2c3d4|b2c3d4e5|d4e5f607/);
    const fn = section(r.markdown, "tool-runner");
    expect(fn).toContain("`code[\"index.js\"]` (text asset, +1 −1 lines)\n```diff\n@@ -1,4 +1,4 @@\n exports.handler = async (event) => {\n-  const prompt = load('tool.md');\n+  const prompt = load('tool.md', { locale: event.locale });");
    expect(fn).toContain('- `code["tool.md"]`: file asset `./prompts/tool.md`: its contents changed');
    expect(section(r.markdown, "persona-file")).toContain("**`source`**: file asset `./prompts/persona-v1.md` → file asset `./prompts/persona-v2.md`");
  });

  test('a secret that is "[secret]" on both sides and that the engine names "may have changed", never "unchanged"', () => {
    expect(rows(r.markdown)).toContain("| `letta-key` | `aws:ssm/parameter:Parameter` | update | `value` (secret, may have changed) |");
    expect(section(r.markdown, "letta-key")).toContain("**`value`** (secret): may have changed (the engine names it; the preview blinds both values)");
    // A nested one, named by a detailedDiff path.
    expect(section(r.markdown, "tool-runner")).toContain("- `variables.API_TOKEN` (secret): may have changed");
    expect(r.markdown).not.toMatch(/unchanged: `value`|Secrets unchanged/);
  });

  test('an envelope whose ciphertext is the placeholder "[secret]" is blinded, not two equal ciphertexts', () => {
    const blinded = ENVELOPE("[secret]");
    expect(secretStatus(blinded, blinded, true, true)).toBe("may-have-changed");
    expect(secretStatus(blinded, blinded, false, false)).toBe("hidden");
    expect(secretStatus(blinded, blinded, false, true)).toBe("unchanged");
    // Real ciphertexts: equal ones hold equal values.
    expect(secretStatus(ENVELOPE("v1:AAAA"), ENVELOPE("v1:AAAA"), false, false)).toBe("unchanged");
    expect(secretStatus("[secret]", undefined, false, false)).toBe("changed");

    // An Asteroid profile's credentials, in an engine that names the nested path.
    const doc: PreviewDigest = JSON.parse(text("secrets.json").replace(/test:Vault/g, "asteroid:AgentProfile"));
    const [o, n] = [doc.steps![1].oldState!.inputs!, doc.steps![1].newState!.inputs!];
    for (const inputs of [o, n]) {
      for (const k of ["proxyPassword", "webhookToken"]) delete inputs[k];
      inputs.credentials = [{ name: "github_token", data: blinded }];
    }
    doc.steps![1].diffReasons = ["credentials"];
    doc.steps![1].detailedDiff = { "credentials[0].data": { kind: "update", inputDiff: true } };
    const md = report(doc).markdown;
    expect(md).toContain("**`credentials`** (1 changed, items matched by name (case-insensitive))\n- changed `GITHUB_TOKEN`: `data` (secret): may have changed");
    expect(md).not.toMatch(/ciphertext|unchanged: `credentials`/);
  });

  test("a new archive shows the text of its files as added lines", () => {
    const doc = load("assets-secrets");
    const fn = doc.steps![1];
    fn.op = "create";
    delete fn.oldState;
    doc.changeSummary = { create: 1, same: 1, update: 2 };
    const md = report(doc).markdown;
    expect(md).toContain("`code[\"index.js\"]` (text asset, new, 4 lines)\n```diff\n@@ -0,0 +1,4 @@\n+exports.handler = async (event) => {");
    expect(md).toContain("**`code`**\n- set to `(archive of 2 entries)`\n- `code[\"tool.md\"]` set to `(file asset ./prompts/tool.md)`");
    expect(md).not.toMatch(/hash|c44067f5/);
  });
});

describe("5. diagnostics: the severity said once, every severity shown", () => {
  const r = report(text("diagnostics.json"));

  test('a message that already begins with "error: " is not printed as **error**: error: …', () => {
    expect(r.markdown).toContain("- **error** (`helper`): letta:Agent resource 'helper': property model value {openai/gpt-5-nano} has a problem: is not available on this server");
    expect(r.markdown).toContain("- **error** (`agents-dev`): preview failed");
    expect(r.markdown).toContain("- **warning** (`helper`): letta.Agent helper: the server ignores `hidden` on update");
    expect(r.markdown).not.toMatch(/\*\*error\*\*[^\n]*: error: |\*\*warning\*\*[^\n]*: warning: /);
    expect(r.exitCode).toBe(EXIT.previewErrors);
  });

  test("every severity is shown (info and the program's stderr too), errors first", () => {
    expect(r.markdown).toContain("#### Diagnostics (2 errors, 1 warning, 1 info, 1 info (stderr))");
    const at = (s: string) => r.markdown.indexOf(s);
    expect(at("- **error**")).toBeLessThan(at("- **warning**"));
    expect(at("- **warning**")).toBeLessThan(at("- **info**: Using model openai/gpt-4o-mini for 3 agents"));
    expect(at("- **info**: Using model")).toBeLessThan(at("- **info (stderr)** (`agents-dev`): (node:4411) [DEP0040] DeprecationWarning"));
  });

  test("a flood of program output is inside the size cap: the diagnostics are shortened, errors kept", () => {
    const doc = load("diagnostics");
    for (let i = 0; i < 400; i++) doc.diagnostics!.push({ message: `progress ${i}: rendering prompts for agent ${i}\n`, severity: "info" });
    const capped = report(doc, { maxChars: 4000 });
    expect(capped.markdown.length).toBeLessThanOrEqual(4000);
    expect(capped.cut.map((c) => c.field)).toEqual(["diagnostics"]);
    expect(capped.markdown).toContain("- **error** (`agents-dev`): preview failed");
  });
});

describe("6. a trailing-newline change is explained truthfully; | is escaped only inside tables", () => {
  const r = report(text("trailing-newline.json"));

  test('a change of only a trailing newline is said to be one, not "the inputs are equal"', () => {
    const support = section(r.markdown, "support");
    expect(support).toContain(
      "**`systemPrompt`**: only the line endings differ (the newline at the end was removed). The provider's comparison treats the old and new values as equal (it ignores one trailing newline); the engine names the field.",
    );
    expect(section(r.markdown, "render|prompts")).toContain("**`create`**: only the line endings differ (the newline at the end was removed).");
    expect(r.markdown).not.toContain("inputs are equal");
  });

  test('"the inputs are equal" is said only when they are, with the engine\'s reason', () => {
    const doc = load("trailing-newline");
    const s = doc.steps![1];
    s.newState!.inputs!.systemPrompt = s.oldState!.inputs!.systemPrompt;
    s.newState!.inputs!.description = s.oldState!.inputs!.description;
    s.diffReasons = ["systemPrompt"];
    s.detailedDiff = { systemPrompt: { kind: "update", inputDiff: false } };
    expect(report(doc).markdown).toContain(
      "**`systemPrompt`**: The old and new inputs are equal; the engine names the field because the provider compares the new input with the resource's current state, which differs.",
    );
  });

  test("| is escaped inside table cells only: names, values and diff lines elsewhere keep it as it is", () => {
    const doc = load("trailing-newline");
    const s = doc.steps![1];
    s.newState!.inputs!.systemPrompt = (s.oldState!.inputs!.systemPrompt as string).replace("| order | status |", "| order | status | total |");
    const md = report(doc).markdown;
    expect(rows(md)).toContain("| `render\\|prompts` | `command:local:Command` | update | `create` |");
    expect(md).toContain("#### `render|prompts` (`command:local:Command`): update");
    expect(md).toContain('**`description`**: `"Answers | escalates"` → `"Answers | escalates | refunds"`');
    expect(md).toContain("+Use tables like | order | status | total | when you list orders.");
    for (const line of md.split("\n")) if (line.includes("\\|")) expect(line.startsWith("| ")).toBe(true);
  });
});

describe("7. an engine-event stream is read, other inputs are refused saying what they are", () => {
  const log = text("event-log.jsonl");

  test("the event log (`pulumi preview --event-log`, NDJSON) is read as the CLI reads it into `--json`", () => {
    const r = report(log);
    expect(r.exitCode).toBe(EXIT.changes);
    expect(r.summary).toBe("pulumi-agents report: 4 changes (4 update) in agents/dev");
    expect(rows(r.markdown)).toEqual([
      "| `agents-dev` | `pulumi:pulumi:Stack` | update (outputs) | `dashboardUrl`, `greeting` |",
      "| `letta-key` | `aws:ssm/parameter:Parameter` | update | `value` (secret, may have changed) |",
      "| `tool-runner` | `aws:lambda/function:Function` | update | `environment`, `timeout` |",
      "| `helper` | `letta.Agent` | update | `system` |",
    ]);
    // The stack's new outputs come from its resOutputsEvent.
    expect(r.markdown).toContain("**`dashboardUrl`**: set to `(known after apply)`");
    expect(r.markdown).toContain("+Ask me about returns too.");
    // Blinded envelopes (ciphertext "[secret]") the engine names may have changed; one it does not name is hidden.
    expect(section(r.markdown, "tool-runner")).toContain("- `variables.API_TOKEN` (secret): may have changed");
    expect(section(r.markdown, "helper")).toContain("Secrets the preview blinds on both sides, so it cannot tell whether they changed: `secrets`.");
    // Diagnostics: prefix + message said once, program output as info, policy violations; ephemeral and debug ones left out.
    expect(r.markdown).toContain("- **warning** (`helper`): letta.Agent helper: the server rewrote `model`");
    expect(r.markdown).toContain("- **warning** (`helper`): policy advisory violation: acme-agents@1.2.0 agent-description: Agents should set a description.");
    expect(r.markdown).toContain("- **info**: Using model openai/gpt-4o-mini");
    expect(r.markdown).not.toMatch(/Loading policy packs|plugin pulumi-nodejs loaded/);
  });

  test("a `pulumi up --json` stream (summary isPreview false) reads as an update; a later event of a resource wins", () => {
    const lines = log.trim().split("\n").map((l) => JSON.parse(l));
    const summary = lines.find((e) => e.summaryEvent)!;
    summary.summaryEvent.isPreview = false;
    // The update phase repeats a step after the preview's.
    const pre = lines.find((e) => e.resourcePreEvent?.metadata.urn.endsWith("::helper"))!;
    const again = JSON.parse(JSON.stringify(pre));
    again.sequence = 99;
    again.resourcePreEvent.planning = false;
    again.resourcePreEvent.metadata.new.inputs.system = "You are Helper.\nAnswer briefly and kindly.\n";
    lines.splice(lines.indexOf(summary), 0, again);
    const r = report(lines.map((e) => JSON.stringify(e)).join("\n"));
    expect(r.markdown).toContain("### Pulumi update of `agents/dev`: 4 changes (4 to update)");
    expect(r.markdown).toContain("+Answer briefly and kindly.");
    expect(r.markdown).not.toContain("+Answer briefly and politely.");
    expect(rows(r.markdown)).toHaveLength(4);
  });

  test("a stream without the stack's outputs event does not show its outputs as removed; color directives are dropped; a byte-order mark is ignored", () => {
    const lines = log.trim().split("\n").map((l) => JSON.parse(l)).filter((e) => !(e.resOutputsEvent && e.resOutputsEvent.metadata.urn === STACK));
    const warning = lines.find((e) => e.diagnosticEvent?.severity === "warning")!;
    warning.diagnosticEvent.prefix = "<{%fg 3%}>warning: <{%reset%}>";
    const r = report("\uFEFF" + lines.map((e) => JSON.stringify(e)).join("\n"));
    expect(r.markdown).toContain("The engine counts the stack's outputs as changing; the document does not hold their new values");
    expect(r.markdown).not.toMatch(/greeting[^\n]*removed/);
    expect(r.markdown).toContain("- **warning** (`helper`): letta.Agent helper: the server rewrote `model`");
    expect(r.markdown).not.toContain("<{%");
  });

  test("a JSON array of events and the service's {events: [...]} are read too", () => {
    const events = log.trim().split("\n").map((l) => JSON.parse(l));
    const expected = report(log).markdown;
    expect(report(JSON.stringify(events)).markdown).toBe(expected);
    expect(report(JSON.stringify({ events })).markdown).toBe(expected);
  });

  test("a broken line of a stream is named by its number", () => {
    const lines = log.trim().split("\n");
    lines[3] = lines[3].slice(0, 40);
    expect(() => report(lines.join("\n"))).toThrow(/line 4 of the engine-event stream is not JSON/);
  });

  test("the CLI's text output and a stack export are refused saying what was given and which command writes the expected input", () => {
    const cliText = "Previewing update (dev)\n\nView in Browser (Ctrl+O): https://app.pulumi.com/acme/agents/dev/previews/1\n\n     Type                 Name        Plan\n     pulumi:pulumi:Stack  agents-dev\n";
    expect(() => report(cliText)).toThrow(PreviewInputError);
    expect(() => report(cliText)).toThrow("the input is not JSON: it is the text output of `pulumi preview` or `pulumi up`. Run `pulumi preview --json > preview.json` and give that file");
    expect(() => report(JSON.stringify({ version: 3, deployment: { manifest: {}, resources: [] } }))).toThrow(
      "the input is a stack's state (`pulumi stack export`), not a preview: run `pulumi preview --json > preview.json` and give that file",
    );
    expect(() => report("<html>")).toThrow(/not JSON .*expected the output of `pulumi preview --json` \(or an engine-event log: `pulumi preview --event-log <file>`\)/);
  });

  test("the event fixture has the exact shape of apitype.EngineEvent", () => {
    // sdk/go/common/apitype/events.go: EngineEvent, StepEventMetadata, StepEventStateMetadata, PropertyDiff.
    const EVENT = ["sequence", "timestamp", "cancelEvent", "stdoutEvent", "diagnosticEvent", "preludeEvent", "summaryEvent", "resourcePreEvent", "resOutputsEvent", "resOpFailedEvent", "policyEvent"];
    const METADATA = ["op", "urn", "type", "old", "new", "keys", "diffs", "detailedDiff", "logical", "provider"];
    const STATE = ["type", "urn", "custom", "delete", "id", "parent", "protect", "taint", "retainOnDelete", "inputs", "outputs", "provider", "initErrors"];
    const DIAG = ["urn", "prefix", "message", "color", "severity", "streamID", "ephemeral"];
    for (const line of log.trim().split("\n")) {
      const e = JSON.parse(line);
      expect(EVENT).toEqual(expect.arrayContaining(Object.keys(e)));
      expect(Object.keys(e)).toHaveLength(3);
      const md = e.resourcePreEvent?.metadata ?? e.resOutputsEvent?.metadata;
      if (md) {
        expect(METADATA).toEqual(expect.arrayContaining(Object.keys(md)));
        expect("detailedDiff" in md).toBe(true);
        for (const s of [md.old, md.new].filter(Boolean)) expect(STATE).toEqual(expect.arrayContaining(Object.keys(s)));
        for (const d of Object.values(md.detailedDiff ?? {}) as object[]) expect(Object.keys(d).sort()).toEqual(["diffKind", "inputDiff"]);
      }
      if (e.diagnosticEvent) expect(DIAG).toEqual(expect.arrayContaining(Object.keys(e.diagnosticEvent)));
    }
    expect(log).toContain(STACK);
  });
});
