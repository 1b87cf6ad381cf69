/** Manifest tests: files in a temporary folder, and the SDK's mock runtime recording every registration. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

export const ORG = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

/** Writes `files` (path -> text) under a fresh folder and returns it. */
export function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-agents-manifest-"));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  provider?: string;
  id?: string;
}

/** Every resource the program registered, in order, with the inputs the engine received. */
export const registered: Registered[] = [];

export async function mockRuntime(project = "proj"): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        const { __provider, ...inputs } = a.inputs as Record<string, unknown>;
        void __provider;
        registered.push({ type: a.type, name: a.name, inputs, ...(a.provider ? { provider: a.provider } : {}), ...(a.id ? { id: a.id } : {}) });
        return { id: a.id || `${a.name}-id`, state: a.inputs };
      },
      call: () => ({}),
    },
    project,
    "dev",
    false,
  );
}

/** The value of an Output (mock runtime: resolves once registrations settle). */
export const valueOf = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply((v) => resolve(v)));

/** Lets pending registrations reach the mock monitor. */
export const settle = () => new Promise((r) => setTimeout(r, 300));
