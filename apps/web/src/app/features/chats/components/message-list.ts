import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  afterNextRender,
  afterRenderEffect,
  computed,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { clockTime, dayLabel, sameDay } from '../../../shared/format-time';
import type { ConversationEntry } from '../data/messages.store';
import { compareIds } from '../data/message-order';
import type { MessageRef } from '@chat/shared-types';
import { ImageViewer, type ViewerImage } from '../attachments/image-viewer';
import { MessageAttachments } from '../attachments/message-attachments';
import { MessageMenu, type MessageAction } from './message-menu';
import { Receipt, type ReceiptState } from './receipt';

/** A reaction chip: the emoji, how many set it, and whether the user is one of them. */
export interface ReactionChip {
  emoji: string;
  count: number;
  mine: boolean;
}

export interface EditRequest {
  messageId: string;
  content: string;
}

/** A group member's read mark, for "Seen by N" under our newest message. */
export interface MemberRead {
  id: string;
  name: string;
  upToId: string;
}

export interface ReactRequest {
  messageId: string;
  emoji: string;
  on: boolean;
}

const LONG_PRESS_MS = 500;
const MENU_ROOM_PX = 300;
const EXCERPT_MAX = 200;

/** The names of the members (not `me`) whose read mark is at or past `messageId`, by name. */
export function readersOf(reads: readonly MemberRead[], messageId: string, me: string): string[] {
  return reads
    .filter((read) => read.id !== me && compareIds(read.upToId, messageId) >= 0)
    .map((read) => read.name)
    .sort((a, b) => a.localeCompare(b));
}

/** The quote a reply to `entry` carries while it is being written. */
export function refOf(entry: ConversationEntry): MessageRef {
  return {
    id: entry.id ?? '',
    senderId: entry.senderId,
    senderName: entry.senderName,
    excerpt: [...entry.content].slice(0, EXCERPT_MAX).join(''),
    deleted: entry.deleted,
  };
}

interface MessageRow {
  entry: ConversationEntry;
  own: boolean;
  /** Set on the first message of a day. */
  day: string | null;
  startsGroup: boolean;
  time: string;
  receipt: ReceiptState | null;
  /** Stored and not deleted: it has a menu. */
  actionable: boolean;
  reactions: ReactionChip[];
  mineEmoji: string[];
  /** In a group, under our newest message: who has read it (names). */
  seenBy: string[];
}

interface ScrollSnapshot {
  chatId: string;
  first: string | null;
  last: string | null;
  height: number;
  top: number;
  atBottom: boolean;
  /** The window ended short of the newest message (hasMoreAfter). */
  detached: boolean;
}

const GROUP_GAP_MS = 5 * 60 * 1000;
const BOTTOM_SLACK_PX = 48;
const LOAD_OLDER_WITHIN_PX = 160;
const LOAD_NEWER_WITHIN_PX = 160;

/**
 * The conversation (a `log` region): newest at the bottom, earlier pages loaded when scrolled
 * near the top without moving what the user is reading, and kept at the bottom while the
 * user is there. Content is rendered as text only.
 */
@Component({
  selector: 'app-message-list',
  imports: [Receipt, MessageMenu, MessageAttachments, ImageViewer],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './message-list.html',
  // The conversation's layout, and what message actions add to it (each within the style budget).
  styleUrls: ['./message-list.css', './message-actions.css', './message-notes.css'],
})
export class MessageList {
  readonly chatId = input.required<string>();
  readonly entries = input.required<readonly ConversationEntry[]>();
  readonly me = input.required<string>();
  readonly loading = input(false);
  readonly hasMore = input(false);
  readonly loadingOlder = input(false);
  /** Newer messages exist than those shown (opened at a search hit): loaded when scrolled down. */
  readonly hasMoreAfter = input(false);
  readonly loadingNewer = input(false);
  /** A message to scroll to and mark (a search hit), once it is shown. */
  readonly focusId = input<string | null>(null);
  /** Direct chats show whether the other member has read our messages. */
  readonly receipts = input(false);
  readonly peerReadUpTo = input<string | null>(null);
  /** Groups: how far each other member has read, for "Seen by N" under our newest message. */
  readonly memberReads = input<readonly MemberRead[] | null>(null);

  readonly loadOlder = output<void>();
  readonly loadNewer = output<void>();
  /** "Jump to latest" while the newest messages are not loaded. */
  readonly latest = output<void>();
  readonly atBottomChange = output<boolean>();
  readonly retry = output<string>();
  readonly discard = output<string>();
  readonly reply = output<MessageRef>();
  readonly edit = output<EditRequest>();
  readonly remove = output<string>();
  readonly react = output<ReactRequest>();

  private readonly destroyRef = inject(DestroyRef);
  private readonly log = viewChild.required<ElementRef<HTMLElement>>('log');
  private snapshot: ScrollSnapshot | null = null;
  /** The focusId already scrolled to (in its chat), so later renders leave the scroll alone. */
  private focused: string | null = null;
  protected readonly atBottom = signal(true);
  /** The message whose menu is open, and whether it opens above it (no room below). */
  protected readonly menuFor = signal<{ id: string; above: boolean } | null>(null);
  protected readonly editingId = signal<string | null>(null);
  protected readonly confirmingId = signal<string | null>(null);
  /** A reply's original being brought into view (older pages load until it is there). */
  private readonly jumpTarget = signal<string | null>(null);
  protected readonly flashId = signal<string | null>(null);
  protected readonly status = signal('');
  /** The message whose "Seen by" names are shown (tapped open). */
  protected readonly seenOpen = signal<string | null>(null);
  /** The photo open full size (its attachment id), paging through every photo held. */
  protected readonly viewing = signal<string | null>(null);
  protected readonly photos = computed<ViewerImage[]>(() =>
    this.entries().flatMap((entry) =>
      entry.id === null || entry.deleted
        ? []
        : entry.attachments
            .filter((attachment) => attachment.kind === 'image')
            .map((attachment) => ({
              attachment,
              messageId: entry.id ?? '',
              senderName: entry.senderName,
              createdAt: entry.createdAt,
            })),
    ),
  );
  private pressTimer: ReturnType<typeof setTimeout> | undefined;
  private flashTimer: ReturnType<typeof setTimeout> | undefined;
  private statusTimer: ReturnType<typeof setTimeout> | undefined;

  protected readonly rows = computed<MessageRow[]>(() => {
    const me = this.me();
    const peerRead = this.peerReadUpTo();
    const receipts = this.receipts();
    const reads = this.memberReads();
    const seenAt = reads ? this.newestOwnStored(me) : null;
    const now = new Date();
    let previous: ConversationEntry | undefined;
    return this.entries().map((entry) => {
      const newDay = !previous || !sameDay(previous.createdAt, entry.createdAt);
      const startsGroup =
        newDay ||
        !!previous?.system ||
        previous?.senderId !== entry.senderId ||
        Date.parse(entry.createdAt) - Date.parse(previous.createdAt) > GROUP_GAP_MS;
      previous = entry;
      const own = entry.senderId === me;
      let receipt: ReceiptState | null = null;
      if (own) {
        if (entry.delivery !== 'stored') receipt = entry.delivery;
        else if (receipts && entry.id && peerRead && compareIds(entry.id, peerRead) <= 0) {
          receipt = 'read';
        } else receipt = 'sent';
      }
      return {
        entry,
        own,
        day: newDay ? dayLabel(entry.createdAt, now) : null,
        startsGroup,
        time: clockTime(entry.createdAt),
        receipt,
        actionable:
          entry.delivery === 'stored' && entry.id !== null && !entry.deleted && !entry.system,
        reactions: entry.reactions.map((reaction) => ({
          emoji: reaction.emoji,
          count: reaction.count,
          mine: reaction.userIds.includes(me),
        })),
        mineEmoji: entry.reactions.filter((r) => r.userIds.includes(me)).map((r) => r.emoji),
        seenBy:
          reads && entry.id !== null && entry.id === seenAt ? readersOf(reads, entry.id, me) : [],
      };
    });
  });

  constructor() {
    afterRenderEffect(() => this.afterRowsRendered(this.rows(), this.chatId()));

    afterNextRender(() => {
      const element = this.log().nativeElement;
      if (typeof ResizeObserver === 'undefined') return;
      // A phone's keyboard opening, or the window resized: stay at the bottom if there.
      const observer = new ResizeObserver(() => {
        if (this.snapshot?.atBottom) this.scrollToBottom();
      });
      observer.observe(element);
      this.destroyRef.onDestroy(() => observer.disconnect());
    });
    this.destroyRef.onDestroy(() => {
      clearTimeout(this.pressTimer);
      clearTimeout(this.flashTimer);
      clearTimeout(this.statusTimer);
    });
  }

  protected toggleSeen(id: string | null): void {
    this.seenOpen.set(id === null || this.seenOpen() === id ? null : id);
  }

  private newestOwnStored(me: string): string | null {
    const own = this.entries().filter(
      (entry) => entry.senderId === me && entry.id !== null && !entry.system && !entry.deleted,
    );
    return own.at(-1)?.id ?? null;
  }

  /** Opens the menu of a message (hover button, right-click, long-press, keyboard). */
  protected openMenu(row: MessageRow, event?: Event): void {
    if (!row.actionable || !row.entry.id || this.editingId() === row.entry.id) return;
    event?.preventDefault();
    const item = this.itemOf(row.entry.id);
    const log = this.log().nativeElement.getBoundingClientRect();
    const above =
      !!item &&
      log.bottom - item.getBoundingClientRect().bottom < MENU_ROOM_PX &&
      item.getBoundingClientRect().top - log.top > MENU_ROOM_PX;
    this.confirmingId.set(null);
    this.menuFor.set({ id: row.entry.id, above });
  }

  protected closeMenu(refocus = true): void {
    const open = this.menuFor();
    this.menuFor.set(null);
    if (open && refocus) this.itemOf(open.id)?.focus();
  }

  protected onMessageKeydown(row: MessageRow, event: KeyboardEvent): void {
    if (event.target !== event.currentTarget) return;
    const opens =
      event.key === 'Enter' ||
      event.key === 'ContextMenu' ||
      (event.shiftKey && event.key === 'F10');
    if (opens) this.openMenu(row, event);
  }

  protected onPointerDown(row: MessageRow, event: PointerEvent): void {
    if (event.pointerType !== 'touch') return;
    clearTimeout(this.pressTimer);
    this.pressTimer = setTimeout(() => this.openMenu(row), LONG_PRESS_MS);
  }

  protected cancelPress(): void {
    clearTimeout(this.pressTimer);
  }

  protected onAction(row: MessageRow, action: MessageAction): void {
    const id = row.entry.id;
    if (!id) return;
    this.closeMenu(action.kind !== 'edit' && action.kind !== 'delete');
    switch (action.kind) {
      case 'reply':
        this.reply.emit(refOf(row.entry));
        break;
      case 'react': {
        const mine = row.reactions.some((chip) => chip.emoji === action.emoji && chip.mine);
        this.react.emit({ messageId: id, emoji: action.emoji, on: !mine });
        break;
      }
      case 'edit':
        this.editingId.set(id);
        this.focusLater(id, '.edit-field');
        break;
      case 'delete':
        this.confirmingId.set(id);
        this.focusLater(id, '.confirm .danger');
        break;
      case 'copy':
        void this.copy(row.entry.content);
        break;
    }
  }

  protected toggleReaction(row: MessageRow, chip: ReactionChip): void {
    if (!row.entry.id) return;
    this.react.emit({ messageId: row.entry.id, emoji: chip.emoji, on: !chip.mine });
  }

  protected onEditKeydown(row: MessageRow, field: HTMLTextAreaElement, event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      this.stopEditing(row);
    } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.saveEdit(row, field.value);
    }
  }

  protected saveEdit(row: MessageRow, content: string): void {
    const id = row.entry.id;
    if (!id) return;
    if (content.trim() !== row.entry.content && content.trim().length > 0) {
      this.edit.emit({ messageId: id, content });
    }
    this.stopEditing(row);
  }

  protected stopEditing(row: MessageRow): void {
    this.editingId.set(null);
    if (row.entry.id) this.itemOf(row.entry.id)?.focus();
  }

  protected confirmDelete(row: MessageRow): void {
    this.confirmingId.set(null);
    if (row.entry.id) this.remove.emit(row.entry.id);
    this.log().nativeElement.focus();
  }

  protected cancelDelete(row: MessageRow): void {
    this.confirmingId.set(null);
    if (row.entry.id) this.itemOf(row.entry.id)?.focus();
  }

  /** Scrolls to a reply's original, loading older pages until it is held. */
  protected jumpTo(messageId: string): void {
    this.jumpTarget.set(messageId);
  }

  private async copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.say('Copied');
    } catch {
      this.say("Couldn't copy the text");
    }
  }

  /** A short note in the status line (polite live region), gone after a moment. */
  private say(text: string): void {
    this.status.set(text);
    clearTimeout(this.statusTimer);
    this.statusTimer = setTimeout(() => this.status.set(''), 2500);
  }

  /** Focuses what the next render shows (the edit field, the delete confirmation). */
  private focusLater(id: string, selector: string): void {
    setTimeout(() => {
      const element = this.itemOf(id)?.querySelector<HTMLElement>(selector);
      element?.focus();
      if (element instanceof HTMLTextAreaElement) {
        element.setSelectionRange(element.value.length, element.value.length);
      }
    });
  }

  private itemOf(id: string): HTMLElement | null {
    const items = this.log().nativeElement.querySelectorAll<HTMLElement>('li[data-id]');
    return Array.from(items).find((item) => item.dataset['id'] === id) ?? null;
  }

  /** Brings the jump target into view once it is rendered; asks for older pages until then. */
  private seekJumpTarget(): void {
    const target = this.jumpTarget();
    if (!target) return;
    const element = this.itemOf(target);
    if (element) {
      this.jumpTarget.set(null);
      element.scrollIntoView({ block: 'center' });
      element.focus({ preventScroll: true });
      this.flashId.set(target);
      clearTimeout(this.flashTimer);
      this.flashTimer = setTimeout(() => this.flashId.set(null), 1600);
      return;
    }
    if (!this.hasMore()) {
      this.jumpTarget.set(null);
      this.say('The original message is not available');
    } else if (!this.loadingOlder() && !this.loading()) {
      this.loadOlder.emit();
    }
  }

  protected onScroll(): void {
    this.record();
    const element = this.log().nativeElement;
    if (element.scrollTop < LOAD_OLDER_WITHIN_PX) this.requestOlder();
    const below = element.scrollHeight - element.scrollTop - element.clientHeight;
    if (below < LOAD_NEWER_WITHIN_PX) this.requestNewer();
  }

  protected jumpToLatest(): void {
    if (this.hasMoreAfter()) this.latest.emit();
    else this.scrollToBottom('smooth');
  }

  protected requestNewer(): void {
    if (this.hasMoreAfter() && !this.loadingNewer() && !this.loading()) this.loadNewer.emit();
  }

  protected requestOlder(): void {
    if (this.hasMore() && !this.loadingOlder() && !this.loading()) this.loadOlder.emit();
  }

  private afterRowsRendered(rows: readonly MessageRow[], chatId: string): void {
    const element = this.log().nativeElement;
    const first = rows[0]?.entry.key ?? null;
    const last = rows.at(-1)?.entry.key ?? null;
    const before = this.snapshot;
    const focusKey = `${chatId}\n${this.focusId() ?? ''}`;
    const target = this.focusId()
      ? element.querySelector<HTMLElement>(`[data-id="${CSS.escape(this.focusId() ?? '')}"]`)
      : null;
    if (target && this.focused !== focusKey) {
      this.focused = focusKey;
      target.scrollIntoView({ block: 'center' });
    } else if (!before || before.chatId !== chatId || before.last === null) {
      this.scrollToBottom();
    } else if (last !== before.last) {
      // A newer page below a window short of the tail leaves the reader where they are.
      if (!before.detached && (before.atBottom || rows.at(-1)?.receipt === 'pending')) {
        this.scrollToBottom();
      }
    } else if (first !== before.first) {
      // An earlier page went in above: keep the same messages under the user's eyes.
      element.scrollTop = before.top + (element.scrollHeight - before.height);
    } else if (before.atBottom && element.scrollHeight !== before.height) {
      // A message changed size in place (an upload turning into its photo): stay at the bottom.
      this.scrollToBottom();
    }
    this.record(chatId, first, last);
    this.seekJumpTarget();
    // Not enough history to scroll yet: fetch more until there is.
    if (element.scrollHeight <= element.clientHeight) {
      this.requestOlder();
      this.requestNewer();
    }
  }

  private scrollToBottom(behavior: ScrollBehavior = 'auto'): void {
    const element = this.log().nativeElement;
    element.scrollTo({ top: element.scrollHeight, behavior });
    this.record();
  }

  private record(
    chatId = this.snapshot?.chatId ?? this.chatId(),
    first = this.snapshot?.first ?? null,
    last = this.snapshot?.last ?? null,
  ): void {
    const element = this.log().nativeElement;
    const atBottom =
      element.scrollHeight - element.scrollTop - element.clientHeight <= BOTTOM_SLACK_PX;
    this.snapshot = {
      chatId,
      first,
      last,
      height: element.scrollHeight,
      top: element.scrollTop,
      atBottom,
      detached: this.hasMoreAfter(),
    };
    if (atBottom !== this.atBottom()) {
      this.atBottom.set(atBottom);
      this.atBottomChange.emit(atBottom);
    }
  }
}
