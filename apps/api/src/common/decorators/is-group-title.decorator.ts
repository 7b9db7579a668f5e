import { isGroupTitle, LIMITS } from '@chat/shared-types';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/** What a group's `title` must be, after its name, in every `invalid` answer about it. */
export const GROUP_TITLE_RULE = `must be 1-${LIMITS.groupTitleMax} characters after trimming, without NUL`;

/** A group title (isGroupTitle from the contract); trim it first, as it is stored. */
export const IsGroupTitle = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isGroupTitle',
      validator: {
        validate: (value: unknown) => isGroupTitle(value),
        defaultMessage: (args) => `${args?.property ?? 'value'} ${GROUP_TITLE_RULE}`,
      },
    },
    options,
  );
