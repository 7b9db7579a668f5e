import { isMessageContent, isSendContent, LIMITS, namesAttachments } from '@chat/shared-types';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/** What `content` must be, after its name, in every `invalid` answer about it. */
export const CONTENT_RULE = `must be a string of ${LIMITS.contentMin}-${LIMITS.contentMax} characters after trimming, without NUL`;

/** Message content (isMessageContent from the contract); trim it first, as it is stored. */
export const IsMessageContent = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isMessageContent',
      validator: {
        validate: (value: unknown) => isMessageContent(value),
        defaultMessage: (args) => `${args?.property ?? 'value'} ${CONTENT_RULE}`,
      },
    },
    options,
  );

/** What a sent message's `content` must be, after its name, in every `invalid` answer about it. */
export const SEND_CONTENT_RULE = `must be ${LIMITS.contentMin}-${LIMITS.contentMax} characters after trimming, without NUL, or empty with attachmentIds`;

/** A sent message's content (isSendContent): may be empty when `attachmentIds` names files. */
export const IsSendContent = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isSendContent',
      validator: {
        validate: (value: unknown, args) =>
          isSendContent(
            value,
            namesAttachments((args?.object as { attachmentIds?: unknown }).attachmentIds),
          ),
        defaultMessage: (args) => `${args?.property ?? 'value'} ${SEND_CONTENT_RULE}`,
      },
    },
    options,
  );
