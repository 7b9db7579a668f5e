import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

export type ReceiptState = 'pending' | 'failed' | 'sent' | 'read';

interface ReceiptIcon {
  /** The tooltip and the screen-reader text. */
  label: string;
  viewBox: string;
  width: number;
  height: number;
  path: string;
}

const ICONS: Record<Exclude<ReceiptState, 'failed'>, ReceiptIcon> = {
  pending: {
    label: 'Sending',
    viewBox: '0 0 16 16',
    width: 13,
    height: 13,
    path: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13Zm0 1.5a5 5 0 1 1 0 10A5 5 0 0 1 8 3Zm-.75 1.75v3.56l2.72 2.72 1.06-1.06-2.28-2.28V4.75h-1.5Z',
  },
  sent: {
    label: 'Sent',
    viewBox: '0 0 16 16',
    width: 14,
    height: 14,
    path: 'm6.2 11.1-3.3-3.3 1.06-1.06 2.24 2.24 5.8-5.8 1.06 1.06z',
  },
  read: {
    label: 'Read',
    viewBox: '0 0 20 16',
    width: 17,
    height: 14,
    path: 'm5.2 11.1-3.3-3.3 1.06-1.06 2.24 2.24 5.8-5.8 1.06 1.06zm4.6 0-1.1-1.1 1.06-1.06.04.04 5.8-5.8 1.06 1.06z',
  },
};

/**
 * How far one of our own messages got: a clock while sending, a tick once stored, a double
 * tick once the peer has read it (each named for screen readers), or "Not sent".
 */
@Component({
  selector: 'app-receipt',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    class: 'receipt',
    '[class.failed]': 'state() === "failed"',
    '[class.read]': 'state() === "read"',
    '[attr.title]': 'icon()?.label ?? null',
  },
  template: `
    @if (icon(); as icon) {
      <svg
        aria-hidden="true"
        [attr.viewBox]="icon.viewBox"
        [attr.width]="icon.width"
        [attr.height]="icon.height"
      >
        <path fill="currentColor" [attr.d]="icon.path" />
      </svg>
      <span class="sr-only">{{ icon.label }}</span>
    } @else {
      Not sent
    }
  `,
  styleUrl: './receipt.css',
})
export class Receipt {
  readonly state = input.required<ReceiptState>();

  protected readonly icon = computed(() => {
    const state = this.state();
    return state === 'failed' ? null : ICONS[state];
  });
}
