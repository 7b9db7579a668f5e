import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

/** A page's way back to the chat list on a phone; beside the list (wide screens) it hides. */
@Component({
  selector: 'app-back-to-chats',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <a class="icon-btn" routerLink="/" aria-label="Back to chats">
      <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22">
        <path fill="currentColor" d="M15.4 5.4 14 4l-8 8 8 8 1.4-1.4L8.8 12z" />
      </svg>
    </a>
  `,
  styles: `
    @media (min-width: 721px) {
      :host {
        display: none;
      }
    }
  `,
})
export class BackToChats {}
