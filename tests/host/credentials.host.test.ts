/**
 * Credentials the Pulumi way, through the real host: stack config, environment fallback, a clear
 * failure without a key, an explicit provider for a second account (its key kept secret), rotation
 * that neither replaces nor blocks destroy, and a serialized provider that holds no credential or path.
 */
import * as pulumi from "@pulumi/pulumi";
import { asteroid, Provider } from "../../provider";
import { shellOf } from "../../provider/core/resource";
import { resources } from "../../provider/registry";
import { useEmulator } from "./fixture";
import { Host, REPO, Secret, Stack, serializeProvider } from "./engine";
import { ProgramStack } from "./program";

const T = "asteroid:AgentProfilePool";
const ORG = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const env = useEmulator();

test("the environment is the fallback when stack config has no key", async () => {
  const stack = new Stack(await Host.start({}, undefined, { ASTEROID_API_KEY: env.emu.key("asteroid"), ASTEROID_BASE_URL: env.emu.baseUrl("asteroid") }));
  try {
    expect((await stack.up(T, "envpool", { name: "from-env", organizationId: ORG })).op).toBe("create");
    await stack.destroy(T, "envpool");
  } finally {
    await stack.stop();
  }
});

test("no key anywhere fails with a message naming every way to set one, and makes no request", async () => {
  const stack = new Stack(await Host.start({ "asteroid:baseUrl": env.emu.baseUrl("asteroid") }, undefined, { ASTEROID_API_KEY: "" }));
  await env.ctl.clear();
  try {
    const e = await stack.up(T, "nokey", { name: "nokey", organizationId: ORG }).catch((x) => x);
    expect(String(e.message)).toContain("asteroid: no API key is configured");
    expect(String(e.message)).toContain("pulumi config set --secret asteroid:apiKey");
    expect(String(e.message)).toContain("ASTEROID_API_KEY");
    expect(String(e.message)).toContain(`new Provider("name", { asteroid: { apiKey } })`);
    expect(await env.ctl.requests()).toEqual([]);
  } finally {
    await stack.stop();
  }
});

test("an explicit provider carries a second account's credentials, with its key kept secret", async () => {
  // The default provider points at a wrong key: only the explicit provider can succeed.
  const prog = new ProgramStack(await Stack.start({ "asteroid:apiKey": "wrong", "asteroid:baseUrl": env.emu.baseUrl("asteroid") }));
  try {
    const program = () => {
      const second = new Provider("second-account", { asteroid: { apiKey: env.emu.key("asteroid")!, baseUrl: env.emu.baseUrl("asteroid") } });
      new asteroid.AgentProfilePool("other", { name: "second-account-pool", organizationId: ORG }, { provider: second });
    };
    const up = await prog.run(program, { preview: false });
    expect(up.errors).toEqual([]);
    expect(up.steps.map((s) => s.op)).toEqual(["create"]);
    expect(prog.providerInputs.get("second-account")!["asteroid:apiKey"]).toBeInstanceOf(Secret);
    expect(prog.stack.state.size).toBe(0);
    expect([...prog.providers.values()][0].state.size).toBe(1);
    expect(await prog.destroy()).toEqual(["other"]);
  } finally {
    await prog.stop();
    await pulumi.runtime.disconnect?.();
  }
});

test("rotated credentials neither replace a resource nor block destroy", async () => {
  const first = await Stack.start({ "asteroid:apiKey": env.emu.key("asteroid"), "asteroid:baseUrl": env.emu.baseUrl("asteroid") });
  const created = await first.up(T, "rot", { name: "rotating", organizationId: ORG });
  await first.stop();
  await env.ctl.setKey("asteroid", "rotated-key");
  const second = new Stack(await Host.start({ "asteroid:apiKey": "rotated-key", "asteroid:baseUrl": env.emu.baseUrl("asteroid") }));
  try {
    second.state.set(created.urn, created.state);
    expect((await second.plan(T, "rot", { name: "rotating", organizationId: ORG })).op).toBe("same");
    await env.ctl.clear();
    await second.destroy(T, "rot");
    expect((await env.ctl.writes("asteroid")).map((r) => r.method)).toEqual(["DELETE"]);
  } finally {
    await second.stop();
    await env.ctl.setKey("asteroid", env.emu.key("asteroid") === "rotated-key" ? "rotated-key" : "asteroid-test-key");
  }
});

test("the serialized provider holds no absolute path and no credential, and stays under 1 KB", async () => {
  const text = await serializeProvider(T);
  expect(text).toContain('require("pulumi-agents/shells/asteroid.AgentProfilePool")');
  expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024);
  expect(text).not.toContain(REPO);
  expect(text).not.toMatch(/["'`]\/(work|home|tmp|Users|usr)\//);
  expect(text).not.toContain("asteroid-test-key");
});

test("every registered resource type has its shell module, which calls the installed host", () => {
  for (const token of Object.keys(resources)) {
    const p = shellOf(token);
    expect(Object.keys(p).sort()).toEqual(["check", "configure", "create", "delete", "diff", "read", "update"]);
    expect(String(p.check)).toContain('require("pulumi-agents/host")');
  }
});
