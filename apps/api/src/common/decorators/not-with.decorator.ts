import { ValidateBy, type ValidationOptions } from 'class-validator';

/** Refuses the field when `other` is given too (two cursors that contradict each other). */
export const NotWith = (other: string, options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'notWith',
      constraints: [other],
      validator: {
        validate: (_value: unknown, args) =>
          (args?.object as Record<string, unknown> | undefined)?.[other] === undefined,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} cannot be used together with ${other}`,
      },
    },
    options,
  );
