/**
 * The parts every lifecycle event shares: who changed what, when, in which directory, and a
 * snapshot of the resource as it stood after the change. Each event schema in ./catalogue.ts
 * extends the envelope with its `type` and what is particular to it.
 */
import { z } from 'zod';

/** The credential that made the change, as the SCIM request authenticated (never the secret itself). */
export const actorSchema = z
  .object({
    kind: z.enum(['token', 'jwt', 'admin']),
    id: z.string().min(1),
    label: z.string().optional(),
  })
  .meta({ description: 'The credential that made the change.' });

const emailSchema = z.object({
  value: z.string(),
  type: z.string().optional(),
  primary: z.boolean().optional(),
});

const nameSchema = z.object({
  formatted: z.string().optional(),
  familyName: z.string().optional(),
  givenName: z.string().optional(),
  middleName: z.string().optional(),
  honorificPrefix: z.string().optional(),
  honorificSuffix: z.string().optional(),
});

/** The RFC 7643 §4.3 enterprise extension, flattened: connectors match on department without a URN key. */
const enterpriseSchema = z.object({
  employeeNumber: z.string().optional(),
  costCenter: z.string().optional(),
  organization: z.string().optional(),
  division: z.string().optional(),
  department: z.string().optional(),
  manager: z.object({ value: z.string().optional(), displayName: z.string().optional() }).optional(),
});

/**
 * The user as it stood after the change (for user.deleted: as it stood when deleted). Enough for
 * a connector to act without reading the directory back; `truncated` marks a snapshot whose
 * large fields were dropped to fit EventBridge's 256 KB (read the user over SCIM for the rest).
 */
export const userSnapshotSchema = z.object({
  id: z.string().min(1),
  userName: z.string(),
  externalId: z.string().optional(),
  displayName: z.string().optional(),
  active: z.boolean(),
  emails: z.array(emailSchema).optional(),
  name: nameSchema.optional(),
  enterprise: enterpriseSchema.optional(),
  /** Ids of the groups the user belonged to: set on user.deleted (from the tombstone); other events leave it out (read a live user's groups from the directory). */
  groups: z.array(z.string()).optional(),
  truncated: z.literal(true).optional(),
});

export const groupSnapshotSchema = z.object({
  id: z.string().min(1),
  displayName: z.string(),
  externalId: z.string().optional(),
  truncated: z.literal(true).optional(),
});

/** Fields on every event, whatever its type. */
export const envelopeShape = {
  /** Stable: the same change gives the same id on every redelivery, so consumers dedupe by it. */
  eventId: z.string().regex(/^[0-9a-f]{32}$/),
  directoryId: z.string().min(1),
  /** When the change was stored (ISO 8601), not when the event was relayed. */
  occurredAt: z.iso.datetime(),
  /** The resource's version after the change: apply an event only if its sequence is newer than what you hold. */
  sequence: z.number().int().positive(),
  actor: actorSchema,
};

export type Actor = z.infer<typeof actorSchema>;
export type UserSnapshot = z.infer<typeof userSnapshotSchema>;
export type GroupSnapshot = z.infer<typeof groupSnapshotSchema>;
