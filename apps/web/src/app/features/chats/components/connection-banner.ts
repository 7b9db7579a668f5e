import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { ConnectionState } from '../../../core/realtime/chat-socket.service';

/** Shown while the live connection is down; messages typed meanwhile wait for it. */
@Component({
  selector: 'app-connection-banner',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (state() === 'reconnecting') {
      <div class="banner" role="status">
        <span class="spinner" aria-hidden="true"></span>
        <span
          ><strong>Reconnecting…</strong> Messages you send now will go out once you're back.</span
        >
      </div>
    }
  `,
  styles: `
    .banner {
      display: flex;
      align-items: center;
      justify-content: center;
      gap: 0.6rem;
      padding: 0.5rem 1rem;
      background: var(--warning-soft);
      color: var(--warning-text);
      font-size: 0.875rem;
      text-align: center;
      border-bottom: 1px solid var(--border);
    }
  `,
})
export class ConnectionBanner {
  readonly state = input.required<ConnectionState>();
}
