// A Web Worker that ends itself with close() sends its page no event (there is no "exit" as on
// Node), so comlink would wait for its answers forever. The worker's close() therefore tells the
// page first, and spawn.ts makes that the worker's `died`. Other ends a browser gives a worker
// (the tab's memory running out) still go unreported; a liveness ping cannot tell them from a
// long job, which keeps the worker's thread busy for seconds without answering.

const CLOSING = "dmasimWorkerClosing";

interface WorkerScope {
  close(): void;
  postMessage(message: unknown): void;
}

/** In the worker: close() posts the notice, then closes. */
export function announceClose(scope: WorkerScope): void {
  const close = scope.close.bind(scope);
  scope.close = () => {
    scope.postMessage({ [CLOSING]: true });
    close();
  };
}

/** In the page: whether a message from the worker is that notice. */
export function isClosingNotice(data: unknown): boolean {
  return typeof data === "object" && data !== null && (data as Record<string, unknown>)[CLOSING] === true;
}
