// The driver's DMAC side on a DMA-330 built with 32 events, the most the IP offers (CR0[21:17]
// holds num_events − 1 in five bits, spec pl330 §4). No SoC preset of dmasim has more than 16,
// so read_dmac_config and pl330_update meet this only on a rig: a bare machine with one such
// DMAC, driven by the driver's Pl330Dmac through a minimal kernel (MMIO, a log, a tasklet queue).

import { describe, expect, it } from "vitest";
import { DMAC, pl330Rig, type Rig } from "../../helpers/pl330-rig.js";
import { Pl330Dmac } from "../../../src/drivers/pl330/dmac.js";
import type { Pl330Desc } from "../../../src/drivers/pl330/desc.js";
import { Printk } from "../../../src/kernel/printk.js";
import type { Kernel } from "../../../src/kernel/kernel.js";
import type { Device } from "../../../src/kernel/device.js";
import { DMA_TRANS_NOERROR } from "../../../src/dmaengine/types.js";

/** The driver's DMAC on the rig's machine (MMU off: the registers at their physical address). */
function dmacOn(rig: Rig) {
  const tasklets: (() => void)[] = [];
  const printk = new Printk(() => rig.m.now(), -1);
  const kernel = { machine: rig.m, printk, irq: { tasklet_schedule: (fn: () => void) => tasklets.push(fn) } } as unknown as Kernel;
  const dev = { name: "f8003000.dma-controller", kernel } as unknown as Device;
  return { dmac: new Pl330Dmac(kernel, DMAC, dev), printk, tasklets };
}

describe("a DMA-330 with 32 events", () => {
  it("read_dmac_config: 32 events, 8 channels, 32 request lines, a 128 × 8-byte MFIFO", async () => {
    const rig = await pl330Rig({ preset: { events: 32, requests: 32 } });
    const { dmac } = dmacOn(rig);
    dmac.readConfig();
    // CR0[21:17] = 31 → 32 events; CR0[6:4] = 7 → 8 channels; CR0[16:12] = 31 → 32 lines;
    // CRD[29:20] = 127 → 128 lines, CRD[2:0] = 3 → a 64-bit bus (spec pl330 §4).
    expect(dmac.pcfg).toMatchObject({ num_events: 32, num_chan: 8, num_peri: 32, data_buf_dep: 128, data_bus_width: 64 });
  });

  it("pl330_update: DMASEV 31 completes the request of the thread owning event 31, nothing unexpected", async () => {
    const rig = await pl330Rig({ preset: { events: 32 } });
    const { dmac, printk, tasklets } = dmacOn(rig);
    dmac.readConfig();
    const mc = 0x100000;
    dmac.allocThreads(mc, mc);
    // Events 0…30 taken, so the thread gets the last one (pl330_request_channel: first free).
    for (let ev = 0; ev < 31; ev++) dmac.events[ev] = 7;
    const thrd = dmac.requestThread()!;
    expect(thrd.ev).toBe(31);
    // DMASEV 31 (34, 31 << 3 = F8), DMAEND (00): spec pl330 §2.1.
    rig.m.backdoor.write(mc, Uint8Array.from([0x34, 0xf8, 0x00]));
    const desc = { rqcfg: { nonsecure: false } } as Pl330Desc;
    thrd.req[0].desc = desc;
    thrd.lstenq = 0;
    const done: [Pl330Desc, number][] = [];
    dmac.onRequestDone = (d, result) => done.push([d, result]);
    dmac.start(thrd);
    expect(rig.settle(thrd.id).state).toBe(0);
    expect(rig.r(0x024) >>> 0).toBe(0x80000000); // INT_EVENT_RIS: event 31 raised
    expect(dmac.update()).toBe(true);
    expect(done).toEqual([[desc, DMA_TRANS_NOERROR]]);
    expect(rig.r(0x024)).toBe(0); // INTCLR took it down
    expect(printk.grep("Unexpected")).toEqual([]);
    expect(tasklets).toEqual([]); // no reset scheduled
  });
});
