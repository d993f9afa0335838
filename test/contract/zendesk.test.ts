/**
 * The Zendesk connector and its fake against an excerpt of Zendesk's API reference (see
 * support/zendesk-reference.ts for what it can and cannot hold): every request is a documented
 * route with documented parameters and body, every answer of the fake has the documented shape.
 */
import { afterEach, describe, expect, it } from 'vitest';
import zendesk from '../../functions/connectors/zendesk/connector.ts';
import { startZendeskFake, type ZendeskFake, type ZendeskFakeOptions } from '../../local/fakes/zendesk.ts';
import { runHandler, userEvent } from '../support/connector-harness.ts';
import { exchangesOf } from './support/exchanges.ts';
import { openApiContract } from './support/openapi-contract.ts';
import { zendeskReference } from './support/zendesk-reference.ts';

const contract = openApiContract(zendeskReference);
const ADA = 'ada.lovelace@example.com';

let fake: ZendeskFake | undefined;
afterEach(() => fake?.close());

const exchanges = (vendor: ZendeskFake) =>
  exchangesOf(vendor, { basePath: '/api/v2', rewrite: (path) => path.replace(/\.json$/, '') });

describe("Zendesk connector and fake, against Zendesk's API reference", () => {
  const scenarios: [
    string,
    ZendeskFakeOptions,
    'user.deactivated' | 'user.reactivated',
    Record<string, unknown>,
  ][] = [
    [
      'an end user, over two search pages',
      { pageSize: 1, users: [{ email: `n${ADA}` }, { email: ADA }] },
      'user.deactivated',
      {},
    ],
    [
      'a secondary email identity',
      { users: [{ email: 'ada@home.example', secondaryEmails: [ADA] }] },
      'user.deactivated',
      {},
    ],
    [
      'an agent whose seat is released',
      { users: [{ email: ADA, role: 'agent' }] },
      'user.deactivated',
      { releaseAgentSeat: true },
    ],
    ['a returner', { users: [{ email: ADA, suspended: true }] }, 'user.reactivated', {}],
    ['nobody', { users: [{ email: `n${ADA}` }] }, 'user.deactivated', {}],
  ];

  it.each(scenarios)(
    'every call and answer is in the reference: %s',
    async (_name, options, type, settings) => {
      fake = await startZendeskFake(options);
      const config = fake.connectorConfig();
      await runHandler(zendesk, userEvent(type), {
        ...config,
        settings: { ...config.settings, ...settings },
      });
      const seen = exchanges(fake);
      expect(seen.length).toBeGreaterThan(0);
      expect(contract.check(seen)).toEqual([]);
    },
  );

  it('catches an undocumented route, parameter or field', () => {
    expect(
      contract.check([
        { request: { method: 'POST', path: '/users/1/suspend', query: {} }, reply: { status: 200 } },
        {
          request: { method: 'GET', path: '/users/search', query: { email: ADA } },
          reply: { status: 200, body: { users: [] } },
        },
        {
          request: { method: 'PUT', path: '/users/1', query: {}, body: { suspended: true } },
          reply: { status: 200, body: { user: { id: 1 } } },
        },
      ]),
    ).toEqual([
      'POST /users/1/suspend: no such operation in the description',
      'GET /users/search (GET /users/search): undocumented query parameter email',
      expect.stringContaining(
        "GET /users/search (GET /users/search): 200 body must have required property 'next_page'",
      ),
      expect.stringContaining(
        "PUT /users/1 (PUT /users/{user_id}): request body must have required property 'user'",
      ),
      expect.stringContaining(
        "PUT /users/1 (PUT /users/{user_id}): 200 body/user must have required property 'name'",
      ),
    ]);
  });
});
