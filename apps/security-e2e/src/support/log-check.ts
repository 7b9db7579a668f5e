import type { SecurityApi } from './api';
import { Vector } from './report';

/**
 * The last test of every spec file: no token (or its signature) and no password the file
 * sent or received appears anywhere in what the API printed.
 */
export function itKeepsSecretsOutOfTheLog(getApi: () => SecurityApi, file: string): void {
  it('writes no token and no password to the API log', async () => {
    const api = getApi();
    const log = await api.log();
    const vector = new Vector(
      'Logs',
      `${file}: every token and password used, searched in the API's output`,
      'none found',
    );
    for (const secret of api.secrets) {
      const parts = secret.split('.');
      const last = parts[2];
      const signature = parts.length === 3 && last !== undefined && last.length >= 16 ? last : null;
      const found = log.includes(secret) || (signature !== null && log.includes(signature));
      vector.saw(found ? 'found in log' : 'absent', false);
      if (found) vector.leak(`${secret.slice(0, 24)}… appears in ${api.run.api.logFile}`);
    }
    vector.figure = `${api.secrets.size} secrets, log ${Math.round(log.length / 1024)} KiB`;
    vector.require(api.secrets.size > 0, 'the file used no secret at all');
    vector.finish();
  });
}
