import {
  isAttachmentIds,
  isChatId,
  isClientId,
  isMessageId,
  isSendContent,
  namesAttachments,
  type SendMessageRequest,
} from '@chat/shared-types';
import { AppError } from '../common/app-error';
import { joinProblems } from '../common/validation';
import { CHAT_ID_RULE } from '../common/decorators/is-chat-id.decorator';
import { CLIENT_ID_RULE } from '../common/decorators/is-client-id.decorator';
import { ATTACHMENT_IDS_RULE } from '../common/decorators/is-attachment-ids.decorator';
import { SEND_CONTENT_RULE } from '../common/decorators/is-message-content.decorator';
import { MESSAGE_ID_RULE } from '../common/decorators/is-message-id.decorator';

const FIELDS = new Set(['chatId', 'content', 'clientId', 'replyToId', 'attachmentIds']);

/**
 * `message:send`'s payload, checked by hand: the hot path skips class-transformer and
 * class-validator's metadata walk, but calls the contract's rules that SendMessageDto's
 * decorators call, and words each failing field as createValidationPipe() does
 * (send-message.rules.spec.ts holds the two to the same verdicts). `content` comes back trimmed.
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
  const { chatId, clientId, replyToId, attachmentIds } = payload;
  const content = typeof payload['content'] === 'string' ? payload['content'].trim() : undefined;

  const validChatId = isChatId(chatId);
  const validContent = isSendContent(content, namesAttachments(attachmentIds));
  const validClientId = isClientId(clientId);
  if (!validChatId) problems.push(`chatId ${CHAT_ID_RULE}`);
  if (!validContent) problems.push(`content ${SEND_CONTENT_RULE}`);
  if (!validClientId) problems.push(`clientId ${CLIENT_ID_RULE}`);
  // As @IsOptional() reads it: undefined and null are absent.
  const validReplyToId = replyToId === undefined || replyToId === null || isMessageId(replyToId);
  if (!validReplyToId) problems.push(`replyToId ${MESSAGE_ID_RULE}`);
  const absentIds = attachmentIds === undefined || attachmentIds === null;
  if (!absentIds && !isAttachmentIds(attachmentIds)) {
    problems.push(`attachmentIds ${ATTACHMENT_IDS_RULE}`);
  }

  if (problems.length === 0 && validChatId && validContent && validClientId) {
    const request: SendMessageRequest = { chatId, content, clientId };
    if (typeof replyToId === 'string') request.replyToId = replyToId;
    if (!absentIds) request.attachmentIds = attachmentIds as string[];
    return request;
  }
  throw new AppError('invalid', joinProblems(problems));
}
