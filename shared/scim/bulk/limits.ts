/**
 * The limits of POST /Bulk (RFC 7644 §3.7.4), advertised in ServiceProviderConfig `bulk` and
 * enforced with 413: by the body middleware for the payload (its limit for the Bulk route is set
 * in shared/contracts/routes.ts from this constant) and by the BulkRequest parser for the count.
 */
export const BULK_LIMITS = {
  /** Operations in one BulkRequest. 1,000 users or groups finish in a few seconds (docs/bulk.md). */
  maxOperations: 1000,
  /** Bytes of one BulkRequest body: 1 MiB, well under API Gateway's 10 MB and Lambda's 6 MB. */
  maxPayloadSize: 1_048_576,
} as const;

export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

/** "bulkId:qwerty" in a path or a value stands for the id of the resource created by bulkId "qwerty" (§3.7.2). */
export const BULK_ID_PREFIX = 'bulkId:';
