// The built-in Zynq board booted from its source with extra device-tree source appended (a
// board vendor's additions, e.g. an ADC that names a DMA request) and chosen settings for the
// DMA peripheral models behind the nodes' `dmas`.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createSystem } from "../../src/create.js";
import type { System, SystemOptions } from "../../src/system.js";
import type { BoardOptions } from "../../src/hw/board.js";

const ZYNQ_DTS = fileURLToPath(new URL("../../examples/boards/zynq-7000.dts", import.meta.url));

/** An ADC at 0xe0008000 on PL330 request 2, for `extraDts`. */
export const ADC_NODE = `&amba {
	adc@e0008000 {
		compatible = "dmasim,stream-adc";
		reg = <0xe0008000 0x1000>;
		dmas = <&dmac_s 2>;
		dma-names = "rx";
	};
};`;

export async function zynqWith(
  extraDts: string, dmaPeripherals: BoardOptions["dmaPeripherals"] = {}, kernel: "modern" | "v4.9" = "modern",
  /** Other options of the System (e.g. dmaDebug). */
  options: Omit<SystemOptions, "worker" | "dts" | "dtsName" | "dmaPeripherals" | "kernel"> = {},
): Promise<System> {
  const dts = readFileSync(ZYNQ_DTS, "utf8") + "\n" + extraDts + "\n";
  return createSystem({ ...options, dts, dtsName: ZYNQ_DTS, dmaPeripherals, kernel });
}
