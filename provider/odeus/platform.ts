/**
 * Odeus agent API (seed 001, api/odeus.md): `Authorization: Bearer <key>` with the AGENT_API scope,
 * JSON bodies wrapped in `{status, message, agent}`, error bodies carrying `message` or `error`.
 * Dedicated deployments use `<deployment-url>/api/public` as the base URL (`odeus:baseUrl` or ODEUS_BASE_URL).
 */
import { commonErrorMessage, type PlatformSpec } from "../http/client";

export const odeus: PlatformSpec = {
  name: "odeus",
  envPrefix: "ODEUS",
  defaultBaseUrl: "https://api.odeus.ai",
  keyRequired: true,
  authHeaders: (key) => ({ Authorization: `Bearer ${key}` }),
  errorMessage: commonErrorMessage,
  // No list API: the read without its id (a 400 from the API, or its documented 404 "Agent not found";
  // a plain 404 from anything else).
  probe: { path: "/agent/v1/get", ownNotFound: (body) => /agent not found/i.test(commonErrorMessage(body) ?? "") },
};
