/**
 * asteroid.AgentProfile validation at check time, through the real host: every seed limit, enum and
 * format, and the rules the field descriptions imply. Each failure names the property path as the
 * user wrote it, never echoes a secret, and no request reaches the platform.
 */
import { CheckError, unknown } from "../host/engine";
import { world, type World } from "../host/fixture";
import { GATEWAY, ORG, proxy, sid, T } from "./profile.fixtures";

type P = Record<string, unknown>;
let w: World;
beforeAll(async () => (w = await world()));
afterAll(() => w.close());
beforeEach(() => w.ctl.clear());

const base = { name: "p", organizationId: ORG };
const custom = { ...base, proxyMode: "custom", customProxy: proxy };
const managed = { ...base, proxyMode: "managed" };
const without = (o: P, k: string) => Object.fromEntries(Object.entries(o).filter(([m]) => m !== k));
const cred = (name: string, data = "sekrit-data") => ({ name, data });

async function failures(inputs: P) {
  const e = (await w.stack.plan(T, "bad", inputs).catch((x) => x)) as CheckError;
  expect(e).toBeInstanceOf(CheckError);
  expect(await w.ctl.requests("asteroid")).toEqual([]);
  return e.failures;
}

describe("AgentProfile validation at check, before any request", () => {
  const bad: [string, P, string, RegExp][] = [
    ["empty name", { ...base, name: "" }, "name", /must not be empty/],
    ["256-character name", { ...base, name: "x".repeat(256) }, "name", /at most 255 characters \(got 256\)/],
    ["missing name", { organizationId: ORG }, "name", /is required/],
    ["1001-character description", { ...base, description: "d".repeat(1001) }, "description", /at most 1000 characters \(got 1001\)/],
    ["256 four-byte characters of name", { ...base, name: "😀".repeat(256) }, "name", /at most 255 characters \(got 256\)/],
    ["non-uuid organizationId", { ...base, organizationId: "org-1" }, "organizationId", /UUID/],
    ["missing organizationId", { name: "p" }, "organizationId", /is required/],
    ["unknown operatingSystem", { ...base, operatingSystem: "linux" }, "operatingSystem", /"macos", "windows"/],
    ["unknown proxyMode", { ...base, proxyMode: "tor" }, "proxyMode", /"none", "managed", "custom", "gateway"/],
    ["unknown proxyType", { ...managed, proxyType: "datacenter" }, "proxyType", /"basic", "residential", "mobile"/],
    ["unknown proxyCC", { ...managed, proxyCC: "es" }, "proxyCC", /"us", "uk", "fr", "it", "jp", "au", "de", "fi", "ca"/],
    ["upper-case proxyCC", { ...managed, proxyCC: "US" }, "proxyCC", /must be one of/],
    ["non-uuid proxyGatewayPresetId", { ...base, proxyMode: "gateway", proxyGatewayPresetId: "preset-1" }, "proxyGatewayPresetId", /UUID/],
    ["non-boolean adblockActive", { ...base, adblockActive: "yes" }, "adblockActive", /must be a boolean/],
    ["non-string inboxEmailPrefix", { ...base, inboxEmailPrefix: 7 }, "inboxEmailPrefix", /must be a string/],
    ["proxy server without scheme", { ...custom, customProxy: { ...proxy, server: "proxy.example.com:1080" } }, "customProxy.server", /scheme:\/\/host:port/],
    ["proxy server without port", { ...custom, customProxy: { ...proxy, server: "http://proxy.example.com" } }, "customProxy.server", /scheme:\/\/host:port/],
    ["proxy server with a path", { ...custom, customProxy: { ...proxy, server: "http://proxy.example.com:8080/x" } }, "customProxy.server", /scheme:\/\/host:port/],
    ["proxy port out of range", { ...custom, customProxy: { ...proxy, server: "http://proxy.example.com:65536" } }, "customProxy.server", /port 1-65535/],
    ["empty proxy username", { ...custom, customProxy: { ...proxy, username: "" } }, "customProxy.username", /must not be empty/],
    ["empty proxy password", { ...custom, customProxy: { ...proxy, password: "" } }, "customProxy.password", /must not be empty/],
    ["missing proxy password", { ...custom, customProxy: { server: proxy.server, username: "u" } }, "customProxy.password", /is required/],
    ["custom mode without customProxy", { ...base, proxyMode: "custom" }, "customProxy", /required when proxyMode is "custom"/],
    ["customProxy with mode none", { ...base, proxyMode: "none", customProxy: proxy }, "customProxy", /only with proxyMode "custom" \(proxyMode is "none"\)/],
    ["customProxy without a mode", { ...base, customProxy: proxy }, "customProxy", /only with proxyMode "custom" \(proxyMode is not set\)/],
    ["proxyGatewayPresetId with managed", { ...managed, proxyGatewayPresetId: GATEWAY }, "proxyGatewayPresetId", /only with proxyMode "gateway"/],
    ["proxyType with none", { ...base, proxyMode: "none", proxyType: "basic" }, "proxyType", /only with proxyMode "managed"/],
    ["proxyCC with custom", { ...custom, proxyCC: "us" }, "proxyCC", /only with proxyMode "managed"/],
    ["captchaSolverActive with gateway", { ...base, proxyMode: "gateway", proxyGatewayPresetId: GATEWAY, captchaSolverActive: true }, "captchaSolverActive", /only with proxyMode "managed"/],
    ["stickyIP without a mode", { ...base, stickyIP: true }, "stickyIP", /only with proxyMode "managed"/],
    ["popupBlockerActive without adblockActive", { ...base, popupBlockerActive: true }, "popupBlockerActive", /requires adblockActive: true/],
    ["popupBlockerActive with adblockActive false", { ...base, popupBlockerActive: true, adblockActive: false }, "popupBlockerActive", /requires adblockActive: true/],
    ["empty credential name", { ...base, credentials: [cred("A"), cred("B"), cred("")] }, "credentials[2].name", /must not be empty/],
    ["empty credential data", { ...base, credentials: [cred("A"), cred("B", "")] }, "credentials[1].data", /must not be empty/],
    ["missing credential data", { ...base, credentials: [{ name: "A" }] }, "credentials[0].data", /is required/],
    ["misspelt credential member", { ...base, credentials: [{ name: "A", data: "x", value: "y" }] }, "credentials[0]", /unknown property value/],
    ["credential names differing only in case", { ...base, credentials: [cred("github_token"), cred("GITHUB_TOKEN")] }, "credentials[1].name", /duplicates credentials\[0\]\.name: .*name \(case-insensitive\)/],
    ["credentials not a list", { ...base, credentials: { name: "A", data: "x" } }, "credentials", /must be a list/],
    ["empty cookie value", { ...base, cookies: [{ ...sid, value: "" }] }, "cookies[0].value", /must not be empty/],
    ["empty cookie key", { ...base, cookies: [{ ...sid, key: "" }] }, "cookies[0].key", /must not be empty/],
    ["empty cookie name", { ...base, cookies: [{ ...sid, name: "" }] }, "cookies[0].name", /must not be empty/],
    ["empty cookie domain", { ...base, cookies: [{ ...sid, domain: "" }] }, "cookies[0].domain", /must not be empty/],
    ["lower-case sameSite", { ...base, cookies: [{ ...sid, sameSite: "lax" }] }, "cookies[0].sameSite", /"Strict", "Lax", "None"/],
    ["missing cookie secure", { ...base, cookies: [without(sid, "secure")] }, "cookies[0].secure", /is required/],
    ["missing cookie httpOnly", { ...base, cookies: [without(sid, "httpOnly")] }, "cookies[0].httpOnly", /is required/],
    ["cookie expiry not a date-time", { ...base, cookies: [{ ...sid, expiry: "next tuesday" }] }, "cookies[0].expiry", /datetime/],
    ["two cookies with the same domain and key", { ...base, cookies: [sid, { ...sid, name: "Other", domain: "SHOP.example.com" }] }, "cookies[1]", /duplicates cookies\[0\]: .*domain \(case-insensitive\) \+ key/],
  ];
  test.each(bad)("%s fails at check", async (_, inputs, property, reason) => {
    expect(await failures(inputs)).toEqual([{ property, reason: expect.stringMatching(reason) }]);
  });

  test("several bad properties give one failure each, by path", async () => {
    const f = await failures({ name: "", organizationId: "x", proxyMode: "custom", credentials: [cred("a"), cred("")], cookies: [{ ...sid, sameSite: "x" }] });
    expect(f.map((x) => x.property).sort()).toEqual(["cookies[0].sameSite", "credentials[1].name", "customProxy", "name", "organizationId"]);
  });

  test("no failure ever shows a write-only value", async () => {
    const f = await failures({
      ...custom,
      customProxy: { ...proxy, server: "nope", password: 123456789 },
      credentials: [{ name: "A", data: 987654321 }, { name: "a", data: "dup-secret-value" }],
      cookies: [{ ...sid, value: ["cookie-secret-in-list"] }],
    });
    expect(f.map((x) => x.property).sort()).toEqual(["cookies[0].value", "credentials[0].data", "credentials[1].name", "customProxy.password", "customProxy.server"]);
    const text = JSON.stringify(f);
    for (const s of ["123456789", "987654321", "dup-secret-value", "cookie-secret-in-list", proxy.password]) expect(text).not.toContain(s);
  });

  const good: [string, P][] = [
    ["a minimal profile", base],
    // The seed's maxLength counts characters (code points): an emoji is one, not two UTF-16 units.
    ["255 emoji of name and 1000 of description", { ...base, name: "😀".repeat(255), description: "😀".repeat(1000) }],
    ["socks5 with an IPv6 host", { ...custom, customProxy: { ...proxy, server: "socks5://[2001:db8::1]:1080" } }],
    ["http with an IPv4 host", { ...custom, customProxy: { ...proxy, server: "http://10.0.0.1:8080" } }],
    ["managed with every managed field", { ...managed, proxyType: "mobile", proxyCC: "ca", captchaSolverActive: true, stickyIP: true }],
    ["gateway with its preset", { ...base, proxyMode: "gateway", proxyGatewayPresetId: GATEWAY }],
    ["popup blocker with the ad blocker", { ...base, adblockActive: true, popupBlockerActive: true }],
    ["popup blocker off without the ad blocker", { ...base, popupBlockerActive: false }],
    ["a cookie with an offset expiry", { ...base, cookies: [{ ...sid, expiry: "2030-01-01T01:00:00+01:00" }] }],
    ["same cookie key on two domains", { ...base, cookies: [sid, { ...sid, domain: "other.example.com" }] }],
    // Preview: a value that is not known yet passes, and rules wait for it.
    ["a proxy mode not known yet", { ...base, proxyMode: unknown(), customProxy: proxy, proxyType: "basic" }],
    ["a customProxy not known yet", { ...base, proxyMode: "custom", customProxy: unknown() }],
    ["an adblockActive not known yet", { ...base, popupBlockerActive: true, adblockActive: unknown() }],
    ["a credential name not known yet", { ...base, credentials: [{ name: unknown(), data: "x" }, cred("A")] }],
  ];
  test.each(good)("%s passes check", async (_, inputs) => {
    const step = await w.stack.plan(T, "good", inputs);
    expect(step.failures).toEqual([]);
  });
});
