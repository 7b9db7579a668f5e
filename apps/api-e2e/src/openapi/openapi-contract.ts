import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Middleware } from 'openapi-fetch';

/** The parts of an OpenAPI 3.0 document this file reads. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, unknown> };
  [key: string]: unknown;
}

export interface OpenApiOperation {
  operationId?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** `GET /api/chats/{id}/messages`: how operations are named in every message here. */
export const routeName = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

type Schema = Record<string, unknown>;

const isObject = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Rewrites a schema of the document for Ajv: references point into the components schema Ajv
 * holds, and every object schema that lists its properties is closed (`additionalProperties:
 * false` unless it says otherwise), so a field the server sends but the document does not name
 * fails as surely as a missing one.
 */
function forAjv(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forAjv);
  if (!isObject(node)) return node;
  const schema = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, forAjv(v)]));
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    schema['$ref'] = ref.replace('#/components/schemas/', 'openapi-components#/definitions/');
  }
  if (isObject(schema['properties']) && !('additionalProperties' in schema)) {
    schema['additionalProperties'] = false;
  }
  return schema;
}

/**
 * The document as a checker of live answers: for a route template, a method and a status, the
 * schema the body must satisfy (Ajv in strict mode, with formats). An undocumented route, method
 * or status is a problem like a body that does not fit. Every route checked is remembered, so a
 * suite can tell which documented routes it never exercised.
 */
export class OpenApiContract {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly exercised = new Set<string>();

  constructor(readonly document: OpenApiDocument) {
    this.ajv = new Ajv({ strict: true, allErrors: true });
    addFormats(this.ajv);
    // OpenAPI annotations that are not JSON Schema keywords.
    this.ajv.addVocabulary(['example', 'xml', 'externalDocs']);
    this.ajv.addSchema({
      $id: 'openapi-components',
      definitions: forAjv(document.components?.schemas ?? {}),
    });
  }

  /** Every documented operation, as `METHOD /path`. */
  routes(): string[] {
    return Object.entries(this.document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => METHODS.includes(method))
        .map((method) => routeName(method, path)),
    );
  }

  operation(method: string, path: string): OpenApiOperation | undefined {
    return this.document.paths[path]?.[method.toLowerCase()];
  }

  exercisedRoutes(): ReadonlySet<string> {
    return this.exercised;
  }

  /** Compiles every response schema (strict mode refuses what is not JSON Schema). */
  compileAll(): void {
    for (const [path, item] of Object.entries(this.document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          const schema = response.content?.['application/json']?.schema;
          if (schema !== undefined) this.validator(`${routeName(method, path)} ${status}`, schema);
        }
      }
    }
  }

  /**
   * openapi-fetch middleware: checks every answer the client gets against the document and
   * throws (failing the call, and so the test) at the first that does not fit.
   */
  checker(): Middleware {
    return {
      onResponse: async ({ request, schemaPath, response }) => {
        const body = await response.clone().text();
        const type = response.headers.get('content-type') ?? '';
        const problems = this.problems(request.method, schemaPath, response.status, type, body);
        if (problems.length > 0) throw new Error(problems.join('\n'));
        return undefined;
      },
    };
  }

  /**
   * What is wrong with an answer to `method path` (the documented template, e.g.
   * `/api/chats/{id}/messages`): [] when the document has this status for it and the body fits.
   */
  problems(
    method: string,
    path: string,
    status: number,
    contentType: string,
    body: string,
  ): string[] {
    const route = routeName(method, path);
    const operation = this.operation(method, path);
    if (!operation) return [`${route} is not in the document`];
    this.exercised.add(route);

    const response = operation.responses[String(status)];
    if (!response) {
      const documented = Object.keys(operation.responses).join(', ');
      return [
        `${route} answered ${status}, which the document does not list (it lists ${documented}): ${body.slice(0, 300)}`,
      ];
    }
    if (!response.content) {
      return body.length === 0
        ? []
        : [`${route} ${status} is documented without a body, but sent: ${body.slice(0, 300)}`];
    }
    const mediaType = contentType.split(';')[0]?.trim() ?? '';
    const media = response.content[mediaType];
    if (!media) {
      return [
        `${route} ${status} sent ${mediaType || 'no content type'}; the document lists ${Object.keys(response.content).join(', ')}`,
      ];
    }
    if (mediaType !== 'application/json' || media.schema === undefined) return [];

    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return [`${route} ${status} sent a body that is not JSON: ${body.slice(0, 300)}`];
    }
    const validate = this.validator(`${route} ${status}`, media.schema);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (error) =>
        `${route} ${status}: body${error.instancePath} ${error.message ?? 'is invalid'} ` +
        `(${error.schemaPath} ${JSON.stringify(error.params)}) in ${body.slice(0, 300)}`,
    );
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(forAjv(schema) as Schema);
      this.validators.set(key, validate);
    }
    return validate;
  }
}
