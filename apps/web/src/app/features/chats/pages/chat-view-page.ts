import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  OnDestroy,
  afterNextRender,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { GLOBAL_CHAT_ID, type MessageRef } from '@chat/shared-types';
import { SessionStore } from '../../../core/auth/session.store';
import { Avatar } from '../../../shared/avatar';
import { BackToChats } from '../../../shared/back-to-chats';
import { FileDrop } from '../attachments/file-drop';
import { UploadQueue } from '../attachments/upload-queue.service';
import { Composer } from '../components/composer';
import { GroupPanel } from '../components/group-panel';
import { MemberList } from '../components/member-list';
import {
  MessageList,
  type EditRequest,
  type MemberRead,
  type ReactRequest,
} from '../components/message-list';
import { ChatsStore } from '../data/chats.store';
import { MessagesStore } from '../data/messages.store';
import { SendQueue } from '../data/send-queue.service';
import { TypingService } from '../data/typing.service';
import { UnreadService } from '../data/unread.service';

/** One open chat (/chats/:id): header, conversation, composer. */
@Component({
  selector: 'app-chat-view-page',
  imports: [
    RouterLink,
    Avatar,
    BackToChats,
    MessageList,
    Composer,
    MemberList,
    GroupPanel,
    FileDrop,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './chat-view-page.html',
  styleUrl: './chat-view-page.css',
})
export class ChatViewPage implements OnDestroy {
  private readonly session = inject(SessionStore);
  private readonly chats = inject(ChatsStore);
  private readonly messages = inject(MessagesStore);
  private readonly sendQueue = inject(SendQueue);
  private readonly uploadQueue = inject(UploadQueue);
  private readonly typing = inject(TypingService);
  private readonly unread = inject(UnreadService);
  private readonly router = inject(Router);
  private readonly composer = viewChild(Composer);
  private readonly detailsToggle = viewChild<ElementRef<HTMLButtonElement>>('detailsToggle');

  /** The route's `:id`. */
  readonly id = input.required<string>();
  /** `?at=<messageId>`: open the chat at this message (a search hit) and mark it. */
  readonly at = input<string | undefined>();

  protected readonly me = computed(() => {
    const user = this.session.user();
    return { id: user?.id ?? '', fullName: user?.fullName ?? '' };
  });
  protected readonly chat = computed(() => this.chats.chat(this.id()));
  protected readonly history = computed(() => this.messages.history(this.id()));
  protected readonly entries = computed(() => this.messages.conversation(this.id(), this.me())());
  protected readonly peer = computed(() => {
    const chat = this.chat();
    return chat?.kind === 'direct' ? chat.members.find((m) => m.id !== this.me().id) : undefined;
  });
  protected readonly isGlobal = computed(() => this.id() === GLOBAL_CHAT_ID);
  protected readonly title = computed(
    () => this.chat()?.title ?? (this.isGlobal() ? 'All' : 'Chat'),
  );
  protected readonly peerReadUpTo = computed(() => this.chats.peerReadUpTo(this.id()));
  protected readonly group = computed(() => {
    const chat = this.chat();
    return chat?.kind === 'group' ? chat : null;
  });
  /** Set when the user was removed from this group (or left it elsewhere) while it was open. */
  protected readonly removedTitle = computed(() => this.chats.removedTitle(this.id()));
  /** A group's read marks, named from its member list, for "Seen by N". */
  protected readonly memberReads = computed<MemberRead[] | null>(() => {
    const group = this.group();
    if (!group) return null;
    const reads = this.chats.memberReads(group.id);
    const names = new Map(group.members.map((member) => [member.id, member.fullName]));
    // A complete member list leaves out those who have left; a large group's names only some.
    return Object.entries(reads)
      .filter(([id]) => names.has(id) || !group.membersComplete)
      .map(([id, upToId]) => ({ id, upToId, name: names.get(id) ?? 'Someone' }));
  });
  protected readonly unavailable = computed(() => {
    const history = this.history();
    return history?.status === 'error' && history.messages.length === 0;
  });

  protected readonly typingLine = computed(() => {
    const chat = this.chat();
    const ids = this.typing.typingIn(this.id());
    if (ids.length === 0) return null;
    if (chat?.kind === 'direct') return 'typing…';
    const names = ids.map(
      (id) => chat?.members.find((m) => m.id === id)?.fullName.split(' ')[0] ?? 'Someone',
    );
    if (names.length === 1) return `${names[0]} is typing…`;
    if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
    return `${names.length} people are typing…`;
  });

  protected readonly subtitle = computed(() => {
    const chat = this.chat();
    if (!chat) return '';
    if (chat.kind !== 'direct') {
      const count = chat.memberCount.toLocaleString('en-US');
      return chat.memberCount === 1 ? '1 member' : `${count} members`;
    }
    return this.peer()?.online ? 'online' : 'offline';
  });

  protected readonly notice = computed(() => {
    const notice = this.sendQueue.notice();
    return notice?.chatId === this.id() ? notice.text : null;
  });
  /** Files in the composer, uploading or uploaded, waiting for the message that takes them. */
  protected readonly uploads = computed(() => this.uploadQueue.draftIn(this.id()));
  protected readonly sendError = signal<string | null>(null);
  /** The member list of `All`, shown beside its conversation on demand. */
  protected readonly showMembers = signal(false);
  /** A group's details panel. */
  protected readonly showDetails = signal(false);
  /** The message the composer's next message answers. */
  protected readonly replyingTo = signal<MessageRef | null>(null);
  private readonly atBottom = signal(true);

  constructor() {
    effect(() => {
      const id = this.id();
      const at = this.at();
      untracked(() => {
        this.sendError.set(null);
        this.showDetails.set(false);
        this.replyingTo.set(null);
        if (at) void this.messages.openAt(id, at);
        else if (this.messages.history(id)?.hasMoreAfter) void this.messages.openLatest(id);
        else void this.messages.open(id);
      });
    });

    // Tell the unread counter what is on screen: this chat, read as far as its newest message
    // once the user is at the bottom.
    effect(() => {
      const chatId = this.id();
      if (this.removedTitle() !== null) {
        this.unread.setViewing(null);
        return;
      }
      const stored = this.history()?.messages;
      const newest = stored?.at(-1)?.id ?? null;
      this.unread.setViewing({ chatId, seenUpToId: this.atBottom() ? newest : null });
    });

    afterNextRender(() => {
      if (matchMedia('(pointer: fine)').matches) this.composer()?.focus();
    });

    let previousChat: string | null = null;
    effect(() => {
      const id = this.id();
      if (previousChat && previousChat !== id) this.typing.userStopped(previousChat);
      previousChat = id;
    });
  }

  ngOnDestroy(): void {
    this.typing.userStopped(this.id());
    this.unread.setViewing(null);
  }

  protected closeDetails(): void {
    this.showDetails.set(false);
    this.detailsToggle()?.nativeElement.focus();
  }

  protected onAtBottom(atBottom: boolean): void {
    this.atBottom.set(atBottom);
  }

  protected loadOlder(): void {
    void this.messages.loadOlder(this.id());
  }

  protected loadNewer(): void {
    void this.messages.loadNewer(this.id());
  }

  /** Leaves a window opened at a search hit for the newest messages. */
  protected showLatest(): void {
    if (this.at()) void this.router.navigate(['/chats', this.id()]);
    else void this.messages.openLatest(this.id());
  }

  protected retryLoad(): void {
    void this.messages.open(this.id());
  }

  protected send(content: string): void {
    this.typing.userStopped(this.id());
    if (this.history()?.hasMoreAfter) this.showLatest();
    const result = this.sendQueue.send(this.id(), content, this.replyingTo(), true);
    this.sendError.set(result.ok ? null : result.error);
    if (result.ok) this.replyingTo.set(null);
  }

  /** Files picked, pasted or dropped start uploading in the composer. */
  protected attachFiles(files: File[]): void {
    this.sendError.set(this.uploadQueue.add(this.id(), files));
    this.composer()?.focus();
  }

  protected startReply(quote: MessageRef): void {
    this.replyingTo.set(quote);
    this.composer()?.focus();
  }

  protected editMessage(request: EditRequest): void {
    void this.messages
      .edit(this.id(), request.messageId, request.content)
      .then((error) => this.report(error));
  }

  protected deleteMessage(messageId: string): void {
    if (this.replyingTo()?.id === messageId) this.replyingTo.set(null);
    void this.messages.remove(this.id(), messageId).then((error) => this.report(error));
  }

  protected react(request: ReactRequest): void {
    void this.messages
      .react(this.id(), request.messageId, request.emoji, request.on)
      .then((error) => this.report(error));
  }

  /** An action's refusal goes where send errors go (above the composer, dismissable). */
  private report(error: string | null): void {
    this.sendError.set(error);
  }

  protected retry(clientId: string): void {
    this.sendQueue.retry(clientId);
  }

  protected discard(clientId: string): void {
    this.sendQueue.discard(clientId);
  }

  protected onTyping(): void {
    this.typing.userTyped(this.id());
  }

  protected onStoppedTyping(): void {
    this.typing.userStopped(this.id());
  }

  protected dismissNotice(): void {
    this.sendError.set(null);
    this.sendQueue.dismissNotice();
  }
}
