import { appendFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** Global setup names the folder every spec file appends its results to. */
export const REPORT_DIR_ENV = 'SECURITY_E2E_REPORT_DIR';

export const AREAS = [
  'Authorization',
  'Tokens',
  'Origins',
  'Throttling',
  'Enumeration',
  'Hostile input',
  'Fuzzing',
  'Browser headers',
  'Passwords',
  'Logs',
] as const;
export type Area = (typeof AREAS)[number];

/** One attack vector as it was tried, what came back, and whether that was right. */
export interface VectorRecord {
  kind: 'vector';
  spec: string;
  area: Area;
  vector: string;
  /** What the API should answer, in a few words. */
  expected: string;
  attempts: number;
  /** Attempts the API refused (for controls that must succeed this stays 0). */
  denied: number;
  /** Answers or events that carried something the caller must not see. */
  leaks: number;
  /** Times the API process died or stopped answering. */
  crashes: number;
  /** What came back, tallied: `401 unauthorized ×24; 403 forbidden ×3`. */
  observed: string;
  /** A measurement (latency, memory, timing difference), when the vector has one. */
  figure: string;
  pass: boolean;
  /** The first problems found, with what was sent and what came back. */
  problems: string[];
}

/** Written once per spec file, in afterAll, so teardown knows the file ran to its end. */
export interface FileRecord {
  kind: 'file';
  spec: string;
  durationMs: number;
}

export type ReportLine = VectorRecord | FileRecord;

const MAX_PROBLEMS_KEPT = 12;

function currentSpec(): string {
  const path = expect.getState().testPath;
  return path ? basename(path).replace(/\.spec\.ts$/, '') : 'unknown';
}

function append(line: ReportLine): void {
  const dir = process.env[REPORT_DIR_ENV];
  if (!dir) throw new Error(`${REPORT_DIR_ENV} is not set: run through the security-e2e config`);
  appendFileSync(join(dir, `${line.spec}.jsonl`), `${JSON.stringify(line)}\n`);
}

export function recordFileDone(spec: string, durationMs: number): void {
  append({ kind: 'file', spec, durationMs });
}

/**
 * Collects one vector's attempts. Tests call `attempt` for each try, `deny`/`leak`/`problem`
 * as they judge the answers, then `finish()`: it records the vector for docs/security.md and
 * fails the test with the list of problems, if there is any.
 */
export class Vector {
  attempts = 0;
  denied = 0;
  leaks = 0;
  crashes = 0;
  figure = '';
  readonly problems: string[] = [];
  private readonly tally = new Map<string, number>();
  private problemCount = 0;

  constructor(
    readonly area: Area,
    readonly name: string,
    readonly expected: string,
  ) {}

  /** Counts one attempt and what it came back with (`401 unauthorized`, `connect_error …`). */
  saw(outcome: string, denied: boolean): void {
    this.attempts += 1;
    if (denied) this.denied += 1;
    this.tally.set(outcome, (this.tally.get(outcome) ?? 0) + 1);
  }

  problem(description: string): void {
    this.problemCount += 1;
    if (this.problems.length < MAX_PROBLEMS_KEPT) this.problems.push(description);
  }

  leak(description: string): void {
    this.leaks += 1;
    this.problem(`LEAK: ${description}`);
  }

  crash(description: string): void {
    this.crashes += 1;
    this.problem(`CRASH: ${description}`);
  }

  /** Checks `condition`; when false, notes `description` as a problem. */
  require(condition: boolean, description: string): boolean {
    if (!condition) this.problem(description);
    return condition;
  }

  get observed(): string {
    return [...this.tally.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([outcome, count]) => (count > 1 ? `${outcome} ×${count}` : outcome))
      .join('; ');
  }

  /** Records the vector, then fails the test when a problem was found. */
  finish(): void {
    this.record();
    expect({ vector: this.name, problems: this.problems }).toEqual({
      vector: this.name,
      problems: [],
    });
  }

  /** Records the vector for the report without judging it (see finishAll). */
  record(): void {
    const extra = this.problemCount - this.problems.length;
    if (extra > 0) this.problems.push(`… and ${extra} more`);
    append({
      kind: 'vector',
      spec: currentSpec(),
      area: this.area,
      vector: this.name,
      expected: this.expected,
      attempts: this.attempts,
      denied: this.denied,
      leaks: this.leaks,
      crashes: this.crashes,
      observed: this.observed,
      figure: this.figure,
      pass: this.problemCount === 0,
      problems: [...this.problems],
    });
  }
}

/** Records every vector of one test, then fails it with all their problems. */
export function finishAll(...vectors: Vector[]): void {
  for (const vector of vectors) vector.record();
  expect(vectors.map((v) => ({ vector: v.name, problems: v.problems }))).toEqual(
    vectors.map((v) => ({ vector: v.name, problems: [] })),
  );
}
