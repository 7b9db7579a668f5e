import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** Every controller's @ApiTags names one of these; the e2e spec checks none is missing. */
const TAGS: Readonly<Record<string, string>> = {
  auth: 'Register, sign in and sign out',
  users: 'The signed-in user and the people they can talk to',
  chats: 'The caller’s chats, opening a direct chat, read marks',
  messages: 'History pages, catching up, sending over REST',
  search: 'Finding messages in the caller’s chats',
  attachments: 'Uploading files to a chat and downloading them by signed URL',
  health: 'Whether this instance and its database answer',
};

/**
 * The OpenAPI document at /api/docs-json (Swagger UI at /api/docs). Paths carry the /api
 * prefix, so the one server is this origin.
 */
export function setUpOpenApi(app: INestApplication): void {
  let builder = new DocumentBuilder()
    .setTitle('Chat API')
    .setDescription(
      'REST side of the chat contract. Real-time events are on Socket.IO at /socket.io. ' +
        'The whole contract (REST routes, Socket.IO events, error shapes) is docs/contract.md ' +
        'in the repository, encoded as TypeScript in libs/shared-types.',
    )
    .setVersion('1.0')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    .addServer('/', 'This API’s own origin')
    .addBearerAuth();
  for (const [name, description] of Object.entries(TAGS))
    builder = builder.addTag(name, description);
  const config = builder.build();

  SwaggerModule.setup(
    'api/docs',
    app,
    () => nullableReferences(SwaggerModule.createDocument(app, config)),
    { jsonDocumentUrl: 'api/docs-json' },
  );
}

type Schema = Record<string, unknown>;

const isObject = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `@ApiProperty({ type: SomeDto, nullable: true })` comes out as
 * `{ nullable: true, allOf: [{ $ref }] }`, which under OpenAPI 3.0 refuses null (nullable only
 * widens a `type` in the same schema; the allOf still demands the object). This rewrites each
 * to the form 3.0 validators accept: `oneOf: [{ $ref }, { type: 'object', nullable: true,
 * enum: [null] }]`, which generators read as `SomeDto | null`.
 */
export function nullableReferences(document: OpenAPIObject): OpenAPIObject {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!isObject(node)) return node;
    const entries = Object.entries(node).map(([key, value]) => [key, visit(value)] as const);
    const schema = Object.fromEntries(entries);
    const allOf = schema['allOf'];
    const only = Array.isArray(allOf) && allOf.length === 1 ? (allOf[0] as unknown) : undefined;
    if (schema['nullable'] !== true || !isObject(only) || typeof only['$ref'] !== 'string') {
      return schema;
    }
    const { nullable: _nullable, allOf: _allOf, type: _type, ...rest } = schema;
    return { ...rest, oneOf: [only, { type: 'object', nullable: true, enum: [null] }] };
  };
  return visit(document) as OpenAPIObject;
}
