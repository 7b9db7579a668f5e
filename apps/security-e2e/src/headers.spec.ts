import { useApi } from './support/api';
import { http, type HttpResult } from './support/http';
import { itKeepsSecretsOutOfTheLog } from './support/log-check';
import { Vector } from './support/report';
import { registerUser, type TestUser } from './support/users';

/** The directives of a Content-Security-Policy header, by name. */
function directives(csp: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), values);
  }
  return map;
}

function header(res: HttpResult, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** What is wrong with a page's security headers (empty when nothing). */
function headerProblems(res: HttpResult): string[] {
  const problems: string[] = [];
  const csp = header(res, 'content-security-policy');
  if (!csp) {
    problems.push('no Content-Security-Policy');
  } else {
    const policy = directives(csp);
    const scripts = policy.get('script-src') ?? policy.get('default-src');
    if (!scripts) problems.push('CSP restricts no scripts (no script-src, no default-src)');
    for (const unsafe of ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'http:', 'https:']) {
      if (scripts?.includes(unsafe)) problems.push(`CSP script-src allows ${unsafe}`);
    }
    const attributes = policy.get('script-src-attr');
    if (attributes?.includes("'unsafe-inline'"))
      problems.push("CSP script-src-attr 'unsafe-inline'");
    if (!policy.get('object-src')?.includes("'none'"))
      problems.push("CSP object-src is not 'none'");
    if (!policy.has('frame-ancestors') && !header(res, 'x-frame-options')) {
      problems.push('no frame-ancestors and no X-Frame-Options (clickjacking)');
    }
  }
  if (header(res, 'x-content-type-options') !== 'nosniff') {
    problems.push(`X-Content-Type-Options: ${header(res, 'x-content-type-options')}`);
  }
  if (header(res, 'x-powered-by') !== undefined) {
    problems.push(`X-Powered-By: ${header(res, 'x-powered-by')}`);
  }
  return problems;
}

describe('Browser headers', () => {
  const getApi = useApi('headers');
  let user: TestUser;

  beforeAll(async () => {
    user = await registerUser(getApi());
  });

  it('sends helmet headers with a CSP without inline scripts on every kind of page', async () => {
    const api = getApi();
    const pages: [string, string, string | undefined][] = [
      ['the web app', '/', undefined],
      ['a deep link of the web app', '/chats/all', undefined],
      ['the health check', '/api/health', undefined],
      ['the API docs', '/api/docs', undefined],
      ['the API docs (HTML)', '/api/docs/', undefined],
      ['the OpenAPI document', '/api/docs-json', undefined],
      ['an API answer', '/api/users/me', user.token],
      ['a 401', '/api/users/me', undefined],
      ['a missing asset (404)', '/missing-asset.js', undefined],
      ['an unknown API route (404)', '/api/nothing-here', undefined],
    ];
    const vector = new Vector(
      'Browser headers',
      `${pages.length} pages: /, a deep link, /api/health, /api/docs, /api/docs-json, an API answer, a 401, 404s`,
      "CSP (no 'unsafe-inline'/'unsafe-eval' scripts, object-src 'none', frame-ancestors), nosniff, no X-Powered-By",
    );
    const csps = new Set<string>();
    for (const [label, path, token] of pages) {
      const res = await http(api, path, { token });
      const problems = headerProblems(res);
      csps.add(header(res, 'content-security-policy') ?? '(none)');
      vector.saw(
        problems.length === 0 ? `${res.status} ok` : `${res.status} missing headers`,
        false,
      );
      for (const problem of problems)
        vector.problem(`${label} (GET ${path} → ${res.status}): ${problem}`);
    }
    vector.figure = [...csps].join(' | ');
    vector.finish();
  });

  it('serves HTML without inline scripts or event-handler attributes (which the CSP blocks)', async () => {
    const api = getApi();
    const vector = new Vector(
      'Browser headers',
      'the HTML of / and /api/docs/: inline <script> bodies and on* attributes',
      'none (everything the page runs is a same-origin script file)',
    );
    for (const path of ['/', '/api/docs/']) {
      const res = await http(api, path);
      vector.saw(`${path} ${res.status}`, false);
      if (!(header(res, 'content-type') ?? '').includes('text/html')) {
        vector.problem(
          `GET ${path} → ${res.status} ${header(res, 'content-type')}: no HTML to check`,
        );
        continue;
      }
      const inline = [...res.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter(
        ([, attributes = '', body = '']) => !/\bsrc\s*=/.test(attributes) && body.trim().length > 0,
      );
      for (const [tag] of inline) vector.problem(`${path}: inline script ${tag.slice(0, 120)}`);
      const handlers = res.text.match(/\son[a-z]+\s*=\s*["'][^"']*["']/gi) ?? [];
      for (const handler of handlers) vector.problem(`${path}: event-handler attribute${handler}`);
    }
    vector.finish();
  });

  it('does not advertise the server on Socket.IO answers either', async () => {
    const api = getApi();
    const vector = new Vector(
      'Browser headers',
      'the Socket.IO polling handshake answer (served by engine.io, outside Express)',
      'no X-Powered-By',
    );
    const res = await http(api, '/socket.io/?EIO=4&transport=polling');
    vector.saw(`${res.status}`, false);
    vector.require(
      header(res, 'x-powered-by') === undefined,
      `X-Powered-By: ${header(res, 'x-powered-by')}`,
    );
    vector.figure = `content-type ${header(res, 'content-type')}, nosniff ${header(res, 'x-content-type-options') ?? 'absent'}`;
    vector.finish();
  });

  itKeepsSecretsOutOfTheLog(getApi, 'headers');
});
