/**
 * everruns credentials through the real host: `Authorization: ApiKey <key>` from stack config or
 * EVERRUNS_API_KEY / EVERRUNS_BASE_URL, and no key at all against a server in no-auth mode.
 */
import { startAll, type Emulator } from "../../emulator";
import { EmulatorControl } from "../../emulator/control";
import { Stack } from "../host/engine";
import { api, T } from "./helpers";

const inputs = { name: "auth-check", systemPrompt: "You check auth." };

describe("everruns auth", () => {
  let emu: Emulator;
  const stacks: Stack[] = [];
  const start = async (config: Record<string, string | undefined>) => {
    const s = await Stack.start(config);
    stacks.push(s);
    return s;
  };
  beforeAll(async () => (emu = await startAll({ keys: { everruns: "evr_secret_key_123" } })));
  afterAll(async () => {
    for (const s of stacks) await s.stop();
    await emu.close();
  });

  test("the server accepts `ApiKey <key>` and the bare key, and refuses Bearer or no header", async () => {
    expect((await api(emu, "GET", "/v1/agents", undefined, "ApiKey evr_secret_key_123")).status).toBe(200);
    expect((await api(emu, "GET", "/v1/agents", undefined, "evr_secret_key_123")).status).toBe(200);
    expect(await api(emu, "GET", "/v1/agents", undefined, "Bearer evr_secret_key_123")).toEqual({ status: 401, body: { error: "Unauthorized" } });
    expect(await api(emu, "GET", "/v1/agents", undefined, "")).toEqual({ status: 401, body: { error: "Authentication required" } });
  });

  test("the key from stack config is sent as `Authorization: ApiKey <key>`", async () => {
    const s = await start({ "everruns:baseUrl": emu.baseUrl("everruns"), "everruns:apiKey": "evr_secret_key_123" });
    const up = await s.up(T, "cfg", inputs);
    expect(up.state.id).toMatch(/^agent_/);
    await s.destroy(T, "cfg");
  });

  test("a wrong key fails with the server's 401 message and never shows the key", async () => {
    const s = await start({ "everruns:baseUrl": emu.baseUrl("everruns"), "everruns:apiKey": "evr_wrong_key_456" });
    const err = (await s.up(T, "wrong", inputs).catch((e) => e)) as Error;
    expect(err.message).toMatch(/everruns: PUT \/v1\/agents\/agent_[0-9a-f]{32} failed with 401 Unauthorized: Unauthorized/);
    expect(err.message).not.toContain("evr_wrong_key_456");
  });

  test("no key against a server that wants one is the server's 401, not a configuration error", async () => {
    const s = await start({ "everruns:baseUrl": emu.baseUrl("everruns") });
    await expect(s.up(T, "nokey", inputs)).rejects.toThrow(/401 Unauthorized: Authentication required/);
  });

  test("EVERRUNS_API_KEY and EVERRUNS_BASE_URL are used when stack config has neither", async () => {
    const saved = { key: process.env.EVERRUNS_API_KEY, url: process.env.EVERRUNS_BASE_URL };
    process.env.EVERRUNS_API_KEY = "evr_secret_key_123";
    process.env.EVERRUNS_BASE_URL = emu.baseUrl("everruns");
    let s: Stack;
    try {
      s = await start({}); // the host process inherits the environment
    } finally {
      for (const [k, v] of [["EVERRUNS_API_KEY", saved.key], ["EVERRUNS_BASE_URL", saved.url]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    const up = await s.up(T, "env", inputs);
    expect(up.state.id).toMatch(/^agent_/);
    await s.destroy(T, "env");
  });
});

describe("everruns without auth (self-hosted, AUTH_MODE=none)", () => {
  let emu: Emulator;
  let s: Stack;
  beforeAll(async () => {
    emu = await startAll({ keys: { everruns: undefined } });
    s = await Stack.start({ "everruns:baseUrl": emu.baseUrl("everruns") });
  });
  afterAll(async () => {
    await s.stop();
    await emu.close();
  });

  test("no key is needed: the full create / update / destroy works", async () => {
    const ctl = new EmulatorControl(emu.url);
    const up = await s.up(T, "open", inputs);
    await s.up(T, "open", { ...inputs, name: "auth-check-2" });
    await s.destroy(T, "open");
    expect((await ctl.writes("everruns")).map((r) => r.method)).toEqual(["PUT", "PATCH", "DELETE"]);
    expect((await ctl.get("everruns", "agents", up.state.id)).status).toBe("archived");
  });
});
