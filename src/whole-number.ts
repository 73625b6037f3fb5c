// "A whole number in a range": the check made of every count, size and option that must be an
// integer, and the words its error uses, so that all of them say it the same way. Each caller
// throws its own error (UsageError, SystemError, PeripheralError, RangeError) and shows the value
// as its user gave it.

const LOWEST = Number.MIN_SAFE_INTEGER;
const HIGHEST = Number.MAX_SAFE_INTEGER;

/** Whether v is a safe integer from min to max. */
export function isWholeIn(v: unknown, min = LOWEST, max = HIGHEST): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= min && v <= max;
}

/** What such a number must be: "a whole number", "a whole number ≥ 1", or "a whole number from 0
 *  to 65535". */
export function wholeNumberIn(min = LOWEST, max = HIGHEST): string {
  if (max < HIGHEST) return `a whole number from ${min} to ${max}`;
  return min > LOWEST ? `a whole number ≥ ${min}` : "a whole number";
}
