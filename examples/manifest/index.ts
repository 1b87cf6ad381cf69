/**
 * A Pulumi program whose resources live in `agents.yaml`: the manifest is validated as a whole
 * (every problem reported as `agents.yaml:line:column: path: reason`) before anything is declared,
 * prompts are read from `prompts/`, and entries refer to each other with `${name.output}`.
 *
 *   pulumi config set organizationId 3c90c3cc-0d44-4b50-8888-8dd25736052a
 *   pulumi preview
 */
import { manifest } from "pulumi-agents";

export = () => {
  // Relative to the working directory, which `pulumi` sets to this folder.
  const agents = manifest.load("agents.yaml");
  return {
    ids: Object.fromEntries(Object.entries(agents).map(([name, resource]) => [name, resource.id])),
  };
};
