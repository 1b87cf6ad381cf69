/**
 * The platform settings a stack can configure, one list for every platform: `schema.json`'s
 * `config` section is generated from it (`asteroid:apiKey`, `asteroid:baseUrl`, ...). It is derived
 * from the list the runtime reads (provider/http/config.ts `SETTINGS`), so the two cannot drift apart.
 */
import type { PlatformSpec } from "../http/client";
import { SETTINGS as RUNTIME, SETTING_NAMES, type SettingDef, type SettingName } from "../http/config";
import type { PropertySpec } from "./package";

export interface Setting {
  /** The key inside the platform's namespace: `apiKey` in `asteroid:apiKey`. */
  key: string;
  /** The environment variable read when the stack config does not set it, without the platform prefix: `API_KEY`. */
  env: string;
  type: "string" | "integer" | "number" | "boolean";
  /** Kept as a Pulumi secret (`pulumi config set --secret`). */
  secret?: boolean;
  /** What it is, for one platform. */
  describe(p: PlatformSpec): string;
  /** The value used when neither the config nor the environment sets it. */
  default?(p: PlatformSpec): string | number | boolean | undefined;
}

/** What the API key and base URL say beyond their one-line doc in provider/http/config.ts. */
const DESCRIBE: Partial<Record<SettingName, (p: PlatformSpec) => string>> = {
  apiKey: (p) =>
    `The ${p.name} API key.${p.keyRequired ? "" : " Optional: a self-hosted server may run without one."} Set it with \`pulumi config set --secret ${p.name}:apiKey <key>\` or the ${p.envPrefix}_API_KEY environment variable; it never goes into resource inputs.`,
  baseUrl: (p) => `The base URL of the ${p.name} API (an absolute http(s) URL), e.g. the emulator's \`http://127.0.0.1:4010/${p.name}\`.`,
};

const TYPES: Record<SettingDef["kind"], Setting["type"]> = { secret: "string", url: "string", integer: "integer", number: "number" };

/** The settings the runtime reads (provider/http/config.ts `SETTINGS`), in the shape the schema lists them. */
export const SETTINGS: Setting[] = SETTING_NAMES.map((key) => {
  const def: SettingDef = RUNTIME[key];
  return {
    key,
    env: def.env,
    type: TYPES[def.kind],
    ...(def.kind === "secret" ? { secret: true } : {}),
    describe: DESCRIBE[key] ?? ((p: PlatformSpec) => `${def.doc[0].toUpperCase()}${def.doc.slice(1)}, for ${p.name}.`),
    default: key === "baseUrl" ? (p: PlatformSpec) => p.defaultBaseUrl : () => def.default,
  };
});

/** The `config` section of schema.json: `<platform>:<key>` for every platform and setting. */
export function configSection(platforms: PlatformSpec[]): { variables: Record<string, PropertySpec> } {
  const variables: Record<string, PropertySpec> = {};
  for (const p of [...platforms].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const s of SETTINGS) {
      const value = s.default?.(p);
      variables[`${p.name}:${s.key}`] = {
        type: s.type,
        description: s.describe(p),
        ...(value !== undefined ? { default: value } : {}),
        defaultInfo: { environment: [`${p.envPrefix}_${s.env}`] },
        ...(s.secret ? { secret: true } : {}),
      };
    }
  }
  return { variables };
}
