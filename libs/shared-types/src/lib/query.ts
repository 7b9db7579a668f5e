/** A whole number as a query string carries it: decimal digits only (no sign, hex, exponent or space). */
const DECIMAL_INT = /^[0-9]{1,15}$/;

/** `text` as a whole number when it is written in decimal digits only, else null. */
export function parseDecimalInt(text: string): number | null {
  return DECIMAL_INT.test(text) ? Number(text) : null;
}

/** Whether `value` is a whole number (a JavaScript number) from `min` to `max`. */
export function isWholeNumberIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** How a failed isWholeNumberIn reads, after the field's name. */
export function wholeNumberRule(min: number, max: number): string {
  return `must be a whole number from ${min} to ${max}`;
}
