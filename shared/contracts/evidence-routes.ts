/**
 * The evidence API: read-only answers for auditors and their tools, beside the SCIM API but not
 * part of it. In AWS its methods use API Gateway's AWS_IAM authorisation (a SigV4-signed request
 * by a principal allowed `execute-api:Invoke` on them); locally the admin token stands in. The
 * CDK stack and the local runtime both build it from this list.
 */
export const EVIDENCE_BASE = '/{directoryId}/evidence';

export interface EvidenceRoute {
  readonly method: 'GET';
  readonly resource: string;
}

export const evidenceRoutes: readonly EvidenceRoute[] = [
  /** The period report: `?since=2026-01-01[&until=…][&format=json|csv|table]`. */
  { method: 'GET', resource: `${EVIDENCE_BASE}/leavers` },
  /** One leaver, by user id or userName: `?format=json|csv|table`. */
  { method: 'GET', resource: `${EVIDENCE_BASE}/leavers/{user}` },
];

export const evidenceFunction = {
  entry: 'functions/evidence-api.ts',
  description: 'Evidence API: leaver evidence and period reports from the revocation ledger',
} as const;

/** The evidence recorder's composition root. */
export const evidenceRecorderFunction = {
  entry: 'functions/evidence-recorder.ts',
  description: 'Evidence recorder: leavers and the applications expected to act for them',
} as const;
