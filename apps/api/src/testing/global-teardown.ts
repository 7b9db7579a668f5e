import type { EmbeddedDatabase } from '../database/embedded';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { embeddedPostgres?: EmbeddedDatabase }).embeddedPostgres?.stop();
}
