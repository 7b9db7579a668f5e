import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'app-no-chat-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="empty">
      <div class="art" aria-hidden="true">
        <svg viewBox="0 0 24 24" width="40" height="40">
          <path
            fill="currentColor"
            d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2Zm3 5v2h10V9H7Zm0 4v2h6v-2H7Z"
          />
        </svg>
      </div>
      <h2>Pick a conversation</h2>
      <p>Choose a chat on the left, or press <strong>New chat</strong> to write to someone.</p>
    </section>
  `,
  styles: `
    :host {
      flex: 1;
      display: grid;
      place-items: center;
      padding: 2rem;
    }
    .empty {
      max-width: 22rem;
      text-align: center;
      color: var(--text-2);
    }
    .art {
      display: inline-grid;
      place-items: center;
      width: 5rem;
      height: 5rem;
      margin-bottom: 1rem;
      border-radius: 1.5rem;
      background: var(--accent-soft);
      color: var(--accent);
    }
    h2 {
      margin-bottom: 0.4rem;
      color: var(--text);
      font-size: 1.2rem;
    }
  `,
})
export class NoChatPage {}
