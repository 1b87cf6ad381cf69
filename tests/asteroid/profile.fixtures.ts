/** Shared inputs for the asteroid.AgentProfile tests. Every secret value is listed in SECRETS. */
export const T = "asteroid:AgentProfile";
export const ORG = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
export const ORG2 = "5d2b6a8e-1c3f-4e7a-9b0d-2f4c6e8a0b1c";
export const GATEWAY = "8f14e45f-ceea-467f-a0b7-3b6a9a1e2c4d";

export const sid = {
  name: "Session", key: "sid", value: "cookie-secret-sid-1", domain: "shop.example.com",
  secure: true, sameSite: "Lax", httpOnly: true, expiry: "2030-01-01T00:00:00Z",
};
export const prefs = { name: "Prefs", key: "prefs", value: "cookie-secret-prefs-1", domain: "shop.example.com", secure: false, sameSite: "Strict", httpOnly: false };
export const proxy = { server: "socks5://proxy.example.com:1080", username: "bot", password: "proxy-secret-1" };

/** A profile in custom proxy mode with every non-managed field set. */
export const customProfile = (name: string) => ({
  name,
  organizationId: ORG,
  description: "Checks out carts",
  operatingSystem: "macos",
  proxyMode: "custom",
  customProxy: proxy,
  extraStealth: true,
  cachePersistence: true,
  adblockActive: true,
  popupBlockerActive: true,
  forcePopupsAsTabsActive: true,
  mediaBlockerActive: false,
  pdfViewerActive: true,
  tracingEnabled: false,
  inboxEmailPrefix: `${name}-inbox`,
  credentials: [{ name: "github_token", data: "ghp-secret-1" }, { name: "NPM_TOKEN", data: "npm-secret-1" }],
  cookies: [sid, prefs],
});

export const SECRETS = [
  "cookie-secret-sid-1", "cookie-secret-sid-2", "cookie-secret-prefs-1", "proxy-secret-1", "proxy-secret-2",
  "ghp-secret-1", "ghp-secret-2", "npm-secret-1", "aws-secret-1",
];
