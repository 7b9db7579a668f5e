import { isMessageId, MESSAGE_ID_PATTERN } from '@chat/shared-types';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/** What a message id must be, after its name, in every `invalid` answer about it. */
export const MESSAGE_ID_RULE = 'must be a message id (a positive integer)';

/**
 * A message id or cursor: a positive integer string within Postgres bigint range. The OpenAPI
 * document gets the contract's pattern (whether the field is required comes from its `?`).
 */
export const IsMessageId = (options?: ValidationOptions) =>
  applyDecorators(
    ValidateBy(
      {
        name: 'isMessageId',
        validator: {
          validate: (value: unknown) => isMessageId(value),
          defaultMessage: (args) => `${args?.property ?? 'value'} ${MESSAGE_ID_RULE}`,
        },
      },
      options,
    ),
    ApiProperty({ type: String, pattern: MESSAGE_ID_PATTERN.source }),
  );
