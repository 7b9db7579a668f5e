import { Client } from 'pg';
import { adminClientConfig, E2E_ENV } from '../support/e2e-state';
import { api } from '../support/http';
import { waitFor } from '../support/sockets';
import { registerUser } from '../support/users';

const databaseName = process.env[E2E_ENV.databaseName];
// Only a run that owns its database on the local server can take it away (not the embedded one).
const ownsDatabase = databaseName ? describe : describe.skip;

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client(adminClientConfig());
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function setDatabaseReachable(reachable: boolean): Promise<void> {
  await admin(async (client) => {
    await client.query(`ALTER DATABASE "${databaseName}" WITH ALLOW_CONNECTIONS ${reachable}`);
    if (!reachable) {
      await client.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
        [databaseName],
      );
    }
  });
}

ownsDatabase('GET /api/health while the database is down', () => {
  afterAll(async () => {
    await setDatabaseReachable(true);
  });

  it('answers 503 {status: error, db: down}, then 200 again once the database is back', async () => {
    await setDatabaseReachable(false);

    const down = await api().get('/api/health');
    expect({ status: down.status, body: down.body as unknown }).toEqual({
      status: 503,
      body: { status: 'error', db: 'down', redis: 'off' },
    });

    await setDatabaseReachable(true);
    await waitFor(
      async () => (await api().get('/api/health')).status === 200,
      15_000,
      'health 200 after the database came back',
    );
    // And the API serves real requests again.
    await registerUser();
  });
});
