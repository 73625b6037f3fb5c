// The dmaengine core (drivers/dma/dmaengine.c, of-dma.c): controllers register here, clients
// get channels by their device-tree `dmas`/`dma-names` or by capability, and drive transfers
// through the provider's ops with the kernel's function names.

import type { Device } from "../kernel/device.js";
import type { Kernel } from "../kernel/kernel.js";
import { KernelError, EBUSY, ENODEV, EINVAL, ETIMEDOUT } from "../kernel/errno.js";
import type { DmaAddr } from "../hw/address.js";
import type { DeviceNode } from "../of/node.js";
import { of_dma_request_specs } from "../of/dma.js";
import { checkSize, checkWhole } from "../dma/arguments.js";
import {
  DmaChan, DmaDevice, DMA_ERROR, DMA_IN_PROGRESS, DMA_PRIVATE,
  type DmaAsyncTxDescriptor, type DmaCookie, type DmaStatus, type DmaTxState,
} from "./types.js";

export type OfDmaXlate = (args: number[], dev: DmaDevice) => DmaChan | null;

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

/** dma_request_chan_by_mask: any free channel of a controller with the capability. Accepts the
 *  kernel or anything that holds one (a System). */
export function dma_request_chan_by_mask(owner: Kernel | { kernel: Kernel }, cap: number): DmaChan {
  const k = "dmaengine" in owner ? owner : owner.kernel;
  for (const d of k.dmaengine.devices) {
    if (!d.cap_mask.has(cap)) continue;
    for (const chan of d.channels) {
      if (chan.client_count > 0) continue;
      if (claim(chan) === 0) return chan;
    }
  }
  throw new KernelError(ENODEV, `no free DMA channel with capability ${cap}`);
}

export function dma_release_channel(chan: DmaChan): void {
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

export function dmaengine_prep_dma_memcpy(chan: DmaChan, dst: DmaAddr, src: DmaAddr, len: number, flags: number): DmaAsyncTxDescriptor | null {
  if (!(chan instanceof DmaChan)) throw new KernelError(EINVAL, "dmaengine_prep_dma_memcpy: chan is not a struct dma_chan");
  checkWhole("dmaengine_prep_dma_memcpy", dst, "dst");
  checkWhole("dmaengine_prep_dma_memcpy", src, "src");
  checkSize("dmaengine_prep_dma_memcpy", len, "len");
  checkWhole("dmaengine_prep_dma_memcpy", flags, "flags");
  const prep = chan.device.ops.device_prep_dma_memcpy;
  return prep ? prep(chan, dst, src, len, flags) : null;
}

export function dmaengine_submit(tx: DmaAsyncTxDescriptor): DmaCookie {
  return tx.tx_submit(tx);
}

export function dma_async_issue_pending(chan: DmaChan): void {
  chan.device.ops.device_issue_pending(chan);
}

export function dmaengine_tx_status(chan: DmaChan, cookie: DmaCookie, state?: DmaTxState): DmaStatus {
  return chan.device.ops.device_tx_status(chan, cookie, state);
}

export function dmaengine_terminate_sync(chan: DmaChan): number {
  const rc = chan.device.ops.device_terminate_all?.(chan) ?? -EINVAL;
  chan.device.ops.device_synchronize?.(chan);
  return rc;
}

/** The time dma_sync_wait gives a transfer before "timeout!" (5 s, as in dmaengine.c). */
export const DMA_SYNC_WAIT_TIMEOUT_PS = 5e12;

/** dma_sync_wait: issues pending work and waits in simulated time for the transfer to end. The
 *  CPU spins in Linux; here it sleeps until an interrupt, which is what can end the wait. */
export function dma_sync_wait(chan: DmaChan, cookie: DmaCookie): DmaStatus {
  const k = chan.device.dev.kernel;
  dma_async_issue_pending(chan);
  let status = dmaengine_tx_status(chan, cookie);
  const done = k.waitEvent(() => {
    status = dmaengine_tx_status(chan, cookie);
    return status !== DMA_IN_PROGRESS;
  }, DMA_SYNC_WAIT_TIMEOUT_PS);
  if (!done) {
    k.printk.err(`${chan.device.dev.name}: dma_sync_wait: timeout!`);
    return DMA_ERROR;
  }
  return status;
}

export { DMA_PRIVATE, ETIMEDOUT };
