// How many interrupt IDs each SoC's GIC implements, as its distributor's GICD_TYPER reports
// (ITLinesNumber [4:0]: 32 × (N + 1) IDs), and what Linux does with a device tree whose SPI lies
// past them. The Zynq-7000's GIC has IDs 0-95 (SPIs 0-63: UG585 ch. 7), so ITLinesNumber 2;
// RK3399's GIC-500 prints "GICv3: 256 SPIs implemented" at boot, so 288 IDs, ITLinesNumber 8.
// A GICv2 driver maps an SPI past the count all the same (no range check in translate or map)
// and request_irq succeeds, but the hardware has no such line: it never fires. Linux 4.9's
// GICv3 driver refuses it in gic_irq_domain_map (-EPERM: hw >= irq_nr); 6.x maps any ID of the
// SPI range (32-1019).

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { withSystem } from "../helpers/system.js";
import { readl, writel } from "../../src/kernel/io.js";
import type { System } from "../../src/system.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait } from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_ERROR, DMA_MEMCPY, DMA_PREP_INTERRUPT, type DmaChan } from "../../src/dmaengine/types.js";

const root = new URL("../..", import.meta.url).pathname;
const board = (name: string) => readFileSync(join(root, `examples/boards/${name}.dts`), "utf8");
function replaced(dts: string, from: string, to: string): string {
  expect(dts).toContain(from);
  return dts.replace(from, to);
}

const GICD_TYPER = 0x004, GICD_ISENABLER = 0x100;

/** A 32-bit read of the distributor's register at `off`, through an ioremap of its window. */
function gicd(s: System, base: number) {
  const va = s.kernel.mm.ioremap(base, 0x1000)!;
  return { read: (off: number) => readl(s.kernel.machine, va + off) >>> 0, write: (off: number, v: number) => writel(s.kernel.machine, v, va + off) };
}

/** A 64-byte memcpy on `chan`, waited for with dma_sync_wait. */
function memcpy(chan: DmaChan): number {
  const a = dma_alloc_coherent(chan.device.dev, 64, GFP_KERNEL)!;
  const b = dma_alloc_coherent(chan.device.dev, 64, GFP_KERNEL)!;
  return dma_sync_wait(chan, dmaengine_submit(dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, 64, DMA_PREP_INTERRUPT)!));
}

describe("the Zynq-7000's GIC implements IDs 0-95", () => {
  const ZYNQ_GICD = 0xf8f01000;
  const DMAC = "f8003000.dma-controller";
  // The DMAC's event 0 ("dma0", interrupts entry 1) moved from SPI 14 to SPI 70: ID 32 + 70 = 102.
  const PAST = replaced(board("zynq-7000"), "interrupts = <0 13 4>, <0 14 4>,", "interrupts = <0 13 4>, <0 70 4>,");
  const WHY = "interrupts entry 1 <0 70 4> is GIC interrupt ID 102, past the 96 IDs the GIC implements (GICD_TYPER.ITLinesNumber 2: IDs 0-95, SPI N is ID 32 + N)";

  it("GICD_TYPER (ICDICTR) reads ITLinesNumber 2, CPUNumber 1 and SecurityExtn", async () => {
    await withSystem({ board: "zynq-7000" }, (s) => {
      // [4:0] = 2 (96 IDs), [7:5] = 2 CPUs - 1 = 1, [10] = 1: 0x002 | 0x020 | 0x400.
      expect(gicd(s, ZYNQ_GICD).read(GICD_TYPER)).toBe(0x422);
    });
  });

  it("an SPI past ID 95 maps and is requested, never fires, and its transfer times out with the note", async () => {
    await withSystem({ dts: PAST }, (s) => {
      const dmac = s.device(DMAC);
      expect(dmac.irqs).toEqual([45, 102, 47, 48, 49, 72, 73, 74, 75]);
      expect(dmac.driverName).toBe("dma-pl330");
      // Linux 6.x numbers the PL330's nine entries 24-32 (past the IPIs' 16-23): entry 1 is irq 25.
      expect(s.dmesg()).toContain(`dma-pl330 ${DMAC}: note: interrupts entry 1 gives irq 25, which never fires (${WHY}) (dmasim): `);
      // Listed as requested, with count 0: what Linux's /proc/interrupts shows for it.
      expect(s.readFile("/proc/interrupts")).toContain(` 25:          0          0 GIC-0 102 Level     ${DMAC}`);
      // The distributor has no enable bit for IDs 96-127: ISENABLER3 reads 0 after request_irq
      // set bit 6 (ID 102), and a write of every bit is ignored (RAZ/WI). IDs 72-75 (SPIs 40-43,
      // entries 5-8) are enabled: bits 8-11 of ISENABLER2.
      const regs = gicd(s, ZYNQ_GICD);
      expect(regs.read(GICD_ISENABLER + 12)).toBe(0);
      regs.write(GICD_ISENABLER + 12, 0xffffffff);
      expect(regs.read(GICD_ISENABLER + 12)).toBe(0);
      expect(regs.read(GICD_ISENABLER + 8) & 0xf00).toBe(0xf00);

      const [ev0, ev1] = [dma_request_chan_by_mask(s, DMA_MEMCPY), dma_request_chan_by_mask(s, DMA_MEMCPY)];
      expect(memcpy(ev1)).toBe(DMA_COMPLETE); // event 1: entry 2, SPI 15 (ID 47), a line of the GIC
      expect(memcpy(ev0)).toBe(DMA_ERROR);
      const notes = s.dmesg().split("\n").filter((l) => l.includes("timed out (dmasim)"));
      expect(notes).toHaveLength(1);
      expect(notes[0].slice(notes[0].indexOf("DMAEND; "))).toBe(
        "DMAEND; the channel finished and raised event 0, but the interrupt that event raises (interrupts entry 1, irq 25) never fires: " +
          `${WHY}; Linux's GIC driver maps it all the same (gic_irq_domain_translate checks no range) and pl330_probe requested it`,
      );
    });
  });

  it("the board's own SPIs all lie below the count: the example tree gets no note", async () => {
    await withSystem({ board: "zynq-7000" }, (s) => {
      expect(s.dmesg()).not.toContain("which never fires");
      expect(s.device(DMAC).irqs).toEqual([45, 46, 47, 48, 49, 72, 73, 74, 75]);
    });
  });
});

describe("RK3399's GIC-500 implements 256 SPIs (IDs 0-287)", () => {
  const DMAC = "ff6e0000.dma-controller";
  // dmasim's arm64 board as an RK3399 with a GICv3, its DMAC's entry 0 on SPI 300: ID 332.
  const RK3399 = replaced(replaced(board("arm64-ref"), 'compatible = "dmasim,arm64-ref";', 'compatible = "rockchip,rk3399";'), 'compatible = "arm,gic-400";', 'compatible = "arm,gic-v3";');
  const PAST = replaced(RK3399, "interrupts = <0 7 4>, <0 8 4>;", "interrupts = <0 300 4>, <0 8 4>;");
  const WHY = "interrupts entry 0 <0 300 4> is GIC interrupt ID 332, past the 288 IDs the GIC implements (GICD_TYPER.ITLinesNumber 8: IDs 0-287, SPI N is ID 32 + N)";

  it("GICD_TYPER reads ITLinesNumber 8, and Linux 6.x prints the SPI count at init (4.9 does not)", async () => {
    await withSystem({ dts: RK3399 }, (s) => {
      // [4:0] = 8 (288 IDs), [7:5] = 2 CPUs - 1, [10] SecurityExtn, [23:19] IDbits 9 (10 bits, no LPIs).
      expect(gicd(s, 0xfee00000).read(GICD_TYPER)).toBe(8 | (1 << 5) | (1 << 10) | (9 << 19));
      expect(s.dmesg()).toContain("GICv3: 256 SPIs implemented");
      expect(s.dmesg()).toContain("GICv3: 0 Extended SPIs implemented");
    });
    await withSystem({ dts: RK3399, kernel: "v4.9" }, (s) => expect(s.dmesg()).not.toContain("SPIs implemented"));
  });

  it("Linux 4.9: gic_irq_domain_map refuses an SPI past the count (-EPERM), so the AMBA bus gives 0", async () => {
    await withSystem({ dts: PAST, kernel: "v4.9" }, (s) => {
      expect(s.device(DMAC).irqs).toEqual([-6, 40]);
      expect(s.dmesg()).toContain(
        `dma-pl330 ${DMAC}: note: interrupts entry 0 gives no interrupt (-EINVAL: ${WHY}; Linux 4.9's gic_irq_domain_map refuses it (-EPERM: hw >= irq_nr)) (dmasim): ` +
          "Linux 4.9's of_amba_device_create set adev->irq[0] = 0",
      );
      expect(s.readFile("/proc/interrupts")).not.toContain("332");
    });
  });

  it("Linux 6.x maps it (an ID of the SPI range) and pl330_probe requests it: it never fires", async () => {
    await withSystem({ dts: PAST }, (s) => {
      expect(s.device(DMAC).irqs).toEqual([332, 40]);
      // arm64 6.x: the IPIs are irqs 1-8, so the DMAC's entries are 9 (ID 332) and 10.
      expect(s.dmesg()).toContain(`dma-pl330 ${DMAC}: note: interrupts entry 0 gives irq 9, which never fires (${WHY}) (dmasim): `);
      expect(s.readFile("/proc/interrupts")).toMatch(/^ {2}9: +0 +0 +GICv3 332 Level +ff6e0000\.dma-controller$/m);
    });
  });

  it("Linux 6.x refuses ID 1020, the first special ID (__get_intid_range knows SPIs 32-1019 only): -EPERM, where ID 1019 maps", async () => {
    const at = (spi: number) => replaced(RK3399, "interrupts = <0 7 4>, <0 8 4>;", `interrupts = <0 ${spi} 4>, <0 8 4>;`);
    await withSystem({ dts: at(987) }, (s) => expect(s.device(DMAC).irqs).toEqual([1019, 40]));
    await withSystem({ dts: at(988) }, (s) => {
      expect(s.device(DMAC).irqs).toEqual([-6, 40]);
      expect(s.dmesg()).toContain("interrupts entry 0 <0 988 4> is GIC interrupt ID 1020, past the 288 IDs the GIC implements (GICD_TYPER.ITLinesNumber 8: IDs 0-287, SPI N is ID 32 + N); gic_irq_domain_map refuses it (-EPERM: an ID of no range it knows)");
    });
  });
});
