import { isClientId } from '@chat/shared-types';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/** What `clientId` must be, after its name, in every `invalid` answer about it. */
export const CLIENT_ID_RULE = 'must be a UUID';

/** A message's clientId (isClientId from the contract). */
export const IsClientId = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isClientId',
      validator: {
        validate: (value: unknown) => isClientId(value),
        defaultMessage: (args) => `${args?.property ?? 'value'} ${CLIENT_ID_RULE}`,
      },
    },
    options,
  );
