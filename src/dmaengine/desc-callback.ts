// The provider side of completion callbacks (drivers/dma/dmaengine.h): a driver copies a
// descriptor's callback before giving the descriptor back, then invokes it with the transfer's
// result. Clients that set callback_result get the result; plain callbacks only the param.

import { DMA_TRANS_NOERROR, type DmaAsyncTxDescriptor, type DmaengineResult } from "./types.js";

export interface DmaengineDescCallback {
  callback?: (param: unknown) => void;
  callback_result?: (param: unknown, result: DmaengineResult) => void;
  callback_param?: unknown;
}

export function dmaengine_desc_get_callback(tx: DmaAsyncTxDescriptor): DmaengineDescCallback {
  return { callback: tx.callback, callback_result: tx.callback_result, callback_param: tx.callback_param };
}

export function dmaengine_desc_callback_valid(cb: DmaengineDescCallback): boolean {
  return !!(cb.callback || cb.callback_result);
}

/** dmaengine_desc_callback_invoke: without a result, callback_result hears DMA_TRANS_NOERROR. */
export function dmaengine_desc_callback_invoke(cb: DmaengineDescCallback, result?: DmaengineResult): void {
  if (cb.callback_result) cb.callback_result(cb.callback_param, result ?? { result: DMA_TRANS_NOERROR, residue: 0 });
  else if (cb.callback) cb.callback(cb.callback_param);
}
