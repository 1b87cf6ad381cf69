/**
 * `npm run bench`: the `__provider` string Pulumi stores in state for each resource type, produced by
 * the SDK's closure serializer exactly as `pulumi.dynamic.Resource` does, in the two layouts that occur:
 * - installed: the package in a program's node_modules (what users get): the shell is captured by
 *   `require("pulumi-agents/shells/<type>")`;
 * - source: run from this checkout (the repo's own tests): the shell is captured by value.
 * Fails when any string holds an absolute path or exceeds 1 KB installed.
 */
import * as path from "node:path";
import { shellOf } from "../provider/core/resource";
import { resources } from "../provider/registry";
import { serializeProvider } from "../tests/host/engine";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure");
const REPO = path.resolve(__dirname, "../..");
const absolute = (t: string) => t.includes(REPO) || /["'`]\/(work|home|tmp|Users|usr|var|opt)\//.test(t);

async function main() {
  const rows = [];
  for (const token of Object.keys(resources)) {
    const installed = await serializeProvider(token);
    const provider = shellOf(token);
    const t = process.hrtime.bigint();
    const { text: source } = await serializeFunction(() => provider, { allowSecrets: true });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    rows.push({
      type: token.replace(":", "."),
      installedBytes: Buffer.byteLength(installed),
      sourceBytes: Buffer.byteLength(source),
      absolutePath: absolute(installed) || absolute(source),
      serializeMs: Math.round(ms * 10) / 10,
    });
  }
  const cols: [keyof (typeof rows)[0], string][] = [["type", "resource type"], ["installedBytes", "installed bytes"], ["sourceBytes", "source bytes"], ["absolutePath", "absolute path"], ["serializeMs", "serialize ms"]];
  console.log(cols.map(([, h], i) => (i ? h.padStart(16) : h.padEnd(28))).join(""));
  for (const r of rows) console.log(cols.map(([k], i) => (i ? String(r[k]).padStart(16) : String(r[k]).padEnd(28))).join(""));
  if (process.argv.includes("--json")) console.log(JSON.stringify(rows));
  if (rows.some((r) => r.absolutePath || r.installedBytes > 1024)) process.exitCode = 1;
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
