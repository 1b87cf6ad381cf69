/** Asteroid Agent Service v2: camelCase JSON, `X-Asteroid-Agents-Api-Key`, errors `{code, message}`. */
import { commonErrorMessage, type PlatformSpec } from "../http/client";
import { ApiError } from "../http/errors";
import type { Ctx, Wire } from "../core/fields";
export { chars } from "../core/strings";

export const asteroid: PlatformSpec = {
  name: "asteroid",
  envPrefix: "ASTEROID",
  defaultBaseUrl: "https://odyssey.asteroid.ai/agents/v2",
  keyRequired: true,
  authHeaders: (key) => ({ "X-Asteroid-Agents-Api-Key": key }),
  errorMessage: commonErrorMessage,
};

/** GET that reads 404 as "gone". */
export async function getOrGone(ctx: Ctx, path: string): Promise<Wire | undefined> {
  const res = await ctx.http.request("GET", path, { accept: [404] });
  return res.status === 404 ? undefined : (res.body as Wire);
}

/**
 * A create (POST) or update (PATCH) of a named object. Names are unique within an organization and a
 * clash comes back as 400 or 409 (api/asteroid.md §1): when the body sets a name, the error says what
 * to do about it.
 */
export async function writeNamed(ctx: Ctx, method: "POST" | "PATCH", path: string, body: Wire, what: string): Promise<Wire> {
  try {
    return (await ctx.http.request(method, path, { body })).body as Wire;
  } catch (e) {
    const clash = e instanceof ApiError && (e.status === 409 || (e.status === 400 && /exist|unique|taken|duplicate/i.test(e.serverMessage)));
    if (clash && "name" in body) {
      e.message += ` (a ${what} named ${JSON.stringify(body.name)} probably exists already in this organization: ` +
        `choose another name, or adopt the existing one with the \`import\` resource option)`;
    }
    throw e;
  }
}

/** DELETE where 404 means already gone; 405/501 mean the platform cannot delete it through the API. */
export async function deleteOrExplain(ctx: Ctx, path: string, what: string, id: string): Promise<void> {
  const res = await ctx.http.request("DELETE", path, { accept: [404, 405, 501] });
  if (res.status === 405 || res.status === 501) {
    throw new Error(
      `asteroid: DELETE ${path} is not supported by the server (${res.status}). Delete the ${what} ${id} by hand ` +
        `in the Asteroid console, then drop it from the stack with \`pulumi state delete <urn>\`.`,
    );
  }
}
