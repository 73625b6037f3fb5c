// The CPU port's bulk accesses and single loads and stores with lengths and sizes no
// instruction sequence could have: refused before anything moves, not wrapped to 32 bits.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";

describe("CpuPort argument checks", () => {
  for (const board of ["zynq-7000", "arm64-ref"] as const) {
    it(`${board}: a negative or too long length is a RangeError, and memory and time stay as they were`, async () => {
      const s = await createSystem({ board });
      const cpu = s.machine.cpu;
      const a = s.kernel.kmalloc(4096, 0);
      const b = s.kernel.kmalloc(4096, 0);
      const pattern = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7 + 3) & 0xff);
      cpu.write(a, pattern);
      cpu.write(b, pattern);
      const t = s.now();
      const message = /^cpu\.(fill|copy|read): length .* is not a whole number of bytes from 0 to 2\^32 - 1$/;
      expect(() => cpu.fill(a, 0xee, -1)).toThrow(RangeError);
      expect(() => cpu.fill(a, 0xee, -1)).toThrow(message);
      expect(() => cpu.fill(a, 0xee, 2 ** 32 + 5)).toThrow(message);
      expect(() => cpu.fill(a, 0xee, 1.5)).toThrow(message);
      expect(() => cpu.copy(b, a, -5)).toThrow(message);
      expect(() => cpu.copy(b, a, 2 ** 32 + 16)).toThrow(message);
      expect(() => cpu.read(a, -1)).toThrow(message);
      expect(() => cpu.read(a, NaN)).toThrow(message);
      expect(s.now()).toBe(t);
      expect(cpu.read(a, 4096)).toEqual(pattern);
      expect(cpu.read(b, 4096)).toEqual(pattern);
    });
  }

  it("a single access of a size other than 1, 2 or 4 bytes is a RangeError", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const cpu = s.machine.cpu;
    const a = s.kernel.kmalloc(64, 0);
    cpu.store(a, 4, 0x04030201);
    for (const size of [0, 3, 8, 16]) {
      expect(() => cpu.load(a, size as 4)).toThrow(`cpu.load: size ${size} is not 1, 2 or 4 bytes`);
      expect(() => cpu.store(a, size as 4, 0xffffffff)).toThrow(`cpu.store: size ${size} is not 1, 2 or 4 bytes`);
    }
    expect(cpu.load(a, 4)).toBe(0x04030201);
  });
});
