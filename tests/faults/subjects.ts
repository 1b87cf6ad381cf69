/** The five resources as subjects of the fault matrix (tests/faults/matrix.ts). */
import type { EmulatorControl } from "../../emulator/control";
import type { Subject } from "./matrix";

const ORG = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
type Obj = Record<string, unknown>;
const named = async (ctl: EmulatorControl, platform: string, collection: string, name: string, keep: (o: Obj) => boolean = () => true) =>
  (await ctl.list(platform, collection)).filter((o) => o.name === name && keep(o)).map((o) => String(o.id));

export const pool: Subject = {
  token: "asteroid:AgentProfilePool",
  platform: "asteroid",
  desired: (n) => ({ name: `pool-${n}`, organizationId: ORG, allowConcurrentUse: false }),
  changed: (n) => ({ name: `pool-${n}`, organizationId: ORG, allowConcurrentUse: true, selectionStrategy: "most_recently_used" }),
  calls: {
    create: () => ({ method: "POST", path: "/agent-profile-pools" }),
    read: (id) => ({ method: "GET", path: `/agent-profile-pools/${id}` }),
    update: (id) => ({ method: "PATCH", path: `/agent-profile-pools/${id}` }),
    delete: (id) => ({ method: "DELETE", path: `/agent-profile-pools/${id}` }),
  },
  live: (ctl, n) => named(ctl, "asteroid", "pools", `pool-${n}`),
  recoversCreate: true,
};

const cookie = (n: string, value: string) => ({ name: "session", key: "sid", value, domain: ".example.com", secure: true, sameSite: "Lax", httpOnly: true });
export const profile: Subject = {
  token: "asteroid:AgentProfile",
  platform: "asteroid",
  desired: (n) => ({
    name: `profile-${n}`, organizationId: ORG, description: "first", proxyMode: "custom",
    customProxy: { server: "socks5://proxy.example.com:1080", username: "bot", password: `pw-wo-secret-${n}` },
    credentials: [{ name: "gh_token", data: `gh-wo-secret-${n}` }],
    cookies: [cookie(n, `ck-wo-secret-${n}`)],
  }),
  changed: (n) => ({
    name: `profile-${n}`, organizationId: ORG, description: "second", proxyMode: "custom",
    customProxy: { server: "socks5://proxy.example.com:1080", username: "bot", password: `pw2-wo-secret-${n}` },
    credentials: [{ name: "gh_token", data: `gh2-wo-secret-${n}` }],
    cookies: [cookie(n, `ck2-wo-secret-${n}`)],
  }),
  calls: {
    create: () => ({ method: "POST", path: "/agent-profiles" }),
    read: (id) => ({ method: "GET", path: `/agent-profiles/${id}` }),
    update: (id) => ({ method: "PATCH", path: `/agent-profiles/${id}` }),
    delete: (id) => ({ method: "DELETE", path: `/agent-profiles/${id}` }),
  },
  live: (ctl, n) => named(ctl, "asteroid", "profiles", `profile-${n}`),
  recoversCreate: true,
};

export const everrunsAgent: Subject = {
  token: "everruns:Agent",
  platform: "everruns",
  desired: (n) => ({ name: `agent-${n}`, systemPrompt: "You help with orders.\nBe brief.", tags: ["orders"] }),
  changed: (n) => ({ name: `agent-${n}`, systemPrompt: "You help with orders.\nBe brief.", tags: ["orders", "prod"], description: "changed" }),
  calls: {
    create: () => ({ method: "PUT", path: "/v1/agents/" }),
    read: (id) => ({ method: "GET", path: `/v1/agents/${id}` }),
    update: (id) => ({ method: "PATCH", path: `/v1/agents/${id}` }),
    delete: (id) => ({ method: "DELETE", path: `/v1/agents/${id}` }),
  },
  live: (ctl, n) => named(ctl, "everruns", "agents", `agent-${n}`, (a) => a.status === "active"),
  recoversCreate: true,
};

export const odeusAgent: Subject = {
  token: "odeus:Agent",
  platform: "odeus",
  desired: (n) => ({ name: `odeus-${n}`.slice(0, 80), instruction: "Be helpful.\nAnswer briefly." }),
  changed: (n) => ({ name: `odeus-${n}`.slice(0, 80), instruction: "Be helpful.\nAnswer briefly.", description: "changed" }),
  calls: {
    create: () => ({ method: "POST", path: "/agent/v1/create" }),
    read: () => ({ method: "GET", path: "/agent/v1/get" }),
    update: () => ({ method: "PATCH", path: "/agent/v1/update" }),
    delete: () => ({ method: "PATCH", path: "/agent/v1/disable" }),
    publish: () => ({ method: "POST", path: "/agent/v1/publish" }),
  },
  async live(ctl, n) {
    const ids = await named(ctl, "odeus", "agents", `odeus-${n}`.slice(0, 80));
    const out: string[] = [];
    for (const id of ids) if (!((await ctl.control("odeus", "state", { agentId: id })) as Obj).disabled) out.push(id);
    return out;
  },
  recoversCreate: false,
};

export const lettaAgent: Subject = {
  token: "letta:Agent",
  platform: "letta",
  desired: (n) => ({ name: `letta ${n}`, system: "You are a helper.\nBe brief.", model: "openai/gpt-4o-mini", metadata: { team: "x" }, secrets: { API_TOKEN: `lt-wo-secret-${n}` } }),
  changed: (n) => ({ name: `letta ${n}`, system: "You are a helper.\nBe brief.", model: "openai/gpt-4o-mini", metadata: { team: "x" }, secrets: { API_TOKEN: `lt2-wo-secret-${n}` }, description: "changed" }),
  calls: {
    create: () => ({ method: "POST", path: "/v1/agents/" }),
    read: (id) => ({ method: "GET", path: `/v1/agents/${id}` }),
    update: (id) => ({ method: "PATCH", path: `/v1/agents/${id}` }),
    delete: (id) => ({ method: "DELETE", path: `/v1/agents/${id}` }),
  },
  live: (ctl, n) => named(ctl, "letta", "agents", `letta ${n}`),
  recoversCreate: true,
};
