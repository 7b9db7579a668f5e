import { MAX_PAYLOAD_BYTES } from './app.setup';
import { TestApp } from './testing/test-app';

describe('configureApp, as the specs run it', () => {
  const t = TestApp.forSpec();

  it('serves the OpenAPI document, whose description points at docs/contract.md', async () => {
    const res = await fetch(`${t.url}/api/docs-json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { info: { description: string }; paths: object };
    expect(doc.info.description).toContain('docs/contract.md');
    expect(Object.keys(doc.paths)).toContain('/api/auth/login');
  });

  it('sends the security headers and no x-powered-by', async () => {
    const res = await fetch(`${t.url}/api/health`);
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self' ws: wss:");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('refuses a JSON body over the limit with 413', async () => {
    const res = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'x', password: 'y'.repeat(MAX_PAYLOAD_BYTES) }),
    });
    expect(res.status).toBe(413);
  });
});
