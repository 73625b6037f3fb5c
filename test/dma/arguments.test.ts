// Arguments no C caller could pass to the DMA API's queries and scatterlist helpers — no device,
// no sg_table, no scatterlist entry — are KernelError -EINVAL naming the call and the argument;
// they used to be TypeErrors from inside ("Cannot read properties of null (reading 'kernel')").

import { describe, expect, it } from "vitest";
import { zynq, ZYNQ_DMAC } from "../helpers/system.js";
import {
  dma_get_cache_alignment, dma_get_mask, dma_get_required_mask, dma_map_sgtable, dma_max_mapping_size,
} from "../../src/dma/mapping.js";
import { DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { sg_set_buf, sg_set_page } from "../../src/dma/scatterlist.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { EINVAL, KernelError } from "../../src/kernel/errno.js";
import { thrown as thrownAny } from "../helpers/thrown.js";

const thrown = (f: () => unknown) => thrownAny<KernelError>(f);

describe("DMA API arguments only JavaScript can pass", () => {
  it("a missing device, sg_table or scatterlist entry is -EINVAL naming the call", async () => {
    const s = await zynq();
    const dev = s.device(ZYNQ_DMAC);
    const cases: [() => unknown, string][] = [
      [() => dma_get_mask(null as never), "-EINVAL: dma_get_mask: dev null is not a struct device"],
      [() => dma_get_required_mask(undefined as never), "-EINVAL: dma_get_required_mask: dev undefined is not a struct device"],
      [() => dma_max_mapping_size(null as never), "-EINVAL: dma_max_mapping_size: dev null is not a struct device"],
      [() => dma_get_cache_alignment(undefined as never), "-EINVAL: dma_get_cache_alignment: dev undefined is not a struct device"],
      [() => dma_map_sgtable(dev, null as never, DMA_TO_DEVICE), "-EINVAL: dma_map_sgtable: sgt null is not a struct sg_table"],
      [() => sg_set_buf(null as never, s.kernel.kmalloc(64, GFP_KERNEL), 64), "-EINVAL: sg_set_buf: sg null is not a struct scatterlist"],
      [() => sg_set_page(undefined as never, 1, 64, 0), "-EINVAL: sg_set_page: sg undefined is not a struct scatterlist"],
    ];
    for (const [f, message] of cases) {
      const e = thrown(f);
      expect(e).toBeInstanceOf(KernelError);
      expect(e.errno).toBe(-EINVAL);
      expect(e.message).toBe(message);
    }
    // The same queries on the device itself: zynq's PL330 has the of_dma_configure default mask.
    expect(dma_get_mask(dev)).toBe(0xffffffffn);
  });
});
