/**
 * Secrets Manager's GetSecretValue as its API reference describes it (AWS JSON 1.1 protocol:
 * POST /, `X-Amz-Target: secretsmanager.GetSecretValue`, body `{"SecretId": ...}`), for tests that
 * run a connector function as deployed, reading its credentials through the AWS SDK. Point the SDK
 * at it with `AWS_ENDPOINT_URL_SECRETS_MANAGER`.
 */
import { type FakeVendor, jsonBody, startFakeServer } from '../../local/fakes/fake-server.ts';

export interface SecretsManagerFake extends FakeVendor {
  /** Stores `value` (as JSON text) under `name`; returns the secret's ARN. */
  put(name: string, value: unknown): string;
}

export async function startSecretsManagerFake(): Promise<SecretsManagerFake> {
  const secrets = new Map<string, { arn: string; name: string; value: string }>();
  const notFound = {
    status: 400,
    body: {
      __type: 'ResourceNotFoundException',
      Message: "Secrets Manager can't find the specified secret.",
    },
  };
  const fake = await startFakeServer(
    (request) => {
      if (request.method !== 'POST' || request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue')
        return { status: 400, body: { __type: 'UnknownOperationException' } };
      const { SecretId } = (jsonBody(request) ?? {}) as { SecretId?: string };
      const secret = [...secrets.values()].find((entry) => entry.arn === SecretId || entry.name === SecretId);
      if (!secret) return notFound;
      return {
        status: 200,
        body: {
          ARN: secret.arn,
          Name: secret.name,
          SecretString: secret.value,
          VersionId: 'v1',
          VersionStages: ['AWSCURRENT'],
          CreatedDate: 1_780_000_000,
        },
        headers: { 'content-type': 'application/x-amz-json-1.1' },
      };
    },
    { errorBody: (status) => ({ __type: status === 429 ? 'ThrottlingException' : 'InternalServiceError' }) },
  );
  return Object.assign(fake, {
    put(name: string, value: unknown) {
      const arn = `arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-AbCdEf`;
      secrets.set(name, { arn, name, value: JSON.stringify(value) });
      return arn;
    },
  });
}
