// What dmaengine_tx_status says after dmaengine_terminate_*, per cookie. pl330_terminate_all
// (4.9 and modern) calls dma_cookie_complete on every descriptor of submitted_list and then of
// work_list, so the channel's completed_cookie ends as the cookie of the last descriptor
// walked; dma_cookie_status then calls a cookie complete only if it is at most that one (no
// wrap here). A cyclic ring's work_list rotates by one period per completed period, and the
// channel stays cyclic after terminate until it is released.
//
// The expectations come from a small model of those lists written here, not from the driver.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../../src/create.js";
import type { System } from "../../../src/system.js";
import { dma_alloc_coherent } from "../../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../../src/mm/gfp.js";
import {
  dma_async_issue_pending, dma_release_channel, dma_request_channel, dma_sync_wait, dmaengine_prep_dma_cyclic,
  dmaengine_prep_dma_memcpy, dmaengine_slave_config, dmaengine_submit, dmaengine_terminate_sync, dmaengine_tx_status,
} from "../../../src/dmaengine/dmaengine.js";
import {
  DMA_COMPLETE, DMA_DEV_TO_MEM, DMA_ERROR, DMA_IN_PROGRESS, DMA_MEMCPY, DMA_SLAVE, dma_tx_state, type DmaChan, type DmaStatus,
} from "../../../src/dmaengine/types.js";
import { pattern } from "../../../src/sim/phase.js";

const KERNELS = ["modern", "v4.9"] as const;

/** terminate_all's walk: the last cookie of work_list, else of submitted_list, else none. */
function lastWalked(submitted: number[], work: number[]): number | undefined {
  return [...submitted, ...work].at(-1);
}

/** dma_cookie_status without wrap-round: complete iff at most completed_cookie. */
function statusAfter(cookie: number, completed: number): DmaStatus {
  return cookie <= completed ? DMA_COMPLETE : DMA_IN_PROGRESS;
}

function memcpyChannel(s: System, id: number): DmaChan {
  return dma_request_channel(s, DMA_MEMCPY, (c) => c.chan_id === id)!;
}

describe.each(KERNELS)("pl330 terminate_all on %s", (kernel) => {
  it("leaves transfers submitted behind issued ones reading DMA_IN_PROGRESS until a later one completes", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel });
    const chan = memcpyChannel(s, 0);
    const big = 64 * 1024;
    const src = dma_alloc_coherent(chan.device.dev, big, GFP_KERNEL)!;
    const dst = dma_alloc_coherent(chan.device.dev, 4 * big, GFP_KERNEL)!;
    s.cpu.write(src.cpuAddr, pattern(big, 7));
    const heard: string[] = [];
    const copy = (i: number, name: string) => {
      const tx = dmaengine_prep_dma_memcpy(chan, dst.dmaAddr + i * big, src.dmaAddr, big, 0)!;
      tx.callback = () => heard.push(name);
      return dmaengine_submit(tx);
    };
    const a = copy(0, "A");
    const b = copy(1, "B");
    dma_async_issue_pending(chan); // A and B go to work_list; A starts
    const c = copy(2, "C");
    const d = copy(3, "D"); // C and D stay on submitted_list
    expect([a, b, c, d]).toEqual([2, 3, 4, 5]); // dma_cookie_init leaves 1; each submit takes the next
    expect(dmaengine_tx_status(chan, a)).toBe(DMA_IN_PROGRESS);

    expect(dmaengine_terminate_sync(chan)).toBe(0);
    const completed = lastWalked([c, d], [a, b])!;
    expect(completed).toBe(b);
    for (const cookie of [a, b, c, d]) expect(dmaengine_tx_status(chan, cookie)).toBe(statusAfter(cookie, completed));
    expect([c, d].map((k) => dmaengine_tx_status(chan, k))).toEqual([DMA_IN_PROGRESS, DMA_IN_PROGRESS]);
    // Nothing is queued, so the residue pl330_tx_status finds is 0.
    const st = dma_tx_state();
    expect(dmaengine_tx_status(chan, d, st)).toBe(DMA_IN_PROGRESS);
    expect(st.residue).toBe(0);
    // A dma_sync_wait on such a cookie can only time out (5 s, then DMA_ERROR).
    const t = s.now();
    expect(dma_sync_wait(chan, c)).toBe(DMA_ERROR);
    expect(s.now() - t).toBeGreaterThanOrEqual(5e12);
    expect(s.cpu.read(dst.cpuAddr + 2 * big, 2 * big)).toEqual(new Uint8Array(2 * big));
    expect(heard).toEqual([]);

    // A later transfer on the channel completes, and its cookie is above C's and D's.
    const e = dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dst.dmaAddr + 3 * big, src.dmaAddr, 4096, 0)!);
    expect(e).toBe(6);
    expect(dma_sync_wait(chan, e)).toBe(DMA_COMPLETE);
    expect(s.cpu.read(dst.cpuAddr + 3 * big, 4096)).toEqual(pattern(big, 7).subarray(0, 4096));
    for (const cookie of [a, b, c, d, e]) expect(dmaengine_tx_status(chan, cookie)).toBe(DMA_COMPLETE);
  });

  it("completes every cookie when nothing was left unissued", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel });
    const chan = memcpyChannel(s, 0);
    const n = 32 * 1024;
    const src = dma_alloc_coherent(chan.device.dev, n, GFP_KERNEL)!;
    const dst = dma_alloc_coherent(chan.device.dev, 3 * n, GFP_KERNEL)!;
    const cookies = [0, 1, 2].map((i) => dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dst.dmaAddr + i * n, src.dmaAddr, n, 0)!));
    dma_async_issue_pending(chan);
    expect(dmaengine_terminate_sync(chan)).toBe(0);
    const completed = lastWalked([], cookies)!;
    expect(cookies.map((k) => dmaengine_tx_status(chan, k))).toEqual(cookies.map((k) => statusAfter(k, completed)));
    expect(cookies.map((k) => dmaengine_tx_status(chan, k))).toEqual([DMA_COMPLETE, DMA_COMPLETE, DMA_COMPLETE]);
  });

  it("after a ring has turned, the ring's own cookie reads DMA_IN_PROGRESS unless it stopped on a lap boundary", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel });
    const chan = dma_request_channel(s, DMA_SLAVE, (c) => c.chan_id === 1)!; // the UART's RX stream
    const buf = dma_alloc_coherent(chan.device.dev, 512, GFP_KERNEL)!;
    dmaengine_slave_config(chan, { direction: DMA_DEV_TO_MEM, src_addr: 0xe0001100, src_addr_width: 2, src_maxburst: 1 });
    const periods = 4;
    const tx = dmaengine_prep_dma_cyclic(chan, buf.dmaAddr, 512, 512 / periods, DMA_DEV_TO_MEM, 0)!;
    let laps = 0;
    tx.callback = () => laps++;
    const ringCookie = dmaengine_submit(tx);
    // tx_submit numbers the periods in order, the returned (last) one last.
    const periodCookies = Array.from({ length: periods }, (_, i) => ringCookie - (periods - 1) + i);
    dma_async_issue_pending(chan);
    s.kernel.waitEvent(() => laps >= 6, 1e12);
    expect(laps).toBe(6);
    expect(dmaengine_tx_status(chan, ringCookie)).toBe(DMA_IN_PROGRESS);
    expect(dmaengine_terminate_sync(chan)).toBe(0);

    // Each completed period went to the tail of work_list: after 6, periods 2, 3, 0, 1.
    const work = Array.from({ length: periods }, (_, i) => periodCookies[(laps + i) % periods]);
    const completed = lastWalked([], work)!;
    expect(completed).toBe(periodCookies[1]);
    for (const cookie of periodCookies) expect(dmaengine_tx_status(chan, cookie)).toBe(statusAfter(cookie, completed));
    expect(dmaengine_tx_status(chan, ringCookie)).toBe(DMA_IN_PROGRESS);
    s.kernel.waitEvent(() => false, 1e9);
    expect(laps).toBe(6);
  });

  it("keeps the channel cyclic: a later one-shot runs once and never completes; two of them run again and again", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel });
    const chan = dma_request_channel(s, DMA_SLAVE, (c) => c.chan_id === 1)!;
    const buf = dma_alloc_coherent(chan.device.dev, 512, GFP_KERNEL)!;
    dmaengine_slave_config(chan, { direction: DMA_DEV_TO_MEM, src_addr: 0xe0001100, src_addr_width: 2, src_maxburst: 1 });
    const ring = dmaengine_prep_dma_cyclic(chan, buf.dmaAddr, 512, 128, DMA_DEV_TO_MEM, 0)!;
    let periods = 0;
    ring.callback = () => periods++;
    dmaengine_submit(ring);
    dma_async_issue_pending(chan);
    s.kernel.waitEvent(() => periods >= 4, 1e12);
    expect(dmaengine_terminate_sync(chan)).toBe(0);

    const src = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
    const dst = dma_alloc_coherent(chan.device.dev, 2 * 4096, GFP_KERNEL)!;
    s.cpu.write(src.cpuAddr, pattern(4096, 3));
    const copies = { x: 0, y: 0 };
    let lastHeard = 0;
    const copy = (i: number, name: "x" | "y") => {
      const tx = dmaengine_prep_dma_memcpy(chan, dst.dmaAddr + i * 4096, src.dmaAddr, 4096, 0)!;
      const cookie = dmaengine_submit(tx);
      tx.callback = () => {
        copies[name]++;
        lastHeard = cookie;
      };
      return cookie;
    };
    // The tasklet, still cyclic, completes no cookie and puts the copy back on work_list
    // unprogrammed: alone, nothing runs it again.
    expect(s.dmesg()).not.toMatch(/still cyclic/);
    const x = copy(0, "x");
    // Linux is silent here; dmasim names the trap once for the channel.
    const warned = (s.dmesg().match(/dma0chan1: pl330_prep_dma_memcpy on a channel still cyclic from an earlier ring \(dmasim\)/g) ?? []).length;
    expect(warned).toBe(1);
    dma_async_issue_pending(chan);
    s.kernel.waitEvent(() => false, 200e6);
    expect(copies).toEqual({ x: 1, y: 0 });
    expect(s.cpu.read(dst.cpuAddr, 4096)).toEqual(pattern(4096, 3));
    const st = dma_tx_state();
    expect(dmaengine_tx_status(chan, x, st)).toBe(DMA_IN_PROGRESS);
    expect(st.residue).toBe(4096);
    // With a second copy each completion's tasklet programs the other: both repeat.
    const y = copy(1, "y");
    dma_async_issue_pending(chan);
    s.kernel.waitEvent(() => false, 200e6);
    expect(copies.x).toBeGreaterThanOrEqual(3);
    expect(copies.y).toBeGreaterThanOrEqual(2);
    expect(s.cpu.read(dst.cpuAddr + 4096, 4096)).toEqual(pattern(4096, 3));
    expect([x, y].map((k) => dmaengine_tx_status(chan, k))).toEqual([DMA_IN_PROGRESS, DMA_IN_PROGRESS]);
    expect(periods).toBe(4);

    // Each completed copy went to the tail of work_list before its callback, so terminate
    // walks the one heard last, last.
    expect(dmaengine_terminate_sync(chan)).toBe(0);
    for (const cookie of [x, y]) expect(dmaengine_tx_status(chan, cookie)).toBe(statusAfter(cookie, lastHeard));
    const stopped = { ...copies };
    s.kernel.waitEvent(() => false, 200e6);
    expect(copies).toEqual(stopped);
    // Releasing the channel and requesting it again clears `cyclic` (pl330_alloc_chan_resources).
    dma_release_channel(chan);
    expect(s.dmesg()).not.toMatch(/released with transfers pending/);
    const again = dma_request_channel(s, DMA_SLAVE, (c) => c.chan_id === 1)!;
    const next = dmaengine_prep_dma_memcpy(again, dst.dmaAddr, src.dmaAddr, 4096, 0)!;
    let nextCopies = 0;
    next.callback = () => nextCopies++;
    expect(dma_sync_wait(again, dmaengine_submit(next))).toBe(DMA_COMPLETE);
    s.kernel.waitEvent(() => false, 200e6);
    expect(nextCopies).toBe(1);
    expect((s.dmesg().match(/still cyclic/g) ?? []).length).toBe(1); // once, and not after the new request
  });
});
