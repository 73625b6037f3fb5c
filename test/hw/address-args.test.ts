// Addresses given to the raw silicon ports (machine.cpu, machine.mmu, machine.backdoor) that are
// no 64-bit address: NaN, ±Infinity, a fraction, or a number outside the signed 64-bit range (an
// unsigned kernel address written as a number). wasm's f64→i64 conversion would have made them 0,
// truncated or saturated them and gone on; each is a RangeError naming the function and the value, before anything moves.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { CpuFault } from "../../src/hw/machine.js";

// 0xffffffc000000000 written as a number is the unsigned form, past 2^63; -(2^63 + 2048) is the
// first number below -2^63.
const BAD = (a: number) => [NaN, Infinity, -Infinity, a + 0.5, 2 ** 63, -(2 ** 63) - 2048, 2 ** 64, 0xffffffc000000000];

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** The message for `fn` given `v`, written out from the contract rather than from the code. */
const virtMessage = (fn: string, v: number) =>
  `${fn}: virtual address ${String(v)} is not a whole number in [-2^63, 2^63) (a 64-bit VA in its signed form; toVirt() makes it from a BigInt)`;
const physMessage = (fn: string, v: number) => `${fn}: physical address ${String(v)} is not a whole number in [0, 2^63)`;

describe("raw port address checks", () => {
  for (const board of ["zynq-7000", "arm64-ref"] as const) {
    it(`${board}: every CPU port and MMU entry point refuses an address that is no 64-bit VA, and nothing moves`, async () => {
      const s = await createSystem({ board });
      const { cpu, mmu } = s.machine;
      const a = s.kernel.kmalloc(4096, 0);
      const pattern = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
      cpu.write(a, pattern);
      const t = s.now();
      const stats = s.machine.backdoor.stats();
      const calls: [string, (v: number) => unknown][] = [
        ["cpu.load", (v) => cpu.load(v, 4)],
        ["cpu.load64", (v) => cpu.load64(v)],
        ["cpu.load64n", (v) => cpu.load64n(v)],
        ["cpu.store", (v) => cpu.store(v, 4, 0xdeadbeef)],
        ["cpu.store64", (v) => cpu.store64(v, 0xdeadbeefn)],
        ["cpu.store64n", (v) => cpu.store64n(v, 0xdead)],
        ["cpu.read", (v) => cpu.read(v, 8)],
        ["cpu.write", (v) => cpu.write(v, Uint8Array.of(0xee, 0xee))],
        ["cpu.fill", (v) => cpu.fill(v, 0xee, 8)],
        ["cpu.copy", (v) => cpu.copy(v, a + 32, 8)],
        ["cpu.copy", (v) => cpu.copy(a + 32, v, 8)],
        ["cpu.dcache", (v) => cpu.dcache(1, v, 64)],
        ["cpu.writeSeries", (v) => cpu.writeSeries(v, 1, 1, 2)],
        ["mmu.translate", (v) => mmu.translate(v)],
        ["mmu.walk", (v) => mmu.walk(v)],
        ["mmu.tlbiVa", (v) => mmu.tlbiVa(v)],
        ["mmu.tlbiVaAsid", (v) => mmu.tlbiVaAsid(v, 0)],
        ["cacheLines", (v) => s.machine.backdoor.cacheLines(v, 64)],
        ["cacheLineSummary", (v) => s.machine.backdoor.cacheLineSummary(v, 64)],
      ];
      if (board === "arm64-ref") calls.push(["cpu.zva", (v) => cpu.zva(v)]);
      for (const [fn, call] of calls) {
        for (const v of BAD(a)) {
          const e = caught(() => call(v));
          expect(e, `${fn}(${v})`).toBeInstanceOf(RangeError);
          expect((e as Error).message, `${fn}(${v})`).toBe(virtMessage(fn, v));
        }
      }
      expect(s.now()).toBe(t);
      expect(s.machine.backdoor.stats()).toEqual(stats);
      expect(cpu.read(a, 64)).toEqual(pattern);
    });
  }

  it("arm64: the ends of the range are addresses, and the MMU faults on them as on any unmapped one", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    // -2^63 is 0x8000000000000000; 2^63 - 1024 the last number below 2^63.
    for (const v of [-(2 ** 63), 2 ** 63 - 1024, 2 ** 53 + 2]) {
      const e = caught(() => s.machine.cpu.load(v, 4));
      expect(e, String(v)).toBeInstanceOf(CpuFault);
      expect((e as CpuFault).address).toBe(v);
      expect(s.machine.mmu.walk(v)).toHaveProperty("fault");
    }
  });

  it("zynq-7000: the backdoor and TTBR refuse a physical address that is negative or no whole number, instead of reading PA 0", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const { backdoor, mmu } = s.machine;
    backdoor.write(0x1000, Uint8Array.of(9, 8, 7, 6));
    for (const v of [NaN, Infinity, -Infinity, 0x1000 + 0.5, -1, -0x1000, 2 ** 63, 2 ** 64]) {
      expect(() => backdoor.read(v, 4), `read ${v}`).toThrow(physMessage("backdoor.read", v));
      expect(() => backdoor.write(v, Uint8Array.of(1)), `write ${v}`).toThrow(physMessage("backdoor.write", v));
      expect(() => backdoor.lineState(1, v), `lineState ${v}`).toThrow(physMessage("backdoor.lineState", v));
      expect(() => mmu.setTtbr(0, v), `setTtbr ${v}`).toThrow(physMessage("mmu.setTtbr", v));
      expect(caught(() => backdoor.read(v, 4))).toBeInstanceOf(RangeError);
    }
    for (const len of [NaN, -1, 1.5, 2 ** 32]) {
      expect(() => backdoor.read(0x1000, len), `len ${len}`).toThrow(
        `backdoor.read: length ${len} is not a whole number of bytes from 0 to 2^32 - 1`,
      );
    }
    expect([...backdoor.read(0x1000, 4)]).toEqual([9, 8, 7, 6]);
    // The kernel's page tables still translate: TTBR0 was not changed by a refused write.
    const a = s.kernel.kmalloc(64, 0);
    s.machine.cpu.write(a, Uint8Array.of(5));
    expect([...s.machine.cpu.read(a, 1)]).toEqual([5]);
  });
});
