import { isMessageId } from '@chat/shared-types';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/** A message id or cursor: a positive integer string within Postgres bigint range. */
export const IsMessageId = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isMessageId',
      validator: {
        validate: (value: unknown) => isMessageId(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be a message id (a positive integer)`,
      },
    },
    options,
  );
