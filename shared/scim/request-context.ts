import type { Actor } from '../ports/user-store.ts';

/** Who is asking and where the resource lives; built by the HTTP layer from the authenticated request. */
export interface ScimRequestContext {
  readonly directoryId: string;
  readonly actor: Actor;
  /** The SCIM base URL of this directory, e.g. https://id.example.com/prod/default/scim/v2 */
  readonly baseUrl: string;
}
