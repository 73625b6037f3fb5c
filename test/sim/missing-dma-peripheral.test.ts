// A BSP engineer's own tree, broken the usual ways in its `dmas`, starting from
// examples/boards/rk3288-like.dts: a client of a disabled DMAC, a request line the DMAC lacks.
// The scenarios that need a DMA peripheral, and dma_request_chan, must say which entry and
// why. The cortex-a17 profile's PL330 has 20 request lines (0-19), as the board's note says.

import { describe, expect, it } from "vitest";
import { withSystem } from "../helpers/system.js";
import { rk3288With } from "../helpers/rk3288-tree.js";
import { dma_request_chan } from "../../src/dmaengine/dmaengine.js";
import { EPROBE_DEFER, KernelError } from "../../src/kernel/errno.js";

const UART_DMAS = "dmas = <&dmac_peri 4>, <&dmac_peri 5>;";

/** The peripheral DMAC disabled, as a board file that has not enabled it yet. */
const DISABLED = rk3288With("arm,pl330-periph-burst;", 'arm,pl330-periph-burst;\n\t\t\tstatus = "disabled";');

describe("a BSP tree's dmas mistakes, on the RK3288-like board", () => {
  it("gives a client of a disabled DMAC -EPROBE_DEFER naming the status", async () => {
    await withSystem({ dts: DISABLED }, (s) => {
      let err: unknown;
      try {
        dma_request_chan(s.device("ff690000.serial"), "rx");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KernelError);
      expect((err as KernelError).errno).toBe(-EPROBE_DEFER);
      expect((err as Error).message).toBe(
        '-EPROBE_DEFER: ff690000.serial: DMA provider /soc/dma-controller@ff250000 has no controller registered (its status is "disabled": no driver binds it)',
      );
    });
  });

  it("says why uart-tx and adc-rx find no DMA peripheral: a disabled DMAC, a request line it lacks", async () => {
    await withSystem({ dts: DISABLED }, (s) => {
      expect(() => s.run("adc-rx")).toThrow(
        'this board has no node with an "rx" DMA peripheral (dmas/dma-names naming a PL330 request): ' +
          '/soc/serial@ff690000\'s dmas entry 1 ("rx") names /soc/dma-controller@ff250000, whose status is "disabled": no driver binds it, and dma_request_chan returns -EPROBE_DEFER',
      );
    });
    await withSystem({ dts: rk3288With(UART_DMAS, "dmas = <&dmac_peri 24>, <&dmac_peri 5>;") }, (s) => {
      expect(() => s.run("uart-tx")).toThrow(
        'this board has no node with a "tx" DMA peripheral (dmas/dma-names naming a PL330 request): ' +
          '/soc/serial@ff690000\'s dmas entry 0 ("tx") names request line 24, but /soc/dma-controller@ff250000 has 20 (0-19): ' +
          "of_dma_pl330_xlate refuses it, and dma_request_chan fails with -ENODEV; fix the cell, or give /soc/dma-controller@ff250000 #dma-requests = <25> or more if the SoC has that line",
      );
    });
  });

  it("counts the lines from 0: request line 20 is the first past 0-19; a dmas shorter than dma-names says how many entries it has", async () => {
    await withSystem({ dts: rk3288With(UART_DMAS, "dmas = <&dmac_peri 20>, <&dmac_peri 5>;") }, (s) => {
      expect(() => s.run("uart-tx")).toThrow(
        '/soc/serial@ff690000\'s dmas entry 0 ("tx") names request line 20, but /soc/dma-controller@ff250000 has 20 (0-19): ' +
          "of_dma_pl330_xlate refuses it, and dma_request_chan fails with -ENODEV; fix the cell, or give /soc/dma-controller@ff250000 #dma-requests = <21> or more if the SoC has that line",
      );
    });
    // dma-names = "tx", "rx" over one dmas entry: "rx" (index 1) has none.
    await withSystem({ dts: rk3288With(UART_DMAS, "dmas = <&dmac_peri 4>;") }, (s) => {
      expect(() => s.run("adc-rx")).toThrow(
        'this board has no node with an "rx" DMA peripheral (dmas/dma-names naming a PL330 request): ' +
          '/soc/serial@ff690000\'s dma-names lists "rx" at 1, but its dmas has 1 entry',
      );
    });
  });
});
