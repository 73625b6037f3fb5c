// Consumers' `dmas`/`dma-names` resolved through the provider's #dma-cells and its driver's
// xlate, as of_dma_request_slave_channel does, including several entries of one name, and the
// errors a client driver sees: -EPROBE_DEFER while a provider has no registered controller
// (once one entry found none, whatever the others did), -ENODEV for a channel the provider
// cannot give (out of range, or already taken: dma_get_slave_channel returns NULL).

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_request_chan } from "../../src/dmaengine/dmaengine.js";
import { ENODEV, EPROBE_DEFER, KernelError } from "../../src/kernel/errno.js";
import { thrown } from "../helpers/thrown.js";

const errnoOf = (f: () => unknown) => thrown<KernelError>(f).errno;

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
	mixed@e0003000 { compatible = "test,mixed"; reg = <0xe0003000 0x100>; dmas = <&off 0>, <&dma0 3>; dma-names = "rx", "rx"; };
};`;

describe("dmas through #dma-cells and the provider's xlate", () => {
  it("spreads same-named entries over their providers, then reports them taken", async () => {
    const s = await createSystem({ dts: BOARD });
    const dev = s.device("e0000000.spread");
    const first = dma_request_chan(dev, "tx");
    const second = dma_request_chan(dev, "tx");
    // Linux starts one entry further at each request: entry 1 first, then entry 0.
    expect([first.device.dev.name, first.chan_id]).toEqual(["f8004000.dma-controller", 3]);
    expect([second.device.dev.name, second.chan_id]).toEqual(["f8003000.dma-controller", 2]);
    // Both taken: each xlate's dma_get_slave_channel gives NULL, so of_dma_request_slave_channel
    // returns its default -ENODEV (not -EBUSY).
    expect(errnoOf(() => dma_request_chan(dev, "tx"))).toBe(-ENODEV);
    expect(() => dma_request_chan(dev, "tx")).toThrow(/-ENODEV: e0000000\.spread: dma[01]chan[23] is in use for "tx"/);
    expect(() => dma_request_chan(dev, "rx")).toThrow(/-ENODEV: e0000000\.spread: no DMA channel named "rx" \(dma-names: "tx", "tx"\)$/);
  });

  it("says why a provider without #dma-cells gives no channel, in of_parse_phandle_with_args's words", async () => {
    const board = BOARD.replace("reg = <0xf8003000 0x1000>; interrupt-parent = <&gic>; interrupts = <0 13 4>; #dma-cells = <1>;",
      "reg = <0xf8003000 0x1000>; interrupt-parent = <&gic>; interrupts = <0 13 4>;");
    const s = await createSystem({ dts: board });
    expect(() => dma_request_chan(s.device("e0000000.spread"), "tx"))
      .toThrow(/^-ENODEV: e0000000\.spread: \/spread@e0000000: could not get #dma-cells for \/dma-controller@f8003000$/);
  });

  it("asks the consumer to wait (-EPROBE_DEFER) while a provider has no registered controller", async () => {
    const s = await createSystem({ dts: BOARD });
    expect(errnoOf(() => dma_request_chan(s.device("e0001000.orphan"), "rx"))).toBe(-EPROBE_DEFER);
    expect(() => dma_request_chan(s.device("e0001000.orphan"), "rx")).toThrow(/-EPROBE_DEFER: e0001000\.orphan: DMA provider \/dma-controller@f8005000 has no controller registered/);
    // The other entry of the same name is served first; once it is taken, the missing provider
    // decides the error.
    const mixed = s.device("e0003000.mixed");
    expect(dma_request_chan(mixed, "rx").chan_id).toBe(3);
    // The provider is disabled: it never will have one, and the message says so.
    expect(() => dma_request_chan(mixed, "rx")).toThrow(/^-EPROBE_DEFER: e0003000\.mixed: DMA provider \/dma-controller@f8005000 has no controller registered \(its status is "disabled": no driver binds it\)$/);
  });

  it("fails with -ENODEV for a consumer that names no channels", async () => {
    const s = await createSystem({ dts: BOARD });
    expect(() => dma_request_chan(s.device("e0002000.unnamed"), "tx")).toThrow(/-ENODEV: \/unnamed@e0002000: dma-names property missing or empty/);
  });
});
