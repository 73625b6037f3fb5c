// examples/spi-board: a board of one's own (widget-a9.dts) booted from source, and its scenario
// module sending a buffer through the SPI TX FIFO by slave_sg and capturing the RX FIFO into a
// cyclic ring. Expected bytes come from the patterns, computed here: TX byte i = (7i + 0x31) & 0xff;
// RX sample n (2 bytes, little-endian) = n, numbered from the COUNT read when sampling starts.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
// the module imports "dmasim" (the build in dist/), so the System must come from there too
import { createSystem } from "dmasim";
import type { TxFifoDevice } from "../../src/hw/dma-peripherals.js";
// @ts-expect-error: a JavaScript scenario module without types
import { run } from "../../examples/spi-board/spi-dma.js";

const dts = readFileSync(new URL("../../examples/spi-board/widget-a9.dts", import.meta.url), "utf8");

describe("examples/spi-board", () => {
  it("sends the TX buffer byte for byte and fills the ring with consecutive samples", async () => {
    const s = await createSystem({ dts });
    const len = 300, period = 64, periods = 4, laps = 2;
    const r = run(s, { len, period, periods, laps, ring: "all" });
    expect(r.txStatus).toBe("complete");
    expect(r.periodsDone).toBeGreaterThanOrEqual(laps * periods);

    const tx = s.board.peripherals.find((p) => p.dmaName === "tx")!.device as TxFifoDevice;
    // the DMA is done when the last byte is in the FIFO; the line needs up to 64 more character
    // times (86.8 µs each at 115200 baud) to shift them out
    s.kernel.waitEvent(() => false, 64 * 87e6);
    const sent = Array.from({ length: len }, (_, i) => (7 * i + 0x31) & 0xff);
    expect(Array.from(tx.transmitted())).toEqual(sent);

    // After `laps` laps the ring holds lap `laps - 1`, except where the next lap has begun:
    // slot j holds sample first + L·(ring samples) + j for one L, the same for every slot up to
    // where the DMA stopped, one lap less after it.
    const ring: Uint8Array = r.ring;
    const slots = (period * periods) / 2;
    const sample = (j: number) => ring[2 * j] | (ring[2 * j + 1] << 8);
    const lapOf = (j: number) => ((sample(j) - ((r.firstSample + j) & 0xffff)) & 0xffff) / slots;
    for (let j = 0; j < slots; j++) {
      expect([laps - 1, laps]).toContain(lapOf(j));
      if (j > 0) expect(lapOf(j)).toBeLessThanOrEqual(lapOf(j - 1));
    }
    expect(lapOf(slots - 1)).toBe(laps - 1);
  });

  it("stops at the TX timeout with dmasim's note on where the channel waits, for a burst the FIFO never asks for", async () => {
    const s = await createSystem({ dts });
    // dmas = <&pdma 5>: the TX channel waits for a burst request on line 5 that the TX model,
    // which raises single requests, never makes; dma_sync_wait gives up after 5 s
    expect(() => run(s, { len: 64, burst: 4 })).toThrow(
      /^tx: 64 bytes not sent \(dma_sync_wait timed out\); WARNING: dmaengine: dma_sync_wait timed out \(dmasim\): dma0chan5 \(PL330 thread 0, request line 5\): .*DMAWFP P5, burst;/,
    );
    expect(s.now()).toBeGreaterThan(5e12);
    s.dispose();
  });

  it("the note names the burst stall: dst_maxburst 4 on a TX FIFO that raises single requests, with the numbers and the fix", async () => {
    const s = await createSystem({ dts });
    let message = "";
    try {
      run(s, { len: 64, burst: 4 });
    } catch (e) {
      message = (e as Error).message;
    }
    // CCR of a MEM_TO_DEV slave transfer (spec pl330 §3): src_inc (bit 0), 1-byte beats (size 0),
    // 4 beats (3 at [7:4] and [21:18]); the widget's PL330 manager is secure, so no NS bits.
    const ccr = 1 | (3 << 4) | (3 << 18);
    expect(message).toContain(`DMAWFP P5, burst; TX burst stall: the channel waits in DMAWFPB for a burst request, but its peripheral ` +
      `/soc/spi@12d20000 ("tx") raises single requests only (a 64-byte TX FIFO holding 0 bytes, 64 free: it asks for data one byte at a time, ` +
      `and is asking now), and a DMAWFPB drops each single request it meets; the channel's burst is 4 beats × 1 byte = 4 bytes ` +
      `(CCR0 0x${ccr.toString(16)}), a burst because dst_maxburst is 4: Linux's pl330 (4.18 on) waits for a burst request whenever a burst ` +
      `is longer than 1 beat; fix: dst_maxburst 1 in the client's dma_slave_config, or a FIFO threshold that makes the peripheral raise burst ` +
      `requests of 4 bytes (arm,pl330-periph-burst only if the peripherals on /soc/dma-controller@12680000 really raise burst requests)`);
    expect(message).not.toContain("0 requests");
    s.dispose();
  });

  it("a transfer shorter than one burst stalls in its tail: _dregs moves the 3 bytes as one 3-beat burst", async () => {
    const s = await createSystem({ dts });
    // 3 bytes with dst_maxburst 4: no whole burst, a tail of 3 beats (CCR lengths 2 at [7:4], [21:18]).
    const ccr = 1 | (2 << 4) | (2 << 18);
    expect(() => run(s, { len: 3, burst: 4 })).toThrow(
      `the channel's burst is 3 beats × 1 byte = 3 bytes (CCR0 0x${ccr.toString(16)}), a burst because dst_maxburst is 4: Linux's pl330 ` +
        `(4.18 on) waits for a burst request whenever a burst is longer than 1 beat (this is the transfer's tail of 3 beats, which Linux ` +
        `moves as one shorter burst); fix: dst_maxburst 1`,
    );
    s.dispose();
  });

  it("Linux 4.9 sends everything with burst=4: its slave transfers are 1-beat bursts waited for with DMAWFPS", async () => {
    const s = await createSystem({ dts, kernel: "v4.9" });
    const len = 64;
    const r = run(s, { len, burst: 4, period: 64, periods: 2, laps: 1 });
    expect(r.txStatus).toBe("complete");
    const tx = s.board.peripherals.find((p) => p.dmaName === "tx")!.device as TxFifoDevice;
    s.kernel.waitEvent(() => false, 64 * 87e6);
    expect(Array.from(tx.transmitted())).toEqual(Array.from({ length: len }, (_, i) => (7 * i + 0x31) & 0xff));
    expect(s.dmesg()).not.toContain("timed out (dmasim)");
    s.dispose();
  });
});
