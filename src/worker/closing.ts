// A Web Worker that ends itself with close() sends its page no event (there is no "exit" as on
// Node), so comlink would wait for its answers forever. The worker's close() therefore tells the
// page first, and web-worker.ts makes that the worker's `died`. A worker that receives a call it
// cannot deserialize (a `messageerror` in its scope) would leave that call unanswered just as
// silently: it tells the page so and closes, and its calls fail as a dead worker's do. An end the
// browser gives a worker without a word (terminate()) is seen through its life lock
// (life-lock.ts). On Node the same notice says that a worker thread or process could not read a call
// (spawn.ts ends it on hearing so); a worker that ends by itself there is an exit its parent sees.

import { errorText } from "./errors.js";

const CLOSING = "dmasimWorkerClosing";

interface WorkerScope {
  close(): void;
  postMessage(message: unknown): void;
  addEventListener(type: "messageerror", listener: () => void): void;
}

/** The notice itself, for a worker that posts it by its own means (a child process). */
export function closingMessage(why: string): Record<string, string> {
  return { [CLOSING]: why };
}

/** In a Node worker thread: a call its parent sent that the thread cannot read (its
 *  `messageerror`) is told to the parent, which ends the thread. */
export function announceUnreadable(port: { on(type: "messageerror", listener: (e: unknown) => void): unknown; postMessage(message: unknown): void }): void {
  port.on("messageerror", (e) => port.postMessage(closingMessage(`dmasim worker thread could not read a message from its parent (${errorText(e)})`)));
}

/** In the worker: close() posts the notice, then closes; an unreadable message closes it too. */
export function announceClose(scope: WorkerScope): void {
  const close = scope.close.bind(scope);
  const closeWith = (why: string) => {
    scope.postMessage(closingMessage(why));
    close();
  };
  scope.close = () => closeWith("dmasim worker closed itself (close() in the worker)");
  scope.addEventListener("messageerror", () =>
    closeWith("dmasim worker could not read a message from the page (messageerror) and closed itself"),
  );
}

/** In the page: how the worker ended, if a message from it is that notice. */
export function closingNotice(data: unknown): string | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const why = (data as Record<string, unknown>)[CLOSING];
  return typeof why === "string" ? why : undefined;
}
