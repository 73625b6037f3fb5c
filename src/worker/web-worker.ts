// A module Web Worker as a dmasim worker. A browser tells the page that its worker is gone, or
// can no longer answer, only by events on the Worker object; comlink listens to none of them and
// would wait for the worker's answers forever. Each becomes the worker's `died` (so every call
// raced against it rejects, and a sweep's pool fails naming the job, as on Node) and ends the
// worker:
// - `error`: the script could not be fetched or parsed, threw at the top level, or a task of it
//   threw with nothing to catch it. A Node worker thread ends on such an error; a Web Worker
//   lives on with its System in whatever state the throw left, and might answer a call already
//   failed, so it is terminated.
// - `messageerror`: an answer the page cannot deserialize is an answer lost; which call it was
//   is unknown, so every call of the worker fails.
// - the notices of closing.ts: the worker closed itself, or could not read a call.
// - the worker's life lock granted to the page (life-lock.ts): the worker has gone without a
//   word (the browser ended it, or the page's own terminate() bypassed dmasim). That is watched
//   only once the worker has said it holds the lock: `watched` tells when, and no call should be
//   sent before (spawn.ts), or a worker ended in between would leave it unanswered forever.
// - no word from the worker by its start deadline (start-deadline.ts): it ended while its script
//   loaded without an error, or is not dmasim's worker.

import { bundledAwayAdvice } from "../resources.js";
import { closingNotice } from "./closing.js";
import { hasWebLocks, watchLifeLock } from "./life-lock.js";
import { deathNotice, spawned, type SpawnedWorker } from "./spawned.js";
import { DEFAULT_START_TIMEOUT_MS, startDeadline, startMissedError } from "./start-deadline.js";

/** What of the DOM's Worker this needs (a test passes its own). */
export interface WebWorkerLike extends EventTarget {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  terminate(): void;
}

export interface WebSpawnedWorker<T> extends SpawnedWorker<T> {
  /** Resolves once the page watches the worker's end through its life lock, the worker has said
   *  it cannot hold one, or it has ended (its calls then reject with `died`: an error, or no word
   *  by its start deadline); at once on a page without Web Locks. */
  watched: Promise<void>;
}

/** `nav` holds the Web Locks the worker's end is watched by (the page's navigator);
 *  `startTimeoutMs` is how long the worker may take to say its first word (start-deadline.ts). */
export function webWorker<T>(
  w: WebWorkerLike,
  url: string,
  nav: unknown = globalThis.navigator,
  startTimeoutMs = DEFAULT_START_TIMEOUT_MS,
): WebSpawnedWorker<T> {
  const notice = deathNotice();
  // The worker's first word is its life-lock notice (that it holds the lock, or cannot).
  let heard = () => {};
  const started = Promise.race([new Promise<void>((r) => (heard = r)), notice.died.catch(() => {})]);
  const watched = hasWebLocks(nav) ? started : Promise.resolve();
  const watching = new AbortController();
  // The page's listeners go with the worker.
  const on = (type: string, listener: (e: Event) => void) => w.addEventListener(type, listener, { signal: watching.signal });
  const stop = () => {
    watching.abort();
    w.terminate();
  };
  const end = (why: Error) => {
    notice.die(why);
    stop();
  };
  // A module worker that cannot be fetched or parsed reports a plain Event, with no message.
  const advice = bundledAwayAdvice();
  const cannotLoad = `cannot load ${url}${advice ? `: ${advice}` : ""}`;
  on("error", (e) => end(new Error(`dmasim worker failed: ${(e as Partial<ErrorEvent>).message || cannotLoad}`)));
  on("messageerror", () => end(new Error("a message from the dmasim worker could not be read (messageerror); the worker was ended")));
  const gone = () =>
    end(new Error("dmasim worker ended without a word (its life lock was released: the browser ended it, or terminate() was called on it)"));
  on("message", (e) => {
    const data = (e as MessageEvent).data;
    if (watchLifeLock(data, nav, gone, watching.signal)) return heard();
    const why = closingNotice(data);
    if (why !== undefined) end(new Error(why));
  });
  startDeadline(started, startTimeoutMs, () => end(startMissedError(url, startTimeoutMs)));
  return { ...spawned<T>(w, async () => stop(), notice), watched };
}
