export type FaultKind = 'api-killed' | 'postgres-stopped' | 'postgres-terminated' | 'redis-stopped';

export interface Fault {
  kind: FaultKind;
  at: number;
}

/** The faults injected into a deployment, so a scenario can tell what happened meanwhile. */
export class Timeline {
  readonly faults: Fault[] = [];

  record(kind: FaultKind): void {
    this.faults.push({ kind, at: Date.now() });
  }

  between(from: number, to: number, kind?: FaultKind): Fault[] {
    return this.faults.filter(
      (fault) => fault.at >= from && fault.at <= to && (!kind || fault.kind === kind),
    );
  }
}
