import { LIMITS, NO_NUL_PATTERN, type SendMessageRequest } from '@chat/shared-types';
import { isUUID, length } from 'class-validator';
import { AppError } from '../common/app-error';

const FIELDS = new Set(['chatId', 'content', 'clientId']);

/**
 * `message:send`'s payload, checked by hand with exactly the rules of SendMessageEventDto
 * (which stays the documented shape, and what the REST route validates with): the hot path
 * skips class-transformer and class-validator's metadata walk, but uses the same checks
 * (`length` counts characters as the DTO's @Length does: a 4-byte emoji is one). Each failing field is named,
 * as createValidationPipe() does; `content` comes back trimmed.
 */
export function parseSendMessage(data: unknown): SendMessageRequest {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new AppError('invalid', 'payload must be an object');
  }
  const payload = data as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(payload)) {
    if (!FIELDS.has(key)) problems.push(`property ${key} should not exist`);
  }
  const { chatId, clientId } = payload;
  const content = typeof payload['content'] === 'string' ? payload['content'].trim() : undefined;

  if (typeof chatId !== 'string') problems.push('chatId must be a string');
  else if (!length(chatId, 1, 200)) {
    problems.push('chatId must be 1-200 characters');
  } else if (!NO_NUL_PATTERN.test(chatId)) problems.push('chatId must not contain NUL characters');

  if (content === undefined) problems.push('content must be a string');
  else if (!length(content, LIMITS.contentMin, LIMITS.contentMax)) {
    problems.push(
      `content must be ${LIMITS.contentMin}-${LIMITS.contentMax} characters after trimming`,
    );
  } else if (!NO_NUL_PATTERN.test(content)) {
    problems.push('content must not contain NUL characters');
  }

  if (!isUUID(clientId, 'all')) problems.push('clientId must be a UUID');

  if (problems.length > 0) throw new AppError('invalid', problems.join('; '));
  return { chatId: chatId as string, content: content as string, clientId: clientId as string };
}
