// A BSP engineer's own tree, broken the usual ways, starting from examples/boards/rk3288-like.dts:
// each mistake in a DMAC's interrupts must say what is wrong in the tree's terms and the
// kernel's result, not fail silently or with a bare errno. An SPI N is GIC ID 32 + N and a PPI
// N is 16 + N (gic_irq_domain_translate). (The dmas mistakes: test/sim/missing-dma-peripheral.)

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { withSystem } from "../helpers/system.js";
import { rk3288With } from "../helpers/rk3288-tree.js";
import { dma_request_chan } from "../../src/dmaengine/dmaengine.js";
import { tempDir, tempFile } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const PERI_IRQS = "interrupts = <0 2 4>, <0 3 4>;";

describe("a BSP tree's DMAC interrupt mistakes, on the RK3288-like board", () => {
  it("refuses a DMAC interrupt given as a PPI, as request_threaded_irq's WARN_ON does", async () => {
    await withSystem({ dts: rk3288With(PERI_IRQS, "interrupts = <1 2 4>, <1 3 4>;") }, (s) => {
      const dmesg = s.dmesg();
      expect(dmesg).toContain(
        "WARNING: kernel/irq/manage.c: request_threaded_irq: WARN_ON(irq_settings_is_per_cpu_devid(desc)): " +
          // IDs 18 and 19, which this DMAC's amba_probe maps as 24 and 25, past the IPIs' 16-23.
          "ff250000.dma-controller requested irq 24, a per-CPU interrupt (GIC PPI 2); " +
          "a peripheral's interrupt is an SPI: <0 N type> in its interrupts, GIC ID 32 + N",
      );
      expect(dmesg).toContain("dma-pl330: probe of ff250000.dma-controller failed with error -22");
      expect(s.device("ff250000.dma-controller").probe_failure).toBe("dma-pl330 ff250000.dma-controller: probe failed with -EINVAL");
      // The bus DMAC, on SPIs, still binds; nothing else of the board changed.
      expect(s.dmaChannels().filter((c) => c.name.startsWith("dma0"))).toHaveLength(20);
      // A client of the refused DMAC is told why its provider never came.
      expect(() => dma_request_chan(s.device("ff690000.serial"), "tx")).toThrow(
        "-EPROBE_DEFER: ff690000.serial: DMA provider /soc/dma-controller@ff250000 has no controller registered (dma-pl330 ff250000.dma-controller: probe failed with -EINVAL)",
      );
    });
  });

  it("says which interrupts entry names an ID the GIC does not have, which Linux's GICv2 driver maps and pl330_probe requests all the same", async () => {
    // The rest (/proc/interrupts, the transfer that times out): test/drivers/pl330/amba-irqs.test.ts.
    await withSystem({ dts: rk3288With(PERI_IRQS, "interrupts = <0 2000 4>, <0 3 4>;") }, (s) => {
      const why = "interrupts entry 0 <0 2000 4> is GIC interrupt ID 2032, and the GIC has none past 1019 (SPI N is ID 32 + N)";
      expect(s.dmesg()).toContain(`dma-pl330 ff250000.dma-controller: note: interrupts entry 0 gives irq 24, which never fires (${why}) (dmasim): `);
      expect(s.device("ff250000.dma-controller").probe_failure).toBeUndefined();
      expect(s.device("ff250000.dma-controller").driverName).toBe("dma-pl330");
    });
  });

  it("warns of a trigger type of 0 (IRQ_TYPE_NONE) as gic_irq_domain_translate does since 5.19; Linux 4.9 says nothing", async () => {
    // irq-gic.c: WARN(*type == IRQ_TYPE_NONE, "HW irq %ld has invalid type\n", *hwirq), the ID
    // being 32 + N for SPI N: 34 for <0 2 0>. The WARN_ON it replaced came after 4.9 (2018).
    const dts = rk3288With(PERI_IRQS, "interrupts = <0 2 0>, <0 3 4>;");
    await withSystem({ dts }, (s) => {
      const warnings = s.dmesg().split("\n").filter((l) => l.includes("gic_irq_domain_translate"));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^\[ *[\d.]+\] WARNING: drivers\/irqchip\/irq-gic\.c: gic_irq_domain_translate: HW irq 34 has invalid type$/);
      // The WARN is all: the interrupt maps, and the controller binds with both.
      expect(s.device("ff250000.dma-controller").irqs).toEqual([34, 35]);
      expect(s.device("ff250000.dma-controller").driverName).toBe("dma-pl330");
    });
    await withSystem({ dts, kernel: "v4.9" }, (s) => {
      expect(s.dmesg()).not.toContain("gic_irq_domain_translate");
      expect(s.device("ff250000.dma-controller").irqs).toEqual([34, 35]);
    });
    // A GICv3's translate has a WARN_ON without a message (irq-gic-v3.c), partitioned PPIs excepted.
    await withSystem({ dts: dts.replace('compatible = "arm,gic-400";', 'compatible = "arm,gic-v3";') }, (s) => {
      expect(s.dmesg()).toContain(
        "WARNING: drivers/irqchip/irq-gic-v3.c: gic_irq_domain_translate: WARN_ON(*type == IRQ_TYPE_NONE && fwspec->param[0] != GIC_IRQ_TYPE_PARTITION)",
      );
    });
  });

  it("reads the trigger type from the third cell's low 4 bits (IRQ_TYPE_SENSE_MASK), and gives no WARN for a specifier translate refuses first", async () => {
    // <0 2 0xf00>: 0xf00 & 0xf = 0, IRQ_TYPE_NONE (bits 15:8 are a PPI's CPU mask, nothing of an SPI's type).
    await withSystem({ dts: rk3288With(PERI_IRQS, "interrupts = <0 2 0xf00>, <0 3 4>;") }, (s) => {
      const warnings = s.dmesg().split("\n").filter((l) => l.includes("gic_irq_domain_translate"));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain("WARNING: drivers/irqchip/irq-gic.c: gic_irq_domain_translate: HW irq 34 has invalid type");
    });
    // <2 2 0>: a GICv2 knows kinds 0 (SPI) and 1 (PPI) only; its translate returns -EINVAL
    // before it looks at the type, so no WARN, and the entry gives the AMBA device no interrupt.
    await withSystem({ dts: rk3288With(PERI_IRQS, "interrupts = <2 2 0>, <0 3 4>;") }, (s) => {
      expect(s.dmesg()).not.toContain("gic_irq_domain_translate");
      expect(s.device("ff250000.dma-controller").irqs[0]).toBeLessThan(0);
      expect(s.dmesg()).toContain("note: interrupts entry 0 gives no interrupt (-EINVAL: interrupts entry 0 <2 2 0> is no GICv2 specifier");
    });
  });

  it("dmasim probe ends a refused controller's line with its errno, exit 1", () => {
    const dir = tempDir("bsp-");
    const dts = join(dir, "ppi.dts");
    writeFileSync(dts, rk3288With(PERI_IRQS, "interrupts = <1 2 4>, <1 3 4>;"));
    const r = spawnSync(process.execPath, [join(root, "dist/src/cli.js"), "probe", dts, "--iterations", "1"], { cwd: root, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^\[ *[\d.]+\] WARNING: kernel\/irq\/manage\.c: request_threaded_irq: .* requested irq 24, a per-CPU interrupt \(GIC PPI 2\);/m);
    expect(r.stdout).toContain("\nff250000.dma-controller: no driver bound (probe failed with -EINVAL)\n");
    // 20 channels of the bus DMAC pass; the refused controller is the one failure.
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("20 passed, 1 failed");
  });
  it("builds the board when an interrupts entry is cut short: that DMAC binds with the entries before it, its note gives of_irq_parse_one's errno", async () => {
    // <0 2>, <0 3> is 4 cells for a GIC taking 3: entry 0 reads <0 2 0> (SPI 2, whole), entry
    // 1 runs past the property's end. Linux 6.x reads it with of_property_read_u32_index,
    // which returns -EOVERFLOW (75) for a cell past the end; 4.9 compared the index with the
    // length and returned -EINVAL (22). Either way the AMBA bus leaves adev->irq[1] at 0 and
    // pl330_probe requests irq 34 only (test/drivers/pl330/amba-irqs.test.ts).
    const cut = rk3288With(PERI_IRQS, "interrupts = <0 2>, <0 3>;");
    const why =
      'interrupts entry 1 of /soc/dma-controller@ff250000 is cut short: "interrupts" has 4 cells, not a multiple of #interrupt-cells = 3 (/soc/interrupt-controller@ffc01000)';
    await withSystem({ dts: cut }, (s) => {
      expect(s.device("ff250000.dma-controller").irqs).toEqual([32 + 2, -75]);
      expect(s.dmesg()).toContain(`dma-pl330 ff250000.dma-controller: note: interrupts entry 1 gives no interrupt (-EOVERFLOW: ${why}) (dmasim): `);
      expect(s.device("ff250000.dma-controller").probe_failure).toBeUndefined();
      // Both DMACs bind with their 20 channels (8 threads, 20 request lines offered).
      expect(s.dmaChannels().filter((c) => c.name.startsWith("dma0"))).toHaveLength(20);
      expect(s.dmaChannels().filter((c) => c.name.startsWith("dma1"))).toHaveLength(20);
    });
    await withSystem({ dts: cut, kernel: "v4.9" }, (s) => {
      expect(s.dmesg()).toContain(`dma-pl330 ff250000.dma-controller: note: interrupts entry 1 gives no interrupt (-EINVAL: ${why}) (dmasim): `);
    });
  });

  it("dmasim probe prints dtc's warning only where its log does not already say it", () => {
    const dir = tempDir("bsp-");
    const probe = (file: string, text: string) => {
      writeFileSync(join(dir, file), text);
      return spawnSync(process.execPath, [join(root, "dist/src/cli.js"), "probe", join(dir, file), "--iterations", "1"], { cwd: root, encoding: "utf8" });
    };
    // The DMAC's cut-short entry: its probe note names the node and the counts; no warning.
    const dmac = probe("dmac.dts", rk3288With(PERI_IRQS, "interrupts = <0 2>, <0 3>;"));
    expect(dmac.stdout).toMatch(/\] dma-pl330 ff250000\.dma-controller: note: interrupts entry 1 gives no interrupt \(-EOVERFLOW: interrupts entry 1 of \/soc\/dma-controller@ff250000 is cut short: /);
    expect(dmac.stderr).toBe("");
    // The UART's: no driver of dmasim's reads it, so dtc's warning is the one word about it
    // (dtc 1.6.1 prints this line for the same file, run by hand).
    const uart = probe("uart.dts", rk3288With("interrupts = <0 57 4>;", "interrupts = <0 57>;"));
    expect(uart.stderr).toBe(`${join(dir, "uart.dts")}:78.4-27: Warning (interrupts_property): /soc/serial@ff690000:#interrupt-cells: size is (8), expected multiple of 12\n`);
  });
  it("dmasim demo, which shows no boot log, prints dtc's warning for the tree it boots", () => {
    const dts = tempFile("bsp-", "dmac.dts");
    writeFileSync(dts, rk3288With(PERI_IRQS, "interrupts = <0 2>, <0 3>;"));
    const r = spawnSync(process.execPath, [join(root, "dist/src/cli.js"), "demo", "--dts", dts, "--size", "64K"], { cwd: root, encoding: "utf8" });
    expect(r.status).toBe(0);
    // dtc 1.6.1's line for the same file (run by hand): it names the GIC's #interrupt-cells.
    expect(r.stderr).toBe(`${dts}:78.4-27: Warning (interrupts_property): /soc/dma-controller@ff250000:#interrupt-cells: size is (16), expected multiple of 12\n`);
  });
});
