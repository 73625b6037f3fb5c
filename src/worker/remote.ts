// A System running in a worker, reached through comlink: the same calls as SystemApi, each
// returning a Promise. Node uses worker_threads with comlink's node adapter; browsers a module
// Web Worker. The worker script is the compiled dist/src/worker/entry.js.

import { SystemError, type SystemOptions } from "../system.js";
import type { SystemApi } from "./api.js";
import { spawnWorker } from "./spawn.js";
import type { PtdumpRange } from "../mm/ptdump.js";
import type { DmesgOptions } from "../kernel/printk.js";

type Promisified<T> = {
  [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<Awaited<R>> : Promisified<T[K]>;
};

export type RemoteSystem = Promisified<SystemApi> & {
  /** Ends the worker; the System is gone afterwards. */
  close(): Promise<void>;
  /** The same as close(): System.dispose() for a System in a worker. Later calls reject with a
   *  SystemError. */
  dispose(): Promise<void>;
};

interface WorkerFactory {
  create(options: Omit<SystemOptions, "worker">): Promise<void>;
}

export async function createWorkerSystem(options: SystemOptions): Promise<RemoteSystem> {
  const { worker: _w, ...rest } = options;
  const w = await spawnWorker<WorkerFactory & SystemApi>();
  const factory = w.api;
  try {
    await Promise.race([factory.create(rest), w.died]);
  } catch (e) {
    await w.terminate();
    throw e;
  }
  const remote = factory as unknown as RemoteSystem;
  let closed: Promise<void> | undefined;
  // Every call first: after close the comlink proxy is released, and its own error would be a
  // bare TypeError. A worker that has died answers nothing: its calls reject with how it ended,
  // and those under way at close() with a SystemError.
  const live = <T>(call: () => Promise<T>): Promise<T> =>
    closed
      ? Promise.reject(new SystemError("this System was disposed (close()/dispose()); create a new one"))
      : Promise.race([call(), w.died]);
  const close = () => (closed ??= w.terminate(new SystemError("this System was disposed (close()/dispose()) before the call returned")));
  return Object.assign(Object.create(null), {
    now: () => live(() => remote.now()),
    provenance: () => live(() => remote.provenance()),
    run: (scenario: string, params?: Record<string, string | number | boolean>) => live(() => remote.run(scenario, params)),
    deviceNames: () => live(() => remote.deviceNames()),
    dmesg: (options?: DmesgOptions) => live(() => remote.dmesg(options)),
    iomem: () => live(() => remote.iomem()),
    interrupts: () => live(() => remote.interrupts()),
    dmaChannels: () => live(() => remote.dmaChannels()),
    readFile: (path: string) => live(() => remote.readFile(path)),
    readdir: (path: string) => live(() => remote.readdir(path)),
    writeFile: (path: string, text: string) => live(() => remote.writeFile(path, text)),
    ptdump: (range?: PtdumpRange) => live(() => remote.ptdump(range)),
    cpu: {
      read: (va: number | bigint, len: number) => live(() => remote.cpu.read(va, len)),
      write: (va: number | bigint, bytes: Uint8Array) => live(() => remote.cpu.write(va, bytes)),
      fill: (va: number | bigint, byte: number, len: number) => live(() => remote.cpu.fill(va, byte, len)),
      copy: (dst: number | bigint, src: number | bigint, len: number) => live(() => remote.cpu.copy(dst, src, len)),
    },
    kernel: {
      kmalloc: (size: number, gfp: number) => live(() => remote.kernel.kmalloc(size, gfp)),
      kfree: (va: number) => live(() => remote.kernel.kfree(va)),
      krealloc: (p: number, newSize: number, gfp: number) => live(() => remote.kernel.krealloc(p, newSize, gfp)),
    },
    close,
    dispose: close,
  }) as RemoteSystem;
}
