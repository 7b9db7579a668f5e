import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('chat_members')
@Index(['userId'])
export class ChatMemberEntity {
  @PrimaryColumn({ name: 'chat_id', type: 'text' })
  chatId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  /** bigint as string; null until the member reads anything. */
  @Column({ name: 'last_read_id', type: 'bigint', nullable: true })
  lastReadId!: string | null;

  @CreateDateColumn({ name: 'joined_at', type: 'timestamptz' })
  joinedAt!: Date;
}
