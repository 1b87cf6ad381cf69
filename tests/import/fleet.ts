/**
 * An awkward fleet, made the way consoles and scripts make one: through each platform's own API on
 * the emulator, never through the provider. Twenty objects of all five types: unicode, empty and
 * duplicate names (also across organizations and platforms), long multi-line prompts holding `${…}`,
 * Letta tool rules, memory blocks, secrets and a hidden subagent, Asteroid cookies, credentials, a proxy
 * password and every proxy mode (one switched off with its managed fields left behind), Everruns
 * capabilities with nested config and an archived agent, and Odeus agents only their ids can name
 * (one never published).
 */
import { request } from "undici";
import type { Emulator } from "../../emulator";

export const ORG = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
export const ORG2 = "7d1e4b9a-2c3f-4e5d-9a8b-1c2d3e4f5a6b";
const MODEL = `model_${(0x201).toString(16).padStart(32, "0")}`;

type Obj = Record<string, any>;

const AUTH: Record<string, (key: string) => Record<string, string>> = {
  asteroid: (k) => ({ "x-asteroid-agents-api-key": k }),
  everruns: (k) => ({ authorization: `ApiKey ${k}` }),
  letta: (k) => ({ authorization: `Bearer ${k}` }),
  odeus: (k) => ({ authorization: `Bearer ${k}` }),
};

export async function call(emu: Emulator, platform: string, method: string, path: string, body?: unknown): Promise<Obj> {
  const res = await request(`${emu.baseUrl(platform)}${path}`, {
    method: method as "GET",
    headers: { "content-type": "application/json", ...AUTH[platform](emu.key(platform)!) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`seeding: ${platform} ${method} ${path} answered ${res.statusCode}: ${text}`);
  return text ? JSON.parse(text) : {};
}

/** A prompt the way people write them: long, multi-line, with markup, quotes and unicode. */
export function longPrompt(title: string, lines: number): string {
  const out = [`# ${title}`, "", "You are a careful assistant. Follow these rules — exactly:", ""];
  for (let i = 1; i <= lines; i++) out.push(`${i}. Rule ${i}: never say "${"never".repeat(1 + (i % 3))}"; cite \`sources\` and keep answers under ${i * 10} words. Ünïcödé ✓`);
  out.push("", "```json", '{"template": "${not_a_reference}", "path": "C:\\\\temp"}', "```", "");
  return out.join("\n");
}

export interface Fleet {
  asteroid: { pools: string[]; profiles: string[] };
  everruns: { active: string[]; archived: string };
  letta: { agents: string[]; hidden: string; tools: string[] };
  odeus: { agents: string[] };
  /** Every write-only value the fleet holds, to prove none of them is ever written out. */
  secrets: string[];
}

export async function seedFleet(emu: Emulator): Promise<Fleet> {
  const secrets = ["ghp_live_token_123", "sk_live_stripe_456", "session-cookie-789", "prefs-cookie-abc", "proxy-pass-def", "sk-openai-ghi", "search-token-jkl"];

  /* ---------- Asteroid: 3 pools (two with the same name in two organizations), 3 profiles ---------- */
  const pool = (b: Obj) => call(emu, "asteroid", "POST", "/agent-profile-pools", b);
  const pools = [
    await pool({ name: "Checkout pool", organizationId: ORG, allowConcurrentUse: true, selectionStrategy: "most_recently_used" }),
    await pool({ name: "Checkout pool", organizationId: ORG2 }),
    await pool({ name: "Käufe 🛒", organizationId: ORG }),
  ];
  const profile = (b: Obj) => call(emu, "asteroid", "POST", "/agent-profiles", b);
  const checkout = await profile({
    name: "checkout-bot",
    organizationId: ORG,
    description: "Checks out carts.\nLogs in with the stored credentials;\nnever stores card numbers.",
    operatingSystem: "macos",
    proxyMode: "custom",
    customProxy: { server: "socks5://proxy.example.com:1080", username: "bot", password: secrets[4] },
    adblockActive: true,
    popupBlockerActive: true,
    credentials: [{ name: "github_token", data: secrets[0] }, { name: "STRIPE_KEY", data: secrets[1] }],
    cookies: [
      { name: "Session", key: "sid", value: secrets[2], domain: "shop.example.com", secure: true, sameSite: "Lax", httpOnly: true, expiry: "2030-01-01T00:00:00Z" },
      { name: "Préférences", key: "prefs", value: secrets[3], domain: ".Example.com", secure: false, sameSite: "None", httpOnly: false },
    ],
  });
  const scraper = await profile({
    name: "Scraper — Ünïcode",
    organizationId: ORG,
    proxyMode: "managed",
    proxyType: "residential",
    proxyCC: "de",
    stickyIP: true,
    captchaSolverActive: true,
    inboxEmailPrefix: "scraper",
    tracingEnabled: true,
  });
  const gateway = await profile({ name: "Gateway 🌐", organizationId: ORG, proxyMode: "gateway", proxyGatewayPresetId: "0b6f3c2e-8d4a-4f1e-9c7b-5a2d1e3f4b6c", mediaBlockerActive: true });
  const legacy = await profile({ name: "legacy", organizationId: ORG2, proxyMode: "managed", proxyType: "mobile", proxyCC: "fr" });
  // Switched off in the console later: the managed-mode fields stay behind (nothing in the PATCH clears them).
  await call(emu, "asteroid", "PATCH", `/agent-profiles/${legacy.id}`, { proxyMode: "none" });

  /* ---------- Everruns: 4 active agents (two named "Support"), 1 archived ---------- */
  const agent = (b: Obj) => call(emu, "everruns", "POST", "/v1/agents", b);
  const support = await agent({
    name: "Support",
    system_prompt: longPrompt("Support", 60),
    description: "Answers customers; costs ${amount} per run",
    default_model_id: MODEL,
    capabilities: [{ ref: "current_time" }, { ref: "web_fetch", config: { max_bytes: 100000, allow: ["example.com", "docs.example.com"], nested: { deep: { on: true } } } }],
    tags: ["support", "tier-1"],
  });
  const support2 = await agent({ name: "Support", system_prompt: "Short prompt.", tags: ["support"] });
  const resume = await agent({ name: "Résumé writer ✍️", system_prompt: longPrompt("Résumé", 5), capabilities: [{ ref: "session_file_system", config: {} }], tags: [] });
  const blank = await agent({ name: "  ", system_prompt: "Nameless in all but whitespace.\n" });
  const old = await agent({ name: "Old support", system_prompt: "Retired.", tags: ["support"] });
  await call(emu, "everruns", "DELETE", `/v1/agents/${old.id}`);

  /* ---------- Letta: 4 agents (two named "Research assistant", one CJK name) ---------- */
  const tool = (name: string) => call(emu, "letta", "POST", "/v1/tools/", { name });
  const tools = [await tool("lookup_order"), await tool("route_ticket"), await tool("search_docs")];
  const letta = (b: Obj) => call(emu, "letta", "POST", "/v1/agents/", b);
  const research = await letta({
    name: "Research assistant",
    system: longPrompt("Research", 40),
    description: "Finds sources",
    model: "openai/gpt-4.1",
    embedding: "openai/text-embedding-3-large",
    model_settings: { temperature: 0.2, max_output_tokens: 2048, parallel_tool_calls: true },
    tool_ids: tools.map((t) => t.id),
    tags: ["research", "prod"],
    metadata: { team: "research", budget: { monthly: 200, currency: "EUR" } },
    secrets: { OPENAI_KEY: secrets[5], SEARCH_TOKEN: secrets[6] },
    timezone: "Europe/Berlin",
    memory_blocks: [
      { label: "persona", value: "I am a research assistant.\nI cite every source.\n", limit: 5000, description: "Who I am" },
      { label: "human", value: "The user works in Zürich.\nThey prefer short answers." },
    ],
    tool_rules: [
      { type: "run_first", tool_name: "lookup_order" },
      { type: "conditional", tool_name: "route_ticket", child_output_mapping: { billing_issue: "lookup_order", "Shipping Issue": "search_docs" }, default_child: "search_docs" },
      { type: "max_count_per_step", tool_name: "search_docs", max_count_limit: 3 },
      { type: "constrain_child_tools", tool_name: "lookup_order", children: ["route_ticket"], prompt_template: "<tool_rule>\nAfter {{ tool_name }}, route it.\n</tool_rule>" },
      { type: "exit_loop", tool_name: "send_message" },
    ],
  });
  const research2 = await letta({ name: "Research assistant", model: "anthropic/claude-sonnet-4-20250514", include_base_tools: false, tags: ["research"] });
  const cjk = await letta({ name: "客服助手", system: "你好。\n请简短回答。", agent_type: "letta_v1_agent" });
  const apostrophe = await letta({ name: "Müller's agent", description: "", enable_sleeptime: false, message_buffer_autoclear: true });
  // A subagent: hidden, so the list leaves it out; only its id reaches it.
  const hidden = await letta({ name: "Summarizer", tags: ["role:subagent"], system: "Summarize.\n" });

  /* ---------- Odeus: 3 agents, reachable by id only (one never published) ---------- */
  const odeus = async (b: Obj, publish: boolean) => {
    const created = (await call(emu, "odeus", "POST", "/agent/v1/create", b)).agent;
    if (publish) await call(emu, "odeus", "POST", "/agent/v1/publish", { agentId: created.id });
    return created;
  };
  const triage = await odeus({
    name: "Triage 🚑",
    description: "Routes tickets",
    emoji: "🚑",
    instruction: longPrompt("Triage", 30),
    model: "gpt-4.1",
    creativity: 0.5,
    conversationStarters: ["Where is my order?", "I want to return an item — how?"],
    inputType: "STRUCTURED",
    inputFields: [
      { slug: "order", type: "TEXT", label: "Order number", required: true },
      { slug: "reason", type: "SELECT", label: "Reason", options: ["Damaged", "Late", "Other"], description: "Pick one" },
    ],
    actions: [{ actionId: "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", requiresConfirmation: false }],
    webSearch: true,
    canvas: true,
  }, true);
  const supportOdeus = await odeus({ name: "Support", instruction: "Be kind.", creativity: 0.3 }, true);
  const draft = await odeus({ name: "Draft only", description: "never published" }, false);

  return {
    asteroid: { pools: pools.map((p) => p.id), profiles: [checkout.id, scraper.id, gateway.id, legacy.id] },
    everruns: { active: [support.id, support2.id, resume.id, blank.id], archived: old.id },
    letta: { agents: [research.id, research2.id, cjk.id, apostrophe.id], hidden: hidden.id, tools: tools.map((t) => t.id) },
    odeus: { agents: [triage.id, supportOdeus.id, draft.id] },
    secrets,
  };
}
