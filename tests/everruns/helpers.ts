/** Shared bits of the everruns tests: models the emulator knows, and raw calls to its Everruns API. */
import { request } from "undici";
import { EVERRUNS_MODELS } from "../../emulator/everruns";
import type { Emulator } from "../../emulator";

export const T = "everruns:Agent";
export const [MODEL_A, MODEL_B, MODEL_C] = Object.keys(EVERRUNS_MODELS);
export const AGENT_ID_RE = /^agent_[0-9a-f]{32}$/;
/** A fresh caller-chosen id. */
let n = 0;
export const pinnedId = () => `agent_${(Date.now() * 1000 + n++).toString(16).padStart(32, "0")}`;

/** A raw call to the emulator's Everruns API (what another client of the platform would do). */
export async function api(
  emu: Emulator,
  method: string,
  path: string,
  body?: unknown,
  authorization: string | undefined = emu.key("everruns") ? `ApiKey ${emu.key("everruns")}` : undefined,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (authorization) headers.authorization = authorization;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await request(`${emu.baseUrl("everruns")}${path}`, {
    method: method as "GET",
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* plain text */
  }
  return { status: res.statusCode, body: parsed };
}

/** The active agents whose name contains `name` (the list endpoint leaves archived agents out). */
export async function activeNamed(emu: Emulator, name: string): Promise<Record<string, unknown>[]> {
  const r = await api(emu, "GET", `/v1/agents?search=${encodeURIComponent(name)}`);
  return (r.body.data as Record<string, unknown>[]).filter((a) => a.name === name);
}
