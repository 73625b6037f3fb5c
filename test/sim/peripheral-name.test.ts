// A TX FIFO bug kind names the device that sent by what its node says it is: RK3399's TX FIFO
// model stands behind /spi@ff1d0000 (its first node whose dmas names a PL330 request), which is
// an SPI controller, not a UART. Its PL330 has arm,pl330-periph-burst: the FIFO raises burst
// requests of 16 bytes, so burst-on-single-requests' dst_maxburst 4 cannot hang it; the kind sends
// 256 bytes, and the fix is the FIFO's burst, 16.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { DeviceNode } from "../../src/of/node.js";
import { peripheralText } from "../../src/hw/peripheral-name.js";

const root = new URL("../..", import.meta.url).pathname;
const field = (text: string, key: string) => new RegExp(`^${key} +(.*)$`, "m").exec(text)?.[1];

describe("a DMA peripheral named by its node", () => {
  it("says 'the SPI controller spi@ff1d0000 sent' on RK3399, and the advice names --dtb", () => {
    const dtb = join(root, "../shared/devicetree/rk3399-rockpro64.dtb");
    const r = spawnSync(process.execPath, [join(root, "dist/src/cli.js"), "run", "bug", "--param", "kind=burst-on-single-requests", "--dtb", dtb, "--memory", "1G"], { encoding: "utf8", cwd: root });
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
});
