// A started dmasim worker as its callers hold it, whatever runs it (a Node worker thread, a child
// process, a Web Worker): the comlink proxy, a promise of its end, and terminate().

import * as Comlink from "comlink";

export interface SpawnedWorker<T> {
  api: Comlink.Remote<T>;
  /** Rejects when the worker ends: with how, if it ended by itself (a crash, running out of
   *  memory, a Web Worker's close() or error: web-worker.ts), or with terminate()'s reason.
   *  comlink would wait for a gone worker's answers forever, so callers race their calls
   *  against it. */
  died: Promise<never>;
  /** Ends the worker; calls still waiting for its answers get `why` instead. Again, it does
   *  nothing more. */
  terminate(why?: Error): Promise<void>;
}

/** The worker's `died`, and `die` to settle it. Settled once: after terminate() has given its
 *  reason, the exit that follows changes nothing. */
export function deathNotice(): { died: Promise<never>; die: (why: Error) => void } {
  let die: (why: Error) => void = () => {};
  const died = new Promise<never>((_, reject) => (die = reject));
  died.catch(() => {}); // nobody may be racing against it when it happens
  return { died, die };
}

/** Wraps a started worker's endpoint; `stop` ends the worker and resolves once it has gone. */
export function spawned<T>(
  endpoint: Comlink.Endpoint,
  stop: () => Promise<unknown>,
  { died, die }: ReturnType<typeof deathNotice>,
): SpawnedWorker<T> {
  const api = Comlink.wrap<T>(endpoint);
  // Once: a pool's close() terminates again a worker an aborted run ended, and comlink refuses
  // to release a proxy twice.
  let ended: Promise<void> | undefined;
  return {
    api,
    died,
    terminate: (why = new Error("dmasim worker was terminated")) =>
      (ended ??= (async () => {
        die(why);
        api[Comlink.releaseProxy]();
        await stop();
      })()),
  };
}
