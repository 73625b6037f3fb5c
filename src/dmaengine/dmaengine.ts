// The dmaengine core (drivers/dma/dmaengine.c, of-dma.c): controllers register here, and clients
// get channels by their device-tree `dmas`/`dma-names` or by capability (with an optional
// filter, as dma_request_channel takes one). The transfer calls are in transfer.ts, the slave
// capabilities and descriptor reuse in slave-caps.ts; all are re-exported from here.

import type { Device } from "../kernel/device.js";
import type { Kernel } from "../kernel/kernel.js";
import { KernelError, EBUSY, ENODEV } from "../kernel/errno.js";
import type { DeviceNode } from "../of/node.js";
import { of_dma_request_specs } from "../of/dma.js";
import { CAP_NAMES, DmaChan, DmaDevice, DMA_PRIVATE } from "./types.js";
import { checkDevice } from "../dma/arguments.js";
import { checkChan, kernelOf } from "./arguments.js";

export type OfDmaXlate = (args: number[], dev: DmaDevice) => DmaChan | null;

/** A dma_cap_mask_t: one capability (DMA_MEMCPY …) or several that must all be present. */
export type DmaCapMask = number | Iterable<number>;

/** dma_filter_fn: extra say over which free channel a request may take. */
export type DmaFilterFn = (chan: DmaChan, param: unknown) => boolean;

/** The dmaengine state of one kernel. */
export class DmaEngine {
  readonly devices: DmaDevice[] = [];
  private readonly ofControllers = new Map<DeviceNode, { xlate: OfDmaXlate; device: DmaDevice }>();
  private nextId = 0;

  constructor(private readonly kernel: Kernel) {}

  register(d: DmaDevice): number {
    d.dev_id = this.nextId++;
    d.channels.forEach((c, i) => (c.name = `dma${d.dev_id}chan${i}`));
    this.devices.push(d);
    return 0;
  }

  unregister(d: DmaDevice): void {
    const i = this.devices.indexOf(d);
    if (i >= 0) this.devices.splice(i, 1);
    for (const [node, c] of this.ofControllers) if (c.device === d) this.ofControllers.delete(node);
  }

  ofControllerRegister(node: DeviceNode, xlate: OfDmaXlate, device: DmaDevice): void {
    this.ofControllers.set(node, { xlate, device });
  }

  ofController(node: DeviceNode): { xlate: OfDmaXlate; device: DmaDevice } | undefined {
    return this.ofControllers.get(node);
  }
}

function capsOf(mask: DmaCapMask): number[] {
  return typeof mask === "number" ? [mask] : [...mask];
}

/** dma_chan_get: the driver allocates the channel's resources (a hardware thread…). */
function claim(chan: DmaChan): number {
  if (chan.client_count > 0) return -EBUSY;
  const rc = chan.device.ops.device_alloc_chan_resources(chan);
  if (rc < 0) return rc;
  chan.client_count++;
  return 0;
}

/** dma_request_chan: the channel named `name` in the consumer's dma-names. Throws a
 *  KernelError (-ENODEV, -EBUSY, …) as ERR_PTR would carry it. */
export function dma_request_chan(dev: Device, name: string): DmaChan {
  checkDevice("dma_request_chan", dev);
  const node = dev.ofNode;
  const k = dev.kernel;
  if (!node) throw new KernelError(ENODEV, `${dev.name}: no DMA channel named "${name}"`);
  const specs = of_dma_request_specs(k.tree, node, name);
  if (!specs.length) throw new KernelError(ENODEV, `${dev.name}: no DMA channel named "${name}"`);
  let failure = new KernelError(ENODEV, `${dev.name}: no DMA channel for "${name}"`);
  for (const spec of specs) {
    const provider = spec.np!;
    const ctl = k.dmaengine.ofController(provider);
    if (!ctl) {
      failure = new KernelError(ENODEV, `${dev.name}: DMA provider ${provider.path} has no driver`);
      continue;
    }
    const chan = ctl.xlate(spec.args, ctl.device);
    if (!chan) {
      failure = new KernelError(ENODEV, `${dev.name}: ${provider.path} cannot provide channel for "${name}"`);
      continue;
    }
    const rc = claim(chan);
    if (rc < 0) {
      failure = new KernelError(-rc, `${dev.name}: ${chan.name} for "${name}" is busy`);
      continue;
    }
    chan.slave = dev;
    return chan;
  }
  throw failure;
}

/** private_candidate: the first free channel of a controller with every capability of the
 *  mask that the filter accepts. */
function private_candidate(caps: number[], d: DmaDevice, fn?: DmaFilterFn, param?: unknown): DmaChan | null {
  if (!caps.every((c) => d.cap_mask.has(c))) return null;
  for (const chan of d.channels) {
    if (chan.client_count > 0) continue;
    if (fn && !fn(chan, param)) continue;
    return chan;
  }
  return null;
}

/** dma_request_channel (__dma_request_channel): each controller offers its first free candidate;
 *  when the driver cannot allocate that one (all hardware threads taken) the next controller is
 *  asked, as find_candidate does. Null when no controller has one. */
export function dma_request_channel(owner: Kernel | { kernel: Kernel }, mask: DmaCapMask, fn?: DmaFilterFn, param?: unknown): DmaChan | null {
  const k = kernelOf("dma_request_channel", owner);
  const caps = capsOf(mask);
  for (const d of k.dmaengine.devices) {
    const chan = private_candidate(caps, d, fn, param);
    if (chan && claim(chan) === 0) return chan;
  }
  return null;
}

/** dma_request_chan_by_mask: any free channel of a controller with the capability (or every
 *  capability of a mask). Accepts the kernel or anything that holds one (a System). Throws
 *  KernelError(-ENODEV) when there is none. */
export function dma_request_chan_by_mask(owner: Kernel | { kernel: Kernel }, mask: DmaCapMask): DmaChan {
  const chan = dma_request_channel(owner, mask);
  if (!chan) throw new KernelError(ENODEV, `no free DMA channel with capability ${capsOf(mask).map((c) => CAP_NAMES[c] ?? c).join("+")}`);
  return chan;
}

export function dma_release_channel(chan: DmaChan): void {
  checkChan("dma_release_channel", chan);
  if (chan.client_count <= 0) return;
  chan.device.ops.device_terminate_all?.(chan);
  chan.device.ops.device_synchronize?.(chan);
  chan.device.ops.device_free_chan_resources(chan);
  chan.client_count--;
  chan.slave = undefined;
}

export function dma_has_cap(cap: number, d: DmaDevice): boolean {
  return d.cap_mask.has(cap);
}

/** dma_chan_name */
export function dma_chan_name(chan: DmaChan): string {
  return chan.name;
}

export * from "./transfer.js";
export * from "./slave-caps.js";
export { DMA_PRIVATE };
