// A PL330 whose interrupts entry cannot be resolved binds anyway, as in Linux: the AMBA bus
// leaves adev->irq[i] at 0 for it (4.9: of_amba_device_create's irq_of_parse_and_map; 6.x:
// amba_probe's of_amba_device_decode_irq), and pl330_probe requests adev->irq[] up to the first
// 0 without an error. dmasim says so at probe, /proc/interrupts lists only what was requested,
// and a transfer whose event raises an interrupt never requested times out with a note naming
// why. An entry naming an ID past the GIC is no such failure on a GICv2: Linux maps it and
// pl330_probe requests it, and it never fires (dmasim notes so at probe and in the hang note).
// The board: examples/boards/rk3288-like.dts, its peripheral DMAC (ff250000, probed first:
// dma0) on SPIs 2 and 3, the bus DMAC (ff600000) on SPIs 0 and 1; SPI N is GIC ID 32 + N. The
// board ORs event e onto interrupts entry e mod 2. Linux's irq numbers (kernel/irq-desc.ts):
// on 6.x 16-23 are the IPIs, and amba_probe maps the peripheral DMAC's entries from 24 up, then
// the bus DMAC's; on 4.9 populate maps them in tree order from 16.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { withSystem } from "../../helpers/system.js";
import { rk3288With } from "../../helpers/rk3288-tree.js";
import type { System } from "../../../src/system.js";
import { GFP_KERNEL } from "../../../src/mm/gfp.js";
import { dma_alloc_coherent } from "../../../src/dma/mapping.js";
import { dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait } from "../../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_ERROR, DMA_MEMCPY, DMA_PREP_INTERRUPT, type DmaChan } from "../../../src/dmaengine/types.js";
import { tempFile } from "../../helpers/temp-dir.js";

const root = new URL("../../..", import.meta.url).pathname;
const PERI_IRQS = "interrupts = <0 2 4>, <0 3 4>;";
const DMAC = "ff250000.dma-controller";
const GIC = "/soc/interrupt-controller@ffc01000";
const MODERN_ZERO = "Linux's amba_probe set adev->irq[$] = 0 (of_amba_device_decode_irq drops of_irq_get's error)";
const V49_ZERO = "Linux 4.9's of_amba_device_create set adev->irq[$] = 0 (irq_of_parse_and_map gives 0 for any failure)";

/** <0 2 4>, <0 3>: 5 cells for a GIC taking 3, so entry 1 (SPI 3 without its trigger cell) is
 *  cut short: of_irq_parse_one's -EOVERFLOW (4.9: -EINVAL). */
const CUT = rk3288With(PERI_IRQS, "interrupts = <0 2 4>, <0 3>;");
const CUT_WHY = `interrupts entry 1 of /soc/dma-controller@ff250000 is cut short: "interrupts" has 5 cells, not a multiple of #interrupt-cells = 3 (${GIC})`;
/** SPI 2000 is GIC ID 2032, past any GIC's IDs (0-1019). */
const PAST = rk3288With(PERI_IRQS, "interrupts = <0 2000 4>, <0 3 4>;");
const PAST_WHY = "interrupts entry 0 <0 2000 4> is GIC interrupt ID 2032, and the GIC has none past 1019 (SPI N is ID 32 + N)";

/** /proc/interrupts of this 2-CPU board (6.x), its irq columns 3 wide: show_interrupts' width for
 *  a kernel with fewer than 1000 irq numbers (nr_irqs), however large a GIC ID listed; then
 *  32-bit ARM's IPI rows (arch/arm/kernel/smp.c show_ipi_list, none ever sent) and Err. */
function procInterrupts(rows: string[]): string {
  return ["           CPU0       CPU1       ", ...rows, ...IPI_ROWS, "Err:          0", ""].join("\n");
}
const IPI_ROWS = [
  "CPU wakeup interrupts", "Timer broadcast interrupts", "Rescheduling interrupts", "Function call interrupts",
  "CPU stop interrupts", "IRQ work interrupts", "completion interrupts",
].map((name, i) => `IPI${i}:          0          0  ${name}`);
/** A /proc/interrupts row of this 2-CPU board, irq number `irq` for GIC ID `hwirq`: every
 *  interrupt is taken on CPU0; 6.x's GIC prints its chip name unpadded (gic_irq_print_chip). */
const row = (irq: number, hwirq: number, count: number, name: string) =>
  `${String(irq).padStart(3)}: ${String(count).padStart(10)} ${"0".padStart(10)} GIC-0 ${String(hwirq).padStart(3)} Level     ${name}`;
const BUS = "ff600000.dma-controller";
/** The bus DMAC's rows when the peripheral DMAC's probe mapped `before` interrupts before it. */
const busRows = (before: number) => [row(24 + before, 32, 0, BUS), row(25 + before, 33, 0, BUS)];

/** A 64-byte memcpy on `chan`, waited for with dma_sync_wait. */
function memcpy(chan: DmaChan): number {
  const a = dma_alloc_coherent(chan.device.dev, 64, GFP_KERNEL)!;
  const b = dma_alloc_coherent(chan.device.dev, 64, GFP_KERNEL)!;
  return dma_sync_wait(chan, dmaengine_submit(dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, 64, DMA_PREP_INTERRUPT)!));
}

/** The hang note of a memcpy from 0x80000000, past the board's 512 MiB of RAM and in no
 *  device: the channel's first read faults (FTR data_read_err). */
function faultingMemcpyNote(s: System): string {
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  const dst = dma_alloc_coherent(chan.device.dev, 64, GFP_KERNEL)!;
  const cookie = dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dst.dmaAddr, 0x8000_0000, 64, DMA_PREP_INTERRUPT)!);
  expect(dma_sync_wait(chan, cookie)).toBe(DMA_ERROR);
  return hangNote(s);
}

function hangNote(s: System): string {
  const notes = s.dmesg().split("\n").filter((l) => l.includes("timed out (dmasim)"));
  expect(notes).toHaveLength(1);
  return notes[0];
}

describe("a PL330 with an interrupts entry that does not resolve binds without that interrupt", () => {
  it("entry 1 cut short: irq 24 (ID 34) requested, a note at probe, event 1's transfer times out naming why", async () => {
    await withSystem({ dts: CUT }, (s) => {
      const dmac = s.device(DMAC);
      expect(dmac.irqs).toEqual([32 + 2, -75]);
      expect(dmac.driverName).toBe("dma-pl330");
      expect(dmac.probe_failure).toBeUndefined();
      expect(s.dmesg()).toContain(
        `dma-pl330 ${DMAC}: note: interrupts entry 1 gives no interrupt (-EOVERFLOW: ${CUT_WHY}) (dmasim): ${MODERN_ZERO.replace("$", "1")}, ` +
          "and pl330_probe requests adev->irq[] up to the first 0: irq 24 only. The controller binds without interrupts entry 1, silently; " +
          "a transfer whose event raises it never completes",
      );
      // The peripheral DMAC's entry 0 only (irq 24; entry 1 got no number), and the bus DMAC's two SPIs.
      expect(s.readFile("/proc/interrupts")).toBe(procInterrupts([row(24, 34, 0, DMAC), ...busRows(1)]));

      // Two channels held at once get threads 0 and 1 with events 0 and 1 (_alloc_event takes
      // the lowest free): event 0 raises entry 0 (irq 24), event 1 entry 1 (SPI 3, never requested).
      const [ev0, ev1] = [dma_request_chan_by_mask(s, DMA_MEMCPY), dma_request_chan_by_mask(s, DMA_MEMCPY)];
      expect([ev0.name, ev1.name]).toEqual(["dma0chan0", "dma0chan1"]);
      expect(memcpy(ev0)).toBe(DMA_COMPLETE);
      expect(memcpy(ev1)).toBe(DMA_ERROR);
      const note = hangNote(s);
      expect(note).toMatch(
        new RegExp(
          "^\\[ *[\\d.]+\\] WARNING: dmaengine: dma_sync_wait timed out \\(dmasim\\): dma0chan1 \\(PL330 thread 1, request line 1\\): CSR1 0x0 \\(Stopped\\), CPC1 0x[0-9a-f]+: DMAEND; " +
            "the channel finished and raised event 1, but the interrupt that event raises \\(interrupts entry 1, GIC interrupt ID 35\\) was never requested: ",
        ),
      );
      expect(note.slice(note.indexOf("was never requested: "))).toBe(
        `was never requested: interrupts entry 1 gives no interrupt (-EOVERFLOW: ${CUT_WHY}), so ${MODERN_ZERO.replace("$", "1")} ` +
          "and pl330_probe requested adev->irq[] only up to that 0",
      );
      // One completion interrupt, for event 0's memcpy; event 1's line stayed disabled at the GIC.
      expect(s.readFile("/proc/interrupts")).toBe(procInterrupts([row(24, 34, 1, DMAC), ...busRows(1)]));
    });
  });

  it("entry 1 cut short and named \"abort\": a channel that faults is never reset, its abort interrupt was never requested", async () => {
    // interrupt-names wires irq_abort to entry 1 (SPI 3, ID 35: never mapped, so no irq number)
    // and event 0 to entry 0 (irq 24, requested): the abort's entry is the one the AMBA bus left at 0.
    const dts = CUT.replace("interrupts = <0 2 4>, <0 3>;", 'interrupts = <0 2 4>, <0 3>;\n\t\t\tinterrupt-names = "dma0", "abort";');
    expect(dts).not.toBe(CUT);
    await withSystem({ dts }, (s) => {
      expect(s.device(DMAC).irqs).toEqual([34, -75]);
      const note = faultingMemcpyNote(s);
      expect(note.slice(note.indexOf("; the channel faulted"))).toBe(
        "; the channel faulted (FTR0 0x40000: data_read_err), and the driver never resets it: its abort interrupt (interrupts entry 1, GIC interrupt ID 35) was never requested: " +
          `interrupts entry 1 gives no interrupt (-EOVERFLOW: ${CUT_WHY}), so ${MODERN_ZERO.replace("$", "1")} ` +
          "and pl330_probe requested adev->irq[] only up to that 0",
      );
    });
  });

  it("entry 1 cut short: event 2 raises entry 0 again (event e on entry e mod 2), so its transfer completes", async () => {
    await withSystem({ dts: CUT }, (s) => {
      // Three channels held at once get threads and events 0, 1 and 2.
      const chans = [0, 1, 2].map(() => dma_request_chan_by_mask(s, DMA_MEMCPY));
      expect(chans.map((c) => c.name)).toEqual(["dma0chan0", "dma0chan1", "dma0chan2"]);
      expect(memcpy(chans[2])).toBe(DMA_COMPLETE);
      expect(s.readFile("/proc/interrupts")).toBe(procInterrupts([row(24, 34, 1, DMAC), ...busRows(1)]));
    });
  });

  it("Linux 4.9: the 0 comes from of_amba_device_create, the entry's errno is -EINVAL; ID 34 is irq 16", async () => {
    await withSystem({ dts: CUT, kernel: "v4.9" }, (s) => {
      expect(s.device(DMAC).irqs).toEqual([32 + 2, -22]);
      expect(s.dmesg()).toContain(
        `dma-pl330 ${DMAC}: note: interrupts entry 1 gives no interrupt (-EINVAL: ${CUT_WHY}) (dmasim): ${V49_ZERO.replace("$", "1")}, ` +
          "and pl330_probe requests adev->irq[] up to the first 0: irq 16 only.",
      );
    });
  });

  it("entry 0 past the GIC (a GICv2): ID 2032 requested as irq 24, listed with count 0, and its event's transfer times out", async () => {
    // gic_irq_domain_translate (irq-gic.c) checks no range and the GIC domain keeps a hwirq past
    // its linear revmap in its radix tree, so of_irq_get maps SPI 2000 (ID 2032, irq 24) and the
    // AMBA bus gives it: pl330_probe requests 24 and 25 (ID 35) and binds. No line of the SoC is
    // ID 2032.
    await withSystem({ dts: PAST }, (s) => {
      const dmac = s.device(DMAC);
      expect(dmac.irqs).toEqual([32 + 2000, 32 + 3]);
      expect(dmac.driverName).toBe("dma-pl330");
      expect(s.dmesg()).toContain(
        `dma-pl330 ${DMAC}: note: interrupts entry 0 gives irq 24, which never fires (${PAST_WHY}) (dmasim): ` +
          "Linux's GIC driver maps it all the same (gic_irq_domain_translate checks no range), and pl330_probe requests it: " +
          "the controller binds, silently; a transfer whose event raises it never completes",
      );
      expect(s.dmesg()).not.toContain("gives no interrupt");
      // show_interrupts sizes its columns from nr_irqs (28 here: the arm kernel's 16 + 8 IPIs + the 4
      // interrupts mapped, below 1000), not from the IDs: 3 wide, and 2032 overflows its hwirq field.
      const rows = (n25: number) => [" 24:          0          0 GIC-0 2032 Level     " + DMAC, row(25, 35, n25, DMAC), ...busRows(2)];
      expect(s.readFile("/proc/interrupts")).toBe(procInterrupts(rows(0)));

      // Event 1 raises entry 1 (irq 25, ID 35, a line of the GIC): its memcpy completes. Event 0
      // raises entry 0, ID 2032: never taken, so that memcpy times out.
      const [ev0, ev1] = [dma_request_chan_by_mask(s, DMA_MEMCPY), dma_request_chan_by_mask(s, DMA_MEMCPY)];
      expect(memcpy(ev1)).toBe(DMA_COMPLETE);
      expect(memcpy(ev0)).toBe(DMA_ERROR);
      const note = hangNote(s);
      expect(note.slice(note.indexOf("DMAEND; "))).toBe(
        "DMAEND; the channel finished and raised event 0, but the interrupt that event raises (interrupts entry 0, irq 24) never fires: " +
          `${PAST_WHY}; Linux's GIC driver maps it all the same (gic_irq_domain_translate checks no range) and pl330_probe requested it`,
      );
      expect(s.readFile("/proc/interrupts")).toBe(procInterrupts(rows(1)));
    });
  });

  it("entry 0 past the GIC: a channel that faults is never reset, its abort interrupt never fires", async () => {
    await withSystem({ dts: PAST }, (s) => {
      const note = faultingMemcpyNote(s);
      // FTR bit 18: data_read_err (spec pl330 §4). The board ORs irq_abort onto entry 0.
      expect(note.slice(note.indexOf("; the channel faulted"))).toBe(
        "; the channel faulted (FTR0 0x40000: data_read_err), and the driver never resets it: its abort interrupt (interrupts entry 0, irq 24) never fires: " +
          `${PAST_WHY}; Linux's GIC driver maps it all the same (gic_irq_domain_translate checks no range) and pl330_probe requested it`,
      );
    });
  });

  it("entry 0 past the GIC on Linux 4.9: mapped and requested the same (4.9's translate checks no range either)", async () => {
    await withSystem({ dts: PAST, kernel: "v4.9" }, (s) => {
      expect(s.device(DMAC).irqs).toEqual([2032, 35]);
      // Mapped at populate, the first device with interrupts in the tree: irq 16.
      expect(s.dmesg()).toContain(`dma-pl330 ${DMAC}: note: interrupts entry 0 gives irq 16, which never fires (${PAST_WHY}) (dmasim): `);
    });
  });

  it("entry 0 naming ID 1020, the first of the GIC's special IDs: no line, requested all the same, and its event's transfer times out", async () => {
    // SPI 988 is ID 32 + 988 = 1020. A GIC's interrupt IDs end at 1019: 1020-1023 are special
    // (1023 the spurious ID), so no distributor has an enable bit for 1020 and no SoC wires a
    // device to it. Linux's GICv2 maps it as it maps 2032 (no range check).
    const special = rk3288With(PERI_IRQS, "interrupts = <0 988 4>, <0 3 4>;");
    const why = "interrupts entry 0 <0 988 4> is GIC interrupt ID 1020, and the GIC has none past 1019, IDs 1020-1023 being special (1023: spurious) (SPI N is ID 32 + N)";
    await withSystem({ dts: special }, (s) => {
      expect(s.device(DMAC).irqs).toEqual([1020, 35]);
      expect(s.dmesg()).toContain(`dma-pl330 ${DMAC}: note: interrupts entry 0 gives irq 24, which never fires (${why}) (dmasim): `);
      const [ev0, ev1] = [dma_request_chan_by_mask(s, DMA_MEMCPY), dma_request_chan_by_mask(s, DMA_MEMCPY)];
      expect(memcpy(ev1)).toBe(DMA_COMPLETE);
      expect(memcpy(ev0)).toBe(DMA_ERROR);
      expect(hangNote(s)).toContain("raised event 0, but the interrupt that event raises (interrupts entry 0, irq 24) never fires: ");
      // 28 irq numbers: 3 wide; ID 1020 overflows the hwirq field.
      expect(s.readFile("/proc/interrupts")).toBe(procInterrupts([row(24, 1020, 0, DMAC), row(25, 35, 1, DMAC), ...busRows(2)]));
    });
    // SPI 987, ID 1019, is the GIC's last: a line like any other, event 0's transfer completes.
    await withSystem({ dts: rk3288With(PERI_IRQS, "interrupts = <0 987 4>, <0 3 4>;") }, (s) => {
      expect(s.dmesg()).not.toContain("which never fires");
      expect(memcpy(dma_request_chan_by_mask(s, DMA_MEMCPY))).toBe(DMA_COMPLETE);
    });
  });

  it("entry 0 past the GIC on a GICv3: gic_irq_domain_map refuses it (-EPERM), so the AMBA bus gives 0 and nothing is requested", async () => {
    const dts = PAST.replace('compatible = "arm,gic-400";', 'compatible = "arm,gic-v3";');
    expect(dts).not.toBe(PAST);
    await withSystem({ dts }, (s) => {
      expect(s.device(DMAC).irqs).toEqual([-6, 35]);
      expect(s.dmesg()).toContain(
        `dma-pl330 ${DMAC}: note: interrupts entry 0 gives no interrupt (-EINVAL: ${PAST_WHY}) (dmasim): ${MODERN_ZERO.replace("$", "0")}, ` +
          "and pl330_probe requests adev->irq[] up to the first 0: none. The controller binds with no interrupt, silently; no transfer completes",
      );
      expect(s.dmesg()).not.toContain("which never fires");
    });
  });

  it("a tenth entry is never requested: an AMBA device has AMBA_NR_IRQS = 9 interrupts", async () => {
    const ten = Array.from({ length: 10 }, (_, n) => `<0 ${2 + n} 4>`).join(", ");
    await withSystem({ dts: rk3288With(PERI_IRQS, `interrupts = ${ten};`) }, (s) => {
      // SPIs 2..10 are IDs 34..42, irqs 24..32; SPI 11 (ID 43), the tenth, is left out, with no
      // note and no number.
      const rows = Array.from({ length: 9 }, (_, n) => row(24 + n, 34 + n, 0, DMAC));
      expect(s.readFile("/proc/interrupts")).toBe(procInterrupts([...rows, ...busRows(9)]));
      expect(s.dmesg()).not.toContain("note: interrupts entry");
    });
  });

  it("a PL330 node without arm,primecell is a platform device: it fails on an entry cut short, and binds with one past the GIC", async () => {
    const primecell = 'dmac_peri: dma-controller@ff250000 {\n\t\t\tcompatible = "arm,pl330", "arm,primecell";';
    const platform = (dts: string) => dts.replace(primecell, 'dmac_peri: dma-controller@ff250000 {\n\t\t\tcompatible = "arm,pl330";');
    expect(platform(CUT)).not.toBe(CUT);
    await withSystem({ dts: platform(CUT) }, (s) => {
      expect(s.device(DMAC).probe_failure).toBe(`dma-pl330 ${DMAC}: probe failed with -EOVERFLOW: IRQ index 1 not found: ${CUT_WHY} (dmasim)`);
      expect(s.dmesg()).not.toContain("note: interrupts entry");
    });
    // platform_get_irq is of_irq_get too: ID 2032 maps on a GICv2 (irq 24), and request_irq takes it.
    await withSystem({ dts: platform(PAST) }, (s) => {
      expect(s.device(DMAC).probe_failure).toBeUndefined();
      expect(s.device(DMAC).driverName).toBe("dma-pl330");
      expect(s.dmesg()).toContain(`dma-pl330 ${DMAC}: note: interrupts entry 0 gives irq 24, which never fires (${PAST_WHY}) (dmasim): `);
    });
  });

  it("dmasim probe reports the controller bound, with the note, and no dtc warning the note already gives", () => {
    const dts = tempFile("amba-irqs-", "cut.dts");
    writeFileSync(dts, CUT);
    const r = spawnSync(process.execPath, [join(root, "dist/src/cli.js"), "probe", dts, "--iterations", "1"], { cwd: root, encoding: "utf8" });
    expect(r.stdout).toMatch(/^\[ *[\d.]+\] dma-pl330 ff250000\.dma-controller: note: interrupts entry 1 gives no interrupt \(-EOVERFLOW: /m);
    expect(r.stdout).toMatch(/^\[ *[\d.]+\] dma-pl330 ff250000\.dma-controller: Loaded driver for PL330 DMAC-241330$/m);
    expect(r.stdout).not.toContain("no driver bound");
    // 20 channels of each DMAC are listed and tested.
    expect(r.stdout).toContain("dma1chan18  dma1chan19\n");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toMatch(/^\d+ passed, \d+ failed$/);
    expect(r.stderr).toBe("");
  });
});
