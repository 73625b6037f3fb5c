// The provider side of completion callbacks (drivers/dma/dmaengine.h): a driver copies a
// descriptor's callback before giving the descriptor back, then invokes it with the transfer's
// result. Clients that set callback_result get the result (4.10 and later); plain callbacks
// only the param.

import { DMA_TRANS_NOERROR, type DmaAsyncTxDescriptor, type DmaengineResult } from "./types.js";

export interface DmaengineDescCallback {
  callback?: (param: unknown) => void;
  callback_result?: (param: unknown, result: DmaengineResult) => void;
  callback_param?: unknown;
}

/** On a 4.9 kernel only callback and callback_param exist: struct dma_async_tx_descriptor got
 *  callback_result (and struct dmaengine_result) in 4.10, so 4.9 drivers call tx->callback alone
 *  and a callback_result is never heard. A client that set nothing else is told once (by channel:
 *  the driver asks after dma_cookie_complete has cleared the descriptor's cookie). */
export function dmaengine_desc_get_callback(tx: DmaAsyncTxDescriptor): DmaengineDescCallback {
  const kernel = tx.chan?.device?.dev?.kernel;
  if (kernel?.version === "v4.9") {
    if (tx.callback_result && !tx.callback) {
      kernel.dmaengine.dmasimWarnOnce(
        "callback_result-4.9",
        `WARNING: dmaengine: ${tx.chan.name}: a descriptor has only a callback_result, which Linux 4.9 does not have (it came in 4.10): no callback is called; set callback`,
      );
    }
    return { callback: tx.callback, callback_param: tx.callback_param };
  }
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
