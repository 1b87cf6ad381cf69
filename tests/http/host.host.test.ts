/**
 * The HTTP layer as a user meets it, through the real dynamic-provider host: configuration
 * mistakes fail `pulumi preview` (check), a rate-limited API neither fails operations nor keeps
 * the user in the dark, explicit provider settings reach the host, and an unreachable server is
 * named with the setting that set its URL.
 */
import * as pulumi from "@pulumi/pulumi";
import { asteroid, Provider } from "../../provider";
import { CheckError, Host, Stack } from "../host/engine";
import { emulatorConfig, useEmulator } from "../host/fixture";
import { ProgramStack } from "../host/program";

const T = "asteroid:AgentProfilePool";
const ORG = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const env = useEmulator();
const pool = (name: string) => ({ name, organizationId: ORG });
const failuresOf = async (stack: Stack, token: string, inputs: Record<string, unknown>) => {
  const e = await stack.plan(token, "x", inputs).catch((x) => x);
  return e instanceof CheckError ? e.failures : [];
};

beforeEach(async () => {
  await env.ctl.clear();
  await env.ctl.clearFaults();
  await env.ctl.clearRateLimit();
});

describe("configuration is checked at preview", () => {
  test("a config key in the wrong case fails the preview of that platform's resources only, before any request", async () => {
    const config = { ...emulatorConfig(env.emu), "asteroid:apiKey": undefined, "asteroid:apikey": env.emu.key("asteroid") };
    const stack = new Stack(await Host.start(config, undefined, { ASTEROID_API_KEY: "" }));
    try {
      expect(await failuresOf(stack, T, pool("p"))).toEqual([
        {
          property: "",
          reason:
            "asteroid: the config key asteroid:apikey is not a setting of pulumi-agents; did you mean asteroid:apiKey? " +
            "Fix: `pulumi config rm asteroid:apikey && pulumi config set --secret asteroid:apiKey <value>` (keys are case-sensitive).",
        },
      ]);
      expect(await failuresOf(stack, "letta:Agent", { name: "ok" })).toEqual([]);
      expect(await env.ctl.requests()).toEqual([]);
    } finally {
      await stack.stop();
    }
  });

  test("no API key, a base URL without a scheme, a bad number: each is a failure naming the setting and the fix", async () => {
    const config = { "asteroid:baseUrl": "127.0.0.1:4010/asteroid", "asteroid:maxConcurrency": "lots" };
    const stack = new Stack(await Host.start(config, undefined, { ASTEROID_API_KEY: "" }));
    try {
      const reasons = (await failuresOf(stack, T, pool("p"))).map((f) => f.reason);
      expect(reasons).toEqual([
        expect.stringMatching(/^asteroid: asteroid:baseUrl must be an absolute http\(s\) URL such as https:\/\/odyssey\.asteroid\.ai\/agents\/v2, got "127\.0\.0\.1:4010\/asteroid"\. Fix: `pulumi config set asteroid:baseUrl /),
        expect.stringMatching(/^asteroid: asteroid:maxConcurrency must be a positive whole number \(.*\), got "lots"\. Fix: `pulumi config set asteroid:maxConcurrency 64`\.$/),
        expect.stringMatching(/^asteroid: no API key is configured\. .*`new Provider\("name", \{ asteroid: \{ apiKey \} \}\)`/),
      ]);
    } finally {
      await stack.stop();
    }
  });
});

describe("a rate-limited API", () => {
  test("a dozen pools created at once all succeed, and the host's output says why they wait, in a few lines", async () => {
    await env.ctl.rateLimit({ platform: "asteroid", requestsPerSecond: 4 });
    const stack = await Stack.start(emulatorConfig(env.emu));
    try {
      const from = stack.host.stderr.length;
      const names = Array.from({ length: 12 }, (_, i) => `limited-${i}`);
      const results = await Promise.allSettled(names.map((n) => stack.up(T, n, pool(n))));
      expect(results.filter((r) => r.status === "rejected")).toEqual([]);
      expect((await env.ctl.rateLimitStats())[0].rejected).toBeGreaterThan(0);
      const out = (await stack.host.output(from)).split("\n").filter((l) => l.startsWith("asteroid:"));
      expect(out[0]).toMatch(/^asteroid: 429 on POST \/agent-profile-pools; waiting 1\.\d s before attempt 2$/);
      expect(out.length).toBeLessThanOrEqual(4);
    } finally {
      await stack.stop();
    }
  });
});

describe("settings of an explicit provider reach the host", () => {
  test("requestTimeoutMs on a Provider makes an answer later than it a timeout naming the call, the URL and the setting", async () => {
    const prog = new ProgramStack(await Stack.start(emulatorConfig(env.emu)));
    let inputs: Record<string, unknown>;
    try {
      const program = () => {
        const fast = new Provider("fast", { asteroid: { apiKey: env.emu.key("asteroid")!, baseUrl: env.emu.baseUrl("asteroid"), requestTimeoutMs: 200 } });
        new asteroid.AgentProfilePool("quick", pool("quick-pool"), { provider: fast });
      };
      expect((await prog.run(program, { preview: false })).errors).toEqual([]);
      inputs = prog.providerInputs.get("fast")!;
      expect(inputs["asteroid:requestTimeoutMs"]).toBe(200);
    } finally {
      await prog.stop();
      await pulumi.runtime.disconnect?.();
    }
    // The engine starts the explicit provider's host with those inputs as its configuration.
    const config = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, (v as { value?: unknown })?.value ?? v])) as Record<string, string>;
    const stack = new Stack(await Host.start(config));
    try {
      await env.ctl.fault({ platform: "asteroid", method: "POST", latencyMs: 2500, count: 1 });
      const e = await stack.up(T, "slow", pool("slow-pool")).catch((x) => x);
      expect(e.message).toContain(
        `asteroid: POST /agent-profile-pools failed: no answer within 200 ms at ${env.emu.baseUrl("asteroid")} (set by the Provider "fast"'s asteroid.baseUrl); ` +
          `the timeout is set by the Provider "fast"'s asteroid.requestTimeoutMs`,
      );
    } finally {
      await stack.stop();
    }
  });
});

describe("an explicit provider's settings are named as its arguments, not as stack config", () => {
  test("a bad base URL and a missing key fail at check with a fix on the Provider", async () => {
    // The configuration the engine gives an explicit provider's host: its inputs, its name included.
    const stack = await Stack.start({ "pulumi-agents:provider": "eu", "asteroid:baseUrl": "localhost/asteroid", "letta:apiKey": "k" });
    try {
      const e = (await stack.up(T, "eu-pool", pool("eu-pool")).catch((x) => x)) as CheckError;
      const reasons = e.failures.map((f) => f.reason).join("\n");
      expect(reasons).toContain(`asteroid: the Provider "eu"'s asteroid.baseUrl must be an absolute http(s) URL`);
      expect(reasons).toContain(`Fix: set \`asteroid: { baseUrl: "https://odyssey.asteroid.ai/agents/v2" }\` in the arguments of \`new Provider("eu", ...)\``);
      expect(reasons).toContain(`asteroid: the Provider "eu" gives no asteroid API key (an explicit provider does not read stack config)`);
      expect(reasons).not.toMatch(/pulumi config set/);
    } finally {
      await stack.stop();
    }
  });
});

describe("a server that cannot be reached", () => {
  test("the error names the URL and the setting that set it, never the key", async () => {
    const stack = await Stack.start({ "asteroid:apiKey": "secret-key-123", "asteroid:baseUrl": "http://127.0.0.1:9/asteroid" });
    try {
      const e = await stack.up(T, "nowhere", pool("nowhere")).catch((x) => x);
      expect(e.message).toMatch(
        /asteroid: cannot reach http:\/\/127\.0\.0\.1:9\/asteroid \(set by asteroid:baseUrl\): connection refused \(POST \/agent-profile-pools, 5 attempts over [\d.]+ m?s\)/,
      );
      expect(e.message).not.toContain("secret-key-123");
    } finally {
      await stack.stop();
    }
  });
});
