import './workspace-paths';
import { keepRun, startTestApi } from '@chat/test-harness';
import { E2E_ENV, E2E_LIMITS } from './e2e-state';

/** The built API on a fresh database, with the limits the rate-limit tests expect. */
export default async function globalSetup(): Promise<void> {
  const run = await startTestApi({
    name: 'api-e2e',
    env: {
      TOKEN_TTL: '3600',
      BCRYPT_COST: '10',
      RATE_LIMIT_LOGIN: String(E2E_LIMITS.failedLogins),
      RATE_LIMIT_REGISTER: String(E2E_LIMITS.registrationsPerAddress),
      MESSAGE_RATE: String(E2E_LIMITS.messageRate),
      MESSAGE_BURST: String(E2E_LIMITS.messageBurst),
      // Offline is announced after this grace period; short, so presence tests stay quick.
      PRESENCE_GRACE_MS: String(E2E_LIMITS.presenceGraceMs),
    },
  });
  keepRun('api-e2e', run);
  run.api.onUnexpectedExit = (description) => console.error(`\napi-e2e: mid-run, ${description}`);

  process.env[E2E_ENV.baseUrl] = run.api.baseUrl;
  process.env[E2E_ENV.jwtSecret] = run.jwtSecret;
  console.log(
    `\napi-e2e: API on ${run.api.baseUrl}, ${
      run.database ? `database ${run.database.name}` : 'its embedded PostgreSQL'
    }, log ${run.api.logFile}`,
  );
}
