// The bug kind rx-buffer-shares-cache-line: rx_buf inside a kmalloc'ed struct, after a status
// word the CPU writes while rx_buf is mapped DMA_FROM_DEVICE. The unmap cleans and invalidates
// the partly covered first line (dcache_inval_poc, v7_dma_inv_range), writing the CPU's copy of
// that line over what the device wrote.
//
// By hand: the struct is a kmalloc object of a power-of-two cache (1552 and 1568 bytes come
// from kmalloc-2048; 64 from kmalloc-64), so it starts a line. rx_buf's bytes in the struct's
// first line are lost: line − offset when offset < line.
//   zynq-7000 (Cortex-A9, 32-byte L1 and PL310 lines): offset 16 → 32 − 16 = 16 bytes,
//     rx_buf[0..15]; offset 32 → none (rx_buf starts the second line).
//   arm64 (Cortex-A53, 64-byte lines): offset 16 → 64 − 16 = 48, rx_buf[0..47]; offset 32 → 32.
// A status write once the transfer runs: modern arm64's map only cleans (the line stays cached,
// with rx_buf's old bytes) → the same bytes lost; 4.9 arm64 and arm invalidate the line at map,
// and the PL330 writes rx_buf's first line first, before the CPU's store comes → 0.
// The fix, rx_buf __aligned(ARCH_DMA_MINALIGN): offset 64 on arm (L1_CACHE_BYTES), 128 on arm64,
// struct 64 + 1536 = 1600 and 128 + 1536 = 1664 bytes; no field in rx_buf's lines → 0 lost.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../../src/create.js";
import { bugSystem, BUG_KINDS, type BugResult } from "../../../src/sim/scenarios/bugs.js";
import type { SystemOptions } from "../../../src/system.js";
import type { ScenarioParams } from "../../../src/sim/scenarios.js";

const KIND = "rx-buffer-shares-cache-line";

async function run(options: SystemOptions, params: ScenarioParams = {}): Promise<BugResult> {
  const s = await createSystem({ ...options, worker: false });
  try {
    return s.run("bug", { kind: KIND, ...params }) as BugResult;
  } finally {
    s.dispose();
  }
}

const hex = (n: number) => "0x" + n.toString(16);

describe("bug rx-buffer-shares-cache-line", () => {
  it("is a bug kind, run on zynq-7000 by default", () => {
    expect(BUG_KINDS).toContain(KIND);
    expect(bugSystem({ kind: KIND })).toEqual({ board: "zynq-7000" });
  });

  const cases: { options: SystemOptions; offset: number; line: number; lost: number; during: number; minalign: number }[] = [
    { options: { board: "zynq-7000" }, offset: 16, line: 32, lost: 16, during: 0, minalign: 64 },
    { options: { board: "zynq-7000", kernel: "v4.9" }, offset: 16, line: 32, lost: 16, during: 0, minalign: 64 },
    { options: { board: "arm64-ref" }, offset: 16, line: 64, lost: 48, during: 48, minalign: 128 },
    { options: { board: "arm64-ref" }, offset: 32, line: 64, lost: 32, during: 32, minalign: 128 },
    { options: { board: "arm64-ref", kernel: "v4.9" }, offset: 16, line: 64, lost: 48, during: 0, minalign: 128 },
    { options: { board: "arm64-dma-offset" }, offset: 16, line: 64, lost: 48, during: 48, minalign: 128 },
  ];
  for (const c of cases) {
    it(`${c.options.board} ${c.options.kernel ?? "modern"}, offset ${c.offset}: ${c.lost} bytes lost (${c.line}-byte lines), none with rx_buf aligned`, async () => {
      const r = await run(c.options, c.offset === 16 ? {} : { offset: c.offset });
      const d = r.details;
      expect(r.reproduced).toBe(true);
      expect([d.bytes, d.offset, d.structBytes, d.lineBytes, d.bounced]).toEqual([1536, c.offset, c.offset + 1536, c.line, "no"]);
      expect([d.lostBytes, d.lostBytesWriteDuringTransfer, d.lostBytesQuietFrame]).toEqual([c.lost, c.during, 0]);
      expect([d.archDmaMinalign, d.fixedOffset, d.lostBytesFixed]).toEqual([c.minalign, c.minalign, 0]);
      // The struct starts its line; the lost bytes are rx_buf's in that line.
      const structPa = parseInt(String(d.structPa), 16);
      expect(structPa % 2048).toBe(0);
      expect(r.symptom).toContain(`lost ${c.lost} of 1536 bytes, rx_buf[0..${c.lost - 1}] (PA ${hex(structPa + c.offset)}–${hex(structPa + c.line - 1)}, ` +
        `in the ${c.line}-byte line at PA ${hex(structPa)}, with the struct's first ${c.offset} bytes)`);
      expect(r.symptom).toContain("the frame in which the CPU left the struct alone lost 0");
      expect(r.fixed).toBe(`rx_buf __aligned(ARCH_DMA_MINALIGN) (offset ${c.minalign}, a ${c.minalign + 1536}-byte struct), in lines of its own: the same three frames lost 0 bytes`);
    });
  }

  it("zynq-7000 at offset 4, right after the status word (the lowest it takes): 32 - 4 = 28 bytes lost", async () => {
    const r = await run({ board: "zynq-7000" }, { offset: 4 });
    expect(r.details.offset).toBe(4);
    expect(r.details.structBytes).toBe(1540);
    expect(r.details.lostBytes).toBe(28);
    expect(r.reproduced).toBe(true);
  });

  it("zynq-7000 at offset 32: rx_buf starts a 32-byte line, nothing lost, and the symptom says why", async () => {
    const r = await run({ board: "zynq-7000" }, { offset: 32 });
    expect(r.reproduced).toBe(false);
    expect([r.details.lostBytes, r.details.lostBytesWriteDuringTransfer]).toEqual([0, 0]);
    expect(r.symptom).toContain("0 of 1536 bytes lost: offset 32 is a multiple of this CPU's 32-byte line, so rx_buf shares no line with status here; " +
      "it is not ARCH_DMA_MINALIGN-aligned (64)");
  });

  it("takes a struct of 8192 bytes, kmalloc's largest cache object (KMALLOC_MAX_CACHE_SIZE, 2 pages with SLUB): offset 16, len 8176 loses 32 - 16 = 16", async () => {
    const r = await run({ board: "zynq-7000" }, { len: 8176 });
    expect([r.details.structBytes, r.details.lostBytes, r.reproduced]).toEqual([8192, 16, true]);
  });

  it("modern arm64 bounces a 32-byte rx_buf (dma_kmalloc_needs_bounce: kmalloc-32 is not a multiple of 64) and the bug hides; 4.9 loses all 32", async () => {
    const bounced = await run({ board: "arm64-ref" }, { offset: 16, len: 32 });
    expect(bounced.reproduced).toBe(false);
    expect([bounced.details.bounced, bounced.details.lostBytes]).toEqual(["yes", 0]);
    expect(bounced.symptom).toContain("dma_kmalloc_needs_bounce (6.5+) bounced it: a 32-byte DMA_FROM_DEVICE mapping");
    expect(bounced.symptom).toContain("swiotlb hides the bug here");
    // 4.9 has no kmalloc bouncing: rx_buf is struct bytes 16..47, all in the first 64-byte line.
    const old = await run({ board: "arm64-ref", kernel: "v4.9" }, { offset: 16, len: 32 });
    expect([old.reproduced, old.details.bounced, old.details.lostBytes]).toEqual([true, "no", 32]);
  });

  it("modern arm64 maps a 48-byte rx_buf in place (kmalloc_size_roundup(48) is 64, aligned): 48 lost, whatever the offset", async () => {
    const r = await run({ board: "arm64-ref" }, { offset: 16, len: 48 });
    expect([r.reproduced, r.details.bounced, r.details.lostBytes]).toEqual([true, "no", 48]);
  });

  it("where swiotlb bounces the buffer (arm64-highmem: beyond the 32-bit mask) the symptom says the bug is hidden", async () => {
    const r = await run({ board: "arm64-highmem" });
    expect([r.reproduced, r.details.bounced, r.details.lostBytes]).toEqual([false, "yes", 0]);
    expect(r.symptom).toContain("the buffer is beyond what the device can address, and swiotlb bounced it");
  });

  it("DMA-API debug reports nothing", async () => {
    const r = await run({ board: "zynq-7000", dmaDebug: true });
    expect([r.reproduced, r.details.dmaDebugReports]).toEqual([true, 0]);
    expect((await run({ board: "zynq-7000" })).details.dmaDebugReports).toBe("off");
  });

  it("refuses an offset inside the status word, a struct too large for kmalloc, and its parameters on another kind", async () => {
    await expect(run({ board: "zynq-7000" }, { offset: 2 })).rejects.toThrow("rx-buffer-shares-cache-line: offset 2 cannot be rx_buf's place in the struct (-EINVAL)");
    await expect(run({ board: "zynq-7000" }, { len: 8192 })).rejects.toThrow("rx-buffer-shares-cache-line: len 8192 does not fit the struct (-EINVAL)");
    const s = await createSystem({ board: "zynq-7000", worker: false });
    try {
      expect(() => s.run("bug", { kind: "missing-sync", offset: 16 })).toThrow('bug kind "missing-sync" has no parameter "offset" (only rx-buffer-shares-cache-line has)');
      expect(() => s.run("bug", { kind: KIND, onto: "adc" })).toThrow('bug kind "rx-buffer-shares-cache-line" has no parameter "onto" (only wrong-request-line has)');
    } finally {
      s.dispose();
    }
  });
});
