// What the dmaengine core returns when there is nothing to ask (include/linux/dmaengine.h,
// drivers/dma/dmaengine.c): dma_request_chan_by_mask asks its caller to wait (-EPROBE_DEFER)
// while no DMA controller is registered at all, and -ENODEV once some are but none has a free
// channel; dma_request_chan for a device without a device-tree node (no slave map to look in)
// defers too; and a controller without device_terminate_all makes dmaengine_terminate_async /
// _sync -EINVAL where a missing pause or resume is -ENOSYS. Releasing a channel that is not
// held once is WARN_ONCE("chan reference count %d != 1"), and changes nothing.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { zynq } from "../helpers/system.js";
import { thrown } from "../helpers/thrown.js";
import {
  dma_release_channel, dma_request_chan, dma_request_chan_by_mask, dmaengine_pause, dmaengine_resume, dmaengine_terminate_async,
  dmaengine_terminate_sync, dma_get_slave_caps,
} from "../../src/dmaengine/dmaengine.js";
import {
  DMA_COMPLETE, DMA_CYCLIC, DMA_DEV_TO_MEM, DMA_MEMCPY, DMA_XOR, DmaChan, DmaDevice, type DmaSlaveCaps,
} from "../../src/dmaengine/types.js";
import { Device } from "../../src/kernel/device.js";
import { EINVAL, ENODEV, ENOSYS, ENXIO, EPROBE_DEFER, KernelError } from "../../src/kernel/errno.js";

const NO_DMAC = `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	compatible = "xlnx,zynq-7000";
	memory@0 { device_type = "memory"; reg = <0x0 0x10000000>; };
	gic: interrupt-controller@f8f01000 { compatible = "arm,cortex-a9-gic"; #interrupt-cells = <3>; interrupt-controller; reg = <0xf8f01000 0x1000>; };
};`;

const errnoOf = (f: () => unknown) => thrown<KernelError>(f).errno;

describe("channel requests with nothing to give", () => {
  it("by mask: -EPROBE_DEFER before any controller registered, -ENODEV after", async () => {
    const bare = await createSystem({ dts: NO_DMAC });
    expect(errnoOf(() => dma_request_chan_by_mask(bare, DMA_MEMCPY))).toBe(-EPROBE_DEFER);
    const s = await zynq();
    expect(errnoOf(() => dma_request_chan_by_mask(s, DMA_XOR))).toBe(-ENODEV);
  });

  it("by name for a device without a device-tree node: -EPROBE_DEFER", async () => {
    const s = await zynq();
    const dev = new Device(s.kernel, "nodeless");
    expect(errnoOf(() => dma_request_chan(dev, "tx"))).toBe(-EPROBE_DEFER);
  });
});

/** A controller with only the operations every provider must have: no terminate, pause or
 *  resume, no capabilities or directions. */
function bareController(s: Awaited<ReturnType<typeof zynq>>): DmaDevice {
  return new DmaDevice(new Device(s.kernel, "fake-dmac"), {
    device_alloc_chan_resources: () => 0,
    device_free_chan_resources: () => {},
    device_tx_status: () => DMA_COMPLETE,
    device_issue_pending: () => {},
  });
}

describe("a controller without device_terminate_all", () => {
  it("makes terminate -EINVAL, and pause and resume -ENOSYS", async () => {
    const s = await zynq();
    const d = bareController(s);
    const chan = new DmaChan(d, 0, null);
    expect(dmaengine_terminate_async(chan)).toBe(-EINVAL);
    expect(dmaengine_terminate_sync(chan)).toBe(-EINVAL);
    expect(dmaengine_pause(chan)).toBe(-ENOSYS);
    expect(dmaengine_resume(chan)).toBe(-ENOSYS);
  });
});

describe("releasing a channel not held once", () => {
  it("warns once with the reference count, and the channel can be requested again", async () => {
    const s = await zynq();
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    dma_release_channel(chan);
    expect(s.kernel.printk.grep("chan reference count")).toEqual([]);
    dma_release_channel(chan);
    dma_release_channel(chan);
    expect(s.kernel.printk.grep("chan reference count")).toEqual([
      "WARNING: drivers/dma/dmaengine.c: dma_release_channel: chan reference count 0 != 1",
    ]);
    expect(dma_request_chan_by_mask(s, DMA_MEMCPY)).toBe(chan);
  });
});

describe("dma_get_slave_caps of a controller with no slave transfers", () => {
  // drivers/dma/dmaengine.c: -ENXIO unless the controller has DMA_SLAVE or DMA_CYCLIC, and
  // -ENXIO when it names no directions.
  async function controller(caps: number[], directions: number) {
    const s = await zynq();
    const d = bareController(s);
    for (const c of caps) d.cap_mask.add(c);
    d.directions = directions;
    return new DmaChan(d, 0, null);
  }

  it("a cyclic-only controller has caps; a memcpy-only one, or one naming no direction, is -ENXIO", async () => {
    const caps: Partial<DmaSlaveCaps> = {};
    expect(dma_get_slave_caps(await controller([DMA_CYCLIC], 1 << DMA_DEV_TO_MEM), caps)).toBe(0);
    expect(caps.directions).toBe(1 << DMA_DEV_TO_MEM);
    expect(dma_get_slave_caps(await controller([DMA_MEMCPY], 1 << DMA_DEV_TO_MEM), {})).toBe(-ENXIO);
    expect(dma_get_slave_caps(await controller([DMA_CYCLIC], 0), {})).toBe(-ENXIO);
  });
});
