// l2x0_of_init on a board whose memory node covers the PL310's registers: Linux's ioremap of
// RAM WARNs and returns NULL, l2x0_of_init returns -ENOMEM, init_IRQ prints "L2C: failed to
// init: -12" (pr_err, arch/arm/kernel/irq.c, 4.9 and mainline) and boot goes on without the
// outer cache. The tree and the notes are test/helpers/pl310-in-ram-board.ts.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { DemoResult } from "../../src/sim/demo.js";
import { PL310_IN_RAM, PL310_NOTE, pl310Board } from "../helpers/pl310-in-ram-board.js";

const L2_OUTSIDE = pl310Board('cache-controller@f8f02000 { compatible = "arm,pl310-cache"; reg = <0xf8f02000 0x1000>; cache-unified; cache-level = <2>; };');

const lines = (text: string) => text.split("\n").map((l) => l.replace(/^\[[ \d.]+\] /, ""));

describe("l2x0_of_init", () => {
  it.each([
    ["modern", "WARNING: arch/arm/mm/ioremap.c: __arm_ioremap_pfn_caller: WARN_ON(memblock_is_map_memory(PFN_PHYS(pfn)) && mtype != MT_MEMORY_RW)"],
    ["v4.9", "WARNING: arch/arm/mm/ioremap.c: __arm_ioremap_pfn_caller: WARN_ON(pfn_valid(pfn) && mtype != MT_MEMORY_RW)"],
  ] as const)("a PL310 in RAM (%s): ioremap's WARNING, 'L2C: failed to init: -12', the note; boot goes on", async (kernel, warning) => {
    const s = await createSystem({ dts: PL310_IN_RAM, dtsName: "l2-in-ram.dts", kernel });
    const log = lines(s.dmesg());
    const at = log.indexOf("L2C: failed to init: -12");
    expect(log.slice(at - 1, at + 2)).toEqual([warning, "L2C: failed to init: -12", PL310_NOTE]);
    expect(s.dmesg()).not.toContain("L2C-310 cache controller enabled");
    // The outer cache is absent, and the PL330 still probes.
    expect(s.board.outerCache).toBeUndefined();
    expect(s.board.profile.l2).toBeUndefined();
    expect(s.device("f8003000.dma-controller").driverName).toBe("dma-pl330");
    // The cache node's platform device gets no second note (no driver binds it); the sensor's
    // note comes after, from of_platform_populate.
    expect(s.kernel.registersInRam.map((r) => r.node.path)).toEqual(["/amba/cache-controller@1ff02000", "/amba/sensor@1fff0000"]);
    s.dispose();
  });

  it("a PL310 in RAM: the demo runs and verifies, and carries the boot's notes", async () => {
    const s = await createSystem({ dts: PL310_IN_RAM, dtsName: "l2-in-ram.dts" });
    const r = (await s.run("demo", { size: "64K" })) as DemoResult;
    expect([r.coherentOk, r.streamingOk]).toEqual([true, true]);
    expect(r.registersInRam?.[0]).toBe(PL310_NOTE);
    expect(r.registersInRam).toHaveLength(2);
    s.dispose();
  });

  it("a PL310 outside RAM is enabled as before, with the profile's geometry (zynq-7000: 8 ways, 512 kB)", async () => {
    const s = await createSystem({ dts: L2_OUTSIDE, dtsName: "l2.dts" });
    expect(lines(s.dmesg())).toContain("L2C-310 cache controller enabled, 8 ways, 512 kB");
    expect(s.board.outerCache).toMatchObject({ start: 0xf8f02000, size: 0x1000 });
    expect(s.kernel.registersInRam.map((r) => r.node.path)).toEqual(["/amba/sensor@1fff0000"]);
    s.dispose();
  });

  it("a PL310 window whose first page lies below RAM: Linux maps and enables it, which dmasim cannot build (BoardError)", async () => {
    // RAM [0x10000000, 0x20000000); the window [0x0fffe000, 0x10000fff] starts two pages below
    // it, so ioremap's first-page test passes and Linux would drive the controller.
    const dts = pl310Board(
      'cache-controller@fffe000 { compatible = "arm,pl310-cache"; reg = <0x0fffe000 0x3000>; cache-unified; cache-level = <2>; };',
      'memory@10000000 { device_type = "memory"; reg = <0x10000000 0x10000000>; };',
    );
    await expect(createSystem({ dts, dtsName: "edge.dts" })).rejects.toThrow(
      "/amba/cache-controller@fffe000: registers at 0xfffe000 lie inside RAM [0x10000000-0x1fffffff]; the memory node overlaps the device",
    );
  });
});
