/**
 * asteroid.AgentProfilePool (seed 004, api/asteroid.md §3). Create, get and PATCH are documented;
 * DELETE /agent-profile-pools/{poolId} is the conventional path and is inferred. Pool membership has
 * no documented API: when it has one, it is one more field in this table.
 */
import { z } from "zod";
import { defineResource, f } from "../core/fields";
import { id, loose, maybe } from "../core/answers";
import { byName, chars, deleteOrExplain, getOrGone, writeNamed } from "./platform";

const uuid = z.guid({ message: "must be a UUID" });
const path = (id?: string) => (id ? `/agent-profile-pools/${encodeURIComponent(id)}` : "/agent-profile-pools");

/** The pool as the API returns it (the API documentation's response schema): what the provider reads, typed. */
const answer = loose({
  id,
  name: z.string(),
  organizationId: z.string(),
  allowConcurrentUse: maybe(z.boolean()),
  selectionStrategy: maybe(z.string()),
  createdAt: maybe(z.string()),
  updatedAt: maybe(z.string()),
});

export const agentProfilePool = defineResource({
  platform: "asteroid",
  type: "AgentProfilePool",
  doc: "A pool of agent profiles that can be used for credential rotation.",
  uniqueName: "name",
  fields: {
    name: f.scalar(chars(1, 255), "Name of the agent profile pool (must be unique within organization).", { required: true }),
    organizationId: f.forceNew(uuid, "The ID of the organization that the pool belongs to. Cannot be changed in place: a change replaces the pool.", { required: true }),
    allowConcurrentUse: f.scalar(z.boolean(), "Whether multiple executions can use the same profile concurrently. Default false.", { onRemove: { send: false } }),
    selectionStrategy: f.scalar(z.enum(["least_recently_used", "most_recently_used"]), "Strategy for selecting an available profile from the pool. Default least_recently_used.", {
      onRemove: { send: "least_recently_used" },
    }),
    createdAt: f.computed("When the pool was created."),
    updatedAt: f.computed("When the pool was last updated."),
  },
  idOf: (b) => String(b.id ?? ""),
  validateId: (id) => (uuid.safeParse(id).success ? undefined : "an agent profile pool id is a UUID"),
  // Names are unique per organization; the pool list searches by name.
  recover: byName(path(), path, answer, (b) => ({ organizationId: String(b.organizationId), searchName: String(b.name) })),
  api: {
    create: (ctx, body) => writeNamed(ctx, "POST", path(), body, "pool", answer),
    read: (ctx, id) => getOrGone(ctx, path(id), answer),
    update: (ctx, id, body) => writeNamed(ctx, "PATCH", path(id), body, "pool", answer),
    delete: (ctx, id) => deleteOrExplain(ctx, path(id), "pool", id),
  },
});
