// dmasim,port-coherent: the silicon's say on whether a PL330's port snoops the CPU's caches,
// beside the tree's dma-coherent (what Linux believes). Absent, the port is what the tree says
// (of_dma_is_coherent: inherited from the buses); when the two disagree the board says so.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createSystem } from "../../src/create.js";
import { BoardError } from "../../src/hw/board.js";
import type { MemcpyResult } from "../../src/sim/scenarios/memcpy.js";
import type { CpuProcessResult } from "../../src/sim/scenarios/cpu-process.js";
import { withSystem, ARM64_DMAC } from "../helpers/system.js";
import { ARM64_A53, dramTransferPs } from "../helpers/profile-machine.js";

const ref = readFileSync(new URL("../../examples/boards/arm64-ref.dts", import.meta.url), "utf8");
const PERIPH_BURST = "arm,pl330-periph-burst;";
/** arm64-ref with `extra` added to its PL330 node. */
const withDmac = (extra: string) => ref.replace(PERIPH_BURST, `${PERIPH_BURST}\n${extra}`);
const DMAC = "/soc/dma-controller@ff6e0000";

describe("dmasim,port-coherent", () => {
  it("absent: the port is what the tree says, on the node or inherited from its bus, and nothing is noted", async () => {
    const cases: [string, boolean][] = [
      [ref, false],
      [withDmac("dma-coherent;"), true],
      [ref.replace(`compatible = "simple-bus";`, `compatible = "simple-bus";\n\t\tdma-coherent;`), true],
    ];
    for (const [dts, coherent] of cases) {
      await withSystem({ dts }, (s) => {
        expect(s.board.dmacs[0].coherence).toEqual({ treeCoherent: coherent, portCoherent: coherent });
        expect(s.device(ARM64_DMAC)!.dma_coherent).toBe(coherent);
        expect(s.board.assumed.filter((n) => n.includes("snoop"))).toEqual([]);
      });
    }
  });

  it("dma-coherent on a port that does not snoop: the board notes it, naming both and the fix", async () => {
    await withSystem({ dts: withDmac("dma-coherent;\ndmasim,port-coherent = <0>;") }, (s) => {
      expect(s.board.dmacs[0].coherence.portCoherent).toBe(false);
      expect(s.device(ARM64_DMAC)!.dma_coherent).toBe(true);
      const note = s.board.assumed.find((n) => n.includes("snoop"));
      expect(note).toContain(`${DMAC}: the tree says dma-coherent, but its port does not snoop the CPU's caches (dmasim,port-coherent = <0>)`);
      expect(note).toContain("drop dma-coherent from the tree, or wire the port coherent");
    });
  });

  it("a snooping port the tree does not call dma-coherent: noted, and memcpy counts the maintenance it makes unnecessary", async () => {
    await withSystem({ dts: withDmac("dmasim,port-coherent = <1>;") }, (s) => {
      expect(s.board.assumed.find((n) => n.includes("snoop"))).toContain(
        `${DMAC}: its port snoops the CPU's caches (dmasim,port-coherent = <1>), but the tree does not say dma-coherent`);
      const r = s.run("memcpy", { size: "64K", buffers: "streaming" }) as MemcpyResult;
      expect(r.ok).toBe(true);
      // By hand (modern arm64, dma-direct): map TO_DEVICE cleans the source, map FROM_DEVICE
      // cleans/invalidates the destination, unmap FROM_DEVICE invalidates it again; unmap
      // TO_DEVICE does nothing. 3 × 64 KiB, all of it unnecessary on a snooping port.
      expect(r.maintainedBytes).toBe(3 * 65536);
      expect(r.unneededMaintenancePs).toBe(r.maintenancePs);
      expect(r.maintenancePs).toBeGreaterThan(0);
    });
    // The tree fixed: Linux maintains nothing, and there is nothing to count.
    await withSystem({ dts: withDmac("dma-coherent;\ndmasim,port-coherent = <1>;") }, (s) => {
      const r = s.run("memcpy", { size: "64K", buffers: "streaming" }) as MemcpyResult;
      expect([r.ok, r.maintainedBytes, r.maintenancePs, r.unneededMaintenancePs]).toEqual([true, 0, 0, undefined]);
    });
    // Nor on the built-in boards, whose ports are what their trees say.
    await withSystem({ board: "arm64-ref" }, (s) => {
      const r = s.run("memcpy", { size: "64K", buffers: "streaming" }) as MemcpyResult;
      expect(r.maintainedBytes).toBe(3 * 65536);
      expect("unneededMaintenancePs" in r).toBe(false);
    });
  });

  it("a snooping port the tree does not call dma-coherent: cpu-process counts the unnecessary maintenance of its ways that maintain", async () => {
    // By hand: 4 KiB is 64 lines of 64 bytes; the A53 profile maintains a line in 2 cycles of
    // 1.2 GHz, 1666.7 ps, which the silicon charges in whole ps: 1667. The cached way maintains
    // the range twice (map FROM_DEVICE, unmap FROM_DEVICE), the noncoherent way twice too (sync
    // for device, sync for CPU), all of it unnecessary. The first is a clean (modern arm64 cleans
    // for the device whatever the direction) of lines the CPU left dirty, and its DSB waits until
    // the last write-back has reached DRAM: the first line's clean, then the profile's 90 ns
    // DRAM latency and 64 line transfers at its bandwidth. The second invalidates: 64 × 1667.
    const lineOut = dramTransferPs(ARM64_A53, 64);
    expect(ARM64_A53.dram.latencyNs).toBe(90);
    const perWay = 1667 + 90_000 + 64 * lineOut + 64 * 1667;
    await withSystem({ dts: withDmac("dmasim,port-coherent = <1>;") }, (s) => {
      const r = s.run("cpu-process", { size: "4K" }) as CpuProcessResult;
      expect([r.cached.ok, r.uncached.ok, r.noncoherent.ok]).toEqual([true, true, true]);
      expect(r.cached.unneededMaintenancePs).toBe(perWay);
      expect(r.cached.receive.maintenancePs + r.cached.sync.maintenancePs).toBe(perWay);
      expect(r.noncoherent.unneededMaintenancePs).toBe(perWay);
      // dma_alloc_coherent's buffer is never maintained: nothing to count.
      expect("unneededMaintenancePs" in r.uncached).toBe(false);
    });
    // The tree fixed: Linux maintains nothing, and there is nothing to count.
    await withSystem({ dts: withDmac("dma-coherent;\ndmasim,port-coherent = <1>;") }, (s) => {
      const r = s.run("cpu-process", { size: "4K" }) as CpuProcessResult;
      expect([r.cached.receive.maintenancePs, r.cached.sync.maintenancePs, r.noncoherent.sync.maintenancePs]).toEqual([0, 0, 0]);
      expect(["unneededMaintenancePs" in r.cached, "unneededMaintenancePs" in r.noncoherent]).toEqual([false, false]);
    });
    // Nor on the built-in boards: the same maintenance, needed, and no field.
    await withSystem({ board: "arm64-ref" }, (s) => {
      const r = s.run("cpu-process", { size: "4K" }) as CpuProcessResult;
      expect(r.cached.receive.maintenancePs + r.cached.sync.maintenancePs).toBe(perWay);
      expect(["unneededMaintenancePs" in r.cached, "unneededMaintenancePs" in r.noncoherent]).toEqual([false, false]);
    });
  });

  it("refuses a value other than <0> or <1>", async () => {
    for (const value of ["<2>", "<0 1>"]) {
      const e = await createSystem({ dts: withDmac(`dmasim,port-coherent = ${value};`) }).then(() => null, (x: unknown) => x);
      expect(e).toBeInstanceOf(BoardError);
      expect((e as Error).message).toBe(`${DMAC}: dmasim,port-coherent must be <0> (the port does not snoop the CPU's caches) or <1> (it does), not ${value}`);
    }
  });
});
