// A sweep's System option lists as typed, read one way for `dmasim sweep` and the browser page
// (src/sim/system-axis-text.ts): sizes and cma= areas split at commas, swiotlb='s own commas kept
// with their counts, and DMA-API debug's switch words.
import { describe, expect, it } from "vitest";
import { dmaDebugValue, systemOptionValues } from "../../src/sim/system-axis-text.js";

describe("System option lists as typed", () => {
  it("splits memory and cma lists at commas, empty values left out, a cma area's @BASE-LIMIT kept whole", () => {
    expect(systemOptionValues("memory", "256M,512M")).toEqual(["256M", "512M"]);
    expect(systemOptionValues("memory", "256M,")).toEqual(["256M"]);
    expect(systemOptionValues("cma", "1M,64M@0x50000000-0x60000000")).toEqual(["1M", "64M@0x50000000-0x60000000"]);
  });

  it("keeps a swiotlb= word with the count before it, as the kernel reads the parameter", () => {
    expect(systemOptionValues("swiotlb", "1024,force,0")).toEqual(["1024,force", "0"]);
    expect(systemOptionValues("swiotlb", "1024,force")).toEqual(["1024,force"]);
  });

  it("takes on, true, off and false for DMA-API debug, and no other word", () => {
    expect(["on", "true", "off", "false"].map(dmaDebugValue)).toEqual([true, true, false, false]);
    for (const word of ["1", "yes", "ON", "", "constructor", "toString"]) expect([word, dmaDebugValue(word)]).toEqual([word, undefined]);
  });
});
