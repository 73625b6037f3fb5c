// The AMBA bus, not pl330_probe, decides whether a PL330 node gets the driver: by its peripheral
// ID (drivers/amba/bus.c amba_match/amba_lookup, pl330_ids = { 0x00041330, mask 0x000fffff }),
// from `arm,primecell-periphid` or the ID registers in the last 0x20 bytes of reg. The board:
// examples/boards/rk3288-like.dts, whose peripheral DMAC's window is 16 KiB (reg size 0x4000):
// the IDs are read at 0xff253fe0, where the PL330's 4 KiB register map repeats.

import { describe, expect, it } from "vitest";
import { withSystem } from "../../helpers/system.js";
import { rk3288With } from "../../helpers/rk3288-tree.js";

const PERI_REG = "reg = <0x0 0xff250000 0x0 0x4000>;";
const PERI = "ff250000.dma-controller";
const loaded = (periphid: string) => `dma-pl330 ${PERI}: Loaded driver for PL330 DMAC-${periphid}`;

describe("AMBA peripheral ID matching", () => {
  for (const kernel of ["modern", "v4.9"] as const) {
    it(`${kernel}: the registers' ID (r1p1: 0x00241330) binds through a 16 KiB window`, async () => {
      await withSystem({ dts: rk3288With(PERI_REG, PERI_REG), kernel }, (s) => {
        expect(s.device(PERI)!.driverName).toBe("dma-pl330");
        expect(s.dmesg()).toContain(loaded("241330"));
      });
    });

    it(`${kernel}: arm,primecell-periphid overrides the registers, and pl330 prints adev->periphid`, async () => {
      // 0x00141330 & 0xfffff = 0x41330: pl330's entry matches; "DMAC-%x" of 0x141330.
      const dts = rk3288With(PERI_REG, `${PERI_REG}\n\t\t\tarm,primecell-periphid = <0x00141330>;`);
      await withSystem({ dts, kernel }, (s) => {
        expect(s.device(PERI)!.driverName).toBe("dma-pl330");
        expect(s.dmesg()).toContain(loaded("141330"));
      });
    });

    it(`${kernel}: a periphid no amba_id matches: the device is there, no driver, no kernel message`, async () => {
      // 0x00041331 & 0xfffff = 0x41331 != 0x41330.
      const dts = rk3288With(PERI_REG, `${PERI_REG}\n\t\t\tarm,primecell-periphid = <0x00041331>;`);
      await withSystem({ dts, kernel }, (s) => {
        expect(s.device(PERI)!.bus).toBe("amba");
        expect(s.device(PERI)!.driverName).toBeUndefined();
        expect(s.dmesg()).not.toContain(`dma-pl330 ${PERI}`);
        expect(s.dmesg()).not.toContain("no PL330 at");
        // bind_store: amba_match says no, so -ENODEV and no probe.
        expect(() => s.writeFile("/sys/bus/amba/drivers/dma-pl330/bind", PERI)).toThrow(
          `-ENODEV: /sys/bus/amba/drivers/dma-pl330/bind: write error: dma-pl330 does not match ${PERI} ` +
            "(its AMBA peripheral ID: 0x00041331; dma-pl330's id_table: 0x00041330 mask 0x000fffff)",
        );
        expect(s.device(PERI)!.driverName).toBeUndefined();
        expect(s.kernel.ambaNotes).toEqual([
          "/soc/dma-controller@ff250000: AMBA peripheral ID 0x00041331 (from arm,primecell-periphid) matches no amba_id of dma-pl330 " +
            "(0x00041330 mask 0x000fffff) (dmasim): dma-pl330 never probes it (its compatible is not what amba_match compares)",
        ]);
      });
    });
  }

  // reg size 0x800: the IDs are read at 0xff2507e0-0xff2507ff, PL330 registers that read 0, so
  // the cell ID is 0, no PrimeCell's.
  const small = rk3288With(PERI_REG, "reg = <0x0 0xff250000 0x0 0x800>;");

  it("v4.9: no valid cell ID: amba_device_add fails with -ENODEV and no device is added", async () => {
    await withSystem({ dts: small, kernel: "v4.9" }, (s) => {
      expect(s.dmesg()).toMatch(/^\[ *[\d.]+\] OF: amba_device_add\(\) failed \(-19\) for \/soc\/dma-controller@ff250000$/m);
      expect(s.kernel.device(PERI)).toBeUndefined();
      expect(s.readdir("/sys/bus/amba/devices")).toEqual(["ff600000.dma-controller"]);
      expect(s.readFile("/proc/iomem")).not.toContain("ff250000-ff2507ff");
      expect(s.kernel.ambaNotes[0]).toContain("read periphid 0x00000000, cellid 0x00000000");
      expect(s.kernel.ambaNotes[0]).toContain("Linux 4.9's amba_device_add fails with -ENODEV");
    });
  });

  it("modern: no valid cell ID: the device is added and stays without a driver, silently", async () => {
    await withSystem({ dts: small, kernel: "modern" }, (s) => {
      expect(s.dmesg()).not.toContain("amba_device_add()");
      expect(s.readdir("/sys/bus/amba/devices")).toEqual(["ff250000.dma-controller", "ff600000.dma-controller"]);
      expect(s.readdir("/sys/bus/amba/drivers/dma-pl330")).not.toContain(PERI);
      expect(s.device(PERI)!.driverName).toBeUndefined();
      expect(s.readFile("/proc/iomem")).toContain("ff250000-ff2507ff");
      expect(s.kernel.ambaNotes[0]).toContain("defers it (-EPROBE_DEFER) for good");
    });
  });
});
