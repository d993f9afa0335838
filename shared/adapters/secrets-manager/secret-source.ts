import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PermanentError } from '../../connectors/errors.ts';
import type { SecretSource } from '../../connectors/prepare.ts';

/**
 * A connector's secret in Secrets Manager, as JSON. The connector runtime caches what it reads
 * (shared/connectors/prepare.ts), so this is one GetSecretValue per cold start and TTL.
 *
 * @example
 * const secrets = secretsManagerSource(new SecretsManagerClient({}), process.env.CONNECTOR_SECRET_ARN);
 */
export function secretsManagerSource(client: SecretsManagerClient, secretId: string): SecretSource {
  return async function readSecret() {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    try {
      return JSON.parse(SecretString ?? '');
    } catch {
      // The value itself is never repeated: it is a secret, even when malformed.
      throw new PermanentError(
        `The secret ${secretId} is not JSON; put the connector's credentials as a JSON object.`,
      );
    }
  };
}
