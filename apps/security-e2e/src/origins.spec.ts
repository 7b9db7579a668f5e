import { HANDSHAKE_UNAUTHORIZED } from '@chat/shared-types';
import { useApi, type SecurityApi } from './support/api';
import { describeExchange, http, isApiError, outcomeOf, type HttpResult } from './support/http';
import { itKeepsSecretsOutOfTheLog } from './support/log-check';
import { RawEngineSocket } from './support/raw-socket';
import { Vector } from './support/report';
import { handshake, openSocket } from './support/sockets';
import { registerUser } from './support/users';

const POLLING_HANDSHAKE = '/socket.io/?EIO=4&transport=polling';

/** An engine.io polling handshake with this Origin (none when undefined). */
function pollingHandshake(api: SecurityApi, origin: string | undefined): Promise<HttpResult> {
  return http(api, POLLING_HANDSHAKE, { headers: origin === undefined ? {} : { origin } });
}

/** An engine.io WebSocket handshake with this Origin: 'open' or why it failed. */
async function websocketHandshake(api: SecurityApi, origin: string | undefined): Promise<string> {
  try {
    const socket = await RawEngineSocket.open(api, { origin });
    socket.close();
    return 'open';
  } catch (error) {
    return (error as Error).message;
  }
}

/** Tries each origin on both transports; `accepted` says which outcome is right. */
async function tryHandshakes(
  api: SecurityApi,
  vector: Vector,
  origins: (string | undefined)[],
  accepted: boolean,
): Promise<void> {
  for (const origin of origins) {
    const label = origin === undefined ? 'no Origin' : `Origin ${origin}`;
    const polling = await pollingHandshake(api, origin);
    const pollingOpen = polling.status === 200 && polling.text.startsWith('0{');
    vector.saw(`polling ${polling.status}`, !pollingOpen);
    vector.require(
      pollingOpen === accepted,
      describeExchange(`polling handshake, ${label}`, polling).slice(0, 200),
    );
    const ws = await websocketHandshake(api, origin);
    vector.saw(`websocket ${ws}`, ws !== 'open');
    vector.require((ws === 'open') === accepted, `websocket handshake, ${label} → ${ws}`);
  }
}

function allowOrigin(res: HttpResult): string | undefined {
  const value = res.headers['access-control-allow-origin'];
  return Array.isArray(value) ? value.join(',') : value;
}

describe('Origins: same-origin by default', () => {
  const getApi = useApi('origins');

  it('refuses the Socket.IO handshake from a foreign Origin on both transports', async () => {
    const api = getApi();
    const port = api.port;
    const foreign = [
      'http://evil.example',
      'null',
      `http://127.0.0.1:${port}.evil.example`,
      `http://127.0.0.1:${port}@evil.example`,
      `http://evil.example/http://127.0.0.1:${port}`,
      `http://127.0.0.1:${port + 1}`,
      'http://127.0.0.1',
      `http://localhost.evil.example:${port}`,
      'file://',
      'chrome-extension://abcdefghijklmnop',
      `http://127.0.0.1:${port}, http://evil.example`,
    ];
    const vector = new Vector(
      'Origins',
      `Socket.IO handshake from ${foreign.length} foreign Origins (look-alikes, null, other port) × polling and websocket`,
      'refused (403) on both transports',
    );
    await tryHandshakes(api, vector, foreign, false);
    vector.finish();
  });

  it('accepts the handshake without an Origin and from the same origin', async () => {
    const api = getApi();
    const vector = new Vector(
      'Origins',
      'Socket.IO handshake with no Origin (non-browser) and the same origin × polling and websocket',
      'accepted on both transports',
    );
    await tryHandshakes(api, vector, [undefined, `http://127.0.0.1:${api.port}`], true);
    vector.finish();
  });

  it('refuses a real client with a valid token from a foreign Origin', async () => {
    const api = getApi();
    const user = await registerUser(api);
    const vector = new Vector(
      'Origins',
      'socket.io-client with a valid token and Origin http://evil.example (websocket, polling); same client without it (control)',
      'connect_error; control connects',
    );
    for (const transport of ['websocket', 'polling'] as const) {
      const socket = openSocket(api, {
        token: user.token,
        transports: [transport],
        extraHeaders: { origin: 'http://evil.example' },
      });
      const outcome = await handshake(socket);
      vector.saw(outcome.ok ? `${transport} connected` : `${transport} connect_error`, !outcome.ok);
      vector.require(!outcome.ok, `${transport} with a foreign Origin connected`);
      vector.require(
        outcome.ok || outcome.error !== HANDSHAKE_UNAUTHORIZED,
        `${transport}: refused only by the token check, not the Origin check`,
      );
    }
    const control = await handshake(openSocket(api, { token: user.token }));
    vector.require(control.ok, `control → ${JSON.stringify(control)}`);
    vector.finish();
  });

  it('sends no Access-Control-Allow-Origin to a foreign Origin on REST', async () => {
    const api = getApi();
    const vector = new Vector(
      'Origins',
      'REST CORS without CORS_ORIGINS: preflight and simple requests from a foreign Origin (login, messages, health)',
      'no Access-Control-Allow-Origin',
    );
    const origin = 'http://evil.example';
    const requests: [string, string, Parameters<typeof http>[2]][] = [
      [
        'preflight POST /api/auth/login',
        '/api/auth/login',
        {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type',
          },
        },
      ],
      [
        'preflight GET /api/chats',
        '/api/chats',
        {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'authorization',
          },
        },
      ],
      ['GET /api/health', '/api/health', { headers: { origin } }],
      ['GET /api/users/me', '/api/users/me', { headers: { origin } }],
    ];
    for (const [label, path, options] of requests) {
      const res = await http(api, path, options);
      const allowed = allowOrigin(res);
      vector.saw(`${res.status}${allowed ? ` ACAO ${allowed}` : ' no ACAO'}`, !allowed);
      vector.require(!allowed, `${label} → Access-Control-Allow-Origin: ${allowed}`);
      vector.require(
        res.headers['access-control-allow-credentials'] === undefined,
        `${label} → Access-Control-Allow-Credentials: ${res.headers['access-control-allow-credentials']}`,
      );
    }
    vector.finish();
  });

  it('does not let a cross-site form post (no preflight) sign in or register', async () => {
    const api = getApi();
    const user = await registerUser(api);
    const vector = new Vector(
      'Origins',
      'cross-site "simple" POSTs without a preflight (text/plain and form-encoded bodies) to login and register',
      'refused (415: the routes read JSON only), no session created',
    );
    const origin = 'http://evil.example';
    const bodies: [string, string, string][] = [
      ['text/plain', 'text/plain', JSON.stringify({ login: user.login, password: user.password })],
      [
        'form-encoded',
        'application/x-www-form-urlencoded',
        `login=${user.login}&password=${encodeURIComponent(user.password)}`,
      ],
    ];
    for (const [label, type, raw] of bodies) {
      for (const path of ['/api/auth/login', '/api/auth/register']) {
        const res = await http(api, path, { raw, headers: { origin, 'content-type': type } });
        vector.saw(outcomeOf(res), res.status >= 400);
        vector.require(
          isApiError(res, 415, 'invalid') && !res.text.includes('accessToken'),
          describeExchange(`${label} POST ${path}`, res),
        );
      }
    }
    vector.finish();
  });

  itKeepsSecretsOutOfTheLog(getApi, 'origins');
});

describe('Origins: with CORS_ORIGINS', () => {
  const allowed = 'http://app.example.test';
  const getApi = useApi('origins-cors', { CORS_ORIGINS: `${allowed},https://chat.example.test` });

  it('answers an allowed Origin with exactly that Origin, on REST and Socket.IO', async () => {
    const api = getApi();
    const vector = new Vector(
      'Origins',
      `CORS_ORIGINS=${allowed},…: preflight, GET and the polling/websocket handshake from ${allowed}`,
      'Access-Control-Allow-Origin: the same origin; handshake accepted',
    );
    const preflight = await http(api, '/api/auth/login', {
      method: 'OPTIONS',
      headers: {
        origin: allowed,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    const get = await http(api, '/api/health', { headers: { origin: allowed } });
    for (const [label, res] of [
      ['preflight', preflight],
      ['GET /api/health', get],
    ] as const) {
      const value = allowOrigin(res);
      vector.saw(`${res.status} ACAO ${value ?? 'none'}`, false);
      vector.require(value === allowed, `${label} → Access-Control-Allow-Origin: ${value}`);
      vector.require(
        res.headers['access-control-allow-credentials'] === undefined,
        `${label} allows credentials`,
      );
    }
    const polling = await pollingHandshake(api, allowed);
    vector.saw(`polling ${polling.status}`, false);
    vector.require(
      polling.status === 200 && polling.text.startsWith('0{'),
      describeExchange('polling', polling),
    );
    vector.require(allowOrigin(polling) === allowed, `polling ACAO: ${allowOrigin(polling)}`);
    const ws = await websocketHandshake(api, allowed);
    vector.saw(`websocket ${ws}`, false);
    vector.require(ws === 'open', `websocket from ${allowed} → ${ws}`);
    const user = await registerUser(api);
    const client = await handshake(
      openSocket(api, { token: user.token, extraHeaders: { origin: allowed } }),
    );
    vector.saw(client.ok ? 'client connected' : `client connect_error ${client.error}`, false);
    vector.require(client.ok, `socket.io-client from ${allowed} → ${JSON.stringify(client)}`);
    vector.finish();
  });

  it('still refuses origins outside the list (look-alikes included)', async () => {
    const api = getApi();
    const foreign = [
      'http://evil.example',
      'null',
      `${allowed}.evil.example`,
      'http://evil-app.example.test',
      `${allowed}:8080`,
      'https://app.example.test',
      'HTTP://APP.EXAMPLE.TEST',
      `${allowed}/`,
      'http://chat.example.test',
    ];
    const vector = new Vector(
      'Origins',
      `CORS_ORIGINS set: ${foreign.length} origins outside the list × (REST GET, polling, websocket)`,
      'no Access-Control-Allow-Origin; handshake refused',
    );
    for (const origin of foreign) {
      const res = await http(api, '/api/health', { headers: { origin } });
      const value = allowOrigin(res);
      vector.saw(value ? `ACAO ${value}` : 'no ACAO', !value);
      vector.require(
        !value,
        `GET /api/health, Origin ${origin} → Access-Control-Allow-Origin: ${value}`,
      );
    }
    await tryHandshakes(api, vector, foreign, false);
    vector.finish();
  });

  itKeepsSecretsOutOfTheLog(getApi, 'origins-cors');
});
