// A System in a worker, booted from .dts source, offers the /proc and /sys views as plain data.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createSystem } from "../../src/create.js";

describe("views of a System in a worker", () => {
  it("boots from .dts text and reads /proc/iomem, /proc/interrupts and /sys/class/dma", async () => {
    const dts = readFileSync(new URL("../../../shared/devicetree/zynq-7000-board.dts", import.meta.url), "utf8");
    const remote = await createSystem({ dts, dtsName: "zynq-7000-board.dts", worker: true });
    try {
      expect(await remote.readFile("/proc/iomem")).toMatch(/^f8003000-f8003fff : dma-controller@f8003000$/m);
      expect(await remote.readFile("/proc/iomem")).toMatch(/^  00008000-005fffff : Kernel code$/m);
      // Linux 6.x's numbers for the PL330's GIC IDs: 24-32, past the legacy 0-15 and the IPIs' 16-23.
      expect((await remote.interrupts()).map((l) => [l.irq, l.hwirq])).toEqual(
        [45, 46, 47, 48, 49, 72, 73, 74, 75].map((hwirq, i) => [24 + i, hwirq]),
      );
      expect((await remote.dmaChannels()).length).toBe(8);
      expect(await remote.readdir("/sys/class/dma")).toContain("dma0chan7");
      expect((await remote.iomem()).map((e) => e.name)).toContain("dma-controller@f8003000");
    } finally {
      await remote.close();
    }
  });

  it("says what it runs on (provenance), as the same System in this thread does", async () => {
    const remote = await createSystem({ board: "arm64-ref", kernel: "v4.9", worker: true });
    try {
      expect(await remote.provenance()).toEqual({
        board: "arm64-ref", model: "dmasim arm64 reference board", profile: "arm64", kernel: "v4.9",
        options: {}, dmasim: "0.1.0",
      });
    } finally {
      await remote.close();
    }
  });

  it("lists the kernel page tables as the same System in this thread does, and refuses a reversed range alike", async () => {
    const remote = await createSystem({ board: "arm64-ref", worker: true });
    const local = await createSystem({ board: "arm64-ref" });
    try {
      const all = await remote.ptdump();
      expect(all).toBe(local.ptdump());
      expect(all).toMatch(/^---\[ Linear Mapping start \]---$/m);
      const start = 0xffffff8000000000n;
      const part = await remote.ptdump({ start, end: start + 0x200000n });
      expect(part).toBe(local.ptdump({ start, end: start + 0x200000n }));
      await expect(remote.ptdump({ start: start + 0x1000n, end: start })).rejects.toMatchObject({ name: "KernelError", errno: -22 });
    } finally {
      local.dispose();
      await remote.close();
    }
  });
});
