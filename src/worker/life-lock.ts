// A Web Worker's life as a Web Lock. A browser that ends a worker by itself (or a page's own
// worker.terminate() that bypasses dmasim) fires no event on the Worker object: comlink would wait
// for its answers forever. But the locks an agent holds are released when it ends (Web Locks,
// "release the lock" on termination), and a busy worker holds its lock without having to answer
// anything — which a liveness ping could not tell from a long job. So the worker takes a lock
// named after itself for its whole life and says so; the page then asks for the same lock, which
// it is granted only once the worker is gone. Chromium grants it within about 2 s of a
// terminate(), busy worker or not. The worker is granted its own lock asynchronously, though (a
// round trip to the browser's lock manager), and a worker ended before it said it holds the lock
// says nothing ever: so the page sends it no call until it has said so (spawn.ts), or said that
// it cannot hold one. A worker ended before then (while its script loads) fires nothing either:
// its start deadline ends it (start-deadline.ts). On a page without Web Locks (an insecure
// origin: plain http other than localhost) a worker's later end goes unnoticed.

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

/** Whether a page with this `nav` can watch its workers' ends (and so waits for their notices). */
export function hasWebLocks(nav: unknown): boolean {
  return locksOf(nav) !== undefined;
}

/** In the worker: holds the lock its name says until the worker ends, once it holds it tells the
 *  page. A worker that cannot hold it (no Web Locks here, or a request refused, as on an opaque
 *  origin) tells the page that instead (a `null` name): the page waits for one or the other. */
export function holdLifeLock(scope: { name: string; navigator: unknown; postMessage(message: unknown): void }): void {
  if (!scope.name.startsWith(PREFIX)) return; // not started by spawnWorker: nobody waits for it
  const name = scope.name;
  const unwatched = () => scope.postMessage({ [HELD]: null });
  const locks = locksOf(scope.navigator);
  if (!locks) return unwatched();
  locks
    .request(name, {}, () => {
      scope.postMessage({ [HELD]: name });
      return new Promise(() => {});
    })
    .catch(unwatched);
}

/** In the page: once `message` says the worker holds its lock, calls `ended` when the page is
 *  granted that lock, i.e. when the worker has gone. `stop()` withdraws the request (a worker the
 *  page ends itself needs no watching). Returns whether `message` was the worker's notice, that
 *  it holds its lock or that it cannot. */
export function watchLifeLock(message: unknown, nav: unknown, ended: () => void, stop: AbortSignal): boolean {
  if (typeof message !== "object" || message === null || !Object.hasOwn(message, HELD)) return false;
  const name = (message as Record<string, unknown>)[HELD];
  if (name === null) return true;
  if (typeof name !== "string" || !name.startsWith(PREFIX)) return false;
  const locks = locksOf(nav);
  if (locks && !stop.aborted) locks.request(name, { signal: stop }, ended).catch(() => {}); // AbortError on stop
  return true;
}
