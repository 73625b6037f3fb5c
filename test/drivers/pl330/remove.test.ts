// Unbinding the pl330 (pl330_remove through device_release_driver) and binding it again. The
// WARN texts are Linux's: drivers/dma/dmaengine.c's WARN_ONCE("%s called while %d clients hold
// a reference"), whose %s is __func__: dma_async_device_unregister in 4.9,
// __dma_async_device_channel_unregister from 5.7 on. dma-debug's leak report at unbind ("device
// driver has pending DMA allocations …") is PCI's alone (dma_debug_add_bus): an AMBA DMAC's
// unbind prints nothing in Linux, and dmasim notes what was left.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../../src/create.js";
import { dma_alloc_coherent, dma_map_single } from "../../../src/dma/mapping.js";
import { DMA_TO_DEVICE } from "../../../src/dma/constants.js";
import { GFP_KERNEL } from "../../../src/mm/gfp.js";
import { KernelError, ENODEV, EPROBE_DEFER } from "../../../src/kernel/errno.js";
import {
  dma_release_channel, dma_request_chan, dma_request_chan_by_mask, dma_request_channel, dmaengine_prep_dma_memcpy,
  dmaengine_submit, dma_sync_wait, dmaengine_tx_status,
} from "../../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_ERROR, DMA_MEMCPY } from "../../../src/dmaengine/types.js";

const DMAC = "f8003000.dma-controller";
const UART = "e0001000.serial";

function errnoOf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    if (e instanceof KernelError) return e.errno;
    throw e;
  }
  return 0;
}

const warnings = (dmesg: string) =>
  dmesg.split("\n").filter((l) => l.includes("WARNING")).map((l) => l.replace(/^\[[ .0-9]+\] /, ""));

describe("pl330_remove", () => {
  it("with no client: the channels, IRQs and controller go, requests defer, nothing is reported", async () => {
    const s = await createSystem({ board: "zynq-7000", dmaDebug: { enabled: true, allErrors: true } });
    const dev = s.device(DMAC);
    expect(s.dmaChannels()).toHaveLength(8);
    expect(s.interrupts().some((l) => l.actions.includes(DMAC))).toBe(true);
    s.kernel.device_release_driver(dev);
    expect(dev.driverName).toBeUndefined();
    expect(s.dmaChannels()).toEqual([]);
    expect(s.readFile("/proc/interrupts")).not.toContain(DMAC);
    expect(s.kernel.dma.debug.entries(dev)).toBe(0); // the microcode was freed
    expect(s.kernel.dma.debug.reports).toEqual([]);
    expect(warnings(s.dmesg())).toEqual([]);
    // of_dma_request_slave_channel: no controller for the provider node -> -EPROBE_DEFER;
    // dma_request_chan_by_mask with no DMA device at all -> -EPROBE_DEFER (modern).
    expect(errnoOf(() => dma_request_chan(s.device(UART), "tx"))).toBe(-EPROBE_DEFER);
    expect(errnoOf(() => dma_request_chan_by_mask(s, DMA_MEMCPY))).toBe(-EPROBE_DEFER);
    expect(dma_request_channel(s, DMA_MEMCPY)).toBeNull();
    // Unbinding an unbound device does nothing.
    s.kernel.device_release_driver(dev);
    expect(warnings(s.dmesg())).toEqual([]);
  });

  it("v4.9: dma_request_chan_by_mask with no DMA device at all is -ENODEV (no list_empty test yet)", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    s.kernel.device_release_driver(s.device(DMAC));
    expect(s.dmaChannels()).toEqual([]);
    expect(errnoOf(() => dma_request_chan_by_mask(s, DMA_MEMCPY))).toBe(-ENODEV);
    // of_dma_request_slave_channel already deferred in 4.9 (ret_no_channel, since 3.14).
    expect(errnoOf(() => dma_request_chan(s.device(UART), "tx"))).toBe(-EPROBE_DEFER);
  });

  for (const [kernel, fn] of [["modern", "__dma_async_device_channel_unregister"], ["v4.9", "dma_async_device_unregister"]] as const) {
    it(`${kernel}: with clients holding channels, WARNs once, then refuses their calls`, async () => {
      const s = await createSystem({ board: "zynq-7000", kernel });
      const a = dma_request_channel(s, DMA_MEMCPY, (c) => c.chan_id === 0)!;
      const b = dma_request_channel(s, DMA_MEMCPY, (c) => c.chan_id === 1)!;
      s.kernel.device_release_driver(s.device(DMAC));
      expect(warnings(s.dmesg())).toEqual([`WARNING: drivers/dma/dmaengine.c: ${fn} called while 1 clients hold a reference`]);
      const buf = dma_alloc_coherent(s.device(UART), 8192, GFP_KERNEL)!;
      expect(dmaengine_prep_dma_memcpy(a, buf.dmaAddr + 4096, buf.dmaAddr, 64, 0)).toBeNull();
      expect(dmaengine_tx_status(a, 2)).toBe(DMA_ERROR);
      dma_release_channel(a);
      dma_release_channel(b);
      const refused = warnings(s.dmesg()).slice(1);
      // Once a channel: a's prep (its tx_status and release are refused silently), then b's release.
      expect(refused).toHaveLength(2);
      expect(refused[0]).toMatch(/^WARNING: dmaengine: dmaengine_prep_dma_memcpy on dma0chan0, whose controller f8003000\.dma-controller was unbound while this client held the channel \(dmasim\): a use-after-free in Linux/);
      expect(refused[1]).toMatch(/^WARNING: dmaengine: dma_release_channel on dma0chan1, whose controller/);
    });
  }

  it("a streaming mapping the DMAC's device left: no DMA-API report or error (AMBA is no bus dma-debug watches), dmasim's note with its count and details", async () => {
    const s = await createSystem({ board: "zynq-7000", dmaDebug: { enabled: true, allErrors: true } });
    const dev = s.device(DMAC);
    const va = s.kernel.kmalloc(256, GFP_KERNEL);
    const pa = s.kernel.mm.virt_to_phys(va); // Zynq: DMA address = physical address
    expect(dma_map_single(dev, va, 256, DMA_TO_DEVICE)).toBe(pa);
    const logged = s.kernel.printk.dmesg().length;
    s.kernel.device_release_driver(dev);
    const lines = s.kernel.printk.dmesg().slice(logged).map((l) => l.text);
    expect(lines.filter((t) => t.includes("DMA-API:"))).toEqual([]);
    expect(s.kernel.dma.debug.reports).toEqual([]);
    expect(s.kernel.dma.debug.errorCount).toBe(0);
    // pl330_remove freed its microcode: the one entry left is the test's mapping.
    expect(lines.filter((t) => t.startsWith("dmasim: note"))).toEqual([
      `dmasim: note: amba ${DMAC}: driver dma-pl330 unbound with 1 DMA-API debug entry still live, e.g. ` +
        `[device address=0x${pa.toString(16).padStart(16, "0")}] [size=256 bytes] [mapped with DMA_TO_DEVICE] [mapped as single]; ` +
        "Linux reports leaked entries at unbind only for PCI devices, so a board prints nothing: the entries stay, and /sys/kernel/debug/dma-api/dump lists them",
    ]);
  });

  it("with the leak check off, the same unbind notes nothing", async () => {
    const s = await createSystem({ board: "zynq-7000", dmaDebug: { enabled: true, allErrors: true, checks: { leak: false } } });
    const dev = s.device(DMAC);
    dma_map_single(dev, s.kernel.kmalloc(256, GFP_KERNEL), 256, DMA_TO_DEVICE);
    s.kernel.device_release_driver(dev);
    expect(s.kernel.printk.grep("dmasim: note")).toEqual([]);
    expect(s.kernel.dma.debug.entries(dev)).toBe(1);
  });

  it("binds again: the same channel names, and a memcpy moves the bytes", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device(DMAC);
    const names = s.dmaChannels().map((c) => c.name);
    s.kernel.device_release_driver(dev);
    expect(s.kernel.device_attach(dev)).toBe(1);
    expect(dev.driverName).toBe("dma-pl330");
    expect(s.dmaChannels().map((c) => c.name)).toEqual(names);
    expect(s.readFile("/proc/interrupts")).toContain(DMAC);
    const chan = dma_request_chan(s.device(UART), "tx");
    const buf = dma_alloc_coherent(dev, 8192, GFP_KERNEL)!;
    const src = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7 + 3) & 0xff);
    s.kernel.machine.cpu.write(buf.cpuAddr, src);
    const tx = dmaengine_prep_dma_memcpy(chan, buf.dmaAddr + 4096, buf.dmaAddr, 4096, 0)!;
    expect(dma_sync_wait(chan, dmaengine_submit(tx))).toBe(DMA_COMPLETE);
    expect(s.kernel.machine.cpu.read(buf.cpuAddr + 4096, 4096)).toEqual(src);
    expect(warnings(s.dmesg())).toEqual([]);
    expect(errnoOf(() => dma_request_chan(s.device(UART), "tx"))).toBe(-ENODEV); // taken
  });
});
