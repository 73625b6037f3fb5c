// A Web Worker's life as a Web Lock. A browser that ends a worker by itself (or a page's own
// worker.terminate() that bypasses dmasim) fires no event on the Worker object: comlink would wait
// for its answers forever. But the locks an agent holds are released when it ends (Web Locks,
// "release the lock" on termination), and a busy worker holds its lock without having to answer
// anything — which a liveness ping could not tell from a long job. So the worker takes a lock
// named after itself for its whole life and says so; the page then asks for the same lock, which
// it is granted only once the worker is gone. Chromium grants it within about 2 s of a
// terminate(), busy worker or not. A worker ended before it said it holds the lock, or on a page
// without Web Locks (an insecure origin: plain http other than localhost), goes unnoticed.

const HELD = "dmasimWorkerLifeLock";
const PREFIX = "dmasim-worker-";

interface Locks {
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<unknown> | unknown): Promise<unknown>;
}

function locksOf(nav: unknown): Locks | undefined {
  return (nav as { locks?: Locks } | undefined)?.locks;
}

/** A lock name for a new worker, passed as its `name` (WorkerOptions). Locks are shared by every
 *  tab of the origin, so the name is random; not crypto.randomUUID(), which insecure origins lack. */
export function lifeLockName(): string {
  return PREFIX + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
}

/** In the worker: holds the lock its name says until the worker ends, then tells the page. */
export function holdLifeLock(scope: { name: string; navigator: unknown; postMessage(message: unknown): void }): void {
  const locks = locksOf(scope.navigator);
  if (!locks || !scope.name.startsWith(PREFIX)) return;
  const name = scope.name;
  void locks.request(name, {}, () => {
    scope.postMessage({ [HELD]: name });
    return new Promise(() => {});
  });
}

/** In the page: once `message` says the worker holds its lock, calls `ended` when the page is
 *  granted that lock, i.e. when the worker has gone. `stop()` withdraws the request (a worker the
 *  page ends itself needs no watching). Returns whether `message` was that notice. */
export function watchLifeLock(message: unknown, nav: unknown, ended: () => void, stop: AbortSignal): boolean {
  if (typeof message !== "object" || message === null) return false;
  const name = (message as Record<string, unknown>)[HELD];
  if (typeof name !== "string" || !name.startsWith(PREFIX)) return false;
  const locks = locksOf(nav);
  if (locks && !stop.aborted) locks.request(name, { signal: stop }, ended).catch(() => {}); // AbortError on stop
  return true;
}
