/**
 * The provider's settings: where each comes from (config or provider input, then environment),
 * what a bad value says, the check-time failures of a platform's configuration, and the explicit
 * provider's "did you mean" on unknown keys.
 */
import { Provider } from "../../provider";
import { resolveSettings, settingsFailures, type ConfigSource } from "../../provider/http/config";
import { closest } from "../../provider/core/names";
import { ConfigError } from "../../provider/http/errors";
import { asteroid } from "../../provider/asteroid/platform";
import { letta } from "../../provider/letta/platform";

const PLATFORMS = ["everruns", "asteroid", "odeus", "letta"];
/** A config object like the host's (`cmd/dynamic-provider/config.js`): `get` plus `rawConfig`. */
const config = (raw: Record<string, unknown>): ConfigSource => ({ get: (k) => raw[k], rawConfig: raw });
const KEY = { "asteroid:apiKey": "k" };
const reasons = (raw: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => settingsFailures(asteroid, config(raw), PLATFORMS, env).map((f) => f.reason);

describe("resolving settings", () => {
  test("config (or an explicit provider's input) wins, then the environment; sources are remembered", () => {
    const r = resolveSettings(asteroid, config({ "asteroid:requestTimeoutMs": "5000" }), {
      ASTEROID_REQUEST_TIMEOUT_MS: "9000",
      ASTEROID_MAX_REQUESTS_PER_SECOND: "2.5",
      ASTEROID_BASE_URL: "http://127.0.0.1:4010/asteroid",
    });
    expect(r.values).toEqual({ requestTimeoutMs: 5000, maxRequestsPerSecond: 2.5, baseUrl: "http://127.0.0.1:4010/asteroid" });
    expect(r.sources).toEqual({ requestTimeoutMs: "asteroid:requestTimeoutMs", maxRequestsPerSecond: "ASTEROID_MAX_REQUESTS_PER_SECOND", baseUrl: "ASTEROID_BASE_URL" });
    expect(r.problems).toEqual([]);
  });

  test("numbers from an explicit provider arrive as numbers", () => {
    expect(resolveSettings(asteroid, config({ "asteroid:maxConcurrency": 4, "asteroid:operationTimeoutMs": 120000 }), {}).values).toEqual({
      maxConcurrency: 4,
      operationTimeoutMs: 120000,
    });
  });

  test("a value not known at preview is left unchecked", () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect(reasons({ "asteroid:apiKey": unknown, "asteroid:baseUrl": unknown, "asteroid:maxConcurrency": unknown })).toEqual([]);
  });
});

describe("configuration failures at check", () => {
  test("a missing API key where the platform requires one names every way to set it", () => {
    expect(reasons({})).toEqual([
      "asteroid: no API key is configured. Set it with `pulumi config set --secret asteroid:apiKey <key>`, with the ASTEROID_API_KEY environment variable, " +
        'or on an explicit provider (`new Provider("name", { asteroid: { apiKey } })`, imported with `import { Provider } from "pulumi-agents"`, passed as the `provider` resource option).',
    ]);
    expect(reasons({}, { ASTEROID_API_KEY: "from-env" })).toEqual([]);
    expect(settingsFailures(letta, config({}), PLATFORMS, {})).toEqual([]);
  });

  test("a config key that differs only in case names the right one (and stands for the missing key)", () => {
    expect(reasons({ "asteroid:apikey": "k" })).toEqual([
      "asteroid: the config key asteroid:apikey is not a setting of pulumi-agents; did you mean asteroid:apiKey? " +
        "Fix: `pulumi config rm asteroid:apikey && pulumi config set --secret asteroid:apiKey <value>` (keys are case-sensitive).",
    ]);
  });

  test.each([
    ["asteroid:baseURL", "asteroid:baseUrl"],
    ["asteroid:basUrl", "asteroid:baseUrl"],
    ["asteriod:maxConcurrency", "asteroid:maxConcurrency"],
    ["asteroid:requestTimeout", "asteroid:requestTimeoutMs"],
  ])("a misspelt key %s: did you mean %s?", (typo, meant) => {
    expect(reasons({ ...KEY, [typo]: "1" })).toEqual([expect.stringContaining(`the config key ${typo} is not a setting of pulumi-agents; did you mean ${meant}?`)]);
  });

  test.each([
    ["asteroid:operationTimeoutMs", "99999999999999"],
    ["asteroid:requestTimeoutMs", "2147483648"],
  ])("%s = %s: a timeout longer than Node.js timers hold (they would fire at once) fails at check", (key, value) => {
    expect(reasons({ ...KEY, [key]: value })).toEqual([
      `asteroid: ${key} must be at most 2147483647 (about 24.8 days, the longest timer Node.js keeps), got "${value}". Fix: \`pulumi config set ${key} ${key.endsWith("requestTimeoutMs") ? 30000 : 600000}\`.`,
    ]);
    expect(reasons({ ...KEY, [key]: "2147483647" })).toEqual([]);
  });

  test("keys of the program or of other packages are left alone", () => {
    expect(reasons({ ...KEY, "program:apiKey": "x", "aws:region": "eu-west-1", "asteroid-org:id": "x" })).toEqual([]);
  });

  test("only the checked resource's platform is looked at", () => {
    expect(reasons({ ...KEY, "letta:apikey": "k", "odeus:baseUrl": "nope" })).toEqual([]);
  });

  test("a base URL that is not an absolute http(s) URL", () => {
    expect(reasons({ ...KEY, "asteroid:baseUrl": "odyssey.asteroid.ai/agents/v2" })).toEqual([
      'asteroid: asteroid:baseUrl must be an absolute http(s) URL such as https://odyssey.asteroid.ai/agents/v2, got "odyssey.asteroid.ai/agents/v2". ' +
        "Fix: `pulumi config set asteroid:baseUrl https://odyssey.asteroid.ai/agents/v2` (or your server's URL, with its scheme and path).",
    ]);
    expect(reasons({ ...KEY }, { ASTEROID_BASE_URL: "ftp://x" })[0]).toMatch(/^asteroid: ASTEROID_BASE_URL must be an absolute http\(s\) URL/);
  });

  test("a base URL never shows user info, also when its scheme is missing (the user part then reads as a scheme)", () => {
    const [reason] = reasons({ ...KEY, "asteroid:baseUrl": "bob:PASSX@host.example/agents" });
    expect(reason).toContain('got "host.example/agents"');
    expect(reason).not.toContain("PASSX");
    expect(reasons({ ...KEY, "asteroid:baseUrl": "ftp://bob:PASSX@host.example/agents" })[0]).not.toContain("PASSX");
  });

  test("a base URL with a query or fragment fails (the API's paths are appended to it), without showing the query", () => {
    const [reason] = reasons({ ...KEY, "asteroid:baseUrl": "http://127.0.0.1:4010/asteroid?token=QS" });
    expect(reason).toBe(
      'asteroid: asteroid:baseUrl must not have a query (the API\'s paths are appended to it), got "http://127.0.0.1:4010/asteroid" with a query. ' +
        "Fix: `pulumi config set asteroid:baseUrl https://odyssey.asteroid.ai/agents/v2` (or your server's URL, with its scheme and path).",
    );
    expect(reasons({ ...KEY, "asteroid:baseUrl": "http://127.0.0.1:4010/asteroid#x" })[0]).toMatch(/must not have a fragment/);
  });

  test("a bad base URL from the environment: the provider's fix is still the stack config, which wins over it", () => {
    expect(reasons({ ...KEY }, { ASTEROID_BASE_URL: "ftp://x" })).toEqual([
      'asteroid: ASTEROID_BASE_URL must be an absolute http(s) URL such as https://odyssey.asteroid.ai/agents/v2, got "ftp://x". ' +
        "Fix: `pulumi config set asteroid:baseUrl https://odyssey.asteroid.ai/agents/v2` (or your server's URL, with its scheme and path).",
    ]);
  });

  test.each([
    ["asteroid:maxConcurrency", "lots", "a positive whole number"],
    ["asteroid:maxConcurrency", "2.5", "a positive whole number"],
    ["asteroid:requestTimeoutMs", "0", "a positive whole number"],
    ["asteroid:maxRequestsPerSecond", "-1", "a positive number"],
  ])("a bad number: %s = %s", (key, value, what) => {
    expect(reasons({ ...KEY, [key]: value })).toEqual([expect.stringMatching(new RegExp(`^asteroid: ${key} must be ${what} \\(.*\\), got "${value}"\\. Fix: \`pulumi config set ${key} \\d+\`\\.$`))]);
  });

  test("without the host's raw config (older SDKs) the rest is still checked", () => {
    expect(settingsFailures(asteroid, { get: () => undefined }, PLATFORMS, {}).map((f) => f.key)).toEqual(["asteroid:apiKey"]);
  });
});

describe("did you mean", () => {
  test("case, one or two edits; nothing for a name too far from any", () => {
    expect(closest("apikey", ["apiKey", "baseUrl"])).toBe("apiKey");
    expect(closest("baseURl", ["apiKey", "baseUrl"])).toBe("baseUrl");
    expect(closest("timeout", ["apiKey", "baseUrl"])).toBeUndefined();
  });
});

describe("explicit provider arguments", () => {
  test("an unknown setting fails with the one it most likely meant", () => {
    expect(() => new Provider("eu", { asteroid: { apikey: "k" } } as never)).toThrow(
      new ConfigError(
        'Provider "eu": unknown setting asteroid.apikey; did you mean asteroid.apiKey? ' +
          "Settings of a platform: apiKey, baseUrl, requestTimeoutMs, operationTimeoutMs, maxRequestsPerSecond, maxConcurrency.",
      ),
    );
  });

  test("an unknown platform fails with the one it most likely meant", () => {
    expect(() => new Provider("eu", { asteriod: { apiKey: "k" } } as never)).toThrow('Provider "eu": unknown platform "asteriod"; did you mean "asteroid"?');
    expect(() => new Provider("eu", { openai: {} } as never)).toThrow('Provider "eu": unknown platform "openai". Platforms: everruns, asteroid, odeus, letta.');
  });

  test("a platform's settings must be an object", () => {
    expect(() => new Provider("eu", { asteroid: "key" } as never)).toThrow('Provider "eu": asteroid must be an object of settings such as { apiKey, baseUrl }, got string.');
  });
});

describe("401 and 403 say where the key came from (never the key) and where the request went", () => {
  const { PlatformClient } = jest.requireActual("../../provider/http/client") as typeof import("../../provider/http/client");
  const http = jest.requireActual("node:http") as typeof import("node:http");
  let server: import("node:http").Server;
  let url = "";
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.writeHead(401, { "content-type": "application/json" }).end('{"detail":"Unauthorized"}'));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as import("node:net").AddressInfo).port}/letta`;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  const spec = { name: "letta", envPrefix: "LETTA", defaultBaseUrl: "https://api.letta.com", keyRequired: false, authHeaders: (k: string) => ({ authorization: `Bearer ${k}` }), errorMessage: () => "Unauthorized" };

  test("a key set in stack config", async () => {
    const c = new PlatformClient(spec, { apiKey: "sk-very-secret", baseUrl: url, sources: { apiKey: "letta:apiKey", baseUrl: "letta:baseUrl" } });
    const e = (await c.request("GET", "/v1/agents/").catch((x) => x)) as Error;
    expect(e.message).toBe(`letta: GET /v1/agents/ failed with 401 Unauthorized: Unauthorized. The API key sent was set by letta:apiKey; the request went to ${url} (set by letta:baseUrl)`);
    expect(e.message).not.toContain("sk-very-secret");
  });
  test("no key at all, on a platform where it is optional", async () => {
    const c = new PlatformClient(spec, { baseUrl: url, sources: { baseUrl: "LETTA_BASE_URL" } });
    const e = (await c.request("GET", "/v1/agents/").catch((x) => x)) as Error;
    expect(e.message).toMatch(/401 Unauthorized: Unauthorized\. No API key was sent: set letta:apiKey \/ LETTA_API_KEY; the request went to .* \(set by LETTA_BASE_URL\)$/);
  });
});
