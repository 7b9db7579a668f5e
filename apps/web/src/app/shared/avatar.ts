import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

const HUES = [212, 262, 330, 12, 36, 150, 178, 288];

/** Initials on a colour picked from the id; a dot when presence is known. Decorative. */
@Component({
  selector: 'app-avatar',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    'aria-hidden': 'true',
    '[class.large]': 'size() === "large"',
    '[class.global]': 'kind() === "global"',
    '[class.group]': 'kind() === "group"',
    '[style.--avatar-hue]': 'hue()',
  },
  template: `
    {{ initials() }}
    @if (online() !== null) {
      <span class="presence" [class.on]="online()"></span>
    }
  `,
  styleUrl: './avatar.css',
})
export class Avatar {
  readonly name = input.required<string>();
  readonly id = input<string>('');
  readonly online = input<boolean | null>(null);
  /** A group's initials sit on a rounded square, a person's on a circle. */
  readonly kind = input<'person' | 'group' | 'global'>('person');
  readonly size = input<'normal' | 'large'>('normal');

  protected readonly initials = computed(() => {
    if (this.kind() === 'global') return '#';
    const words = this.name().trim().split(/\s+/).filter(Boolean);
    const letters = words.length > 1 ? [words.at(0), words.at(-1)] : words;
    return letters.map((word) => word?.[0]?.toUpperCase() ?? '').join('') || '?';
  });

  protected readonly hue = computed(() => {
    const seed = this.id() || this.name();
    let hash = 0;
    for (const char of seed) hash = (hash * 31 + char.charCodeAt(0)) | 0;
    return HUES[Math.abs(hash) % HUES.length];
  });
}
