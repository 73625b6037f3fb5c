// What dmasim tells the user it assumed about a board its tree does not fully describe: the
// machine profile of an unknown SoC and the configuration of a PL330 no preset knows.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createSystem } from "../../src/create.js";
import { bugSystem } from "../../src/sim/scenarios/bug-kinds.js";

const shared = new URL("../../../shared/devicetree/", import.meta.url);
const zynqDts = readFileSync(new URL("zynq-7000-board.dts", shared), "utf8");

/** The Zynq board as another SoC's: its root and CPU compatibles are no known SoC's, and its
 *  UART asks for request line 6 of a PL330 with 4. */
const unknownSoc = zynqDts
  .replace(`compatible = "xlnx,zynq-7000";`, `compatible = "acme,widget", "acme,soc";`)
  .replaceAll(`compatible = "arm,cortex-a9";`, `compatible = "acme,core";`)
  .replace("dmas = <&dmac_s 0>, <&dmac_s 1>;", "dmas = <&dmac_s 0>, <&dmac_s 6>;");

describe("Board.assumed", () => {
  it("is empty for the trees whose SoC dmasim knows", async () => {
    for (const name of ["socfpga_cyclone5_socdk.dtb", "rk3399-rockpro64.dtb"]) {
      const s = await createSystem({ dtb: new Uint8Array(readFileSync(new URL(name, shared))), memory: "1G" });
      expect(s.board.assumed, name).toEqual([]);
      s.dispose();
    }
    for (const board of ["arm64-ref", "arm64-dma-offset"]) {
      const b = await createSystem({ board });
      expect(b.board.assumed, board).toEqual([]);
      b.dispose();
    }
    const z = await createSystem({ dts: zynqDts });
    expect(z.board.assumed).toEqual([]);
    z.dispose();
  });

  it("is empty for a built-in board's tree given as source, and the bug kind's variant keeps only its coherence note", async () => {
    // dmasim's arm64 boards are written for the arm64 profile's PL330 (RK3399's peripheral
    // DMAC: 8 channels, 20 request lines): their trees get it, whoever loads them.
    for (const board of ["arm64-ref", "arm64-highmem", "arm64-dma-offset"]) {
      const dts = readFileSync(new URL(`../../examples/boards/${board}.dts`, import.meta.url), "utf8");
      const s = await createSystem({ dts, memory: "1G" });
      expect(s.board.assumed, board).toEqual([]);
      expect(s.dmesg(), board).toMatch(/Num_Chans-8 Num_Peri-20 /);
      s.dispose();
    }
    // arm64-ref with dma-coherent on a PL330 whose port does not snoop: the mismatch is the one
    // thing said about the board.
    const bug = await createSystem(bugSystem({ kind: "dma-coherent-on-noncoherent-port" }));
    expect(bug.board.assumed).toHaveLength(1);
    expect(bug.board.assumed[0]).toMatch(/^\/soc\/dma-controller@ff6e0000: the tree says dma-coherent, but its port does not snoop/);
    bug.dispose();
  });

  it("names the profile stood in for an unknown SoC, its CPUs, and how to choose one", async () => {
    const s = await createSystem({ dts: unknownSoc });
    expect(s.board.profile.name).toBe("zynq-7000");
    expect(s.board.assumed[0]).toBe(
      `machine profile zynq-7000 assumed (666.667 MHz CPU, its caches, DRAM and DMA timing): no profile knows "acme,widget", "acme,soc" ` +
        `or its CPUs (acme,core); --profile NAME or createSystem({ profile }) chooses one (zynq-7000, arm64, cortex-a7, cortex-a15, cortex-a17)`,
    );
    s.dispose();
  });

  it("names the PL330 configuration taken, and the request line its clients need beyond it", async () => {
    const s = await createSystem({ dts: unknownSoc });
    expect(s.board.assumed[1]).toBe(
      `/axi/dma-controller@f8003000: PL330 configuration assumed (8 channels and 4 request lines from the node; 16 events, 128-line MFIFO, the zynq-7000 profile's): ` +
        `dmasim has no preset for "acme,widget", "acme,soc" at 0xf8003000; ` +
        `its clients' dmas name request line 6, which this configuration lacks (their dma_request_chan fails with -ENODEV): give the node #dma-requests = <7> or more`,
    );
    s.dispose();
  });

  it("names the counts it took from the profile, and the properties that would set them", async () => {
    // Zynq's DMAC: 8 channel threads, 4 peripheral request lines (UG585), the zynq-7000 profile's
    const noCounts = unknownSoc.replace("#dma-channels = <8>;", "").replace("#dma-requests = <4>;", "");
    const s = await createSystem({ dts: noCounts });
    expect(s.board.assumed[1]).toBe(
      `/axi/dma-controller@f8003000: PL330 configuration assumed (8 channels, 4 request lines, 16 events, 128-line MFIFO, the zynq-7000 profile's): ` +
        `dmasim has no preset for "acme,widget", "acme,soc" at 0xf8003000; #dma-channels / #dma-requests in the node set the counts; ` +
        `its clients' dmas name request line 6, which this configuration lacks (their dma_request_chan fails with -ENODEV): give the node #dma-requests = <7> or more`,
    );
    s.dispose();
    const one = await createSystem({ dts: unknownSoc.replace("#dma-requests = <4>;", "") });
    expect(one.board.assumed[1]).toMatch(
      /^\/axi\/dma-controller@f8003000: PL330 configuration assumed \(8 channels from the node; 4 request lines, 16 events, 128-line MFIFO, the zynq-7000 profile's\): .* at 0xf8003000; #dma-requests in the node sets the count; its clients' dmas name request line 6/,
    );
    one.dispose();
  });

  it("says a count no DMA-330 can have is not used, and builds the controller the preset's way", async () => {
    const dts = zynqDts.replace("#dma-channels = <8>;", "#dma-channels = <12>;").replace("#dma-requests = <4>;", "#dma-requests = <40>;");
    const s = await createSystem({ dts });
    expect(s.board.assumed).toEqual([
      "/axi/dma-controller@f8003000: #dma-channels = <12> not used: a DMA-330 has 1 to 8 channel threads",
      "/axi/dma-controller@f8003000: #dma-requests = <40> not used: a DMA-330 has at most 32 peripheral request lines",
    ]);
    // the driver reads the counts from CR0: Zynq's 8 threads and 4 request lines
    expect(s.dmesg()).toMatch(/Num_Chans-8 Num_Peri-4 /);
    s.dispose();
  });

  it("takes the bounds a DMA-330 has (1 channel thread, 32 request lines), refuses 0 threads, and reads #dma-channels before the older dma-channels", async () => {
    const edges = await createSystem({ dts: zynqDts.replace("#dma-channels = <8>;", "#dma-channels = <1>;").replace("#dma-requests = <4>;", "#dma-requests = <32>;") });
    expect(edges.board.assumed).toEqual([]);
    edges.dispose();
    const none = await createSystem({ dts: zynqDts.replace("#dma-channels = <8>;", "#dma-channels = <0>;") });
    expect(none.board.assumed).toEqual(["/axi/dma-controller@f8003000: #dma-channels = <0> not used: a DMA-330 has 1 to 8 channel threads"]);
    none.dispose();
    // Both spellings: the binding's #dma-channels is the one read, the older one not looked at.
    const both = await createSystem({ dts: zynqDts.replace("#dma-channels = <8>;", "#dma-channels = <8>; dma-channels = <12>;") });
    expect(both.board.assumed).toEqual([]);
    both.dispose();
  });

  it("says nothing of the profile when one is asked for", async () => {
    const s = await createSystem({ dts: unknownSoc, profile: "zynq-7000" });
    expect(s.board.assumed.some((a) => a.startsWith("machine profile"))).toBe(false);
    expect(s.board.assumed).toHaveLength(1);
    s.dispose();
  });
});
