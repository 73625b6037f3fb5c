// A Web Worker that ends, or can no longer answer, without an answer reaching comlink: the
// page's calls to it reject saying how (and the worker is ended) instead of waiting forever.
// Run on Node with a stand-in for the DOM's Worker: an EventTarget whose messages go to a
// comlink-exposed object over a MessageChannel, and on which the test fires the events a
// browser would.

import { afterEach, describe, expect, it } from "vitest";
import * as Comlink from "comlink";
import { webWorker, type WebWorkerLike } from "../../src/worker/web-worker.js";
import { announceClose } from "../../src/worker/closing.js";

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
afterEach(() => {
  for (const f of fakes.splice(0)) f.terminate();
});

function start(): { fake: FakeWorker; w: ReturnType<typeof webWorker<Api>> } {
  const fake = new FakeWorker();
  fakes.push(fake);
  return { fake, w: webWorker<Api>(fake, "https://example.test/dist/browser/worker.js") };
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
