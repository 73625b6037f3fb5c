// pl330_probe maps its registers with devm_ioremap_resource (drivers/dma/pl330.c, 4.9 and 6.x):
// a busy region named "<device> <resource>" (since 5.9; 4.9: the resource's own name, the
// node's full path) nested in the AMBA device's /proc/iomem entry, and an ioremap area in the
// vmalloc space. Both are devres: a probe that fails after the mapping (really_probe's
// devres_release_all), and an unbind after pl330_remove, give them back. The board is
// examples/boards/rk3288-like.dts: the peripheral DMAC ff250000 (16 KiB of registers, an ioremap
// area of 4 pages plus a guard page) and the bus DMAC ff600000.

import { describe, expect, it } from "vitest";
import { withSystem } from "../../helpers/system.js";
import { RK3288, rk3288With } from "../../helpers/rk3288-tree.js";
import { request_mem_region } from "../../../src/kernel/resource.js";
import { devm_ioremap_resource } from "../../../src/kernel/devm-ioremap.js";
import { ENOMEM } from "../../../src/kernel/errno.js";

const PERI = 'dmac_peri: dma-controller@ff250000 {\n\t\t\tcompatible = "arm,pl330", "arm,primecell";\n\t\t\treg = <0x0 0xff250000 0x0 0x4000>;\n\t\t\tinterrupts = <0 2 4>, <0 3 4>;';
const DMAC = "ff250000.dma-controller";

/** The peripheral DMAC's second interrupt a PPI: pl330_probe fails with -EINVAL after mapping. */
const PPI_TREE = rk3288With(PERI, PERI.replace("<0 3 4>", "<1 3 4>"));

/** The live areas of /proc/vmallocinfo: an iounmapped area stays listed as "unpurged vm_area"
 *  until the lazy purge (mm/vmalloc.c), in Linux as here, and holds no mapping. */
function liveAreas(vmallocinfo: string): string {
  return vmallocinfo.split("\n").filter((l) => !l.includes("unpurged vm_area")).join("\n");
}

/** The /proc/iomem lines of the two DMACs: each AMBA entry, and a bound driver's region in it. */
function dmacLines(iomem: string): string[] {
  return iomem.split("\n").filter((l) => /ff250000|ff600000/.test(l));
}

describe("pl330's register mapping is devm-managed", () => {
  it("a bound controller: the busy region nested in its AMBA entry and one ioremap area of 5 pages", async () => {
    await withSystem({ dts: RK3288 }, (s) => {
      expect(dmacLines(s.readFile("/proc/iomem"))).toEqual([
        "ff250000-ff253fff : dma-controller@ff250000",
        "  ff250000-ff253fff : ff250000.dma-controller dma-controller@ff250000",
        "ff600000-ff603fff : dma-controller@ff600000",
        "  ff600000-ff603fff : ff600000.dma-controller dma-controller@ff600000",
      ]);
      expect(s.kernel.mm.vmallocinfo()).toMatch(/^0x[0-9a-f]+-0x[0-9a-f]+ +20480 ioremap phys=0xff250000 ioremap$/m);
    });
  });

  it("4.9 names the region after the resource alone: the node's full path", async () => {
    await withSystem({ dts: RK3288, kernel: "v4.9" }, (s) => {
      expect(dmacLines(s.readFile("/proc/iomem")).slice(0, 2)).toEqual([
        "ff250000-ff253fff : /soc/dma-controller@ff250000",
        "  ff250000-ff253fff : /soc/dma-controller@ff250000",
      ]);
    });
  });

  it("a probe failing after the mapping leaves vmallocinfo and /proc/iomem as they were before it", async () => {
    await withSystem({ dts: PPI_TREE }, (s) => {
      const dev = s.device(DMAC);
      expect(dev.driverName).toBeUndefined();
      // The boot's failed probe left nothing: no region in the AMBA entry, no ioremap area.
      expect(dmacLines(s.readFile("/proc/iomem")).slice(0, 2)).toEqual([
        "ff250000-ff253fff : dma-controller@ff250000",
        "ff600000-ff603fff : dma-controller@ff600000",
      ]);
      expect(s.kernel.mm.vmallocinfo()).not.toContain("phys=0xff250000");
      // Probing again maps and claims, fails at the PPI, and gives both back.
      const iomem = s.readFile("/proc/iomem");
      const vmalloc = liveAreas(s.kernel.mm.vmallocinfo());
      expect(s.kernel.device_attach(dev)).toBe(-22);
      expect(s.readFile("/proc/iomem")).toBe(iomem);
      expect(liveAreas(s.kernel.mm.vmallocinfo())).toBe(vmalloc);
      expect(dev.devres_head).toEqual([]);
    });
  });

  it("unbinding gives both back after pl330_remove; a range someone holds fails the probe with -EBUSY, nothing mapped", async () => {
    await withSystem({ dts: RK3288 }, (s) => {
      const dev = s.device(DMAC);
      s.kernel.device_release_driver(dev);
      expect(dmacLines(s.readFile("/proc/iomem")).slice(0, 2)).toEqual([
        "ff250000-ff253fff : dma-controller@ff250000",
        "ff600000-ff603fff : dma-controller@ff600000",
      ]);
      expect(s.kernel.mm.vmallocinfo()).not.toContain("phys=0xff250000");
      expect(request_mem_region(s.kernel, 0xff250100, 0x10, "squatter")).not.toBeNull();
      const vmalloc = s.kernel.mm.vmallocinfo();
      expect(s.kernel.device_attach(dev)).toBe(-16);
      expect(s.dmesg()).toContain(`dma-pl330 ${DMAC}: can't request region for resource [mem 0xff250000-0xff253fff]`);
      expect(s.dmesg()).toContain(`dma-pl330: probe of ${DMAC} failed with error -16`);
      expect(s.kernel.mm.vmallocinfo()).toBe(vmalloc);
      expect(dmacLines(s.readFile("/proc/iomem")).slice(0, 1)).toEqual(["ff250000-ff253fff : dma-controller@ff250000"]);
      expect(s.readFile("/proc/iomem")).toContain("ff250000-ff253fff : dma-controller@ff250000\n  ff250100-ff25010f : squatter\n");
    });
  });
});

describe("devm_ioremap_resource whose ioremap fails", () => {
  it("gives the region back (lib/devres.c: devm_release_mem_region before -ENOMEM): the range can be claimed again", async () => {
    await withSystem({ dts: RK3288 }, (s) => {
      const dev = s.device(DMAC);
      // 1 GiB at 0x80000000: no RAM (512 MiB from 0) and no device there, and more than arm's
      // vmalloc area holds (high_memory + 8 MiB up to 0xff800000: under 500 MiB), so the region
      // is claimed and the mapping fails.
      const iomem = s.readFile("/proc/iomem");
      expect(devm_ioremap_resource(dev, { start: 0x80000000, size: 0x40000000, name: "big" })).toBe(-ENOMEM);
      expect(s.dmesg()).toContain(`dma-pl330 ${DMAC}: ioremap failed for resource [mem 0x80000000-0xbfffffff]`);
      expect(s.readFile("/proc/iomem")).toBe(iomem);
      expect(request_mem_region(s.kernel, 0x80000000, 0x1000, "after")).not.toBeNull();
    });
  });
});
