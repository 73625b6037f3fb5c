// Values a dmaengine client passes that no C caller could, and the one a careless C caller
// does: submitting what a failed prep returned (null). Each is a KernelError -EINVAL naming the
// call and the argument, with the channel left working; they used to be TypeErrors from inside
// the driver ("Cannot read properties of null (reading 'tx_submit')"). A System in a worker
// holds no kernel on the caller's side, so a capability request on it says so.

import { describe, expect, it } from "vitest";
import { zynq } from "../helpers/system.js";
import { createSystem } from "../../src/create.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import {
  dma_release_channel, dma_request_chan, dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit,
  dma_sync_wait, dmaengine_terminate_sync, dmaengine_slave_config,
} from "../../src/dmaengine/dmaengine.js";
import { dmaengine_desc_free, dmaengine_desc_set_reuse, dmaengine_desc_test_reuse } from "../../src/dmaengine/slave-caps.js";
import { DMA_COMPLETE, DMA_MEMCPY } from "../../src/dmaengine/types.js";
import { EINVAL, KernelError } from "../../src/kernel/errno.js";
import { thrown as thrownAny } from "../helpers/thrown.js";

const thrown = (f: () => unknown) => thrownAny<KernelError>(f);

describe("dmaengine client arguments", () => {
  it("each misuse is -EINVAL naming the call, and the channel still copies", async () => {
    const s = await zynq();
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const a = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
    const b = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
    const failedPrep = dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, 0, 0); // a zero-length copy: NULL
    expect(failedPrep).toBeNull();
    const cases: [() => unknown, string][] = [
      [() => dmaengine_submit(failedPrep!), "-EINVAL: dmaengine_submit: tx null is not a struct dma_async_tx_descriptor (did its prep fail and return null?)"],
      [() => dma_sync_wait(undefined as never, 1), "-EINVAL: dma_sync_wait: chan undefined is not a struct dma_chan"],
      [() => dmaengine_terminate_sync(null as never), "-EINVAL: dmaengine_terminate_sync: chan null is not a struct dma_chan"],
      [() => dma_release_channel(null as never), "-EINVAL: dma_release_channel: chan null is not a struct dma_chan"],
      [() => dmaengine_desc_set_reuse(failedPrep!), "-EINVAL: dmaengine_desc_set_reuse: tx null is not a struct dma_async_tx_descriptor (did its prep fail and return null?)"],
      [() => dmaengine_desc_test_reuse(undefined as never), "-EINVAL: dmaengine_desc_test_reuse: tx undefined is not a struct dma_async_tx_descriptor (did its prep fail and return null?)"],
      [() => dmaengine_desc_free(null as never), "-EINVAL: dmaengine_desc_free: tx null is not a struct dma_async_tx_descriptor (did its prep fail and return null?)"],
      [() => dmaengine_slave_config(chan, null as never), "-EINVAL: dmaengine_slave_config: config null is not a struct dma_slave_config"],
      [() => dmaengine_slave_config(chan, { dst_addr: 0xe0001000, dst_maxburst: 2.5 }), "-EINVAL: dmaengine_slave_config: config.dst_maxburst 2.5 is not a non-negative whole number"],
      [() => dmaengine_slave_config(chan, { src_addr_width: -1 }), "-EINVAL: dmaengine_slave_config: config.src_addr_width -1 is not a non-negative whole number"],
      [() => dmaengine_slave_config(chan, { src_addr: "0xe0001000" as never }), "-EINVAL: dmaengine_slave_config: config.src_addr \"0xe0001000\" is not a non-negative whole number"],
      [() => dma_request_chan(null as never, "tx"), "-EINVAL: dma_request_chan: dev null is not a struct device"],
      [() => dma_request_chan_by_mask(null as never, DMA_MEMCPY), "-EINVAL: dma_request_channel: owner null is not a System or Kernel in this thread (a worker System's kernel runs driver code only through run())"],
    ];
    for (const [f, message] of cases) {
      const e = thrown(f);
      expect(e).toBeInstanceOf(KernelError);
      expect(e.errno).toBe(-EINVAL);
      expect(e.message).toBe(message);
    }
    s.cpu.fill(a.cpuAddr, 0x6b, 4096);
    const tx = dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, 4096, 0)!;
    expect(dma_sync_wait(chan, dmaengine_submit(tx))).toBe(DMA_COMPLETE);
    expect(s.cpu.read(b.cpuAddr, 4096)).toEqual(new Uint8Array(4096).fill(0x6b));
  });

  it("a capability request on a System in a worker is -EINVAL saying why", async () => {
    const remote = await createSystem({ board: "zynq-7000", worker: true });
    try {
      const e = thrown(() => dma_request_chan_by_mask(remote as never, DMA_MEMCPY));
      expect(e).toBeInstanceOf(KernelError);
      expect(e.errno).toBe(-EINVAL);
      expect(e.message).toBe("-EINVAL: dma_request_channel: owner an object is not a System or Kernel in this thread (a worker System's kernel runs driver code only through run())");
    } finally {
      await remote.dispose();
    }
  });
});
