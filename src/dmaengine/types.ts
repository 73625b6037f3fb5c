// dmaengine's enums and structures (include/linux/dmaengine.h) as TypeScript types.

import type { DmaAddr } from "../hw/address.js";
import type { Device } from "../kernel/device.js";

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

// enum dmaengine_tx_result
export const DMA_TRANS_NOERROR = 0;
export const DMA_TRANS_READ_FAILED = 1;
export const DMA_TRANS_WRITE_FAILED = 2;
export const DMA_TRANS_ABORTED = 3;

// enum dma_transfer_direction
export const DMA_MEM_TO_MEM = 0;
export const DMA_MEM_TO_DEV = 1;
export const DMA_DEV_TO_MEM = 2;
export const DMA_DEV_TO_DEV = 3;

export const DMA_MIN_COOKIE = 1;

export type DmaCookie = number;

export interface DmaengineResult {
  result: number;
  residue: number;
}

export interface DmaTxState {
  last: DmaCookie;
  used: DmaCookie;
  residue: number;
  in_flight_bytes: number;
}

/** struct dma_async_tx_descriptor */
export interface DmaAsyncTxDescriptor {
  cookie: DmaCookie;
  flags: number;
  chan: DmaChan;
  tx_submit(tx: DmaAsyncTxDescriptor): DmaCookie;
  callback?: (param: unknown) => void;
  callback_result?: (param: unknown, result: DmaengineResult) => void;
  callback_param?: unknown;
}

/** The operations a DMA controller driver provides (struct dma_device's function pointers). */
export interface DmaDeviceOps {
  device_alloc_chan_resources(chan: DmaChan): number;
  device_free_chan_resources(chan: DmaChan): void;
  device_prep_dma_memcpy?(chan: DmaChan, dst: DmaAddr, src: DmaAddr, len: number, flags: number): DmaAsyncTxDescriptor | null;
  device_tx_status(chan: DmaChan, cookie: DmaCookie, state?: DmaTxState): DmaStatus;
  device_issue_pending(chan: DmaChan): void;
  device_terminate_all?(chan: DmaChan): number;
  device_synchronize?(chan: DmaChan): void;
  device_pause?(chan: DmaChan): number;
  device_resume?(chan: DmaChan): number;
}

/** struct dma_chan */
export class DmaChan {
  cookie: DmaCookie = DMA_MIN_COOKIE;
  completed_cookie: DmaCookie = DMA_MIN_COOKIE;
  client_count = 0;
  name = "";
  /** The client that requested the channel (dma_request_chan's dev), if any. */
  slave?: Device;
  constructor(
    readonly device: DmaDevice,
    readonly chan_id: number,
    /** The driver's per-channel state. */
    readonly priv: unknown,
  ) {}
}

/** struct dma_device */
export class DmaDevice {
  readonly channels: DmaChan[] = [];
  readonly cap_mask = new Set<number>();
  dev_id = -1;
  constructor(
    readonly dev: Device,
    readonly ops: DmaDeviceOps,
  ) {}
}
