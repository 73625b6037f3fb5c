// A Web Worker that ends, or can no longer answer, without an answer reaching comlink: the
// page's calls to it reject saying how (and the worker is ended) instead of waiting forever.
// Run on Node with a stand-in for the DOM's Worker: an EventTarget whose messages go to a
// comlink-exposed object over a MessageChannel, and on which the test fires the events a
// browser would.

import { afterEach, describe, expect, it, vi } from "vitest";
import * as Comlink from "comlink";
import { webWorker, type WebWorkerLike } from "../../src/worker/web-worker.js";
import { announceClose } from "../../src/worker/closing.js";
import { holdLifeLock, lifeLockName } from "../../src/worker/life-lock.js";
import { WorkerPool } from "../../src/worker/pool.js";

interface Api {
  echo(x: number): number;
  /** Never answers, as a long job does. */
  hang(): Promise<never>;
}

class FakeWorker extends EventTarget implements WebWorkerLike {
  terminated = 0;
  readonly scope = new MessageChannel();
  constructor() {
    super();
    Comlink.expose({ echo: (x: number) => x, hang: () => new Promise(() => {}) } satisfies Api, this.scope.port2);
    this.scope.port1.addEventListener("message", (e) => this.dispatchEvent(new MessageEvent("message", { data: (e as MessageEvent).data })));
    this.scope.port1.start();
  }
  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.scope.port1.postMessage(message, transfer);
  }
  terminate(): void {
    this.terminated++;
    this.scope.port1.close();
    this.scope.port2.close();
  }
}

const fakes: FakeWorker[] = [];
/** Each test's dmasim workers, ended after it: none leaves its start deadline's timer behind. */
const started: { terminate(): Promise<void> }[] = [];
afterEach(async () => {
  for (const w of started.splice(0)) await w.terminate();
  for (const f of fakes.splice(0)) f.terminate();
  vi.useRealTimers();
});

const URL_OF_WORKER = "https://example.test/dist/browser/worker.js";

/** A dmasim worker on a new fake Worker; `nav` and `startTimeoutMs` as webWorker takes them. */
function startOn(nav?: unknown, startTimeoutMs?: number): { fake: FakeWorker; w: ReturnType<typeof webWorker<Api>> } {
  const fake = new FakeWorker();
  fakes.push(fake);
  const w = webWorker<Api>(fake, URL_OF_WORKER, nav, startTimeoutMs);
  started.push(w);
  return { fake, w };
}

function start(): { fake: FakeWorker; w: ReturnType<typeof webWorker<Api>> } {
  return startOn();
}

/** Follows a promise from now on (so its rejection is handled as it happens): `state` is
 *  "pending", `{ value }` or the error. */
function track(p: Promise<unknown>): { state: unknown } {
  const t: { state: unknown } = { state: "pending" };
  p.then((v) => (t.state = { value: v }), (e: unknown) => (t.state = e));
  return t;
}

/** Lets events already dispatched, and messages already posted, be handled: one turn of the
 *  event loop, not a timed wait. */
const turn = () => new Promise((r) => setImmediate(r));

describe("a Web Worker's end reaches its pending calls", () => {
  it("answers calls while nothing happens to it", async () => {
    const { fake, w } = start();
    expect(await Promise.race([w.api.echo(41), w.died])).toBe(41);
    const died = track(w.died);
    await turn();
    expect(died.state).toBe("pending");
    expect(fake.terminated).toBe(0);
  });

  const ends: [string, () => Event, RegExp][] = [
    ["an error event with a message (a throw nothing caught)", () => Object.assign(new Event("error"), { message: "Uncaught Error: boom" }),
      /^dmasim worker failed: Uncaught Error: boom$/],
    ["an error event without one (the script could not be fetched)", () => new Event("error"),
      /^dmasim worker failed: cannot load https:\/\/example\.test\/dist\/browser\/worker\.js$/],
    ["an error event with an empty message", () => Object.assign(new Event("error"), { message: "" }),
      /^dmasim worker failed: cannot load https:\/\/example\.test\/dist\/browser\/worker\.js$/],
    ["a messageerror (an answer the page cannot deserialize)", () => new MessageEvent("messageerror"),
      /^a message from the dmasim worker could not be read \(messageerror\); the worker was ended$/],
  ];
  for (const [what, event, message] of ends) {
    it(`${what}: every pending call rejects saying so, and the worker is ended`, async () => {
      const { fake, w } = start();
      const calls = [w.api.hang(), w.api.hang()].map((c) => track(Promise.race([c, w.died])));
      await turn();
      expect(calls[0].state).toBe("pending");
      fake.dispatchEvent(event());
      await turn();
      for (const c of calls) {
        expect(c.state).toBeInstanceOf(Error);
        expect((c.state as Error).message).toMatch(message);
      }
      expect(fake.terminated).toBe(1);
      // A call made after the end fails the same way at once.
      const later = track(Promise.race([w.api.echo(1), w.died]));
      await turn();
      expect((later.state as Error).message).toMatch(message);
    });
  }

  it("the worker closing itself, or failing to read a call, is told to the page and fails its calls", async () => {
    for (const [cause, message] of [
      [(scope: EventTarget & { close(): void }) => scope.close(), /^dmasim worker closed itself \(close\(\) in the worker\)$/],
      [(scope: EventTarget) => scope.dispatchEvent(new MessageEvent("messageerror")),
        /^dmasim worker could not read a message from the page \(messageerror\) and closed itself$/],
    ] as const) {
      const { fake, w } = start();
      // The worker's global scope: close() and postMessage() on its side of the channel.
      let closed = false;
      const scope = Object.assign(new EventTarget(), {
        close: () => void (closed = true),
        postMessage: (m: unknown) => fake.scope.port2.postMessage(m),
      });
      announceClose(scope);
      const call = track(Promise.race([w.api.hang(), w.died]));
      cause(scope);
      expect(closed).toBe(true);
      await turn(); // the notice crosses the channel
      await turn();
      expect((call.state as Error).message).toMatch(message);
      expect(fake.terminated).toBe(1);
    }
  });

  it("terminate() gives its reason to the pending calls, and later events change nothing", async () => {
    const { fake, w } = start();
    const call = track(Promise.race([w.api.hang(), w.died]));
    await w.terminate(new Error("the pool was closed"));
    fake.dispatchEvent(new MessageEvent("messageerror"));
    await turn();
    expect((call.state as Error).message).toBe("the pool was closed");
  });
});

/** Web Locks as the test grants them: a request waits until the test calls grant(name). */
class HeldBack {
  readonly requests: { name: string; signal?: AbortSignal; granted: () => unknown }[] = [];
  request(name: string, options: { signal?: AbortSignal }, granted: () => unknown): Promise<unknown> {
    this.requests.push({ name, signal: options.signal, granted });
    return new Promise(() => {});
  }
  grant(name: string): void {
    const i = this.requests.findIndex((r) => r.name === name);
    this.requests.splice(i, 1)[0].granted();
  }
}

/** The worker's global scope as holdLifeLock sees it, posting on the fake worker's side. */
function workerScope(fake: FakeWorker, navigator: unknown) {
  return { name: lifeLockName(), navigator, postMessage: (m: unknown) => fake.scope.port2.postMessage(m) };
}

const ENDED = /^dmasim worker ended without a word \(its life lock was released: the browser ended it, or terminate\(\) was called on it\)$/;

describe("a Web Worker's end is watched before it is sent a job", () => {
  function startWatched(pageLocks: unknown = new HeldBack()) {
    const { fake, w } = startOn({ locks: pageLocks });
    return { fake, w, watched: track(w.watched) };
  }

  it("once the worker says it holds its life lock, however late it was granted it, and its end then fails its calls", async () => {
    const page = new HeldBack();
    const { fake, w, watched } = startWatched(page);
    const inWorker = new HeldBack();
    const scope = workerScope(fake, { locks: inWorker });
    holdLifeLock(scope);
    await turn();
    await turn();
    // Asked for, not yet granted (a busy browser's lock manager): the page is not watching yet.
    expect(inWorker.requests.map((r) => r.name)).toEqual([scope.name]);
    expect(watched.state).toBe("pending");
    expect(page.requests).toEqual([]);
    inWorker.grant(scope.name);
    await turn();
    await turn();
    expect(watched.state).toEqual({ value: undefined });
    // The page waits for the same lock, which it gets once the worker has gone.
    expect(page.requests.map((r) => r.name)).toEqual([scope.name]);
    const call = track(Promise.race([w.api.hang(), w.died]));
    page.grant(scope.name);
    await turn();
    expect((call.state as Error).message).toMatch(ENDED);
    expect(fake.terminated).toBe(1);
  });

  for (const [why, navigator] of [
    ["has no Web Locks", {}],
    ["is refused its lock (an opaque origin)", { locks: { request: () => Promise.reject(new DOMException("denied", "SecurityError")) } }],
  ] as const) {
    it(`once the worker says it cannot be watched: it ${why}`, async () => {
      const { fake, watched } = startWatched();
      holdLifeLock(workerScope(fake, navigator));
      await turn();
      await turn();
      expect(watched.state).toEqual({ value: undefined });
    });
  }

  it("once the worker has ended before it said anything (its script could not load)", async () => {
    const { fake, w, watched } = startWatched();
    fake.dispatchEvent(new Event("error"));
    await turn();
    expect(watched.state).toEqual({ value: undefined });
    expect(((await Promise.race([w.api.echo(1), w.died]).catch((e: unknown) => e)) as Error).message).toMatch(/^dmasim worker failed: cannot load /);
  });

  it("at once on a page without Web Locks, which cannot watch it", async () => {
    const watched = track(startOn({}).w.watched);
    await turn();
    expect(watched.state).toEqual({ value: undefined });
  });

  it("a worker another page started (not named by spawnWorker) takes no lock and says nothing", () => {
    // Nobody waits for its notice: a page that made `new Worker(url)` itself, named or not, gets
    // only the answers to its own calls.
    for (const name of ["", "my-worker"]) {
      const posted: unknown[] = [];
      const locks = new HeldBack();
      holdLifeLock({ name, navigator: { locks }, postMessage: (m) => posted.push(m) });
      holdLifeLock({ name, navigator: {}, postMessage: (m) => posted.push(m) });
      expect(locks.requests).toEqual([]);
      expect(posted).toEqual([]);
    }
  });

  it("not at all for a worker that is only slow (within its start deadline): no notice, no end, still waiting", async () => {
    const { watched } = startWatched();
    for (let k = 0; k < 5; k++) await turn();
    expect(watched.state).toBe("pending");
  });
});

/** The deadline's error for the fake worker's script, word for word as a user reads it. */
const missed = (ms: number) =>
  `dmasim worker did not start: no word from ${URL_OF_WORKER} within ${ms} ms (it ended or closed itself while its script ` +
  "loaded, or the script is not dmasim's worker); the worker was ended (startTimeoutMs sets the wait)";

describe("a Web Worker that says nothing by its start deadline (it ended while loading, with no event)", () => {
  // Only setTimeout and clearTimeout are the test's: messages and turn() (setImmediate) stay real.
  const fakeClock = () => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });

  for (const [page, nav] of [["watching through Web Locks", { locks: new HeldBack() }], ["without Web Locks", {}]] as const) {
    it(`${page}: is ended at its deadline, and its pending calls (and its watch) end saying so`, async () => {
      fakeClock();
      const { fake, w } = startOn(nav, 500);
      const watched = track(w.watched);
      const call = track(Promise.race([w.api.hang(), w.died]));
      await turn();
      vi.advanceTimersByTime(499);
      await turn();
      expect(call.state).toBe("pending");
      expect(fake.terminated).toBe(0);
      vi.advanceTimersByTime(1);
      await turn();
      expect((call.state as Error).message).toBe(missed(500));
      expect(watched.state).toEqual({ value: undefined });
      expect(fake.terminated).toBe(1);
      expect(vi.getTimerCount()).toBe(0);
    });
  }

  for (const [said, navigator] of [["it holds its life lock", { locks: new HeldBack() }], ["it cannot hold one", {}]] as const) {
    it(`a worker that says ${said} before the deadline has started: the timer goes, the worker stays`, async () => {
      fakeClock();
      const inWorker = navigator.locks;
      const { fake, w } = startOn({ locks: new HeldBack() }, 500);
      const scope = workerScope(fake, navigator);
      holdLifeLock(scope);
      inWorker?.grant(scope.name);
      await turn();
      await turn();
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(10_000);
      expect(await Promise.race([w.api.echo(7), w.died])).toBe(7);
      expect(fake.terminated).toBe(0);
    });
  }

  it("a worker that fails to load, or is terminated, before the deadline keeps its own error and leaves no timer", async () => {
    fakeClock();
    const failed = startOn(undefined, 500);
    const ended = startOn(undefined, 500);
    expect(vi.getTimerCount()).toBe(2);
    failed.fake.dispatchEvent(new Event("error"));
    await ended.w.terminate(new Error("the pool was closed"));
    await turn();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(((await failed.w.died.catch((e: unknown) => e)) as Error).message).toBe(`dmasim worker failed: cannot load ${URL_OF_WORKER}`);
    expect(((await ended.w.died.catch((e: unknown) => e)) as Error).message).toBe("the pool was closed");
  });

  it("waits 30 s by default, and for ever with Infinity (or a wait past setTimeout's 24.8 days)", async () => {
    fakeClock();
    const byDefault = startOn({});
    for (const ms of [Infinity, 2 ** 31]) startOn({}, ms);
    expect(vi.getTimerCount()).toBe(1);
    const call = track(Promise.race([byDefault.w.api.hang(), byDefault.w.died]));
    vi.advanceTimersByTime(29_999);
    await turn();
    expect(call.state).toBe("pending");
    vi.advanceTimersByTime(1);
    await turn();
    expect((call.state as Error).message).toBe(missed(30_000));
  });

  it("WorkerPool.create refuses a wait that is not a number of milliseconds above 0, before starting any worker", async () => {
    for (const ms of [0, -1, NaN, "30000", null]) {
      await expect(WorkerPool.create(1, { startTimeoutMs: ms as number })).rejects.toThrow(
        new RangeError(`WorkerPool.create: startTimeoutMs must be a number of milliseconds > 0 (or Infinity: no deadline), not ${String(ms)}`),
      );
    }
  });
});
