import { closeAllSockets } from './sockets';

// Every socket a test opens through the helpers is closed after it, pass or fail.
afterEach(() => closeAllSockets());
