/**
 * The part of Zendesk's Support API the Zendesk connector uses, as an OpenAPI 3.0 excerpt
 * transcribed by hand from Zendesk's API reference (method, path, parameters, bodies, and the
 * fields the connector and its fake rely on). Zendesk publishes no npm package with a
 * description, and node-zendesk, its Node client, keeps each endpoint's path inside a method's
 * body with no table of definitions to check against. So this excerpt is one more reading, kept
 * apart from the connector and the fake, each line with the page it was read from: it catches a
 * route, parameter or field that drifts from it, not a misreading of the reference itself.
 */

const page = (field: string) => ({ type: ['string', 'null'], description: field });

/** https://developer.zendesk.com/api-reference/ticketing/users/users/#json-format */
const user = {
  type: 'object',
  required: ['id', 'name', 'email', 'role', 'suspended'],
  properties: {
    id: { type: 'integer' },
    url: { type: 'string' },
    name: { type: 'string' },
    email: { type: ['string', 'null'] },
    role: { type: 'string', enum: ['end-user', 'agent', 'admin'] },
    role_type: { type: ['integer', 'null'] },
    suspended: { type: 'boolean' },
    active: { type: 'boolean' },
    verified: { type: 'boolean' },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
    external_id: { type: ['string', 'null'] },
    organization_id: { type: ['integer', 'null'] },
    tags: { type: 'array', items: { type: 'string' } },
    user_fields: { type: 'object' },
  },
};

/** https://developer.zendesk.com/api-reference/ticketing/users/user_identities/#json-format */
const identity = {
  type: 'object',
  required: ['id', 'user_id', 'type', 'value'],
  properties: {
    id: { type: 'integer' },
    url: { type: 'string' },
    user_id: { type: 'integer' },
    type: {
      type: 'string',
      enum: [
        'email',
        'twitter',
        'facebook',
        'google',
        'phone_number',
        'agent_forwarding',
        'any_channel',
        'foreign',
        'sdk',
        'messaging',
      ],
    },
    value: { type: 'string' },
    verified: { type: 'boolean' },
    primary: { type: 'boolean' },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
    undeliverable_count: { type: 'integer' },
    deliverable_state: { type: 'string' },
  },
};

/** https://developer.zendesk.com/api-reference/introduction/pagination/#using-offset-pagination */
const offsetPage = (key: string, items: object) => ({
  type: 'object',
  required: [key, 'next_page', 'previous_page', 'count'],
  properties: {
    [key]: { type: 'array', items },
    next_page: page('the next page, an absolute URL'),
    previous_page: page('the previous page, an absolute URL'),
    count: { type: 'integer' },
  },
});

const userId = { name: 'user_id', in: 'path', required: true, schema: { type: 'integer' } };

export const zendeskReference = {
  openapi: '3.0.3',
  info: {
    title: 'Zendesk Support API: the users, identities and sessions the connector uses',
    version: 'v2',
  },
  paths: {
    // https://developer.zendesk.com/api-reference/ticketing/users/users/#search-users
    '/users/search': {
      get: {
        parameters: [
          { name: 'query', in: 'query', schema: { type: 'string' } },
          { name: 'external_id', in: 'query', schema: { type: 'string' } },
          { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } },
          { name: 'per_page', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
          { name: 'include', in: 'query', schema: { type: 'string' } },
        ],
        responses: { 200: { content: { 'application/json': { schema: offsetPage('users', user) } } } },
      },
    },
    // https://developer.zendesk.com/api-reference/ticketing/users/user_identities/#list-identities
    '/users/{user_id}/identities': {
      get: {
        parameters: [userId],
        responses: {
          200: { content: { 'application/json': { schema: offsetPage('identities', identity) } } },
        },
      },
    },
    // https://developer.zendesk.com/api-reference/ticketing/users/users/#update-user
    '/users/{user_id}': {
      put: {
        parameters: [userId],
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['user'],
                additionalProperties: false,
                properties: {
                  user: {
                    type: 'object',
                    properties: {
                      suspended: { type: 'boolean' },
                      role: { type: 'string', enum: ['end-user', 'agent', 'admin'] },
                    },
                  },
                },
              },
            },
          },
        },
        responses: {
          200: {
            content: {
              'application/json': { schema: { type: 'object', required: ['user'], properties: { user } } },
            },
          },
        },
      },
    },
    // https://developer.zendesk.com/api-reference/ticketing/account-configuration/sessions/#bulk-delete-sessions
    '/users/{user_id}/sessions': {
      delete: { parameters: [userId], responses: { 204: { description: 'No Content' } } },
    },
  },
};
