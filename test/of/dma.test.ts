// Consumers' `dmas`/`dma-names` resolved through the provider's #dma-cells and its driver's
// xlate, as of_dma_request_slave_channel does, including several entries of one name.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_request_chan } from "../../src/dmaengine/dmaengine.js";

const BOARD = `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	compatible = "xlnx,zynq-7000";
	memory@0 { device_type = "memory"; reg = <0x0 0x10000000>; };
	gic: interrupt-controller@f8f01000 { compatible = "arm,cortex-a9-gic"; #interrupt-cells = <3>; interrupt-controller; reg = <0xf8f01000 0x1000>; };
	dma0: dma-controller@f8003000 { compatible = "arm,pl330", "arm,primecell"; reg = <0xf8003000 0x1000>; interrupt-parent = <&gic>; interrupts = <0 13 4>; #dma-cells = <1>; };
	dma1: dma-controller@f8004000 { compatible = "arm,pl330", "arm,primecell"; reg = <0xf8004000 0x1000>; interrupt-parent = <&gic>; interrupts = <0 15 4>; #dma-cells = <1>; };
	off: dma-controller@f8005000 { compatible = "arm,pl330", "arm,primecell"; reg = <0xf8005000 0x1000>; #dma-cells = <1>; status = "disabled"; };
	spread@e0000000 { compatible = "test,spread"; reg = <0xe0000000 0x100>; dmas = <&dma0 2>, <&dma1 3>; dma-names = "tx", "tx"; };
	orphan@e0001000 { compatible = "test,orphan"; reg = <0xe0001000 0x100>; dmas = <&off 0>; dma-names = "rx"; };
	unnamed@e0002000 { compatible = "test,unnamed"; reg = <0xe0002000 0x100>; dmas = <&dma0 0>; };
};`;

describe("dmas through #dma-cells and the provider's xlate", () => {
  it("spreads same-named entries over their providers, then reports them busy", async () => {
    const s = await createSystem({ dts: BOARD });
    const dev = s.device("e0000000.spread");
    const first = dma_request_chan(dev, "tx");
    const second = dma_request_chan(dev, "tx");
    // Linux starts one entry further at each request: entry 1 first, then entry 0.
    expect([first.device.dev.name, first.chan_id]).toEqual(["f8004000.dma-controller", 3]);
    expect([second.device.dev.name, second.chan_id]).toEqual(["f8003000.dma-controller", 2]);
    expect(() => dma_request_chan(dev, "tx")).toThrow(/busy/);
    expect(() => dma_request_chan(dev, "rx")).toThrow(/-ENODEV: e0000000\.spread: no DMA channel named "rx"/);
  });

  it("fails with -ENODEV when the provider has no driver or the consumer names no channels", async () => {
    const s = await createSystem({ dts: BOARD });
    expect(() => dma_request_chan(s.device("e0001000.orphan"), "rx")).toThrow(/-ENODEV: e0001000\.orphan: DMA provider \/dma-controller@f8005000 has no driver/);
    expect(() => dma_request_chan(s.device("e0002000.unnamed"), "tx")).toThrow(/-ENODEV: \/unnamed@e0002000: dma-names property missing or empty/);
  });
});
