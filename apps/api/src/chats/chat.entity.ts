import type { ChatKind } from '@chat/shared-types';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('chats')
export class ChatEntity {
  /** `all`, or `dm:<min user id>:<max user id>`. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  kind!: ChatKind;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Touched by every send; the row lock it takes orders the chat's message ids. */
  @Column({ name: 'last_message_at', type: 'timestamptz', nullable: true })
  lastMessageAt!: Date | null;
}
