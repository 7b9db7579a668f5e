import { basename } from 'node:path';
import { closeAllRawSockets } from './raw-socket';
import { recordFileDone } from './report';
import { closeAllSockets } from './sockets';

const started = Date.now();

// Every socket a test opens through the helpers is closed after it, pass or fail.
afterEach(() => {
  closeAllSockets();
  closeAllRawSockets();
});

// Tells global teardown this file ran to its end (its vectors are all in the report).
afterAll(() => {
  const path = expect.getState().testPath ?? 'unknown';
  recordFileDone(basename(path).replace(/\.spec\.ts$/, ''), Date.now() - started);
});
