// The DMA-330 configurations of known SoC instances, from their Linux boot logs and TRMs
// (../shared/spec pl330 §10), and which SoC and register base each is. A machine profile names
// one as its default (profile.ts); board.ts gives a PL330 node its instance's by the tree's root
// compatible and the node's base.

export interface Pl330Preset {
  channels: number;
  requests: number;
  events: number;
  /** MFIFO depth in lines of the bus width (CRD.data_buffer_dep). */
  bufferDepth: number;
  dataWidthBits: 32 | 64 | 128;
  rdCap: number;
  wrCap: number;
  rdQueue: number;
  wrQueue: number;
  icacheLines: number;
  icacheLineBytes: number;
  /** 0 r0p0, 1 r1p0, 2 r1p1, 3 r1p2 */
  revision: number;
}

/** The PL330 of the Zynq-7000 PS (spec pl330 §10): r1p1, 8 channels, 4 requests, 16 events,
 *  64-bit AXI, 128-line MFIFO; capabilities and queues as QEMU's Zynq model (unconfirmed on
 *  silicon); i-cache 16 × 32 B as on the other Cortex-A9 SoC PL330s (Altera). */
export const PL330_ZYNQ: Pl330Preset = {
  channels: 8, requests: 4, events: 16, bufferDepth: 128, dataWidthBits: 64,
  rdCap: 8, wrCap: 8, rdQueue: 16, wrQueue: 16, icacheLines: 16, icacheLineBytes: 32, revision: 2,
};

/** Cyclone V HPS `pdma@ffe01000` (Linux boot log: r1p2, DBUFF-512x8bytes, 8 channels,
 *  32 requests, 8 events; i-cache 16 × 32 B per Intel 683126). */
export const PL330_CYCLONE_V: Pl330Preset = {
  channels: 8, requests: 32, events: 8, bufferDepth: 512, dataWidthBits: 64,
  rdCap: 8, wrCap: 8, rdQueue: 16, wrQueue: 16, icacheLines: 16, icacheLineBytes: 32, revision: 3,
};

/** RK3399 DMAC_BUS at 0xff6d0000 (boot log: r1p1, DBUFF-32x8bytes, 6 channels, 12 requests,
 *  12 events). */
export const PL330_RK3399_BUS: Pl330Preset = {
  channels: 6, requests: 12, events: 12, bufferDepth: 32, dataWidthBits: 64,
  rdCap: 8, wrCap: 8, rdQueue: 16, wrQueue: 16, icacheLines: 16, icacheLineBytes: 32, revision: 2,
};

/** RK3399 DMAC_PERI at 0xff6e0000 (boot log: r1p1, DBUFF-128x8bytes, 8 channels,
 *  20 requests, 16 events). */
export const PL330_RK3399_PERI: Pl330Preset = {
  channels: 8, requests: 20, events: 16, bufferDepth: 128, dataWidthBits: 64,
  rdCap: 8, wrCap: 8, rdQueue: 16, wrQueue: 16, icacheLines: 16, icacheLineBytes: 32, revision: 2,
};

/** Known PL330 instances: SoC root compatible and register base → configuration. dmasim's own
 *  arm64 boards (examples/boards/arm64-*.dts) are written for the arm64 profile's PL330, RK3399's
 *  peripheral DMAC at its base: a tree derived from one (a bug kind's variant of it, or its .dts
 *  given with --dts) has that board's PL330, nothing about it assumed. */
export const PL330_INSTANCES: readonly { soc: string; base?: number; preset: Pl330Preset }[] = [
  { soc: "xlnx,zynq-7000", base: 0xf8003000, preset: PL330_ZYNQ },
  { soc: "xlnx,zynq-7000", base: 0xf8004000, preset: PL330_ZYNQ },
  { soc: "altr,socfpga-cyclone5", base: 0xffe01000, preset: PL330_CYCLONE_V },
  { soc: "rockchip,rk3399", base: 0xff6d0000, preset: PL330_RK3399_BUS },
  { soc: "rockchip,rk3399", base: 0xff6e0000, preset: PL330_RK3399_PERI },
  { soc: "dmasim,arm64-ref", base: 0xff6e0000, preset: PL330_RK3399_PERI },
  { soc: "dmasim,arm64-highmem", base: 0xff6e0000, preset: PL330_RK3399_PERI },
  { soc: "dmasim,arm64-dma-offset", base: 0xff6e0000, preset: PL330_RK3399_PERI },
];
