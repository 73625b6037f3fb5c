// The GIC distributor each SoC was built with: how many interrupt IDs it implements, which its
// GICD_TYPER reports (ITLinesNumber [4:0]: 32 × (N + 1) IDs, Linux and the hardware cap them at
// 1020) and Linux's GIC driver reads at init. A known SoC's count comes from its documentation
// or boot log; any other SoC gets the architecture's most (ITLinesNumber 31), so a tree of an
// unknown SoC finds every ID below 1020 implemented, as before the count was modelled.

import type { DeviceTree } from "../of/node.js";
import { gicNode, isGic } from "../of/irq.js";

/** ITLinesNumber of a distributor with the architecture's most IDs (1020 after the cap). */
export const IT_LINES_MAX = 31;

interface GicInstance {
  /** The root compatible of the SoC. */
  soc: string;
  itLinesNumber: number;
}

const GIC_INSTANCES: readonly GicInstance[] = [
  // Zynq-7000: Cortex-A9 MPCore GIC with IDs 0-95, SPIs 0-63 (UG585 ch. 7, Table 7-4 lists SPI IDs
  // 32-95; Xilinx's standalone BSP sizes its tables XSCUGIC_MAX_NUM_INTR_INPUTS = 95 "defined by
  // Zynq"). ICDICTR's reset value itself was not confirmed from UG585: 2 is the smallest
  // ITLinesNumber that holds ID 95.
  { soc: "xlnx,zynq-7000", itLinesNumber: 2 },
  // Cyclone V HPS: Cortex-A9 MPCore GIC; the HPS TRM's GIC takes 180 interrupt sources on SPIs,
  // IDs 32-211. The A9 MPCore builds SPIs in blocks of 32, so 6 (224 IDs) is the smallest
  // ITLinesNumber that holds ID 211; the register value was not confirmed from the TRM.
  { soc: "altr,socfpga-cyclone5", itLinesNumber: 6 },
  // RK3399: GIC-500; a 5.4 boot log of the Firefly ROC-RK3399-PC prints "GICv3: 256 SPIs
  // implemented" (GIC_LINE_NR - 32): 288 IDs.
  { soc: "rockchip,rk3399", itLinesNumber: 8 },
  // dmasim's own arm64 boards (examples/boards/arm64-*.dts): a GIC-400 built with 128 SPIs,
  // IDs 32-159, which holds every SPI the boards use (100 the highest, ID 132).
  { soc: "dmasim,arm64-ref", itLinesNumber: 4 },
  { soc: "dmasim,arm64-highmem", itLinesNumber: 4 },
  { soc: "dmasim,arm64-dma-offset", itLinesNumber: 4 },
];

/** GICD_TYPER fields (GICv2 spec §4.3.2, GICv3 §12.9.38). */
const CPU_NUMBER_SHIFT = 5;
const SECURITY_EXTN = 1 << 10;
const ID_BITS_SHIFT = 19;
/** IDbits of a GICv3 distributor without LPIs: 10 interrupt ID bits (IDs 0-1023). dmasim models
 *  no LPIs; a GIC-500 with an ITS (RK3399's) reports 16 bits. */
const ID_BITS_NO_LPIS = 9;

/** ITLinesNumber of the SoC the tree's root compatible names, the architecture's most for an
 *  unknown one. */
export function gicItLinesNumber(tree: DeviceTree): number {
  const socs = tree.root.compatible;
  return GIC_INSTANCES.find((g) => socs.includes(g.soc))?.itLinesNumber ?? IT_LINES_MAX;
}

/** The GICD_TYPER value the SoC's distributor reads: ITLinesNumber, CPUNumber (CPUs - 1, from the
 *  tree's cpu nodes, at most 8), SecurityExtn (set: the Cortex-A9's GIC always reports it, and
 *  the GIC-400 and GIC-500 implement both security states); a GICv3's IDbits. LSPI and the
 *  GICv3's LPI, MBI and range-selector fields read 0: none is modelled. */
export function gicTyper(tree: DeviceTree): number {
  const cpus = tree.findByPath("/cpus")?.children.filter((c) => c.string("device_type") === "cpu").length ?? 1;
  const cpuNumber = Math.min(8, Math.max(1, cpus)) - 1;
  const node = gicNode(tree);
  const idBits = node && isGic(node) === 3 ? ID_BITS_NO_LPIS << ID_BITS_SHIFT : 0;
  return (gicItLinesNumber(tree) | (cpuNumber << CPU_NUMBER_SHIFT) | SECURITY_EXTN | idBits) >>> 0;
}
