/**
 * `npm run token -- --table <name> [--directory default] [--label "Entra ID"] [--endpoint URL]`
 *
 * Registers a new bearer token for a directory and prints it once; only its SHA-256 hash is
 * stored. Without --endpoint it writes to the DynamoDB table of your AWS account (the standard
 * AWS credential chain and region); with --endpoint, to DynamoDB Local.
 */
import { parseArgs } from 'node:util';
import { documentClient } from '../shared/adapters/dynamodb/client.ts';
import { DynamoTokenStore, generateToken } from '../shared/adapters/dynamodb/token-store.ts';
import { DIRECTORY_ID } from '../shared/http/authenticate.ts';
import { localClientConfig } from './dynamodb-local.ts';

const { values } = parseArgs({
  options: {
    table: { type: 'string' },
    directory: { type: 'string', default: 'default' },
    label: { type: 'string', default: 'issued by npm run token' },
    endpoint: { type: 'string' },
  },
});
if (!values.table || !DIRECTORY_ID.test(values.directory)) {
  console.error(
    'usage: npm run token -- --table <table name> [--directory <id: letters, digits, - and _>] [--label <text>] [--endpoint <url>]',
  );
  process.exit(2);
}
const client = documentClient(values.endpoint ? localClientConfig(values.endpoint) : {});
const tokens = new DynamoTokenStore(client, values.table);
await tokens.ensureDirectory(values.directory, values.directory);
const token = generateToken();
const tokenId = await tokens.register(values.directory, token, { label: values.label });
console.log(`Directory:  ${values.directory}
Token id:   ${tokenId} (${values.label})
Token:      ${token}

Paste the token into the IdP as the secret token (Entra ID) or the Authorization header value
after "Bearer " (Okta). It is not stored and cannot be shown again.`);
