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
import { Receipt, type ReceiptState } from './receipt';

interface MessageRow {
  entry: ConversationEntry;
  own: boolean;
  /** Set on the first message of a day. */
  day: string | null;
  startsGroup: boolean;
  time: string;
  receipt: ReceiptState | null;
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
  imports: [Receipt],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './message-list.html',
  styleUrl: './message-list.css',
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

  readonly loadOlder = output<void>();
  readonly loadNewer = output<void>();
  /** "Jump to latest" while the newest messages are not loaded. */
  readonly latest = output<void>();
  readonly atBottomChange = output<boolean>();
  readonly retry = output<string>();
  readonly discard = output<string>();

  private readonly destroyRef = inject(DestroyRef);
  private readonly log = viewChild.required<ElementRef<HTMLElement>>('log');
  private snapshot: ScrollSnapshot | null = null;
  /** The focusId already scrolled to (in its chat), so later renders leave the scroll alone. */
  private focused: string | null = null;
  protected readonly atBottom = signal(true);

  protected readonly rows = computed<MessageRow[]>(() => {
    const me = this.me();
    const peerRead = this.peerReadUpTo();
    const receipts = this.receipts();
    const now = new Date();
    let previous: ConversationEntry | undefined;
    return this.entries().map((entry) => {
      const newDay = !previous || !sameDay(previous.createdAt, entry.createdAt);
      const startsGroup =
        newDay ||
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
    }
    this.record(chatId, first, last);
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
