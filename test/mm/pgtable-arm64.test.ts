// arm64 kernel page tables as the CPU meets them: a kernel thread's TTBR0 holds no mappings, so
// user-half addresses fault instead of aliasing the kernel's tables.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { CpuFault } from "../../src/hw/machine.js";

describe("arm64 TTBR0 (reserved_pg_dir)", () => {
  for (const [board, kernel] of [["arm64-ref", "modern"], ["arm64-ref", "v4.9"], ["arm64-highmem", "modern"]] as const) {
    it(`${board} ${kernel}: a NULL pointer load faults at address 0 with a translation fault`, async () => {
      const s = await createSystem({ board, kernel });
      let err: unknown;
      try {
        s.machine.cpu.load(0, 4);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CpuFault);
      expect((err as CpuFault).address).toBe(0);
      expect((err as CpuFault).kind).toBe(1);
      expect((err as CpuFault).message).toBe(
        "Unable to handle kernel NULL pointer dereference at virtual address 0x0000000000000000 (translation fault)");
    });

    it(`${board} ${kernel}: the user-half twin of a kmalloc address is unmapped, the buffer itself is not`, async () => {
      const s = await createSystem({ board, kernel });
      const va = s.kernel.kmalloc(64, 0);
      s.machine.cpu.store(va, 4, 0x12345678);
      // Same bits [38:0], top bits clear: TTBR0's half. Linux's tables have nothing there.
      const twin = va + 2 ** 39 * Math.ceil(-va / 2 ** 39);
      expect(twin).toBeGreaterThanOrEqual(0);
      expect(twin % 2 ** 39).toBe(((va % 2 ** 39) + 2 ** 39) % 2 ** 39);
      expect(s.machine.mmu.walk(twin)).toEqual({ fault: 1, level: 1 });
      expect(() => s.machine.cpu.load(twin, 4)).toThrow(CpuFault);
      expect(s.machine.mmu.lastFaultAddress()).toBe(twin);
      expect(s.machine.cpu.load(va, 4)).toBe(0x12345678);
    });
  }
});
