/**
 * The quickstart program run the way `npm run quickstart` runs it: through the SDK's mock runtime,
 * the real dynamic-provider host and the emulator, printing what a `pulumi up` user would see.
 */
import { main } from "../../examples/quickstart/run";

let out = "";
beforeAll(async () => {
  const lines: string[] = [];
  await main((s) => lines.push(s));
  out = lines.join("\n");
});
const section = (title: string) => out.slice(out.indexOf(title)).split("\n\n")[0];

test("npm run quickstart: preview, up, no-op preview, drift found by refresh and healed, destroy", () => {
  expect(section("Previewing update (dev):")).toMatch(/\+\s+pulumi-nodejs:dynamic\/asteroid:AgentProfilePool\s+checkout\s+create/);
  expect(section("Updating (dev):")).toMatch(/\+ 1 to create/);
  expect(out).toMatch(/poolId\s+: "[0-9a-f-]{36}"/);
  expect(section("Previewing update (dev) again, nothing changed:")).toMatch(/1 unchanged/);
  expect(section("Refreshing (dev):")).toMatch(/checkout: drift in selectionStrategy/);
  expect(section("Previewing update (dev) after refresh")).toMatch(/update\s+\[diff: ~selectionStrategy\]/);
  expect(section("Updating (dev), healing the drift:")).toMatch(/~ 1 to update/);
  expect(out).toMatch(/Destroying \(dev\):\n  - checkout deleted/);
  expect(out).toMatch(/The emulator saw 3 write calls: POST \/agent-profile-pools, PATCH \/agent-profile-pools\/[0-9a-f-]+, DELETE/);
});

test("quickstart_drift_lists_no_timestamps: refresh reports the edited field as drift, never updatedAt", () => {
  expect(section("Refreshing (dev):").split("\n")[1]).toBe("  ~ checkout: drift in selectionStrategy");
});
