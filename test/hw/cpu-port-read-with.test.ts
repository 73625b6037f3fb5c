// CpuPort.readWith: a read whose bytes are lent to a callback instead of copied out (a scenario's
// check of a large buffer). What it reads, the time it takes and the faults it meets must be
// read()'s.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { CpuFault } from "../../src/hw/machine.js";

async function twoSystems() {
  const systems = [await createSystem({ board: "zynq-7000" }), await createSystem({ board: "zynq-7000" })];
  // A 64 KiB buffer written with a pattern, then cleaned out of the caches by writing another
  // 1 MiB past them, so that reading it back misses and takes DRAM time.
  return systems.map((s) => {
    const va = s.kernel.kmalloc(64 << 10, 0);
    const other = s.kernel.kmalloc(1 << 20, 0);
    s.machine.cpu.write(va, Uint8Array.from({ length: 64 << 10 }, (_, i) => (i * 13 + 5) & 0xff));
    s.machine.cpu.fill(other, 0x11, 1 << 20);
    return { s, va };
  });
}

describe("CpuPort.readWith", () => {
  it("lends the bytes read() returns, in the same simulated time", async () => {
    const [a, b] = await twoSystems();
    const t0 = a.s.now();
    expect(b.s.now()).toBe(t0);
    const copied = a.s.machine.cpu.read(a.va + 100, 40_000);
    const lent = b.s.machine.cpu.readWith(b.va + 100, 40_000, (bytes) => Array.from(bytes));
    // The pattern as written: byte i of the buffer is (13 i + 5) mod 256.
    expect(Array.from(copied)).toEqual(Array.from({ length: 40_000 }, (_, i) => ((i + 100) * 13 + 5) & 0xff));
    expect(lent).toEqual(Array.from(copied));
    expect(a.s.now()).toBeGreaterThan(t0);
    expect(b.s.now()).toBe(a.s.now());
  });

  it("lends all of a read longer than the 16 MiB scratch buffer", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const len = (16 << 20) + (64 << 10);
    const va = s.kernel.vmalloc(len);
    // Byte i is (i * 7 + (i >> 20)) mod 256: the MiB number in it, so a piece lent from the wrong
    // MiB differs as well as a short one.
    const pattern = (i: number) => (i * 7 + (i >>> 20)) & 0xff;
    s.machine.cpu.write(va, Uint8Array.from({ length: len }, (_, i) => pattern(i)));
    const [length, wrong] = s.machine.cpu.readWith(va, len, (bytes) => [bytes.length, bytes.filter((b, i) => b !== pattern(i)).length]);
    expect([length, wrong]).toEqual([len, 0]);
    s.dispose();
  }, 60_000);

  it("meets a fault as read() does", async () => {
    const [a, b] = await twoSystems();
    let used = false;
    const fault = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e;
      }
      throw new Error("no fault");
    };
    const byRead = fault(() => a.s.machine.cpu.read(0x12, 4)) as CpuFault;
    const byReadWith = fault(() => b.s.machine.cpu.readWith(0x12, 4, () => (used = true))) as CpuFault;
    expect(byRead).toBeInstanceOf(CpuFault);
    expect(byReadWith).toBeInstanceOf(CpuFault);
    expect([byReadWith.kind, byReadWith.address, byReadWith.message]).toEqual([byRead.kind, byRead.address, byRead.message]);
    expect(used).toBe(false);
    expect(b.s.now()).toBe(a.s.now());
  });
});
