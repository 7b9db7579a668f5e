import { isMessageContent, LIMITS } from '@chat/shared-types';
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
