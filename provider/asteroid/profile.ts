/**
 * asteroid.AgentProfile (seed 000, api/asteroid.md §2 and §4). The PATCH is documented; create
 * (POST /agent-profiles), get and delete (GET/DELETE /agent-profiles/{profileId}) are inferred.
 * Cookies and credentials are keyed collections reconciled into the PATCH's add/delete/update deltas;
 * credential `data`, cookie `value` and `customProxy.password` are write-only secrets.
 */
import { z } from "zod";
import { defineResource, f, type Wire } from "../core/fields";
import { isObject } from "../core/values";
import { ApiError } from "../http/errors";
import { id, loose, maybe } from "../core/answers";
import { byName, chars, deleteOrExplain, getOrGone, writeNamed } from "./platform";

const uuid = z.guid({ message: "must be a UUID" });
const path = (id?: string) => (id ? `/agent-profiles/${encodeURIComponent(id)}` : "/agent-profiles");

/**
 * The profile as the API returns it (`Agents.Profile.AgentProfile` in the API documentation): what the
 * provider reads, typed; credentials and cookies each with the server id that deltas delete by.
 */
const answer = loose({
  id,
  name: z.string(),
  organizationId: z.string(),
  description: maybe(z.string()),
  proxyMode: maybe(z.string()),
  ...Object.fromEntries(
    ["captchaSolverActive", "stickyIP", "extraStealth", "cachePersistence", "adblockActive", "popupBlockerActive", "forcePopupsAsTabsActive", "mediaBlockerActive", "pdfViewerActive", "tracingEnabled"].map((k) => [k, maybe(z.boolean())]),
  ),
  credentials: maybe(z.array(loose({ id, name: z.string() }))),
  cookies: maybe(z.array(loose({ id, key: z.string(), domain: z.string() }))),
  customProxy: maybe(loose({ server: maybe(z.string()), username: maybe(z.string()) })),
  inboxEmail: maybe(z.string()),
});

const PROXY_MODES = ["none", "managed", "custom", "gateway"] as const;
/** `scheme://host:port`, the host a name, an IPv4 address or a bracketed IPv6 address, the port 1-65535. */
const PROXY_SERVER =
  /^[a-z][a-z0-9+.-]*:\/\/(?:\[[0-9a-f:.]+\]|[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*):(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])\/?$/i;

const credential = z.strictObject({
  name: z.string().min(1),
  data: z.string().min(1),
});
const cookie = z.strictObject({
  name: z.string().min(1),
  key: z.string().min(1),
  value: z.string().min(1),
  domain: z.string().min(1),
  secure: z.boolean(),
  sameSite: z.enum(["Strict", "Lax", "None"]),
  httpOnly: z.boolean(),
  expiry: z.iso.datetime({ offset: true }).optional(),
});
const customProxy = z.strictObject({
  server: z.string().min(1).regex(PROXY_SERVER, "must have the form scheme://host:port (port 1-65535), e.g. socks5://proxy.example.com:1080"),
  username: z.string().min(1),
  password: z.string().min(1),
});

type Item = Record<string, unknown>;
const pick = (v: unknown, members: string[]): unknown =>
  isObject(v) ? Object.fromEntries(members.filter((m) => v[m] !== undefined && v[m] !== null).map((m) => [m, v[m]])) : v;
const items = (v: unknown, members: string[]): unknown => (Array.isArray(v) ? v.filter(isObject).map((x) => pick(x, members)) : v);
const mapItems = (v: unknown, fn: (x: Item) => Item): unknown => (Array.isArray(v) ? v.map((x) => (isObject(x) ? fn(x) : x)) : v);

/** Credentials are matched by name case-insensitively: the server stores names uppercased. */
const credentialKey = (c: Item) => String(c.name ?? "").toUpperCase();
/** A cookie is identified by its domain (case-insensitive, as in browsers) and its key. */
const cookieKey = (c: Item) => `${String(c.domain ?? "").toLowerCase()}/${String(c.key ?? "")}`;
/** `expiry` is compared as an instant: the server may write the same time differently. */
const instant = (v: unknown) => (typeof v === "string" && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : v);

/** A computed output: the server id of each item of a list in the response, by the item's identity. */
function idMapField(doc: string, list: string, key: (x: Item) => string) {
  const read = (b: Wire): Record<string, string> | undefined => {
    const items = b[list];
    if (!Array.isArray(items)) return undefined;
    return Object.fromEntries(items.filter((x): x is Item => isObject(x) && typeof x.id === "string").map((x) => [key(x), x.id as string]));
  };
  // The schema only types the output (`Output<Record<string, string>>`); computed fields are never validated.
  return { ...f.computed(doc, { read }), schema: z.record(z.string(), z.string()) };
}

const managedOnly = ["proxyType", "proxyCC", "captchaSolverActive", "stickyIP"] as const;
const isManaged = (i: Item) => i.proxyMode === "managed";

export const agentProfile = defineResource({
  platform: "asteroid",
  type: "AgentProfile",
  doc: "An agent profile containing browser configuration and credentials.",
  uniqueName: "name",
  fields: {
    name: f.scalar(chars(1, 255), "Name of the agent profile (1-255 characters, unique within the organization). Renaming is an in-place update.", { required: true }),
    description: f.scalar(chars(0, 1000), "Description of the agent profile (at most 1000 characters). Removing it sends `\"\"`.", { onRemove: { send: "" } }),
    organizationId: f.forceNew(uuid, "The ID of the organization that owns this profile. Not accepted by the PATCH: a change replaces the profile (deleting it first, since the name is kept).", { required: true }),
    operatingSystem: f.scalar(z.enum(["macos", "windows"]), "Operating system to emulate: `macos` or `windows`. The API cannot unset it: removing it leaves the live value."),
    proxyMode: f.scalar(z.enum(PROXY_MODES), "Proxy configuration mode: `none`, `managed`, `custom` or `gateway`. It selects which proxy fields apply. Removing it sends `none`.", {
      onRemove: { send: "none" },
    }),
    proxyType: f.scalar(z.enum(["basic", "residential", "mobile"]), "Type of managed proxy to use (`proxyMode: managed` only): `basic`, `residential` or `mobile`.", { appliesWhen: isManaged }),
    proxyCC: f.scalar(z.enum(["us", "uk", "fr", "it", "jp", "au", "de", "fi", "ca"]), "Country code for the proxy location (`proxyMode: managed` only).", { appliesWhen: isManaged }),
    proxyGatewayPresetId: f.scalar(uuid, "Proxy gateway preset ID (`proxyMode: gateway` only).", { appliesWhen: (i: Item) => i.proxyMode === "gateway" }),
    customProxy: f.object(customProxy, "Custom proxy server configuration (`proxyMode: custom` only, and required there): `server` as `scheme://host:port` (e.g. `socks5://proxy.example.com:1080`), `username`, and the write-only `password`. Always sent whole, with the password.", {
      secretMembers: ["password"],
      appliesWhen: (i: Item) => i.proxyMode === "custom",
      fromWire: (v: unknown) => pick(v, ["server", "username"]),
    }),
    captchaSolverActive: f.scalar(z.boolean(), "Whether the captcha solver should be active (`proxyMode: managed` only). Removing it sends `false`.", { appliesWhen: isManaged, onRemove: { send: false } }),
    stickyIP: f.forceNew(z.boolean(), "Whether to use the same IP address for all executions (`proxyMode: managed` only). Not accepted by the PATCH: a change replaces the profile.", { appliesWhen: isManaged }),
    extraStealth: f.scalar(z.boolean(), "Whether to enable extra stealth mode. Removing it sends `false`.", { onRemove: { send: false } }),
    cachePersistence: f.scalar(z.boolean(), "Whether to persist browser cache between sessions. Removing it sends `false`.", { onRemove: { send: false } }),
    adblockActive: f.scalar(z.boolean(), "Whether to enable ad blocking. Removing it sends `false`.", { onRemove: { send: false } }),
    popupBlockerActive: f.scalar(z.boolean(), "Whether to enable popup blocking (requires `adblockActive: true`). Removing it sends `false`.", { onRemove: { send: false } }),
    forcePopupsAsTabsActive: f.scalar(z.boolean(), "Whether to force popups to open as tabs. Removing it sends `false`.", { onRemove: { send: false } }),
    mediaBlockerActive: f.scalar(z.boolean(), "Whether to enable media blocking (images, videos, etc.). Removing it sends `false`.", { onRemove: { send: false } }),
    pdfViewerActive: f.scalar(z.boolean(), "Whether to enable the built-in PDF viewer (if disabled, PDFs are downloaded). Removing it sends `false`.", { onRemove: { send: false } }),
    tracingEnabled: f.scalar(z.boolean(), "Whether browser tracing is enabled (admin only). Removing it sends `false`.", { onRemove: { send: false } }),
    inboxEmailPrefix: f.scalar(z.string(), "Custom prefix for the agent's inbox email address: the inbox becomes `{prefix}@agentmail.asteroid.ai`. If never set, the server uses the first 8 characters of the profile ID. The API cannot unset it: removing it leaves the live value."),
    cookies: f.keyed(
      z.array(cookie),
      "Browser cookies of the profile: `name` (display name), `key` (the name sent in HTTP headers), write-only `value`, `domain`, `secure`, `sameSite` (`Strict`, `Lax` or `None`), `httpOnly`, optional `expiry` (date-time). " +
        "A cookie is identified by `domain` (case-insensitive) + `key`; two cookies with the same identity fail at check. There is no cookie update: a changed cookie is deleted and added again in the same PATCH. Order does not matter. The list is authoritative: cookies not in it are deleted. Removing the list deletes every cookie.",
      {
        key: cookieKey, keyMembers: ["domain", "key"], keyLabel: "domain (case-insensitive) + key", idField: "id", itemComputed: ["id", "createdAt"],
        add: "cookiesToAdd", remove: "cookiesToDelete",
      },
      {
        secretMembers: ["value"],
        onRemove: { send: [] },
        normalize: (v: unknown) => mapItems(v, (c) => (c.expiry === undefined ? c : { ...c, expiry: instant(c.expiry) })),
        fromWire: (v: unknown) => items(v, ["id", "name", "key", "domain", "secure", "sameSite", "httpOnly", "expiry", "createdAt"]),
      },
    ),
    credentials: f.keyed(
      z.array(credential),
      "Credentials of the profile: `name` (uppercased by the server) and write-only `data` (plaintext, encrypted server-side). " +
        "Matched by name case-insensitively (`github_token` is `GITHUB_TOKEN`); two names differing only in case fail at check. A new name is added, a changed `data` is updated by name, a removed name is deleted by its id. Order does not matter. The list is authoritative: credentials not in it are deleted. Removing the list deletes every credential.",
      {
        key: credentialKey, keyMembers: ["name"], keyLabel: "name (case-insensitive)", keyPath: "name", idField: "id", itemComputed: ["id", "createdAt"],
        add: "credentialsToAdd", remove: "credentialsToDelete", update: "credentialsToUpdate",
        toUpdate: (c) => ({ name: c.name, data: c.data }),
      },
      {
        secretMembers: ["data"],
        onRemove: { send: [] },
        normalize: (v: unknown) => mapItems(v, (c) => ({ ...c, name: credentialKey(c) })),
        fromWire: (v: unknown) => items(v, ["id", "name", "createdAt"]),
      },
    ),
    inboxEmail: f.computed("The resolved inbox email address for this profile."),
    credentialIds: idMapField("Server id of each credential, by its (uppercased) name. Readable, unlike `credentials`, which is secret.", "credentials", credentialKey),
    cookieIds: idMapField("Server id of each cookie, by `<domain>/<key>` (domain lowercased). Readable, unlike `cookies`, which is secret.", "cookies", cookieKey),
    createdAt: f.computed("When the profile was created."),
    updatedAt: f.computed("When the profile was last updated."),
  },
  rules: (inputs, fail, unknown) => {
    if (inputs.popupBlockerActive === true && inputs.adblockActive !== true && !unknown.has("adblockActive")) {
      fail("popupBlockerActive", "requires adblockActive: true (popup blocking is part of the ad blocker)");
    }
    const set = (n: string) => inputs[n] !== undefined || unknown.has(n);
    if (unknown.has("proxyMode")) return; // the mode decides every proxy rule: checked once it is known
    const mode = inputs.proxyMode as string | undefined;
    const modeText = mode === undefined ? "proxyMode is not set" : `proxyMode is ${JSON.stringify(mode)}`;
    if (mode === "custom" && !set("customProxy")) fail("customProxy", 'is required when proxyMode is "custom"');
    if (mode !== "custom" && set("customProxy")) fail("customProxy", `applies only with proxyMode "custom" (${modeText})`);
    if (mode !== "gateway" && set("proxyGatewayPresetId")) fail("proxyGatewayPresetId", `applies only with proxyMode "gateway" (${modeText})`);
    for (const n of managedOnly) if (mode !== "managed" && set(n)) fail(n, `applies only with proxyMode "managed" (${modeText})`);
  },
  idOf: (b) => String(b.id ?? ""),
  validateId: (id) => (uuid.safeParse(id).success ? undefined : "an agent profile id is a UUID"),
  // Names are unique per organization; the profile list (inferred like the other profile calls) has no
  // name search, so it is read page by page.
  recover: byName(path(), path, answer, (b) => ({ organizationId: String(b.organizationId) })),
  api: {
    create: (ctx, body) => writeNamed(ctx, "POST", path(), body, "profile", answer),
    read: (ctx, id) => getOrGone(ctx, path(id), answer),
    async update(ctx, id, body) {
      try {
        return await writeNamed(ctx, "PATCH", path(id), body, "profile", answer);
      } catch (e) {
        const deltas = Object.keys(body).some((k) => /^(cookies|credentials)To/.test(k));
        if (e instanceof ApiError && (e.status === 404 || e.status === 400) && deltas) {
          e.message += " (if cookies or credentials of this profile were changed outside Pulumi, run `pulumi refresh` and try again)";
        }
        throw e;
      }
    },
    delete: (ctx, id) => deleteOrExplain(ctx, path(id), "profile", id),
  },
});

