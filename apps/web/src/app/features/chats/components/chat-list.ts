import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { LIMITS, type ChatKind } from '@chat/shared-types';
import { Avatar } from '../../../shared/avatar';

export interface ChatListItem {
  id: string;
  title: string;
  kind: ChatKind;
  /** The peer's presence in a direct chat; null for the global chat and groups. */
  online: boolean | null;
  peerId: string;
  preview: string;
  typing: boolean;
  time: string | null;
  timestamp: string | null;
  unread: number;
  active: boolean;
}

/**
 * The chat list. Each link's accessible name is the chat's title alone; the preview, time and
 * unread badge sit beside it, and the link stretches over the whole row for pointer users.
 */
@Component({
  selector: 'app-chat-list',
  imports: [RouterLink, Avatar],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './chat-list.html',
  styleUrl: './chat-list.css',
})
export class ChatList {
  readonly items = input.required<readonly ChatListItem[]>();
  /** The server counts unread messages exactly up to this; above it the badge says `999+`. */
  protected readonly unreadMax = LIMITS.unreadMax;
}
