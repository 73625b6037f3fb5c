// The dmaengine core (drivers/dma/dmaengine.c, of-dma.c): controllers register here, and clients
// get channels by their device-tree `dmas`/`dma-names` or by capability (with an optional
// filter, as dma_request_channel takes one). The transfer calls are in transfer.ts, the slave
// capabilities and descriptor reuse in slave-caps.ts; all are re-exported from here.

import type { Device } from "../kernel/device.js";
import type { Kernel } from "../kernel/kernel.js";
import { KernelError, EBUSY, ENODEV, EPROBE_DEFER, errnoName } from "../kernel/errno.js";
import type { DeviceNode } from "../of/node.js";
import { of_dma_request_specs } from "../of/dma.js";
import { CAP_NAMES, DmaChan, DmaDevice, DMA_PRIVATE } from "./types.js";
import { checkDevice } from "../dma/arguments.js";
import { checkChan, kernelOf } from "./arguments.js";
import { refuseUnregistered } from "./unregistered.js";
import { reportRequestWiring } from "../report/request-wiring.js";

export type OfDmaXlate = (args: number[], dev: DmaDevice) => DmaChan | null;

/** A dma_cap_mask_t: one capability (DMA_MEMCPY …) or several that must all be present. */
export type DmaCapMask = number | Iterable<number>;

/** dma_filter_fn: extra say over which free channel a request may take. */
export type DmaFilterFn = (chan: DmaChan, param: unknown) => boolean;

/** The dmaengine state of one kernel. */
export class DmaEngine {
  readonly devices: DmaDevice[] = [];
  private readonly ofControllers = new Map<DeviceNode, { xlate: OfDmaXlate; device: DmaDevice }>();
  /** Once-only warnings that have fired, by site: dmaengine.c's WARN_ONCEs and dmasim's own. */
  private readonly warned = new Set<string>();
  /** Channels of an unbound controller already reported (unregistered.ts). */
  readonly warnedUnregistered = new WeakSet<DmaChan>();

  constructor(readonly kernel: Kernel) {}

  /** A WARN_ONCE of drivers/dma/dmaengine.c. */
  warnOnce(site: string, text: string): void {
    this.dmasimWarnOnce(site, `WARNING: drivers/dma/dmaengine.c: ${text}`);
  }

  /** A once-only report of a client bug dmasim sees where Linux stays silent (the text is the
   *  whole line). */
  dmasimWarnOnce(site: string, text: string): void {
    if (this.warned.has(site)) return;
    this.warned.add(site);
    this.kernel.printk.warn(text);
  }

  /** dma_async_device_register: the device takes the lowest free id (ida_alloc on dma_ida), so
   *  a controller bound again after an unbind is dma0 again when it was dma0 before. */
  register(d: DmaDevice): number {
    const used = new Set(this.devices.map((x) => x.dev_id));
    let id = 0;
    while (used.has(id)) id++;
    d.dev_id = id;
    d.channels.forEach((c, i) => (c.name = `dma${d.dev_id}chan${i}`));
    this.devices.push(d);
    return 0;
  }

  /** dma_async_device_unregister. Linux's WARN_ONCE for a channel a client still holds is in
   *  the loop over channels (4.9: dma_async_device_unregister itself; 5.7 on:
   *  __dma_async_device_channel_unregister, and only for a driver without device_release, which
   *  pl330 has none of), so it names the first such channel's count and then stays quiet for
   *  the rest of the boot. The channels stay on the driver's list: pl330_remove takes them off. */
  unregister(d: DmaDevice): void {
    const fn = this.kernel.version === "v4.9" ? "dma_async_device_unregister" : "__dma_async_device_channel_unregister";
    for (const chan of d.channels) {
      if (chan.client_count) this.warnOnce("unregister", `${fn} called while ${chan.client_count} clients hold a reference`);
      chan.unregistered = true;
    }
    const i = this.devices.indexOf(d);
    if (i >= 0) this.devices.splice(i, 1);
  }

  ofControllerRegister(node: DeviceNode, xlate: OfDmaXlate, device: DmaDevice): void {
    this.ofControllers.set(node, { xlate, device });
  }

  /** of_dma_controller_free: `dmas` entries naming this node find no controller any more, so a
   *  consumer's request defers (-EPROBE_DEFER) until the provider is bound again. */
  ofControllerFree(node: DeviceNode): void {
    this.ofControllers.delete(node);
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

/** dma_get_slave_channel: the channel for this client alone, or null when it is taken or its
 *  resources cannot be allocated (Linux says only dev_dbg; the reason is returned for the
 *  caller's message). */
function dma_get_slave_channel(chan: DmaChan): { chan: DmaChan | null; why: string } {
  if (chan.client_count > 0) return { chan: null, why: `${chan.name} is in use` };
  const rc = claim(chan);
  if (rc < 0) return { chan: null, why: `${chan.name}: allocating its resources failed (${errnoName(rc)})` };
  return { chan, why: "" };
}

/** Why a provider has registered no controller, where the tree or its probe says: what
 *  devices_deferred would show, or its status (a disabled node gets no device, so no driver,
 *  and its consumers defer for ever, as in Linux). */
function whyUnregistered(k: Kernel, provider: DeviceNode): string {
  if (!provider.available) return ` (its status is "${provider.string("status")}": no driver binds it)`;
  const failure = k.platformBus.devices.find((d) => d.ofNode === provider)?.probe_failure;
  return failure ? ` (${failure})` : "";
}

/** of_dma_request_slave_channel: tries the node's `dmas` entries named `name`. A provider with
 *  no registered controller (its driver not probed yet, or never) turns the final error into
 *  -EPROBE_DEFER; a provider that cannot give a channel leaves -ENODEV. The xlate only
 *  translates here; dma_get_slave_channel, which Linux's xlate calls, follows it. */
function of_dma_request_slave_channel(dev: Device, np: DeviceNode, name: string): DmaChan {
  const k = dev.kernel;
  const { specs, why: unmatched } = of_dma_request_specs(k.tree, np, name);
  if (!specs.length) throw new KernelError(ENODEV, `${dev.name}: ${unmatched}`);
  let deferred = "";
  let why = `no DMA channel for "${name}"`;
  for (const spec of specs) {
    const provider = spec.np!;
    const ctl = k.dmaengine.ofController(provider);
    if (!ctl) {
      deferred = `DMA provider ${provider.path} has no controller registered${whyUnregistered(k, provider)}`;
      continue;
    }
    const candidate = ctl.xlate(spec.args, ctl.device);
    const got = candidate ? dma_get_slave_channel(candidate) : { chan: null, why: `${provider.path} cannot provide channel` };
    if (got.chan) return got.chan;
    why = `${got.why} for "${name}"`;
  }
  // ret_no_channel: once -EPROBE_DEFER, whatever the other entries said.
  if (deferred) throw new KernelError(EPROBE_DEFER, `${dev.name}: ${deferred}`);
  throw new KernelError(ENODEV, `${dev.name}: ${why}`);
}

/** dma_request_chan: the channel named `name` in the consumer's dma-names. Throws a
 *  KernelError as ERR_PTR would carry it: -ENODEV, or -EPROBE_DEFER when a provider is not
 *  registered yet. A device without a node has no slave map to look in either (dmasim has
 *  none), which Linux reports as -EPROBE_DEFER. */
export function dma_request_chan(dev: Device, name: string): DmaChan {
  checkDevice("dma_request_chan", dev);
  if (!dev.ofNode) throw new KernelError(EPROBE_DEFER, `${dev.name}: no device-tree node and no slave map for DMA channel "${name}"`);
  const chan = of_dma_request_slave_channel(dev, dev.ofNode, name);
  chan.slave = dev;
  // dmasim's note on a dmas cell naming a line the SoC wires to another peripheral.
  reportRequestWiring(chan, name);
  return chan;
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
 *  KernelError(-ENODEV) when there is none; while no controller is registered, -EPROBE_DEFER
 *  on modern kernels (the list_empty(&dma_device_list) test of drivers/dma/dmaengine.c) and
 *  -ENODEV on 4.9, whose dma_request_chan_by_mask returns -ENODEV for any NULL channel. */
export function dma_request_chan_by_mask(owner: Kernel | { kernel: Kernel }, mask: DmaCapMask): DmaChan {
  const chan = dma_request_channel(owner, mask);
  if (chan) return chan;
  const caps = capsOf(mask).map((c) => CAP_NAMES[c] ?? c).join("+");
  const k = kernelOf("dma_request_chan_by_mask", owner);
  if (!k.dmaengine.devices.length) {
    // What devices_deferred would tell: the probes that failed, one of which was the provider.
    const failed = k.platformBus.devices.flatMap((d) => (d.probe_failure ? [d.probe_failure] : []));
    const why = failed.length ? ` (${failed.join("; ")})` : "";
    const errno = k.version === "v4.9" ? ENODEV : EPROBE_DEFER;
    throw new KernelError(errno, `no DMA controller registered yet for capability ${caps}${why}`);
  }
  throw new KernelError(ENODEV, `no free DMA channel with capability ${caps}`);
}

/** The transfers still queued on the channel, as "5", "5-9" or "3,7": the driver's lists when
 *  it can tell (a terminate may leave cookies reading in progress with nothing queued), else
 *  the cookies handed out and not complete (dma_cookie_status's window). */
function pendingCookies(chan: DmaChan): string {
  const queued = chan.device.ops.pending_cookies?.(chan);
  if (queued) {
    if (!queued.length) return "";
    const sorted = [...queued].sort((a, b) => a - b);
    const first = sorted[0];
    const last = sorted[sorted.length - 1];
    if (last - first + 1 !== sorted.length) return sorted.join(",");
    return first === last ? `${first}` : `${first}-${last}`;
  }
  const first = chan.completed_cookie + 1;
  const last = chan.cookie;
  if (chan.completed_cookie >= chan.cookie) return "";
  return first === last ? `${first}` : `${first}-${last}`;
}

/** dma_release_channel. Linux frees the channel without terminating it: pl330_free_chan_resources
 *  kills the tasklet, then pl330_release_channel stops the thread (_stop) and hands the requests
 *  in its slots to dma_pl330_rqcb as aborted, which schedules the tasklet again on a channel
 *  whose thread is now NULL; issued descriptors stay on work_list (only a cyclic ring goes back
 *  to the pool), submitted ones on submitted_list. A driver bug, reported once per such release;
 *  dmasim then terminates the channel, so nothing of it runs or completes later. */
export function dma_release_channel(chan: DmaChan): void {
  checkChan("dma_release_channel", chan);
  if (refuseUnregistered("dma_release_channel", chan)) return;
  const engine = chan.device.dev.kernel.dmaengine;
  if (chan.client_count !== 1) {
    engine.warnOnce("release", `dma_release_channel: chan reference count ${chan.client_count} != 1`);
  }
  if (chan.client_count <= 0) return;
  const pending = pendingCookies(chan);
  if (pending) {
    engine.kernel.printk.warn(
      `WARNING: dmaengine: dma_release_channel: ${chan.name} released with transfers pending (cookie${pending.includes("-") ? "s" : ""} ${pending}): Linux does not terminate them (the driver's tasklet can then run on the freed channel); call dmaengine_terminate_sync first`,
    );
  }
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
