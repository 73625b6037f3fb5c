// A BSP engineer's own tree, broken the usual ways, starting from examples/boards/rk3288-like.dts:
// each mistake in a DMAC's interrupts must say what is wrong in the tree's terms and the
// kernel's result, not fail silently or with a bare errno. An SPI N is GIC ID 32 + N and a PPI
// N is 16 + N (gic_irq_domain_translate). (The dmas mistakes: test/sim/missing-dma-peripheral.)

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withSystem } from "../helpers/system.js";
import { rk3288With } from "../helpers/rk3288-tree.js";
import { dma_request_chan } from "../../src/dmaengine/dmaengine.js";

const root = new URL("../..", import.meta.url).pathname;
const PERI_IRQS = "interrupts = <0 2 4>, <0 3 4>;";

describe("a BSP tree's DMAC interrupt mistakes, on the RK3288-like board", () => {
  it("refuses a DMAC interrupt given as a PPI, as request_threaded_irq's WARN_ON does", async () => {
    await withSystem({ dts: rk3288With(PERI_IRQS, "interrupts = <1 2 4>, <1 3 4>;") }, (s) => {
      const dmesg = s.dmesg();
      expect(dmesg).toContain(
        "WARNING: kernel/irq/manage.c: request_threaded_irq: WARN_ON(irq_settings_is_per_cpu_devid(desc)): " +
          "ff250000.dma-controller requested irq 18, a per-CPU interrupt (GIC PPI 2); " +
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

  it("says which interrupts entry gives no GIC interrupt, instead of a bare -EINVAL", async () => {
    await withSystem({ dts: rk3288With(PERI_IRQS, "interrupts = <0 2000 4>, <0 3 4>;") }, (s) => {
      const why = "IRQ index 0 not found: interrupts entry 0 <0 2000 4> is GIC interrupt ID 2032, and the GIC has none past 1023 (SPI N is ID 32 + N) (dmasim)";
      expect(s.dmesg()).toContain(`dma-pl330 ff250000.dma-controller: error -EINVAL: ${why}`);
      expect(s.device("ff250000.dma-controller").probe_failure).toBe(`dma-pl330 ff250000.dma-controller: probe failed with -EINVAL: ${why}`);
    });
  });

  it("dmasim probe ends a refused controller's line with its errno, exit 1", () => {
    const dir = mkdtempSync(join(tmpdir(), "bsp-"));
    const dts = join(dir, "ppi.dts");
    writeFileSync(dts, rk3288With(PERI_IRQS, "interrupts = <1 2 4>, <1 3 4>;"));
    const r = spawnSync(process.execPath, [join(root, "dist/src/cli.js"), "probe", dts, "--iterations", "1"], { cwd: root, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^\[ *[\d.]+\] WARNING: kernel\/irq\/manage\.c: request_threaded_irq: .* requested irq 18, a per-CPU interrupt \(GIC PPI 2\);/m);
    expect(r.stdout).toContain("\nff250000.dma-controller: no driver bound (probe failed with -EINVAL)\n");
    // 20 channels of the bus DMAC pass; the refused controller is the one failure.
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("20 passed, 1 failed");
  });
});
