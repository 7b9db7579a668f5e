import type { AuthResult } from '@chat/shared-types';
import {
  PostgresServer,
  randomPassword,
  startTestApi,
  waitFor,
  type TestApiRun,
} from '@chat/test-harness';
import request from 'supertest';
import { uniqueLogin } from '../support/users';

/*
 * The run's shared API may be on its embedded PostgreSQL, which no test can take away, and the
 * machine's server is not this suite's to stop: so this suite starts a PostgreSQL server of its
 * own (a fresh cluster) and an API on it, and stops that server.
 */
describe('GET /api/health while the database is down', () => {
  let postgres: PostgresServer | undefined;
  let run: TestApiRun | undefined;

  beforeAll(async () => {
    postgres = await PostgresServer.create('api-e2e-outage');
    const database = await postgres.admin.createDatabase('api_e2e_outage');
    run = await startTestApi({ name: 'api-e2e-outage', database });
  }, 120_000);
  afterAll(async () => {
    await run?.cleanUp();
    await postgres?.destroy();
  }, 60_000);

  it('answers 503 {status: error, db: down}, then 200 again once the database is back', async () => {
    if (!postgres || !run) throw new Error('beforeAll did not start the database and the API');
    const baseUrl = run.api.baseUrl;
    const api = () => request(baseUrl);
    expect((await api().get('/api/health')).status).toBe(200);

    await postgres.stop('fast');
    const down = await api().get('/api/health');
    expect({ status: down.status, body: down.body as unknown }).toEqual({
      status: 503,
      body: { status: 'error', db: 'down', redis: 'off' },
    });

    await postgres.start();
    await waitFor(
      'health 200 after the database came back',
      async () => (await api().get('/api/health')).status === 200,
      15_000,
    );
    // And the API serves real requests again.
    const login = uniqueLogin('back');
    const registered = await api()
      .post('/api/auth/register')
      .send({ login, fullName: 'Back Again', password: randomPassword(6) });
    expect(registered.status).toBe(201);
    expect((registered.body as AuthResult).user.login).toBe(login);
  });
});
