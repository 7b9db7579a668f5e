import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { isWholeNumberIn, parseDecimalInt, wholeNumberRule } from '@chat/shared-types';
import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/** An optional page size: a whole number from 1 to `max` (documented as such in OpenAPI). */
export const IsPageLimit = (max: number, options?: ValidationOptions) =>
  applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: max }),
    ValidateBy(
      {
        name: 'isPageLimit',
        validator: {
          validate: (value: unknown) => isWholeNumberIn(value, 1, max),
          defaultMessage: (args) => `${args?.property ?? 'value'} ${wholeNumberRule(1, max)}`,
        },
      },
      options,
    ),
  );

/**
 * A number from a query string: decimal digits become the number; anything else (`0x10`,
 * `1e1`, ` 10`, `abc`) stays text, so the field's rule refuses it with its own message.
 */
export const QueryInt = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? (parseDecimalInt(value) ?? value) : value,
  );
