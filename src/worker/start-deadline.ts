// How long a new Web Worker may take to say it has started. A browser reports a worker script
// that cannot be fetched, parsed, linked or evaluated by an `error` event (web-worker.ts ends the
// worker on it), but a worker that ends while its script loads without failing — close() at its
// top level, the browser or the page's own terminate() ending it — fires no event at all, and
// the Web Lock that tells its later end (life-lock.ts) is not held yet; Chromium has no
// MessagePort `close` event either. Nor does anything tell a script that loads but is not
// dmasim's worker (a bundler's stand-in). Only the worker's first word tells that it started:
// its life-lock notice, which dmasim's entry posts as soon as it holds its lock or knows it
// cannot. A worker that has said nothing by this deadline is ended, and fails as one that
// reported an error does. On Node a worker's end is an `exit` event, so there is no deadline.

import { bundledAwayAdvice } from "../resources.js";

/** The default wait: a worker here says it holds its lock about 0.1 s after it is made (Chromium,
 *  stop 29). The wait is long beside that so that a slow start is not taken for a failed one:
 *  a worker fetching the 850 KB shared chunk again (the page's cache disabled) over a slow
 *  mobile link, a slow phone parsing it, a busy lock manager. */
export const DEFAULT_START_TIMEOUT_MS = 30_000;

/** Why `startTimeoutMs` cannot be used, or undefined: a number of milliseconds above 0, or
 *  Infinity to wait for ever (no deadline). */
export function startTimeoutProblem(ms: unknown): string | undefined {
  if (typeof ms === "number" && ms > 0) return undefined; // NaN fails `> 0`
  return `startTimeoutMs must be a number of milliseconds > 0 (or Infinity: no deadline), not ${String(ms)}`;
}

/** The error of a worker that said nothing by its deadline. */
export function startMissedError(url: string, ms: number): Error {
  const advice = bundledAwayAdvice();
  return new Error(
    `dmasim worker did not start: no word from ${url} within ${ms} ms (it ended or closed itself while its script ` +
      `loaded, or the script is not dmasim's worker); the worker was ended (startTimeoutMs sets the wait)` +
      (advice ? `: ${advice}` : ""),
  );
}

/** Calls `missed` unless `started` settles within `ms`; the timer goes as soon as it does (a
 *  worker that started, failed or was terminated leaves no timer behind). */
export function startDeadline(started: Promise<unknown>, ms: number, missed: () => void): void {
  // setTimeout takes a delay of at most 2^31 - 1 ms (24.8 days) and fires at once past it.
  if (ms > 2 ** 31 - 1) return;
  const timer = setTimeout(missed, ms);
  const clear = () => clearTimeout(timer);
  started.then(clear, clear);
}
