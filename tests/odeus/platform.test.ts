/** The Odeus platform spec and emulator on their own: auth, credentials, error bodies, the draft/published split, validation. */
import { request } from "undici";
import { useEmulator } from "../host/fixture";
import { PlatformClient } from "../../provider/http/client";
import { settingsFor } from "../../provider/http/config";
import { ConfigError } from "../../provider/http/errors";
import { odeus } from "../../provider/odeus/platform";

const env = useEmulator();

const client = (apiKey = "odeus-test-key") => new PlatformClient(odeus, { apiKey, baseUrl: env.emu.baseUrl("odeus"), retry: { maxRetries: 0 } });

describe("platform spec", () => {
  test("Bearer auth, api.odeus.ai by default, ODEUS_ environment variables", () => {
    expect(odeus.authHeaders("k")).toEqual({ Authorization: "Bearer k" });
    expect(odeus.defaultBaseUrl).toBe("https://api.odeus.ai");
    expect(settingsFor(odeus, undefined, { ODEUS_API_KEY: "k", ODEUS_BASE_URL: "https://x.example/api/public" })).toEqual({
      apiKey: "k", baseUrl: "https://x.example/api/public",
    });
    const cfg = { get: (k: string) => ({ "odeus:apiKey": "from-config" })[k] };
    expect(settingsFor(odeus, cfg, { ODEUS_API_KEY: "from-env" }).apiKey).toBe("from-config");
  });

  test("a missing key names every way to set it", async () => {
    const err = await new PlatformClient(odeus, { baseUrl: env.emu.baseUrl("odeus") }).request("GET", "/agent/v1/models").catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/odeus:apiKey.*ODEUS_API_KEY/);
  });

  test("error bodies carrying `error` or `message` both reach the error, without the key", async () => {
    const e401 = await client("wrong-key").request("GET", "/agent/v1/models").catch((e) => e);
    expect(e401.message).toMatch(/^odeus: GET \/agent\/v1\/models failed with 401 Unauthorized: Invalid or missing API key\. The API key sent was set by odeus:apiKey \/ ODEUS_API_KEY; the request went to http:\/\/127\.0\.0\.1:\d+\/odeus/);
    const e404 = await client().request("GET", "/agent/v1/get", { query: { agentId: "3c90c3cc-0d44-4b50-8888-8dd25736052a" } }).catch((e) => e);
    expect(e404.message).toMatch(/404 Not Found: Agent not found$/);
  });
});

describe("emulator", () => {
  const post = async (path: string, body: unknown, method = "POST") => {
    const res = await request(`${env.emu.baseUrl("odeus")}${path}`, {
      method: method as "POST", body: JSON.stringify(body), headers: { authorization: "Bearer odeus-test-key", "content-type": "application/json" },
    });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, any> };
  };
  const get = async (id: string) => (await client().request("GET", "/agent/v1/get", { query: { agentId: id } })).body as Record<string, any>;

  test("get returns the draft until the first publish, then the published version; publish answers 409 when nothing changed", async () => {
    const created = await post("/agent/v1/create", { name: "a", emoji: "🙂", creativity: 0.4, canvas: true });
    expect(created.status).toBe(201);
    const id = created.body.agent.id;
    expect(created.body.agent).toMatchObject({ emojiIcon: "🙂", temperature: 0.4, canvasEnabled: true, webSearchEnabled: false, inputType: "PROMPT" });
    await post("/agent/v1/update", { agentId: id, name: "b" }, "PATCH");
    expect((await get(id)).agent.name).toBe("b");
    expect((await post("/agent/v1/publish", { agentId: id })).status).toBe(200);
    expect((await post("/agent/v1/publish", { agentId: id })).status).toBe(409);
    const upd = await post("/agent/v1/update", { agentId: id, name: "c", emoji: null, description: "" }, "PATCH");
    expect(upd.body).toMatchObject({ status: "success", message: "Agent updated successfully", agent: { name: "c", emojiIcon: null } });
    expect((await get(id)).agent.name).toBe("b");
    await env.ctl.control("odeus", "publishing", { enabled: false });
    expect((await post("/agent/v1/publish", { agentId: id })).status).toBe(404);
    await env.ctl.control("odeus", "publishing", { enabled: true });
  });

  test("only the seed's sentinels clear: null for emoji, \"\" for description and instruction (null there is a 400)", async () => {
    const id = (await post("/agent/v1/create", { name: "s", emoji: "🙂", description: "d", instruction: "i" })).body.agent.id;
    const kept = await post("/agent/v1/update", { agentId: id, emoji: "" }, "PATCH");
    expect(kept.body.agent.emojiIcon).toBe(""); // "" does not clear the emoji
    const cleared = await post("/agent/v1/update", { agentId: id, emoji: null, description: "", instruction: "" }, "PATCH");
    expect(cleared.body.agent).toMatchObject({ emojiIcon: null, description: "", instruction: "" });
    for (const field of ["description", "instruction"]) {
      expect((await post("/agent/v1/update", { agentId: id, [field]: null }, "PATCH")).status).toBe(400);
    }
  });

  const bad: [string, Record<string, unknown>][] = [
    ["name over 80", { name: "x".repeat(81) }],
    ["description over 500", { description: "x".repeat(501) }],
    ["emoji over 16", { emoji: "x".repeat(17) }],
    ["instruction over 40000", { instruction: "x".repeat(40001) }],
    ["creativity over 1", { creativity: 2 }],
    ["21 starters", { conversationStarters: Array(21).fill("s") }],
    ["non-uuid action", { actions: [{ actionId: "x" }] }],
    ["non-uuid attachment", { attachments: ["x"] }],
    ["bad inputType", { inputType: "FORM" }],
    ["unknown model", { model: "nope" }],
    ["unknown field", { publish: true }],
    ["SELECT without options", { inputFields: [{ slug: "a", type: "SELECT", label: "A" }] }],
  ];
  test.each(bad)("update with %s answers 400", async (_, fields) => {
    const id = (await post("/agent/v1/create", { name: "v" })).body.agent.id;
    const res = await post("/agent/v1/update", { agentId: id, ...fields }, "PATCH");
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(expect.any(String));
  });
});
