import { DOCUMENT, Injectable, inject } from '@angular/core';
import { Observable, distinctUntilChanged, fromEvent, map, shareReplay, startWith } from 'rxjs';

/** Whether the user can see this tab (document.visibilityState), as an observable. */
@Injectable({ providedIn: 'root' })
export class PageVisibility {
  private readonly document = inject(DOCUMENT);

  readonly visible$: Observable<boolean> = fromEvent(this.document, 'visibilitychange').pipe(
    startWith(null),
    map(() => this.document.visibilityState !== 'hidden'),
    distinctUntilChanged(),
    shareReplay({ bufferSize: 1, refCount: true }),
  );
}
