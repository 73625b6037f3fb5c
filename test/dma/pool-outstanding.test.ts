import { describe, expect, it } from "vitest";
import { OutstandingBlocks } from "../../src/dma/pool-outstanding.js";

// A linear-map address on arm64 (0xffffffc000100000), and a second pool page after it.
const PAGE_A = -(2 ** 38) + 0x100000;
const PAGE_B = PAGE_A + 0x3000;

describe("OutstandingBlocks: the blocks a pool has handed out", () => {
  it("releases a block once per time it was handed out", () => {
    const out = new OutstandingBlocks(64, 4096);
    out.addPage(PAGE_A);
    out.addPage(PAGE_B);
    out.markOut(PAGE_A + 128);
    out.markOut(PAGE_B + 4032);
    expect(out.release(PAGE_A + 128)).toBe(true);
    expect(out.release(PAGE_A + 128)).toBe(false); // freed twice
    expect(out.release(PAGE_B + 4032)).toBe(true);
    expect(out.release(PAGE_A + 192)).toBe(false); // never handed out
  });

  it("a pointer inside a block that is out is no block", () => {
    const out = new OutstandingBlocks(64, 4096);
    out.addPage(PAGE_A);
    out.markOut(PAGE_A + 64);
    expect(out.release(PAGE_A + 72)).toBe(false);
    expect(out.release(PAGE_A + 64)).toBe(true);
  });

  it("finds a block in any PAGE_SIZE page of a multi-page pool page", () => {
    const out = new OutstandingBlocks(3000, 12288);
    out.addPage(PAGE_A);
    out.markOut(PAGE_A + 9000); // the fourth block, in the third 4 KiB page
    expect(out.release(PAGE_A + 6000)).toBe(false);
    expect(out.release(PAGE_A + 9000)).toBe(true);
  });

  it("a block outside every page is remembered by address, and so is every block once the pages are forgotten", () => {
    const out = new OutstandingBlocks(64, 4096);
    out.addPage(PAGE_A);
    const other = PAGE_A + 0x10000;
    out.markOut(other);
    expect(out.release(other)).toBe(true);
    expect(out.release(other)).toBe(false);
    out.markOut(PAGE_A);
    out.forgetPages();
    expect(out.release(PAGE_A)).toBe(false);
    out.markOut(PAGE_A);
    expect(out.release(PAGE_A)).toBe(true);
  });
});
