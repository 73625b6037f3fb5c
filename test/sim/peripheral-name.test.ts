// A TX FIFO bug kind names the device that sent by what its node says it is: RK3399's TX FIFO
// model stands behind /spi@ff1d0000 (its first node whose dmas names a PL330 request), which is
// an SPI controller, not a UART. Its PL330 has arm,pl330-periph-burst: the FIFO raises burst
// requests of 16 bytes, so burst-on-single-requests' dst_maxburst 4 cannot hang it; the kind sends
// 256 bytes, and the fix is the FIFO's burst, 16.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { DeviceNode } from "../../src/of/node.js";
import { peripheralText, rxProducerText } from "../../src/hw/peripheral-name.js";
import type { PeripheralInstance } from "../../src/hw/board-peripherals.js";

const root = new URL("../..", import.meta.url).pathname;
const field = (text: string, key: string) => new RegExp(`^${key} +(.*)$`, "m").exec(text)?.[1];
const rk3399 = join(root, "../shared/devicetree/rk3399-rockpro64.dtb");
const dmasim = (...args: string[]) => spawnSync(process.execPath, [join(root, "dist/src/cli.js"), ...args], { encoding: "utf8", cwd: root });

describe("a DMA peripheral named by its node", () => {
  it("says 'the SPI controller spi@ff1d0000 sent' on RK3399, and the advice names --dtb", () => {
    const r = dmasim("run", "bug", "--param", "kind=burst-on-single-requests", "--dtb", rk3399, "--memory", "1G");
    expect(r.status).toBe(0);
    expect(field(r.stdout, "symptom")).toBe(
      '/spi@ff1d0000 ("tx")\'s driver sets dst_maxburst 4 and its TX FIFO raises burst requests of 16 bytes: the SPI controller spi@ff1d0000 sent 256 of 256 bytes (DMA_COMPLETE); ' +
      "this board's FIFO asks for bursts, so the bug cannot show here; run it without --dtb");
    expect(field(r.stdout, "fixed")).toBe("with dst_maxburst 16 (the FIFO's BURST register) the SPI controller spi@ff1d0000 sent 256 of 256 bytes (DMA_COMPLETE), 0 of them wrong");
  });

  it("names a class by the Devicetree Specification's generic node name, else by node name and compatible", () => {
    const node = (name: string, compatible?: string) => {
      const n = new DeviceNode(name);
      if (compatible) n.properties.set("compatible", new TextEncoder().encode(`${compatible}\0`));
      return n;
    };
    expect(peripheralText(node("serial@e0001000", "xlnx,xuartps"))).toBe("the UART");
    expect(peripheralText(node("spi@ff1d0000", "rockchip,rk3399-spi"))).toBe("the SPI controller spi@ff1d0000");
    expect(peripheralText(node("i2s@ff880000"))).toBe("the I2S controller i2s@ff880000");
    expect(peripheralText(node("widget@40000000", "acme,widget"))).toBe("the device widget@40000000 (acme,widget)");
    expect(peripheralText(node("widget@40000000"))).toBe("the device widget@40000000");
  });

  // RK3399's RX stream model stands behind the same SPI node (its "rx" dmas entry, request line
  // 13 of the PL330 at ff6e0000), with the model's defaults: 1,000,000 two-byte samples a second,
  // a 64-sample (128-byte) FIFO, and burst requests of 16 bytes (8 samples) from
  // arm,pl330-periph-burst. A 512-byte period is 256 samples, one every 256 µs; src_maxburst 16
  // reads 32 bytes per request of 16, so the ring fills twice as fast: a period every 128 µs
  // holding 128 samples produced.
  it("says 'while the SPI controller spi@ff1d0000 produced' on RK3399, not 'the converter'", () => {
    const r = dmasim("run", "bug", "--param", "kind=rx-burst-larger-than-fifo-level", "--dtb", rk3399, "--memory", "1G");
    expect(r.status).toBe(0);
    expect(field(r.stdout, "symptom")).toContain(
      "the capture runs without an error, yet 4 of 4 512-byte periods came, one every 128 µs while the SPI controller spi@ff1d0000 produced 128 samples (256 bytes), " +
      "the samples wrong from byte 16 on, 1024 bytes read from an empty FIFO (zeros in the ring)");
    expect(field(r.stdout, "fixed")).toBe(
      "with src_maxburst 8 (the FIFO's burst level) 4 of 4 512-byte periods came, one every 256 µs while the SPI controller spi@ff1d0000 produced 256 samples (512 bytes), " +
      "every sample in order, 0 bytes read from an empty FIFO");
    expect(r.stdout).not.toContain("converter");
  });

  it("adc-rx on RK3399 refuses burst=16 in the SPI controller's words", () => {
    const r = dmasim("run", "adc-rx", "--dtb", rk3399, "--memory", "1G", "--param", "burst=16");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "dmasim: error: burst=16 samples is more than the peripheral model of /spi@ff1d0000 requests at a time (8, its FIFO holds 64): " +
      "the transfer would stall or read samples the SPI controller spi@ff1d0000 has not yet produced; give burst ≤ 8 " +
      "(dmasim run bug --param kind=rx-burst-larger-than-fifo-level shows what that mistake does: zeros read from an empty FIFO)\n");
  });

  it("says 'the UART' on the default board: adc-rx shapes its samples, but the stream is serial@e0001000's", () => {
    const r = dmasim("run", "bug", "--param", "kind=rx-burst-larger-than-fifo-level");
    expect(r.status).toBe(0);
    // 48,000 samples a second: a 256-sample period every 5333.33 µs.
    expect(field(r.stdout, "fixed")).toBe(
      "with src_maxburst 8 (the FIFO's burst level) 4 of 4 512-byte periods came, one every 5333.33 µs while the UART produced 256 samples (512 bytes), " +
      "every sample in order, 0 bytes read from an empty FIFO");
    expect(field(r.stdout, "symptom")).toContain("one every 2666.67 µs while the UART produced 128 samples (256 bytes)");
    expect(r.stdout).not.toContain("converter");
  });

  it("adc-rx names the UART's RX stream model, not a converter, when refusing rate on a named board", () => {
    const r = dmasim("run", "adc-rx", "--board", "arm64-ref", "--param", "rate=8000");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("rate, sample and depth shape only the UART's RX stream model of the board adc-rx boots when given none (zynq-7000, serial@e0001000);");
    expect(r.stderr).not.toContain("converter");
  });

  it("names an RX stream's producer: the converter for an ADC, else the node, shaped by options or not", () => {
    const node = (name: string) => new DeviceNode(name);
    expect(rxProducerText({ node: node("adc@e0008000") })).toBe("the converter");
    const shaped: PeripheralInstance = { node: node("serial@e0001000"), dmaName: "rx", device: undefined as never, configured: true };
    expect(rxProducerText(shaped)).toBe("the UART");
    expect(rxProducerText({ node: node("serial@e0001000") })).toBe("the UART");
    expect(rxProducerText({ node: node("spi@ff1d0000") })).toBe("the SPI controller spi@ff1d0000");
  });
});
