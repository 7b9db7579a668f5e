import {
  ChangeDetectionStrategy,
  Component,
  OnDestroy,
  computed,
  effect,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { Title } from '@angular/platform-browser';
import { NavigationEnd, Router, RouterOutlet } from '@angular/router';
import { GLOBAL_CHAT_ID, type Chat } from '@chat/shared-types';
import { filter, map } from 'rxjs';
import { AuthService } from '../../../core/auth/auth.service';
import { SessionStore } from '../../../core/auth/session.store';
import { ChatSocketService } from '../../../core/realtime/chat-socket.service';
import { Avatar } from '../../../shared/avatar';
import { listTime } from '../../../shared/format-time';
import { ChatList, type ChatListItem } from '../components/chat-list';
import { ConnectionBanner } from '../components/connection-banner';
import { describeFiles } from '../attachments/file-format';
import { UploadQueue } from '../attachments/upload-queue.service';
import { SearchPanel } from '../components/search-panel';
import { ChatsStore } from '../data/chats.store';
import { MessagesStore } from '../data/messages.store';
import { PresenceWatch } from '../data/presence-watch.service';
import { SendQueue } from '../data/send-queue.service';
import { TypingService } from '../data/typing.service';
import { UnreadService } from '../data/unread.service';

const APP_TITLE = 'Chat';

/**
 * The signed-in frame: the chat list beside the open chat (stacked on narrow screens). It owns
 * the session's live connection and stores, so signing out drops them all.
 */
@Component({
  selector: 'app-chats-shell-page',
  imports: [RouterOutlet, ChatList, ConnectionBanner, Avatar, SearchPanel],
  providers: [
    ChatSocketService,
    UnreadService,
    ChatsStore,
    UploadQueue,
    SendQueue,
    MessagesStore,
    TypingService,
    PresenceWatch,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './chats-shell-page.html',
  styleUrl: './chats-shell-page.css',
})
export class ChatsShellPage implements OnDestroy {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly title = inject(Title);
  private readonly session = inject(SessionStore);
  private readonly unread = inject(UnreadService);
  private readonly typing = inject(TypingService);
  protected readonly socket = inject(ChatSocketService);
  protected readonly store = inject(ChatsStore);

  protected readonly user = this.session.user;

  private readonly url = toSignal(
    this.router.events.pipe(
      filter((event) => event instanceof NavigationEnd),
      map(() => this.router.url),
    ),
    { initialValue: this.router.url },
  );

  /** The search panel shows results in place of the chat list. */
  protected readonly searching = signal(false);

  protected readonly activeChatId = computed(() => {
    const segments = this.router.parseUrl(this.url()).root.children['primary']?.segments ?? [];
    return segments[0]?.path === 'chats' ? (segments[1]?.path ?? null) : null;
  });

  protected readonly activeChatTitle = computed(() => {
    const id = this.activeChatId();
    return (id && this.store.chat(id)?.title) ?? '';
  });

  /** Something other than the list fills the screen on a phone. */
  protected readonly detailOpen = computed(() => {
    const path = this.router.parseUrl(this.url()).root.children['primary']?.segments ?? [];
    return path.length > 0;
  });

  protected readonly items = computed<ChatListItem[]>(() => {
    const me = this.session.userId();
    const active = this.activeChatId();
    const counts = this.unread.counts();
    const now = new Date();
    return this.store.chats().map((chat) => this.toItem(chat, me, active, counts, now));
  });

  protected readonly onlyGlobalChat = computed(
    () => this.store.status() === 'ready' && this.store.chats().length <= 1,
  );

  constructor() {
    const token = this.session.token();
    if (token) this.socket.connect(token);

    this.socket
      .on('session')
      .pipe(takeUntilDestroyed())
      .subscribe(({ user }) => this.session.updateUser(user));

    effect(() => {
      if (this.socket.state() === 'unauthorized') this.auth.expire();
    });
    this.session.signedOutElsewhere$
      .pipe(takeUntilDestroyed())
      .subscribe(() => void this.router.navigateByUrl('/login'));
    effect(() => {
      const total = this.unread.total();
      this.title.setTitle(total > 0 ? `(${total}) ${APP_TITLE}` : APP_TITLE);
    });
  }

  ngOnDestroy(): void {
    this.title.setTitle(APP_TITLE);
  }

  protected newChat(): void {
    void this.router.navigateByUrl('/new');
  }

  protected newGroup(): void {
    void this.router.navigateByUrl('/new-group');
  }

  protected logout(): void {
    void this.auth.logout();
  }

  private toItem(
    chat: Chat,
    me: string,
    activeId: string | null,
    counts: ReadonlyMap<string, number>,
    now: Date,
  ): ChatListItem {
    const peer = chat.kind === 'direct' ? chat.members.find((m) => m.id !== me) : undefined;
    const typists = this.typing.typingIn(chat.id);
    const last = chat.lastMessage;
    let preview = chat.id === GLOBAL_CHAT_ID ? 'Everyone is here. Say hello!' : 'No messages yet';
    if (typists.length > 0) {
      const name = chat.members.find((m) => m.id === typists[0])?.fullName.split(' ')[0];
      preview = chat.kind === 'direct' || !name ? 'typing…' : `${name} is typing…`;
    } else if (last) {
      const author = last.system
        ? ''
        : last.senderId === me
          ? 'You: '
          : chat.kind === 'direct'
            ? ''
            : `${last.senderName.split(' ')[0]}: `;
      const text = last.content.replace(/\s+/g, ' ').trim() || describeFiles(last.attachments);
      preview = last.deleted ? 'Message deleted' : author + text;
    }
    return {
      id: chat.id,
      title: chat.title,
      kind: chat.kind,
      online: peer ? peer.online : null,
      peerId: peer?.id ?? '',
      preview,
      typing: typists.length > 0,
      time: last ? listTime(last.createdAt, now) : null,
      timestamp: last?.createdAt ?? null,
      unread: counts.get(chat.id) ?? 0,
      active: chat.id === activeId,
    };
  }
}
