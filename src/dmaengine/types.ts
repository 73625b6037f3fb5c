// dmaengine's enums and structures (include/linux/dmaengine.h) as TypeScript types.

import type { DmaAddr } from "../hw/address.js";
import type { Device } from "../kernel/device.js";
import type { Scatterlist } from "../dma/scatterlist.js";

// enum dma_transaction_type
export const DMA_MEMCPY = 0;
export const DMA_XOR = 1;
export const DMA_PQ = 2;
export const DMA_XOR_VAL = 3;
export const DMA_PQ_VAL = 4;
export const DMA_MEMSET = 5;
export const DMA_MEMSET_SG = 6;
export const DMA_INTERRUPT = 7;
export const DMA_PRIVATE = 8;
export const DMA_ASYNC_TX = 9;
export const DMA_SLAVE = 10;
export const DMA_CYCLIC = 11;
export const CAP_NAMES = [
  "DMA_MEMCPY", "DMA_XOR", "DMA_PQ", "DMA_XOR_VAL", "DMA_PQ_VAL", "DMA_MEMSET", "DMA_MEMSET_SG", "DMA_INTERRUPT",
  "DMA_PRIVATE", "DMA_ASYNC_TX", "DMA_SLAVE", "DMA_CYCLIC",
] as const;

// enum dma_status
export const DMA_COMPLETE = 0;
export const DMA_IN_PROGRESS = 1;
export const DMA_PAUSED = 2;
export const DMA_ERROR = 3;
export const DMA_OUT_OF_ORDER = 4;
export type DmaStatus = 0 | 1 | 2 | 3 | 4;
export const STATUS_NAMES = ["DMA_COMPLETE", "DMA_IN_PROGRESS", "DMA_PAUSED", "DMA_ERROR", "DMA_OUT_OF_ORDER"] as const;

// enum dma_ctrl_flags
export const DMA_PREP_INTERRUPT = 1 << 0;
export const DMA_CTRL_ACK = 1 << 1;
export const DMA_PREP_PQ_DISABLE_P = 1 << 2;
export const DMA_PREP_PQ_DISABLE_Q = 1 << 3;
export const DMA_PREP_CONTINUE = 1 << 4;
export const DMA_PREP_FENCE = 1 << 5;
export const DMA_CTRL_REUSE = 1 << 6;
export const DMA_PREP_CMD = 1 << 7;
export const DMA_PREP_REPEAT = 1 << 8;
export const DMA_PREP_LOAD_EOT = 1 << 9;

// enum dmaengine_tx_result
export const DMA_TRANS_NOERROR = 0;
export const DMA_TRANS_READ_FAILED = 1;
export const DMA_TRANS_WRITE_FAILED = 2;
export const DMA_TRANS_ABORTED = 3;
export const TRANS_RESULT_NAMES = ["DMA_TRANS_NOERROR", "DMA_TRANS_READ_FAILED", "DMA_TRANS_WRITE_FAILED", "DMA_TRANS_ABORTED"] as const;

// enum dma_transfer_direction
export const DMA_MEM_TO_MEM = 0;
export const DMA_MEM_TO_DEV = 1;
export const DMA_DEV_TO_MEM = 2;
export const DMA_DEV_TO_DEV = 3;
export const DMA_TRANS_NONE = 4;
export type DmaTransferDirection = 0 | 1 | 2 | 3 | 4;

/** is_slave_direction */
export function is_slave_direction(dir: number): boolean {
  return dir === DMA_MEM_TO_DEV || dir === DMA_DEV_TO_MEM;
}

// enum dma_slave_buswidth: bytes per register access at the peripheral.
export const DMA_SLAVE_BUSWIDTH_UNDEFINED = 0;
export const DMA_SLAVE_BUSWIDTH_1_BYTE = 1;
export const DMA_SLAVE_BUSWIDTH_2_BYTES = 2;
export const DMA_SLAVE_BUSWIDTH_3_BYTES = 3;
export const DMA_SLAVE_BUSWIDTH_4_BYTES = 4;
export const DMA_SLAVE_BUSWIDTH_8_BYTES = 8;
export const DMA_SLAVE_BUSWIDTH_16_BYTES = 16;

// enum dma_residue_granularity
export const DMA_RESIDUE_GRANULARITY_DESCRIPTOR = 0;
export const DMA_RESIDUE_GRANULARITY_SEGMENT = 1;
export const DMA_RESIDUE_GRANULARITY_BURST = 2;

export const DMA_MIN_COOKIE = 1;

export type DmaCookie = number;

/** dma_submit_error: a negative cookie is an errno from tx_submit. */
export function dma_submit_error(cookie: DmaCookie): boolean {
  return cookie < 0;
}

/** struct dmaengine_result */
export interface DmaengineResult {
  result: number;
  residue: number;
}

/** struct dma_tx_state */
export interface DmaTxState {
  last: DmaCookie;
  used: DmaCookie;
  residue: number;
  in_flight_bytes: number;
}

export function dma_tx_state(): DmaTxState {
  return { last: 0, used: 0, residue: 0, in_flight_bytes: 0 };
}

/** struct dma_slave_config: where the peripheral's data register is and how to access it. */
export interface DmaSlaveConfig {
  /** Deprecated in Linux (the direction is given at prep time); kept for old clients. */
  direction?: DmaTransferDirection;
  src_addr?: DmaAddr;
  dst_addr?: DmaAddr;
  src_addr_width?: number;
  dst_addr_width?: number;
  src_maxburst?: number;
  dst_maxburst?: number;
  src_port_window_size?: number;
  dst_port_window_size?: number;
  device_fc?: boolean;
}

/** struct dma_slave_caps */
export interface DmaSlaveCaps {
  /** Bit n set: a bus width of n bytes is supported (BIT(DMA_SLAVE_BUSWIDTH_*)). */
  src_addr_widths: number;
  dst_addr_widths: number;
  /** Bit n set: direction n (BIT(DMA_MEM_TO_DEV) …). */
  directions: number;
  min_burst: number;
  max_burst: number;
  max_sg_burst: number;
  cmd_pause: boolean;
  cmd_resume: boolean;
  cmd_terminate: boolean;
  residue_granularity: number;
  descriptor_reuse: boolean;
}

/** struct dma_async_tx_descriptor */
export interface DmaAsyncTxDescriptor {
  cookie: DmaCookie;
  flags: number;
  chan: DmaChan;
  tx_submit(tx: DmaAsyncTxDescriptor): DmaCookie;
  /** Frees a reusable descriptor (dmaengine_desc_free); drivers that support reuse set it. */
  desc_free?(tx: DmaAsyncTxDescriptor): number;
  callback?: (param: unknown) => void;
  callback_result?: (param: unknown, result: DmaengineResult) => void;
  callback_param?: unknown;
}

/** The operations a DMA controller driver provides (struct dma_device's function pointers). */
export interface DmaDeviceOps {
  device_alloc_chan_resources(chan: DmaChan): number;
  device_free_chan_resources(chan: DmaChan): void;
  device_prep_dma_memcpy?(chan: DmaChan, dst: DmaAddr, src: DmaAddr, len: number, flags: number): DmaAsyncTxDescriptor | null;
  device_prep_slave_sg?(
    chan: DmaChan, sgl: Scatterlist[], sg_len: number, direction: DmaTransferDirection, flags: number, context?: unknown,
  ): DmaAsyncTxDescriptor | null;
  device_prep_dma_cyclic?(
    chan: DmaChan, buf_addr: DmaAddr, buf_len: number, period_len: number, direction: DmaTransferDirection, flags: number,
  ): DmaAsyncTxDescriptor | null;
  device_config?(chan: DmaChan, config: DmaSlaveConfig): number;
  device_caps?(chan: DmaChan, caps: DmaSlaveCaps): void;
  device_tx_status(chan: DmaChan, cookie: DmaCookie, state?: DmaTxState): DmaStatus;
  device_issue_pending(chan: DmaChan): void;
  device_terminate_all?(chan: DmaChan): number;
  device_synchronize?(chan: DmaChan): void;
  device_pause?(chan: DmaChan): number;
  device_resume?(chan: DmaChan): number;
  /** dmasim only: the cookies of the transfers still queued on the channel, for the warning
   *  of dma_release_channel (without it, the cookies dma_cookie_status calls in progress). */
  pending_cookies?(chan: DmaChan): DmaCookie[];
}

/** struct dma_chan */
export class DmaChan {
  cookie: DmaCookie = DMA_MIN_COOKIE;
  completed_cookie: DmaCookie = DMA_MIN_COOKIE;
  client_count = 0;
  name = "";
  /** The client that requested the channel (dma_request_chan's dev), if any. */
  slave?: Device;
  /** The controller's driver was unbound (dma_async_device_unregister) while this channel
   *  object was still reachable: in Linux its memory is freed, so every later call on it by a
   *  client that kept it is a use-after-free, which dmasim refuses (transfer.ts). */
  unregistered = false;
  constructor(
    readonly device: DmaDevice,
    readonly chan_id: number,
    /** The driver's per-channel state. */
    readonly priv: unknown,
  ) {}
}

/** struct dma_device: the controller's channels, capabilities and slave limits. */
export class DmaDevice {
  readonly channels: DmaChan[] = [];
  readonly cap_mask = new Set<number>();
  dev_id = -1;
  /** log2 of the alignment memcpy offsets and lengths need (0: none). */
  copy_align = 0;
  src_addr_widths = 0;
  dst_addr_widths = 0;
  directions = 0;
  min_burst = 0;
  max_burst = 0;
  max_sg_burst = 0;
  residue_granularity = DMA_RESIDUE_GRANULARITY_DESCRIPTOR;
  descriptor_reuse = false;
  constructor(
    readonly dev: Device,
    readonly ops: DmaDeviceOps,
  ) {}
}
