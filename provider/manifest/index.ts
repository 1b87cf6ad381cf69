/**
 * YAML manifests: `manifest.load("agents.yaml")` declares every resource of the file and returns
 * them by name; `manifest.validate` lists a file's problems without declaring anything.
 * The format is described in `docs/manifests.md` and by `manifest.schema.json`.
 */
export { load, validate, type LoadOptions, type ManifestResource } from "./load";
export { ManifestError, formatIssue, type ManifestIssue } from "./source";
