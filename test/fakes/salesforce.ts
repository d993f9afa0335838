/**
 * A local Salesforce for the Salesforce connector: the OAuth 2.0 client credentials token
 * endpoint, the REST query resource (the one SOQL shape the connector sends: a User by one field)
 * and sObject User updates, with Salesforce's error bodies (`[{ message, errorCode }]`:
 * INVALID_SESSION_ID, MALFORMED_QUERY, NOT_FOUND, FIELD_INTEGRITY_EXCEPTION).
 * Docs: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm and
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_update_fields.htm
 */
import { randomBytes } from 'node:crypto';
import { type FakeReply, type FakeVendor, jsonBody, matchPath, startFakeServer } from './fake-server.ts';
import { clientCredentials, FakeTokens } from './oauth-tokens.ts';

export interface SalesforceFakeUser {
  readonly Id: string;
  readonly Username: string;
  readonly Email: string;
  readonly FederationIdentifier?: string;
  IsActive: boolean;
}

export interface SalesforceFakeOptions {
  readonly port?: number;
  readonly users?: readonly Omit<SalesforceFakeUser, 'Id'>[];
  /** Usernames Salesforce refuses to deactivate (a default lead owner, say). */
  readonly cannotDeactivate?: readonly string[];
  /** Every value queried has an active User (`npm start`, where the directory's users are not known in advance). */
  readonly accountsForEveryone?: boolean;
}

export interface SalesforceFake extends FakeVendor {
  readonly users: Map<string, SalesforceFakeUser>;
  readonly tokens: FakeTokens;
  byUsername(username: string): SalesforceFakeUser | undefined;
  connectorConfig(): {
    settings: { instanceUrl: string };
    secrets: { clientId: string; clientSecret: string };
  };
}

const error = (status: number, errorCode: string, message: string): FakeReply => ({
  status,
  body: [{ message, errorCode }],
});

/** `SELECT <fields> FROM User WHERE <Field> = '<escaped>'`: the only query shape the connector sends. */
const USER_QUERY =
  /^SELECT\s+[\w\s,]+\s+FROM\s+User\s+WHERE\s+(Username|Email|FederationIdentifier)\s*=\s*'((?:[^'\\]|\\.)*)'$/i;

export async function startSalesforceFake(options: SalesforceFakeOptions = {}): Promise<SalesforceFake> {
  const secrets = {
    clientId: `3MVG9${randomBytes(12).toString('hex')}`,
    clientSecret: randomBytes(16).toString('hex').toUpperCase(),
  };
  const tokens = new FakeTokens();
  const users = new Map<string, SalesforceFakeUser>();
  const add = (user: Omit<SalesforceFakeUser, 'Id'>) => {
    const Id = `005${randomBytes(6).toString('hex').toUpperCase()}AAA`;
    users.set(Id, { ...user, Id });
  };
  for (const user of options.users ?? []) add(user);
  const byUsername = (username: string) => [...users.values()].find((user) => user.Username === username);

  const fake = await startFakeServer(
    (request) => {
      const path = request.url.pathname;
      if (path === '/services/oauth2/token' && request.method === 'POST') {
        const form = new URLSearchParams(request.body);
        if (form.get('grant_type') !== 'client_credentials') {
          return {
            status: 400,
            body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' },
          };
        }
        const client = clientCredentials(request.headers.authorization, form);
        if (client.clientId !== secrets.clientId || client.clientSecret !== secrets.clientSecret) {
          return {
            status: 400,
            body: { error: 'invalid_client', error_description: 'invalid client credentials' },
          };
        }
        return {
          status: 200,
          body: {
            access_token: tokens.issue(7200),
            instance_url: fake.url,
            id: `${fake.url}/id/00D000000000001AAA/005000000000001AAA`,
            token_type: 'Bearer',
            issued_at: String(Date.now()),
            signature: randomBytes(32).toString('base64'),
          },
        };
      }
      if (tokens.check(request.headers.authorization) !== 'valid') {
        return error(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
      }
      const version = /^\/services\/data\/(v\d+\.0)\//.exec(path)?.[1];
      if (!version) return error(404, 'NOT_FOUND', 'The requested resource does not exist');
      const rest = path.slice(`/services/data/${version}`.length);
      if (rest === '/query' && request.method === 'GET')
        return query(request.url.searchParams.get('q') ?? '');
      const sobject = matchPath('/sobjects/User/:id', rest);
      if (sobject && request.method === 'PATCH') {
        const user = users.get(sobject.id ?? '');
        if (!user) return error(404, 'NOT_FOUND', 'The requested resource does not exist');
        const fields = jsonBody(request) as { IsActive?: unknown } | undefined;
        if (typeof fields?.IsActive !== 'boolean')
          return error(400, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of boolean');
        if (fields.IsActive === false && options.cannotDeactivate?.includes(user.Username)) {
          return error(
            400,
            'FIELD_INTEGRITY_EXCEPTION',
            'You cannot deactivate a user who is the default lead owner',
          );
        }
        user.IsActive = fields.IsActive;
        return { status: 204 };
      }
      return error(404, 'NOT_FOUND', 'The requested resource does not exist');
    },
    {
      port: options.port,
      errorBody: (status) =>
        status === 403
          ? [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]
          : [
              {
                message: status >= 500 ? 'Service Unavailable' : 'Error',
                errorCode: status >= 500 ? 'SERVER_UNAVAILABLE' : 'UNKNOWN',
              },
            ],
      headers: () => ({ 'sforce-limit-info': 'api-usage=18/15000' }),
    },
  );

  function query(soql: string): FakeReply {
    const match = USER_QUERY.exec(soql.trim());
    if (!match) return error(400, 'MALFORMED_QUERY', `unexpected token: '${soql.slice(0, 40)}'`);
    const field = match[1] as 'Username' | 'Email' | 'FederationIdentifier';
    const value = (match[2] ?? '').replace(/\\(.)/g, '$1');
    const known = [...users.values()].some((user) => user[field]?.toLowerCase() === value.toLowerCase());
    if (!known && options.accountsForEveryone)
      add({ Username: value, Email: value, FederationIdentifier: value, IsActive: true });
    // Like SOQL's = on text fields: case-insensitive.
    const records = [...users.values()]
      .filter((user) => user[field]?.toLowerCase() === value.toLowerCase())
      .map((user) => ({
        attributes: { type: 'User', url: `/services/data/v63.0/sobjects/User/${user.Id}` },
        Id: user.Id,
        Username: user.Username,
        IsActive: user.IsActive,
      }));
    return { status: 200, body: { totalSize: records.length, done: true, records } };
  }

  return Object.assign(fake, {
    users,
    tokens,
    byUsername,
    connectorConfig: () => ({ settings: { instanceUrl: fake.url }, secrets: { ...secrets } }),
  });
}
