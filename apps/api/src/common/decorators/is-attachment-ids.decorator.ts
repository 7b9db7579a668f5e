import { isAttachmentIds, LIMITS } from '@chat/shared-types';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/** What `attachmentIds` must be, after its name, in every `invalid` answer about it. */
export const ATTACHMENT_IDS_RULE = `must be a list of 0-${LIMITS.attachmentsMax} distinct attachment ids (UUIDs)`;

/** A message's attachmentIds (isAttachmentIds from the contract). */
export const IsAttachmentIds = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isAttachmentIds',
      validator: {
        validate: (value: unknown) => isAttachmentIds(value),
        defaultMessage: (args) => `${args?.property ?? 'value'} ${ATTACHMENT_IDS_RULE}`,
      },
    },
    options,
  );
