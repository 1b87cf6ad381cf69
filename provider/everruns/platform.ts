/**
 * Everruns (api/everruns.md): snake_case JSON under `/v1/`, `Authorization: ApiKey <key>`, errors
 * `{error}`. Self-hosted servers may run with `AUTH_MODE=none`, so an API key is optional.
 */
import { commonErrorMessage, type PlatformSpec } from "../http/client";

export const everruns: PlatformSpec = {
  name: "everruns",
  envPrefix: "EVERRUNS",
  defaultBaseUrl: "https://app.everruns.com/api",
  keyRequired: false,
  // `Bearer` is parsed as a JWT by (at least some) servers; the `ApiKey` scheme always takes an `evr_...` key.
  authHeaders: (key) => ({ Authorization: `ApiKey ${key}` }),
  errorMessage: (body) => {
    const b = body as { error?: unknown } | undefined;
    return typeof b?.error === "string" && b.error ? b.error : commonErrorMessage(body);
  },
  probe: { path: "/v1/agents", query: { limit: "1" } },
};
