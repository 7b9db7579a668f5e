/**
 * Message contents carry their own bookkeeping: `b|<phase>|<seq>|<sender>|<scheduled ms>|`
 * padded with `x` to CONTENT_LENGTH characters. The scheduled time is performance.now() of
 * the generator, which both sends and receives, so no clocks are compared across processes.
 * The API and the relay carry the same content in the same Message shape.
 */
export const CONTENT_LENGTH = 80;

export function content(phase: number, seq: number, sender: number, scheduledMs: number): string {
  const head = `b|${phase}|${seq}|${sender}|${scheduledMs.toFixed(3)}|`;
  return head.length >= CONTENT_LENGTH ? head : head + 'x'.repeat(CONTENT_LENGTH - head.length);
}

const CONTENT_MARK = Buffer.from('"content":"b|');
const ID_MARK = Buffer.from('"id":"');
const PIPE = 0x7c;
const DOT = 0x2e;
const ZERO = 0x30;

/** What a `message:new` frame carried; one instance is reused to avoid allocations. */
export interface Marker {
  phase: number;
  seq: number;
  sender: number;
  scheduledMs: number;
}

/** Reads the marker of a raw `42["message:new",{...}]` frame into `out`; false if none. */
export function readMarker(frame: Buffer, out: Marker): boolean {
  const at = frame.indexOf(CONTENT_MARK);
  if (at < 0) return false;
  let i = at + CONTENT_MARK.length;
  const fields = [0, 0, 0];
  for (let f = 0; f < 3; f++) {
    let value = 0;
    for (; i < frame.length; i++) {
      const c = frame[i] ?? PIPE;
      if (c === PIPE) break;
      value = value * 10 + (c - ZERO);
    }
    fields[f] = value;
    i++;
  }
  let whole = 0;
  let fraction = 0;
  let scale = 1;
  let inFraction = false;
  for (; i < frame.length; i++) {
    const c = frame[i] ?? PIPE;
    if (c === PIPE) break;
    if (c === DOT) inFraction = true;
    else if (inFraction) {
      fraction = fraction * 10 + (c - ZERO);
      scale *= 10;
    } else whole = whole * 10 + (c - ZERO);
  }
  out.phase = fields[0] ?? 0;
  out.seq = fields[1] ?? 0;
  out.sender = fields[2] ?? 0;
  out.scheduledMs = whole + fraction / scale;
  return true;
}

/** The message id (`"id":"123"`, the first field of a Message) of a raw frame, or 0. */
export function readMessageId(frame: Buffer): number {
  const at = frame.indexOf(ID_MARK);
  if (at < 0) return 0;
  let id = 0;
  for (let i = at + ID_MARK.length; i < frame.length; i++) {
    const c = frame[i] ?? 0;
    if (c < ZERO || c > ZERO + 9) break;
    id = id * 10 + (c - ZERO);
  }
  return id;
}
