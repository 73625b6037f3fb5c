// Limits: DRAM up to what a wasm32 memory can back, with a clear error above; System.dispose()
// giving the memory back and refusing later calls; many Systems in one process.

import v8 from "node:v8";
import vm from "node:vm";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { SystemError } from "../../src/system.js";
import { BoardError } from "../../src/hw/board.js";
import { KernelPanic } from "../../src/kernel/errno.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { DC_CLEAN_INVAL } from "../../src/hw/machine.js";

v8.setFlagsFromString("--expose-gc");
const collect = vm.runInNewContext("gc") as () => void;

/** Collects garbage once the event loop has let go of the last System's frames. */
async function settle(): Promise<NodeJS.MemoryUsage> {
  await new Promise((r) => setTimeout(r, 50));
  collect();
  collect();
  return process.memoryUsage();
}

const GiB = 2 ** 30;
const MiB = 2 ** 20;
/** The arm64 reference board with its DRAM at 4 GiB, left to the bootloader: nothing of the
 *  SoC's below 4 GiB is in the way of a large bank. */
const highDts = readFileSync(new URL("../../examples/boards/arm64-ref.dts", import.meta.url), "utf8")
  .replace("memory@40000000", "memory@100000000")
  .replace("reg = <0x0 0x40000000 0x0 0x40000000>;", "reg = <0x1 0x0 0x0 0x0>;");

describe("DRAM size", () => {
  it("up to the wasm32 limit: 3.9 GiB of DRAM boots, and its top is RAM like any other", async () => {
    const s = await createSystem({ dts: highDts, memory: "3900M" });
    const mm = s.kernel.mm;
    expect(mm.ramEnd).toBe(4 * GiB + 3900 * MiB);
    // A free page 3.4 GiB into the bank: host offsets above 2 GiB inside the wasm memory. What
    // the CPU writes reaches DRAM once cleaned, and what is put in DRAM the CPU reads once its
    // caches let go of the line.
    const pa = mm.ramEnd - 512 * MiB;
    const va = mm.phys_to_virt(pa);
    s.cpu.write(va, Uint8Array.of(1, 2, 3, 4));
    s.machine.cpu.dcache(DC_CLEAN_INVAL, va, 4);
    expect(s.machine.backdoor.read(pa, 4)).toEqual(Uint8Array.of(1, 2, 3, 4));
    s.machine.backdoor.write(pa, Uint8Array.of(5, 6, 7, 8));
    expect(s.cpu.read(va, 4)).toEqual(Uint8Array.of(5, 6, 7, 8));
    s.dispose();
  });

  it("above it, one clear error: 4 GiB or more does not fit a wasm32 memory", async () => {
    for (const memory of ["4G", "5G", 2 ** 40]) {
      await expect(createSystem({ dts: highDts, memory })).rejects.toThrow(BoardError);
      await expect(createSystem({ dts: highDts, memory })).rejects.toThrow(/of DRAM does not fit in the emulator's wasm32 memory \(4 GiB, of which about \d+ MiB are left/);
    }
  });

  it("zynq-7000 with 3.5 GiB boots; with 5 GiB it is refused", async () => {
    const s = await createSystem({ board: "zynq-7000", memory: "3.5G" });
    expect(s.kernel.mm.ramEnd).toBe(3.5 * GiB);
    // The kernel's lowmem stops at 768 MiB; the rest is HighMem.
    expect(s.kernel.mm.buddy.buddyinfo()).toContain("zone  HighMem");
    s.dispose();
    await expect(createSystem({ board: "zynq-7000", memory: "5G" })).rejects.toThrow(/5120 MiB of DRAM does not fit/);
  });

  it("RAM over a PL330's registers boots as Linux does: no device for it, and a note with the fix", async () => {
    const s = await createSystem({ board: "arm64-ref", memory: "3.5G" });
    // 3.5 GiB from 0x40000000 ends at 0x40000000 + 0xe0000000 - 1 = 0x11fffffff. Ending RAM at
    // the PL330's 0xff6e0000 leaves 0xbf6e0000 bytes: 3062.875 MiB, so --memory 3062M.
    expect(s.dmesg()).toContain("OF: amba_device_add() failed (-16) for /soc/dma-controller@ff6e0000\n");
    expect(s.dmesg()).toContain(
      "/soc/dma-controller@ff6e0000: reg [mem 0xff6e0000-0xff6e3fff] overlaps System RAM [mem 0x40000000-0x11fffffff] (dmasim): ",
    );
    expect(s.dmesg()).toContain("end RAM at or below 0xff6e0000 (a memory node of at most 0xbf6e0000 bytes from 0x40000000, or --memory 3062M)");
    expect(s.dmaChannels()).toEqual([]);
    s.dispose();
  });

  it("too little RAM, or no size: clear errors", async () => {
    await expect(createSystem({ board: "zynq-7000", memory: "8M" })).rejects.toThrow(KernelPanic);
    await expect(createSystem({ board: "zynq-7000", memory: "8M" })).rejects.toThrow(/the kernel image \(up to 0xa00000\) does not fit in the first RAM bank \(8 MiB at 0x0\)/);
    await expect(createSystem({ board: "zynq-7000", memory: "1K" })).rejects.toThrow(/no usable memory/);
    for (const memory of [0, -1, NaN, 1.5e3 + 0.5, "lots"]) {
      await expect(createSystem({ board: "zynq-7000", memory })).rejects.toThrow(SystemError);
    }
  });
});

describe("System.dispose", () => {
  it("refuses every later call with a clear error, also through objects the caller kept", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device("f8003000.dma-controller");
    const va = s.kernel.kmalloc(64, GFP_KERNEL);
    s.dispose();
    expect(s.disposed).toBe(true);
    const gone = /this System was disposed/;
    expect(() => s.now()).toThrow(SystemError);
    expect(() => s.now()).toThrow(gone);
    expect(() => s.readFile("/proc/iomem")).toThrow(gone);
    expect(() => s.cpu.read(va, 4)).toThrow(gone);
    expect(() => s.kernel).toThrow(gone);
    // A device kept from before: its kernel reaches silicon that is no longer there.
    expect(() => dma_alloc_coherent(dev, 4096, GFP_KERNEL)).toThrow(SystemError);
    s.dispose(); // twice is fine
  });

  it("in a worker: dispose ends it, and later calls reject with a SystemError", async () => {
    const s = await createSystem({ board: "zynq-7000", worker: true });
    expect(await s.now()).toBeGreaterThan(0);
    await s.dispose();
    await expect(s.now()).rejects.toThrow(SystemError);
  });

  it("50 Systems created, used and disposed in a loop: the heap and the wasm memory stay where they were", async () => {
    const use = async () => {
      const s = await createSystem({ board: "zynq-7000" });
      s.run("memcpy", { size: "16K" });
      // Held past dispose, as a careless caller would: dispose cuts it from the silicon.
      const kept = s.device("f8003000.dma-controller");
      s.dispose();
      return kept;
    };
    const kept = [await use()];
    const before = await settle();
    for (let i = 0; i < 50; i++) kept.push(await use());
    const after = await settle();
    // Wasm memories count as external memory, beside ArrayBuffers. One System's is a GiB here:
    // any instance still alive would show.
    const wasm = (m: NodeJS.MemoryUsage) => m.external - m.arrayBuffers;
    expect(wasm(after) - wasm(before)).toBeLessThan(64 * MiB);
    // The kept devices hold their kernels' JavaScript state (page maps, DMA-API debug pools…),
    // about 1.5 MiB each for this board (docs/reliability.md); not the silicon.
    expect(after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers).toBeLessThan(50 * 4 * MiB);
    kept.length = 0;
    const dropped = await settle();
    expect(dropped.heapUsed + dropped.arrayBuffers - before.heapUsed - before.arrayBuffers).toBeLessThan(16 * MiB);
  }, 60_000);
});
