import { isChatId, LIMITS } from '@chat/shared-types';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/** What `chatId` must be, after its name, in every `invalid` answer about it. */
export const CHAT_ID_RULE = `must be a string of ${LIMITS.chatIdMin}-${LIMITS.chatIdMax} characters without NUL`;

/** A chat id the server could hold (isChatId from the contract). */
export const IsChatId = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isChatId',
      validator: {
        validate: (value: unknown) => isChatId(value),
        defaultMessage: (args) => `${args?.property ?? 'value'} ${CHAT_ID_RULE}`,
      },
    },
    options,
  );
