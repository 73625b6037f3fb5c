// dmasim's note on a TX FIFO overrun (src/report/fifo-burst-excess.ts): a UART client whose
// dst_maxburst moves more bytes per burst than its TX FIFO's burst threshold loses bytes, the
// send still completes, and the driver's wait prints why, with the numbers.
//
// The bytes lost follow from the FIFO alone. The channel writes a burst in far less than one
// character time (86.8 us at 115200 baud), so no byte leaves during a burst, and the first byte
// of a send goes straight on to the shift register. The FIFO (depth D) raises a burst request
// while at least T bytes are free; each request is answered with a burst of B bytes. While the
// FIFO is still filling, bursts fit; once a burst leaves it with fewer than T free, the next
// request goes up exactly when T bytes are free again, and a burst of B > T loses B − T.

import { describe, expect, it } from "vitest";
import { zynqWith } from "../helpers/zynq-peripherals.js";
import { UartDmaClient } from "../../src/drivers/uart-dma-client.js";
import type { TxFifoDevice } from "../../src/hw/dma-peripherals.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { DMA_COMPLETE } from "../../src/dmaengine/types.js";
import { pattern } from "../../src/sim/phase.js";

/** One send of `len` bytes with dst_maxburst `maxburst` through a TX FIFO of `depth` bytes that
 *  raises burst requests of `threshold`: bytes lost, bytes on the wire, and dmasim's notes. */
async function send(depth: number, threshold: number, maxburst: number, len: number) {
  const s = await zynqWith("", { "serial@e0001000": { tx: { depth, burstBytes: threshold } } });
  try {
    const model = s.board.peripherals.find((p) => p.dmaName === "tx")!.device as TxFifoDevice;
    const client = UartDmaClient.probe(s.device("e0001000.serial"), { maxburst });
    const buf = s.kernel.kmalloc(len, GFP_KERNEL);
    s.cpu.write(buf, pattern(len, 3));
    const tx = client.startTx(buf, len);
    const status = client.waitTx(tx, 1e12);
    client.waitTxEmpty(1e12);
    const notes = s.kernel.printk.dmesg().map((l) => l.text).filter((t) => t.includes("TX FIFO overrun (dmasim)"));
    const r = { status, lost: client.counters().overruns, sent: model.transmitted().length, notes };
    client.remove();
    return r;
  } finally {
    s.dispose();
  }
}

describe("the TX FIFO overrun note", () => {
  it("names the FIFO's threshold, the channel's burst and CCR, the bytes lost and the fix (64-byte FIFO, threshold 8, dst_maxburst 16)", async () => {
    // 256 bytes = 16 bursts of 16. Bursts 1–4 fill the FIFO: 64 bytes, one in the shifter, 63
    // held (1 free). The request for burst 5 goes up at 8 free: 8 lost, and so for bursts 5–16:
    // 12 × 8 = 96 lost, 160 on the wire.
    const r = await send(64, 8, 16, 256);
    expect([r.status, r.lost, r.sent]).toEqual([DMA_COMPLETE, 96, 160]);
    expect(r.notes).toHaveLength(1);
    // CCR of a MEM_TO_DEV slave transfer: src_inc (bit 0), 1-byte beats, 16 beats (15 at [7:4]
    // and [21:18]): 0x1 | 0xf0 | 0x3c0000.
    expect(r.notes[0]).toBe(
      "WARNING: e0001000.serial: waitTx: TX FIFO overrun (dmasim): 96 bytes lost: dma0chan0 (PL330 thread 0, request line 0) writes bursts of " +
        "16 beats × 1 byte = 16 bytes (CCR0 0x3c00f1), dst_maxburst 16 × dst_addr_width 1, to /axi/serial@e0001000 (\"tx\"), whose 64-byte TX FIFO " +
        "raises a burst request when 8 bytes are free (its BURST register); a burst request promises room for the peripheral's burst only, and " +
        "the PL330 answers it with the whole burst its CCR programs (DMAWFPB, DMASTPB), so once the FIFO has filled, each burst meets 8 free " +
        "bytes and the FIFO drops the other 8 (its OVERRUN register counts them); fix: dst_maxburst 8 in the client's dma_slave_config " +
        "(8 beats × 1 byte = 8 bytes: a burst no larger than the FIFO's threshold)",
    );
  });

  it("counts what a shallower FIFO loses (16 bytes, threshold 8, dst_maxburst 16)", async () => {
    // Burst 1 fits (one byte to the shifter, 15 held, 1 free); bursts 2–16 each meet 8 free:
    // 15 × 8 = 120 lost, 136 on the wire.
    const r = await send(16, 8, 16, 256);
    expect([r.lost, r.sent]).toEqual([120, 136]);
    expect(r.notes[0]).toContain("120 bytes lost: ");
    expect(r.notes[0]).toContain("whose 16-byte TX FIFO raises a burst request when 8 bytes are free");
  });

  it("names the whole bursts' CCR when the transfer ends in a shorter tail burst", async () => {
    // 250 bytes = 15 bursts of 16 and a 10-beat tail (_dregs). Bursts 1–4 fit, 5–15 lose 8 each
    // (88), the tail meets 8 free and loses 2: 90 lost. CCRn last held the tail's CCR (9 at
    // [7:4] and [21:18]); the note names the 16-beat bursts that overran.
    const r = await send(64, 8, 16, 250);
    expect([r.lost, r.sent]).toEqual([90, 160]);
    expect(r.notes[0]).toContain("90 bytes lost: ");
    expect(r.notes[0]).toContain("16 beats × 1 byte = 16 bytes (CCR0 0x3c00f1)");
  });

  it("says what each burst loses when it is not twice the threshold (dst_maxburst 12)", async () => {
    // 256 bytes = 21 bursts of 12 and a 4-beat tail. After burst k the FIFO holds 12k − 1:
    // bursts 1–5 fit (59 held), bursts 6–21 each meet 8 free and lose 4 (16 × 4 = 64), the
    // 4-byte tail fits in the 8 free: 64 lost. CCR: 1 | 11 << 4 | 11 << 18 = 0x2c00b1.
    const r = await send(64, 8, 12, 256);
    expect([r.lost, r.sent]).toEqual([64, 192]);
    expect(r.notes[0]).toContain("64 bytes lost: dma0chan0 (PL330 thread 0, request line 0) writes bursts of 12 beats × 1 byte = 12 bytes (CCR0 0x2c00b1)");
    expect(r.notes[0]).toContain("each burst meets 8 free bytes and the FIFO drops the other 4");
    expect(r.notes[0]).toContain("fix: dst_maxburst 8 in the client's dma_slave_config");
  });

  it("counts each send's own losses: a second send on the same client loses 96 again, a third that fits loses none and gets no note", async () => {
    // The FIFO's OVERRUN count runs on across sends; each note counts from its own send's start.
    // Each 256-byte send starts on an empty FIFO (waitTxEmpty), so it loses 96 as above; a
    // 48-byte one fits while the FIFO fills.
    const s = await zynqWith("", { "serial@e0001000": { tx: { depth: 64, burstBytes: 8 } } });
    try {
      const client = UartDmaClient.probe(s.device("e0001000.serial"), { maxburst: 16 });
      const buf = s.kernel.kmalloc(256, GFP_KERNEL);
      for (const len of [256, 256, 48]) {
        expect(client.waitTx(client.startTx(buf, len), 1e12)).toBe(DMA_COMPLETE);
        client.waitTxEmpty(1e12);
      }
      expect(client.counters().overruns).toBe(192);
      const notes = s.kernel.printk.dmesg().map((l) => l.text).filter((t) => t.includes("TX FIFO overrun (dmasim)"));
      expect(notes.map((t) => t.slice(t.indexOf("(dmasim): ") + 10, t.indexOf(": dma0chan")))).toEqual(["96 bytes lost", "96 bytes lost"]);
      client.remove();
    } finally {
      s.dispose();
    }
  });

  it("is not printed when the burst fits the threshold: nothing is lost", async () => {
    for (const maxburst of [8, 4]) {
      const r = await send(64, 8, maxburst, 256);
      expect([r.status, r.lost, r.sent, r.notes]).toEqual([DMA_COMPLETE, 0, 256, []]);
    }
  });

  it("is not printed when a burst larger than the threshold lost nothing: a send that fits while the FIFO fills", async () => {
    // 48 bytes = 3 bursts of 16: the first byte goes to the shifter, 47 are held in the 64-byte
    // FIFO, so no burst meets a full FIFO and nothing is lost, though each is twice the threshold.
    const r = await send(64, 8, 16, 48);
    expect([r.status, r.lost, r.sent, r.notes]).toEqual([DMA_COMPLETE, 0, 48, []]);
  });

  it("is not printed on Linux 4.9, whose slave bursts are single beats whatever the maxburst", async () => {
    const s = await zynqWith("", { "serial@e0001000": { tx: { burstBytes: 8 } } }, "v4.9");
    try {
      const client = UartDmaClient.probe(s.device("e0001000.serial"), { maxburst: 16 });
      const buf = s.kernel.kmalloc(256, GFP_KERNEL);
      const tx = client.startTx(buf, 256);
      expect(client.waitTx(tx, 1e12)).toBe(DMA_COMPLETE);
      expect(client.counters().overruns).toBe(0);
      expect(s.dmesg()).not.toContain("TX FIFO overrun");
      client.remove();
    } finally {
      s.dispose();
    }
  });
});
