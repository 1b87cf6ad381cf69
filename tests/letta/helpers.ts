/** Shared helpers for the letta.Agent tests: the emulator's Letta API called directly (setup, drift). */
import { request } from "undici";
import type { World } from "../host/fixture";

export const T = "letta:Agent";
export const AGENT_ID_RE = /^agent-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const INCLUDE = ["agent.tags", "agent.tools", "agent.blocks", "agent.sources", "agent.identities"];

/** Calls the emulator's Letta API as a client would (Bearer key). */
export async function api(w: World, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await request(`${w.emu.baseUrl("letta")}${path}`, {
    method: method as "GET",
    headers: { authorization: `Bearer ${w.emu.key("letta")}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
}

/** Creates a tool, block, source or identity on the emulator and returns its id. */
export async function make(w: World, kind: "tools" | "blocks" | "sources" | "identities", body: Record<string, unknown> = {}): Promise<string> {
  const r = await api(w, "POST", `/v1/${kind}/`, body);
  if (r.status !== 200) throw new Error(`could not create ${kind}: ${r.status}`);
  return r.body.id;
}

/** The agent as the server returns it with every relation. */
export async function live(w: World, id: string): Promise<any> {
  const q = ["agent.tags", "agent.tools", "agent.blocks", "agent.sources", "agent.identities", "agent.secrets"].map((i) => `include=${i}`).join("&");
  return (await api(w, "GET", `/v1/agents/${id}?${q}`)).body;
}

export const strip = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith("__")));
