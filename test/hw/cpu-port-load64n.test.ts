// The CPU port's 64-bit accesses of number-sized values (load64n/store64n, as dma_pool's free
// list uses them): the bytes in memory are the value's two's-complement bit pattern, a kernel
// VA comes back in its signed form, a NULL link is not taken for a fault, and a fault is a
// CpuFault at the address.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { CpuFault } from "../../src/hw/machine.js";

describe("CpuPort load64n / store64n", () => {
  it("arm64: a kernel VA, a DMA address above 4 GiB and NULL are stored little-endian and read back exactly", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const cpu = s.machine.cpu;
    const a = s.kernel.kmalloc(64, 0);
    // 0xffffffc000001234 in dmasim's signed form.
    cpu.store64n(a, -(2 ** 38) + 0x1234);
    cpu.store64n(a + 8, 0x1_2345_6789);
    cpu.store64n(a + 16, 0);
    expect([...cpu.read(a, 24)]).toEqual([
      0x34, 0x12, 0x00, 0x00, 0xc0, 0xff, 0xff, 0xff,
      0x89, 0x67, 0x45, 0x23, 0x01, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ]);
    expect(cpu.load64n(a)).toBe(-(2 ** 38) + 0x1234);
    expect(cpu.load64(a)).toBe(0xffffffc000001234n);
    expect(cpu.load64n(a + 8)).toBe(0x1_2345_6789);
    expect(cpu.load64n(a + 16)).toBe(0);
  });

  it("arm64: a NULL dereference by either faults at address 0, and the port works on after it", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const cpu = s.machine.cpu;
    for (const access of [() => cpu.load64n(0), () => cpu.store64n(0, 0x55)]) {
      let err: unknown;
      try {
        access();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CpuFault);
      expect((err as CpuFault).address).toBe(0);
      expect((err as CpuFault).kind).toBe(1);
    }
    // The port is usable after the faults.
    const a = s.kernel.kmalloc(64, 0);
    cpu.store64n(a, 7);
    expect(cpu.load64n(a)).toBe(7);
  });
});
