import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** The "×" of close and dismiss buttons; decorative (the button carries the name). */
@Component({
  selector: 'app-close-icon',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'aria-hidden': 'true', style: 'display: inline-grid' },
  template: `
    <svg viewBox="0 0 24 24" [attr.width]="size()" [attr.height]="size()">
      <path
        fill="currentColor"
        d="m6.4 5 5.6 5.6L17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z"
      />
    </svg>
  `,
})
export class CloseIcon {
  readonly size = input(20);
}
