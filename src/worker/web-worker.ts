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
// A browser that ends a worker otherwise (the tab's memory running out) sends no word of it.

import { closingNotice } from "./closing.js";
import { deathNotice, spawned, type SpawnedWorker } from "./spawned.js";

/** What of the DOM's Worker this needs (a test passes its own). */
export interface WebWorkerLike extends EventTarget {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  terminate(): void;
}

export function webWorker<T>(w: WebWorkerLike, url: string): SpawnedWorker<T> {
  const notice = deathNotice();
  const end = (why: Error) => {
    notice.die(why);
    w.terminate();
  };
  // A module worker that cannot be fetched or parsed reports a plain Event, with no message.
  w.addEventListener("error", (e) =>
    end(new Error(`dmasim worker failed: ${(e as Partial<ErrorEvent>).message || `cannot load ${url}`}`)),
  );
  w.addEventListener("messageerror", () =>
    end(new Error("a message from the dmasim worker could not be read (messageerror); the worker was ended")),
  );
  w.addEventListener("message", (e) => {
    const why = closingNotice((e as MessageEvent).data);
    if (why !== undefined) end(new Error(why));
  });
  return spawned<T>(w, async () => w.terminate(), notice);
}
