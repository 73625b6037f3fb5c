// createSystem: a System in this thread, or the same System in a worker when `worker: true`.

import { createLocalSystem, type System, type SystemOptions } from "./system.js";
import { createWorkerSystem, type RemoteSystem } from "./worker/remote.js";

export type { RemoteSystem };

export function createSystem(options: SystemOptions & { worker: true }): Promise<RemoteSystem>;
export function createSystem(options?: SystemOptions & { worker?: false }): Promise<System>;
export function createSystem(options?: SystemOptions): Promise<System | RemoteSystem>;
export function createSystem(options: SystemOptions = {}): Promise<System | RemoteSystem> {
  if (options.worker) return createWorkerSystem(options);
  return createLocalSystem(options);
}
