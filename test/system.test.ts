import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createSystem } from "../src/create.js";
import { toVirt } from "../src/hw/address.js";

const dts2dtb = (name: string) => new Uint8Array(readFileSync(new URL(`../examples/boards/${name}`, import.meta.url)));

describe("createSystem", () => {
  it("boots the built-in Zynq board and finds devices by their Linux names", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    expect(s.device("f8003000.dma-controller").driverName).toBe("dma-pl330");
    expect(s.deviceNames()).toContain("e0001000.serial");
    expect(() => s.device("nope")).toThrow(/-ENODEV: no device "nope"/);
    expect(s.dmesg()).toMatch(/dma-pl330 f8003000.dma-controller: Loaded driver for PL330 DMAC-241330/);
    expect(s.dmesg()).toMatch(/DBUFF-128x8bytes Num_Chans-8 Num_Peri-4 Num_Events-16/);
  });

  it("boots from dtb bytes", async () => {
    const s = await createSystem({ dtb: dts2dtb("arm64-ref.dtb") });
    expect(s.board.profile.arch).toBe("arm64");
    expect(s.now()).toBeGreaterThan(0);
  });

  it("gives a one-line error for bytes that are not a DTB", async () => {
    // Binary (a NUL byte) without the blob magic: a damaged blob.
    await expect(createSystem({ dtb: new TextEncoder().encode("hello, world!\0 not a tree at all....................") })).rejects.toThrow(
      /^<dtb>: bad magic 0x68656c6c .*not a device tree blob/,
    );
  });

  it("reads text that is not a blob as .dts source, as dtc does, and says what it lacks", async () => {
    await expect(createSystem({ dtb: new TextEncoder().encode("hello, world! not a tree at all") })).rejects.toThrow(
      /^<dtb>:1:1: missing \/dts-v1\/; at the start/,
    );
  });

  it("gives a one-line error for a tree without a memory node", async () => {
    const rk = new Uint8Array(readFileSync(new URL("../../shared/devicetree/rk3399-rockpro64.dtb", import.meta.url)));
    await expect(createSystem({ dtb: rk })).rejects.toThrow(/no memory node.*--memory SIZE/);
    const s = await createSystem({ dtb: rk, memory: "1G" });
    expect(s.deviceNames()).toContain("ff6e0000.dma-controller");
  });

  it("rejects an unknown board by name", async () => {
    await expect(createSystem({ board: "pdp-11" })).rejects.toThrow(/unknown board "pdp-11"/);
  });

  it("accepts kernel virtual addresses as BigInt and refuses inexact numbers", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const va = s.kernel.kmalloc(64, 0);
    s.cpu.write(va, Uint8Array.of(9, 8, 7));
    expect(s.cpu.read(BigInt.asUintN(64, BigInt(va)), 3)).toEqual(Uint8Array.of(9, 8, 7));
    expect(() => s.cpu.read(0xffffffc000200000, 4)).toThrow(/not exact.*BigInt/);
    expect(toVirt(0xffffffc000200000n)).toBe(-(2 ** 38) + 0x200000);
  });

  it("copies between kernel buffers with cpu.copy (memcpy), in simulated time, and refuses a bad length", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const src = s.kernel.kmalloc(256, 0), dst = s.kernel.kmalloc(256, 0);
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => (i * 3) & 0xff);
    s.cpu.write(src, bytes);
    const t0 = s.now();
    s.cpu.copy(dst, src, 256);
    expect(s.now()).toBeGreaterThan(t0);
    expect(s.cpu.read(dst, 256)).toEqual(bytes);
    expect(() => s.cpu.copy(dst, src, -1)).toThrow(/cpu\.copy.*len/);
    expect(() => s.cpu.copy(dst, Number.NaN, 4)).toThrow(/cpu\.copy.*src/);
  });
});
