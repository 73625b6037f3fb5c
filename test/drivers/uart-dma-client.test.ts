// A UART's DMA transmit path (src/drivers/uart-dma-client.ts) on the Zynq board: a kmalloc'ed
// buffer mapped as a scatterlist goes out through one slave_sg transfer, byte for byte, paced
// by the line. Expected times follow from the line rate alone: 10 bits per character.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createSystem } from "../../src/create.js";
import { zynqWith } from "../helpers/zynq-peripherals.js";
import { UartDmaClient } from "../../src/drivers/uart-dma-client.js";
import type { TxFifoDevice } from "../../src/hw/dma-peripherals.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { DMA_COMPLETE, DMA_IN_PROGRESS, DMA_TRANS_NOERROR } from "../../src/dmaengine/types.js";
import { pattern } from "../../src/sim/phase.js";
import type { System } from "../../src/system.js";
import { EINVAL } from "../../src/kernel/errno.js";
import type { Pl330Chan } from "../../src/drivers/pl330/channel.js";

const BAUD = 1_000_000;
const CHAR_PS = 10e6; // 10 bits at 1 Mbaud

async function uart(depth: number, burstBytes: number) {
  const s = await zynqWith("", { "serial@e0001000": { tx: { baud: BAUD, depth, burstBytes } } });
  const model = s.board.peripherals.find((p) => p.dmaName === "tx")!.device as TxFifoDevice;
  const client = UartDmaClient.probe(s.device("e0001000.serial"));
  return { s, model, client };
}

describe("UART TX through slave_sg", () => {
  it("sends a 3000-byte buffer in three sg entries byte-exact, at the line rate", async () => {
    const { s, model, client } = await uart(32, 1);
    expect(client.chan.name).toBe("dma0chan0"); // dmas = <&dmac_s 0>: request 0
    expect(client.burstBytes).toBe(1);
    const data = pattern(3000, 7);
    const buf = s.kernel.kmalloc(3000, GFP_KERNEL);
    s.cpu.write(buf, data);
    const tx = client.startTx(buf, 3000, 1024);
    expect(client.waitTx(tx, 1e12)).toBe(DMA_COMPLETE);
    expect(tx.result).toEqual({ result: DMA_TRANS_NOERROR, residue: 0 });
    // The DMA cannot run ahead of the line by more than the FIFO and the shifter (33 bytes).
    const dmaPs = tx.completedAt! - tx.submittedAt;
    expect(dmaPs).toBeGreaterThan((3000 - 33 - 1) * CHAR_PS);
    expect(dmaPs).toBeLessThan((3000 - 33 + 2) * CHAR_PS);
    expect(client.waitTxEmpty(1e12)).toBe(true);
    const linePs = s.now() - tx.submittedAt;
    expect(linePs).toBeGreaterThan(3000 * CHAR_PS);
    expect(linePs).toBeLessThan(3003 * CHAR_PS);
    expect(model.transmitted()).toEqual(data);
    expect(client.counters()).toEqual({ sent: 3000, overruns: 0 });
    expect(model.stats().acks).toBe(3000); // single requests: one DMASTPS per byte
  });

  it("uses burst requests when the FIFO asks for 16 bytes at a time", async () => {
    const { s, model, client } = await uart(64, 16);
    expect(client.burstBytes).toBe(16);
    const data = pattern(1000, 9);
    const buf = s.kernel.kmalloc(1000, GFP_KERNEL);
    s.cpu.write(buf, data);
    // Two entries of 500 bytes: 31 bursts of 16 and a 4-byte tail burst each.
    const tx = client.startTx(buf, 1000, 500);
    expect(client.waitTx(tx, 1e12)).toBe(DMA_COMPLETE);
    expect(client.waitTxEmpty(1e12)).toBe(true);
    expect(model.transmitted()).toEqual(data);
    expect(model.stats().acks).toBe(2 * 32);
    expect(model.stats().overruns).toBe(0);
  });

  it("sends again after a transfer, and gives the channel back on remove", async () => {
    const { s, model, client } = await uart(16, 1);
    const a = pattern(100, 1);
    const b = pattern(200, 2);
    const buf = s.kernel.kmalloc(300, GFP_KERNEL);
    s.cpu.write(buf, a);
    s.cpu.write(buf + 100, b);
    expect(client.waitTx(client.startTx(buf, 100), 1e12)).toBe(DMA_COMPLETE);
    expect(client.waitTx(client.startTx(buf + 100, 200), 1e12)).toBe(DMA_COMPLETE);
    expect(client.waitTxEmpty(1e12)).toBe(true);
    expect(model.transmitted()).toEqual(new Uint8Array([...a, ...b]));
    client.remove();
    expect(s.readFile("/sys/class/dma/dma0chan0/in_use")).toBe("0\n");
  });

  it("works through a DMAC with arm,pl330-periph-burst (RK3399: the B forms only)", async () => {
    const dtb = readFileSync(fileURLToPath(new URL("../../../shared/devicetree/rk3399-rockpro64.dtb", import.meta.url)));
    const s = await createSystem({ dtb, memory: "1G", dmaPeripherals: { "spi@ff1d0000": { tx: { baud: BAUD, burstBytes: 16 } } } });
    const model = s.board.peripherals.find((p) => p.node.name === "spi@ff1d0000" && p.dmaName === "tx")!.device as TxFifoDevice;
    const client = UartDmaClient.probe(s.device("ff1d0000.spi"));
    expect(client.chan.name).toBe("dma1chan12"); // dmas = <&dmac_peri 12>
    const data = pattern(1000, 13);
    const buf = s.kernel.kmalloc(1000, GFP_KERNEL);
    s.cpu.write(buf, data);
    expect(client.waitTx(client.startTx(buf, 1000), 1e12)).toBe(DMA_COMPLETE);
    expect(client.waitTxEmpty(1e12)).toBe(true);
    expect(model.transmitted()).toEqual(data);
    expect(model.stats().acks).toBe(63); // 62 bursts of 16 and an 8-byte tail
  });

  it("probe's maxburst overrides the FIFO's BURST register; one that is not a whole number ≥ 1 is -EINVAL before any channel is taken", async () => {
    const s = await zynqWith("", { "serial@e0001000": { tx: { burstBytes: 1 } } });
    const pdev = s.device("e0001000.serial");
    for (const maxburst of [0, 1.5]) {
      expect(() => UartDmaClient.probe(pdev, { maxburst })).toThrow(expect.objectContaining({ errno: -EINVAL }));
    }
    const client = UartDmaClient.probe(pdev, { maxburst: 4 });
    expect(client.burstBytes).toBe(4);
    // The slave config the pl330 driver keeps (pl330_config) and applies at prep.
    expect((client.chan.priv as Pl330Chan).slave_config.dst_maxburst).toBe(4);
    client.remove();
  });
});

describe("remove after a send: the scatterlist is unmapped exactly once (CONFIG_DMA_API_DEBUG)", () => {
  // The TX FIFO is wired to line 0 (dmasim,request-lines) and the dmas cell names line 2, which
  // nothing drives: the channel waits in DMAWFP for ever and the send never completes.
  const NEVER_REQUESTED = `&uart1 { dmas = <&dmac_s 2>, <&dmac_s 1>; dmasim,request-lines = <0 1>; };`;

  /** The UART client with DMA-API debugging on, and the DMAC's device (which the client maps
   *  its buffers for, as a serial driver maps for chan->device->dev). */
  async function debugged(extraDts: string) {
    const s = await zynqWith(extraDts, { "serial@e0001000": { tx: { baud: BAUD } } }, "modern", { dmaDebug: true });
    const client = UartDmaClient.probe(s.device("e0001000.serial"));
    return { s, client, debug: s.kernel.dma.debug };
  }

  /** The scatterlist entries dma-debug holds (its dump's "scather-gather" lines, as
   *  /sys/kernel/debug/dma-api/dump spells them); the pl330 driver's own microcode buffer and
   *  FIFO mapping are "coherent" and "resource". */
  function sgEntries(s: System): string[] {
    return s.kernel.dma.debug.dump().split("\n").filter((l) => l.includes(" scather-gather "));
  }

  it("a send that timed out: remove terminates the channel, then unmaps the three entries; nothing is left for the DMAC's unbind to report", async () => {
    const { s, client, debug } = await debugged(NEVER_REQUESTED);
    const dmac = client.chan.device.dev;
    const buf = s.kernel.kmalloc(3000, GFP_KERNEL);
    // 3000 bytes in entries of at most 1024: 1024 + 1024 + 952 (0x3b8), one dma-debug entry each.
    const tx = client.startTx(buf, 3000, 1024);
    expect(sgEntries(s).map((l) => l.match(/ L=([0-9a-f]+) /)?.[1])).toEqual(["400", "400", "3b8"]);
    expect(client.waitTx(tx, 1e9)).toBe(DMA_IN_PROGRESS);
    expect(sgEntries(s)).toHaveLength(3);
    client.remove();
    expect(sgEntries(s)).toEqual([]);
    // dmaengine_terminate_sync runs no callback for the aborted transfer (pl330_terminate_all).
    expect(tx.completedAt).toBeUndefined();
    expect(s.readFile("/sys/class/dma/dma0chan2/in_use")).toBe("0\n");
    // The DMAC's unbind: dma_debug_device_change finds nothing left ("device driver has pending
    // DMA allocations while released from device"), and nothing was unmapped twice ("device
    // driver tries to free DMA memory it has not allocated").
    s.kernel.device_release_driver(dmac);
    expect(debug.reports).toEqual([]);
    expect(debug.errorCount).toBe(0);
    expect(debug.entries()).toBe(0);
  });

  it("a send that completed: the callback's unmap is the only one, remove does not unmap again", async () => {
    const { s, client, debug } = await debugged("");
    const dmac = client.chan.device.dev;
    const buf = s.kernel.kmalloc(3000, GFP_KERNEL);
    const tx = client.startTx(buf, 3000, 1024);
    expect(sgEntries(s)).toHaveLength(3);
    expect(client.waitTx(tx, 1e12)).toBe(DMA_COMPLETE);
    expect(sgEntries(s)).toEqual([]);
    client.remove();
    s.kernel.device_release_driver(dmac);
    expect(debug.reports).toEqual([]);
    expect(debug.errorCount).toBe(0);
    expect(debug.entries()).toBe(0);
  });
});
