// What a System offers across a thread boundary: plain-data calls only (numbers, strings,
// byte arrays), so they survive structured cloning. Driver code that holds device objects runs
// inside the worker as a scenario.

import type { ScenarioParams } from "../sim/scenarios.js";
import type { System } from "../system.js";
import type { IomemEntry } from "../kernel/resource.js";
import type { InterruptLine } from "../kernel/proc-interrupts.js";
import type { DmaChannelInfo } from "../dmaengine/sysfs.js";
import type { PtdumpRange } from "../mm/ptdump.js";
import type { Provenance } from "../provenance.js";
import type { DmesgOptions } from "../kernel/printk.js";

export interface SystemApi {
  now(): number;
  provenance(): Provenance;
  /** A built-in scenario by name; on a RemoteSystem also a scenario module's URL (as runSweep
   *  takes one), run on the worker's System. */
  run(scenario: string, params?: ScenarioParams): unknown;
  deviceNames(): string[];
  dmesg(options?: DmesgOptions): string;
  iomem(): IomemEntry[];
  interrupts(): InterruptLine[];
  dmaChannels(): DmaChannelInfo[];
  readFile(path: string): string;
  readdir(path: string): string[];
  writeFile(path: string, text: string): number;
  ptdump(range?: PtdumpRange): string;
  cpu: {
    read(va: number | bigint, len: number): Uint8Array;
    write(va: number | bigint, bytes: Uint8Array): void;
    fill(va: number | bigint, byte: number, len: number): void;
    copy(dst: number | bigint, src: number | bigint, len: number): void;
  };
  kernel: {
    kmalloc(size: number, gfp: number): number;
    kfree(va: number): void;
    krealloc(p: number, newSize: number, gfp: number): number;
  };
}

export function systemApi(s: System): SystemApi {
  return {
    now: () => s.now(),
    provenance: () => s.provenance(),
    run: (scenario, params) => s.run(scenario, params),
    deviceNames: () => s.deviceNames(),
    dmesg: (options) => s.dmesg(options),
    iomem: () => s.iomem(),
    interrupts: () => s.interrupts(),
    dmaChannels: () => s.dmaChannels(),
    readFile: (path) => s.readFile(path),
    readdir: (path) => s.readdir(path),
    writeFile: (path, text) => s.writeFile(path, text),
    ptdump: (range) => s.ptdump(range),
    cpu: s.cpu,
    kernel: { kmalloc: (size, gfp) => s.kernel.kmalloc(size, gfp), kfree: (va) => s.kernel.kfree(va), krealloc: (p, n, gfp) => s.kernel.krealloc(p, n, gfp) },
  };
}
