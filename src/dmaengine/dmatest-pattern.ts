// The buffer patterns of Linux's dmatest (drivers/dma/dmatest.c) and their verification. Every
// source byte has bit 7 set, every destination byte bit 7 clear; bit 6 marks the bytes the DMA
// is to copy, bit 5 the destination bytes it is to overwrite; the low five bits are the inverse
// of a counter that grows by one per byte address. A byte out of place therefore tells whether
// it was not copied, copied where it should not have been, or is plain garbage.

export const PATTERN_SRC = 0x80;
export const PATTERN_DST = 0x00;
export const PATTERN_COPY = 0x40;
export const PATTERN_OVERWRITE = 0x20;
export const PATTERN_COUNT_MASK = 0x1f;

/** Mismatches printed per verified range; the rest are counted as suppressed. */
export const MAX_ERROR_COUNT = 32;

const hex2 = (v: number) => v.toString(16).padStart(2, "0");

function gen_inv_idx(index: number): number {
  return ~index & PATTERN_COUNT_MASK;
}

/** dmatest_init_srcs: the source buffer before a test copying [start, start + len). */
export function dmatest_init_srcs(bufSize: number, start: number, len: number): Uint8Array {
  const buf = new Uint8Array(bufSize);
  for (let i = 0; i < bufSize; i++) {
    buf[i] = PATTERN_SRC | gen_inv_idx(i) | (i >= start && i < start + len ? PATTERN_COPY : 0);
  }
  return buf;
}

/** dmatest_init_dsts: the destination buffer before a test overwriting [start, start + len). */
export function dmatest_init_dsts(bufSize: number, start: number, len: number): Uint8Array {
  const buf = new Uint8Array(bufSize);
  for (let i = 0; i < bufSize; i++) {
    buf[i] = PATTERN_DST | gen_inv_idx(i) | (i >= start && i < start + len ? PATTERN_OVERWRITE : 0);
  }
  return buf;
}

/** dmatest_mismatch: the line Linux prints for one wrong byte. */
export function dmatest_mismatch(thread: string, actual: number, pattern: number, index: number, counter: number, isSrcbuf: boolean): string {
  const diff = actual ^ pattern;
  const expected = pattern | gen_inv_idx(counter);
  const at = `0x${index.toString(16)}`;
  const what = `Expected ${hex2(expected)}, got ${hex2(actual)}`;
  if (isSrcbuf) return `${thread}: srcbuf[${at}] overwritten! ${what}`;
  if (pattern & PATTERN_COPY && diff & (PATTERN_COPY | PATTERN_OVERWRITE)) return `${thread}: dstbuf[${at}] not copied! ${what}`;
  if (diff & PATTERN_SRC) return `${thread}: dstbuf[${at}] was copied! ${what}`;
  return `${thread}: dstbuf[${at}] mismatch! ${what}`;
}

/** dmatest_verify: checks buf[start, end) against `pattern` with the counter starting at
 *  `counter`; reports up to MAX_ERROR_COUNT mismatches through `warn` and returns how many
 *  bytes were wrong. */
export function dmatest_verify(
  thread: string, buf: Uint8Array, start: number, end: number, counter: number, pattern: number, isSrcbuf: boolean,
  warn: (line: string) => void,
): number {
  let errors = 0;
  for (let i = start; i < end; i++, counter++) {
    const actual = buf[i];
    if (actual !== (pattern | gen_inv_idx(counter))) {
      if (errors < MAX_ERROR_COUNT) warn(dmatest_mismatch(thread, actual, pattern, i, counter, isSrcbuf));
      errors++;
    }
  }
  if (errors > MAX_ERROR_COUNT) warn(`${thread}: ${errors - MAX_ERROR_COUNT} errors suppressed`);
  return errors;
}
