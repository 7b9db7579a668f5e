import { LIMITS, LOGIN_PATTERN, MESSAGE_ID_PATTERN } from '@chat/shared-types';
import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Middleware } from 'openapi-fetch';
import { api, baseUrl } from '../support/http';
import { OpenApiContract, type OpenApiDocument } from './openapi-contract';

const ROOT = resolve(__dirname, '../../../..');
/** Where the generated client goes (dist/ is not committed); client-flows.ts imports it. */
const GENERATED = join(ROOT, 'dist/api-e2e/openapi');
const FLOWS = join(__dirname, 'client-flows.ts');

/**
 * Documented routes no flow here calls yet, each with why. A route in the document that is
 * neither exercised nor listed fails the last test: a new route lands with a flow (in
 * client-flows.ts, through the generated client) or with a line here. Listed routes the
 * document does not have (yet) are only reported.
 */
const NOT_YET_EXERCISED: Readonly<Record<string, string>> = {
  'PATCH /api/chats/{id}': 'groups: exercised by chats/groups.spec.ts',
  'POST /api/chats/{id}/members': 'groups: exercised by chats/groups.spec.ts',
  'PATCH /api/chats/{id}/members/{userId}': 'groups: exercised by chats/groups.spec.ts',
  'DELETE /api/chats/{id}/members/{userId}': 'groups: exercised by chats/groups.spec.ts',
  'POST /api/chats/{id}/attachments':
    'multipart uploads: exercised by attachments/attachments.spec.ts, not by the generated client',
  'GET /api/attachments/{attachmentId}/{variant}':
    'file bytes by a signed URL: exercised by attachments/attachments.spec.ts',
};

/** Redocly's strictest ruleset, less two rules whose premise this API does not share. */
const REDOCLY_RULES = {
  extends: ['recommended-strict'],
  rules: {
    // Register, login and health need no token: they say so by having no security requirement.
    'security-defined': 'off',
    // Health has no client error to give (only 200 and 503).
    'operation-4xx-response': 'off',
    'operation-tag-defined': 'error',
    'tag-description': 'error',
  },
} as const;

const run = promisify(execFile);

/** What client-flows.ts exports. */
interface ClientFlows {
  runContractFlows(baseUrl: string, checker: Middleware): Promise<void>;
}

let document: OpenApiDocument;
let contract: OpenApiContract;

beforeAll(async () => {
  const res = await api().get('/api/docs-json');
  expect(res.status).toBe(200);
  document = res.body as OpenApiDocument;
  contract = new OpenApiContract(document);
});

type Json = Record<string, unknown>;
const schemas = () => (document.components?.schemas ?? {}) as Record<string, Json>;
const propertiesOf = (name: string) =>
  (schemas()[name]?.['properties'] ?? {}) as Record<string, Json>;
const queryParameter = (path: string, name: string) =>
  document.paths[path]?.['get']?.parameters?.find((p) => p.in === 'query' && p.name === name);

describe('GET /api/docs-json', () => {
  it('is valid OpenAPI 3.0, passes Redocly’s strict lint, and every response schema compiles in strict Ajv', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();

    const config = await createConfig(REDOCLY_RULES as never);
    const problems = await lintFromString({
      source: JSON.stringify(document),
      absoluteRef: 'chat-api.json',
      config,
    });
    const described = problems.map(
      (p) => `${p.ruleId}: ${p.message} at ${p.location.map((l) => l.pointer ?? '').join(', ')}`,
    );
    expect(described).toEqual([]);

    expect(() => contract.compileAll()).not.toThrow();
  });

  it('documents what the server answers: both 200s, integer limits, the contract’s patterns, servers and tags', () => {
    for (const [path, schema] of [
      ['/api/chats', 'ChatDto'],
      ['/api/chats/{id}/messages', 'MessageDto'],
    ] as const) {
      const responses = contract.operation('post', path)?.responses ?? {};
      for (const status of ['200', '201']) {
        expect({ path, status, content: responses[status]?.content }).toEqual({
          path,
          status,
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
        });
      }
    }

    expect(Object.keys(propertiesOf('HealthStatusDto')).sort()).toEqual(['db', 'redis', 'status']);
    for (const [path, max] of [
      ['/api/users', LIMITS.usersMax],
      ['/api/chats/{id}/messages', LIMITS.pageMax],
    ] as const) {
      expect(queryParameter(path, 'limit')?.schema).toMatchObject({
        type: 'integer',
        minimum: 1,
        maximum: max,
      });
    }
    for (const cursor of ['before', 'after']) {
      expect(queryParameter('/api/chats/{id}/messages', cursor)?.schema).toMatchObject({
        pattern: MESSAGE_ID_PATTERN.source,
      });
    }
    expect(propertiesOf('MarkReadDto')['upToId']).toMatchObject({
      pattern: MESSAGE_ID_PATTERN.source,
    });
    expect(propertiesOf('RegisterDto')['login']).toMatchObject({
      pattern: LOGIN_PATTERN.source,
      minLength: LIMITS.loginMin,
      maxLength: LIMITS.loginMax,
    });

    expect(document['servers']).toEqual([expect.objectContaining({ url: expect.any(String) })]);
    const tags = ((document['tags'] ?? []) as { name: string }[]).map((tag) => tag.name);
    const untagged = contract.routes().filter((route) => {
      const [method = '', path = ''] = route.split(' ');
      const used = contract.operation(method, path)?.tags ?? [];
      return used.length === 0 || used.some((tag) => !tags.includes(tag));
    });
    expect({ tags: tags.length > 0, untagged }).toEqual({ tags: true, untagged: [] });
  });

  it('generates a typed client that compiles, runs the contract’s flows through it, and every answer is documented and fits its schema', async () => {
    await mkdir(GENERATED, { recursive: true });
    const source = join(GENERATED, 'chat-api.json');
    await writeFile(source, JSON.stringify(document, null, 2));
    await run(process.execPath, [
      require.resolve('openapi-typescript/bin/cli.js'),
      source,
      '--output',
      join(GENERATED, 'chat-api.d.ts'),
    ]);
    // tsc runs beside the flows (a child process on the other core); its verdict comes first.
    const typeCheck = typeErrors(FLOWS);
    // Loaded by a name the spec's own type check does not follow: it imports the client
    // generated above, and ts-jest leaves its types to tsc (jest.config.cts).
    const flows = (await import(FLOWS)) as ClientFlows;
    // Loading it compiled synchronously; let the loop see any keep-alive socket the API closed
    // meanwhile, before fetch picks one from the pool.
    await new Promise((resolve) => setImmediate(resolve));
    const ran = await flows.runContractFlows(baseUrl(), contract.checker()).then(
      () => null,
      (error: unknown) => error,
    );
    expect(await typeCheck).toBe('');
    if (ran !== null) throw ran;

    // Public GETs without parameters (health and its probes) need no flow to be exercised.
    for (const [path, item] of Object.entries(document.paths)) {
      const get = item['get'];
      if (!get || get.security?.length || get.parameters?.some((p) => p.required)) continue;
      const res = await fetch(`${baseUrl()}${path}`);
      const type = res.headers.get('content-type') ?? '';
      expect(contract.problems('get', path, res.status, type, await res.text())).toEqual([]);
    }

    const exercised = contract.exercisedRoutes();
    const routes = contract.routes();
    const unexercised = routes.filter((route) => !exercised.has(route));
    const unlisted = unexercised.filter((route) => !(route in NOT_YET_EXERCISED));
    const stale = Object.keys(NOT_YET_EXERCISED).filter((route) => exercised.has(route));
    const undocumented = Object.keys(NOT_YET_EXERCISED).filter((route) => !routes.includes(route));
    console.log(
      [
        `OpenAPI: ${exercised.size} of ${routes.length} documented routes exercised; not yet: ${unexercised.length === 0 ? 'none' : ''}`,
        ...unexercised.map((route) => `  ${route}: ${NOT_YET_EXERCISED[route] ?? 'NOT LISTED'}`),
        ...undocumented.map((route) => `  (listed, not in the document yet: ${route})`),
      ].join('\n'),
    );
    expect({ unlisted, stale }).toEqual({ unlisted: [], stale: [] });
  }, 120_000);
});

/**
 * `tsc --noEmit` on one file (and what it imports) with the project's spec settings: what it
 * prints, empty when the file compiles. A child process, so the test's event loop stays free.
 */
async function typeErrors(file: string): Promise<string> {
  const config = join(GENERATED, 'tsconfig.check.json');
  await writeFile(
    config,
    JSON.stringify({
      extends: join(ROOT, 'apps/api-e2e/tsconfig.spec.json'),
      compilerOptions: { noEmit: true },
      include: [],
      files: [file],
    }),
  );
  const tsc = require.resolve('typescript/bin/tsc');
  return run(process.execPath, [tsc, '-p', config, '--pretty', 'false']).then(
    () => '',
    (failed: { stdout?: string; message: string }) => failed.stdout || failed.message,
  );
}
