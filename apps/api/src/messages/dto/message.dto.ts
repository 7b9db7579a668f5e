import type { Message } from '@chat/shared-types';

export class MessageDto implements Message {
  /** A positive integer as a string, increasing in the order messages were stored */
  id!: string;
  chatId!: string;
  senderId!: string;
  senderName!: string;
  /** Plain text; clients render it as text, never as HTML */
  content!: string;
  /** The UUID the sender generated for this message */
  clientId!: string;
  /** ISO-8601 */
  createdAt!: string;
}
