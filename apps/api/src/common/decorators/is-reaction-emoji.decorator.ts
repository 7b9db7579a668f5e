import { isReactionEmoji, isVersion, LIMITS } from '@chat/shared-types';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/** What `emoji` must be, after its name, in every `invalid` answer about it. */
export const EMOJI_RULE = `must be one emoji (a single grapheme cluster of at most ${LIMITS.emojiBytesMax} UTF-8 bytes)`;

/** A reaction's emoji (isReactionEmoji from the contract). */
export const IsReactionEmoji = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isReactionEmoji',
      validator: {
        validate: (value: unknown) => isReactionEmoji(value),
        defaultMessage: (args) => `${args?.property ?? 'value'} ${EMOJI_RULE}`,
      },
    },
    options,
  );

/** A `changes` cursor (isVersion from the contract): '0' or a positive integer. */
export const IsVersion = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isVersion',
      validator: {
        validate: (value: unknown) => isVersion(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be a version ('0' or a positive integer)`,
      },
    },
    options,
  );
