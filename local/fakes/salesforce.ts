/**
 * A local Salesforce for the Salesforce connector: the OAuth 2.0 client credentials token
 * endpoint, the REST query resource (the one SOQL shape the connector sends: one record type by
 * one field), sObject updates of User and UserLogin and deletes of AuthSession, with Salesforce's
 * error bodies (`[{ message, errorCode }]`: INVALID_SESSION_ID, MALFORMED_QUERY, NOT_FOUND,
 * FIELD_INTEGRITY_EXCEPTION) and its Sforce-Limit-Info header.
 *
 * Each user has its UserLogin (IsFrozen: "If a user's account is frozen, they can't log in, but
 * their account isn't deactivated", and the licence stays taken) and its live sessions
 * (AuthSession: "represents an individual user session"; delete() ends it).
 * Docs: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm,
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_update_fields.htm,
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_userlogin.htm and
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_authsession.htm
 */
import { randomBytes } from 'node:crypto';
import {
  type FakeReply,
  type FakeRequest,
  type FakeVendor,
  jsonBody,
  matchPath,
  startFakeServer,
} from './fake-server.ts';
import { clientCredentials, FakeTokens } from './oauth-tokens.ts';

export interface SalesforceFakeUser {
  readonly Id: string;
  readonly Username: string;
  readonly Email: string;
  readonly FederationIdentifier?: string;
  IsActive: boolean;
  /** The user's UserLogin record: frozen users cannot log in but keep their licence. */
  IsFrozen?: boolean;
  /** Live sessions (AuthSession ids) of the user; starts with one for an active user. */
  sessions?: string[];
}

export interface SalesforceFakeOptions {
  readonly port?: number;
  readonly users?: readonly Omit<SalesforceFakeUser, 'Id'>[];
  /** Usernames Salesforce refuses to deactivate (the Default Workflow User, say). */
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

/** `SELECT <fields> FROM <User|UserLogin|AuthSession> WHERE <Field> = '<escaped>'`: the only query shape the connector sends. */
const QUERY =
  /^SELECT\s+[\w\s,]+\s+FROM\s+(User|UserLogin|AuthSession)\s+WHERE\s+(\w+)\s*=\s*'((?:[^'\\]|\\.)*)'$/i;
const FILTERABLE: Record<string, readonly string[]> = {
  User: ['Username', 'Email', 'FederationIdentifier'],
  UserLogin: ['UserId'],
  AuthSession: ['UsersId'],
};

export async function startSalesforceFake(options: SalesforceFakeOptions = {}): Promise<SalesforceFake> {
  const secrets = {
    clientId: `3MVG9${randomBytes(12).toString('hex')}`,
    clientSecret: randomBytes(16).toString('hex').toUpperCase(),
  };
  const tokens = new FakeTokens();
  const users = new Map<string, SalesforceFakeUser>();
  const sessionId = () => `0Ak${randomBytes(6).toString('hex').toUpperCase()}AAA`;
  const add = (user: Omit<SalesforceFakeUser, 'Id'>) => {
    const Id = `005${randomBytes(6).toString('hex').toUpperCase()}AAA`;
    users.set(Id, { IsFrozen: false, sessions: user.IsActive ? [sessionId()] : [], ...user, Id });
  };
  /** A UserLogin's id: the fake derives it from the user's so that one map serves both. */
  const loginIdOf = (user: SalesforceFakeUser) => `060${user.Id.slice(3)}`;
  const byLoginId = (id: string) => [...users.values()].find((user) => loginIdOf(user) === id);
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
      return sobjects(request.method, rest, request);
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

  // Update a record: PATCH /sobjects/{type}/{id} with the fields, 204; delete: DELETE, 204.
  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_update_fields.htm
  function sobjects(method: string, rest: string, request: FakeRequest): FakeReply {
    const notFound = error(404, 'NOT_FOUND', 'The requested resource does not exist');
    const user = matchPath('/sobjects/User/:id', rest);
    if (user && method === 'PATCH') {
      const record = users.get(user.id ?? '');
      if (!record) return notFound;
      const fields = jsonBody(request) as { IsActive?: unknown } | undefined;
      if (typeof fields?.IsActive !== 'boolean')
        return error(400, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of boolean');
      // Deactivation is refused while the user is a default owner or workflow user.
      // https://help.salesforce.com/s/articleView?id=000384586&type=1
      if (fields.IsActive === false && options.cannotDeactivate?.includes(record.Username))
        return error(400, 'FIELD_INTEGRITY_EXCEPTION', 'You cannot deactivate the Default Workflow User');
      record.IsActive = fields.IsActive;
      return { status: 204 };
    }
    // UserLogin supports query and update; IsFrozen is updateable.
    const login = matchPath('/sobjects/UserLogin/:id', rest);
    if (login && method === 'PATCH') {
      const record = byLoginId(login.id ?? '');
      if (!record) return notFound;
      const fields = jsonBody(request) as { IsFrozen?: unknown } | undefined;
      if (typeof fields?.IsFrozen !== 'boolean')
        return error(400, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of boolean');
      record.IsFrozen = fields.IsFrozen;
      return { status: 204 };
    }
    // AuthSession supports query and delete: deleting one ends that session.
    const session = matchPath('/sobjects/AuthSession/:id', rest);
    if (session && method === 'DELETE') {
      const record = [...users.values()].find((candidate) => candidate.sessions?.includes(session.id ?? ''));
      if (!record) return error(404, 'ENTITY_IS_DELETED', 'entity is deleted');
      record.sessions = (record.sessions ?? []).filter((id) => id !== session.id);
      return { status: 204 };
    }
    return notFound;
  }

  // Query: GET /query?q=SOQL → {totalSize, done, records}. SOQL's = on text is case-insensitive.
  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm
  function query(soql: string): FakeReply {
    const match = QUERY.exec(soql.trim());
    const [, type = '', field = '', escaped = ''] = match ?? [];
    if (!match || !FILTERABLE[type]?.includes(field))
      return error(400, 'MALFORMED_QUERY', `unexpected token: '${soql.slice(0, 40)}'`);
    const value = escaped.replace(/\\(.)/g, '$1');
    const attributes = (id: string) => ({ type, url: `/services/data/v63.0/sobjects/${type}/${id}` });
    const page = (records: Record<string, unknown>[]): FakeReply => ({
      status: 200,
      body: { totalSize: records.length, done: true, records },
    });
    if (type === 'UserLogin') {
      const user = users.get(value);
      const id = user ? loginIdOf(user) : '';
      return page(
        user
          ? [{ attributes: attributes(id), Id: id, UserId: user.Id, IsFrozen: user.IsFrozen ?? false }]
          : [],
      );
    }
    if (type === 'AuthSession')
      return page(
        (users.get(value)?.sessions ?? []).map((id) => ({
          attributes: attributes(id),
          Id: id,
          UsersId: value,
        })),
      );
    const userField = field as 'Username' | 'Email' | 'FederationIdentifier';
    const matches = () =>
      [...users.values()].filter((user) => user[userField]?.toLowerCase() === value.toLowerCase());
    if (matches().length === 0 && options.accountsForEveryone)
      add({ Username: value, Email: value, FederationIdentifier: value, IsActive: true });
    return page(
      matches().map((user) => ({
        attributes: attributes(user.Id),
        Id: user.Id,
        Username: user.Username,
        IsActive: user.IsActive,
      })),
    );
  }

  return Object.assign(fake, {
    users,
    tokens,
    byUsername,
    connectorConfig: () => ({ settings: { instanceUrl: fake.url }, secrets: { ...secrets } }),
  });
}
