// A consumer's TypeScript (strict, with declarations, as a library of theirs is built) must be
// able to name what dmasim's public members hold: a helper of theirs taking `system.kernel.mm`,
// or a module exporting a value inferred from one, needs the type exported from "dmasim", or tsc
// fails with TS2883 ("cannot be named without a reference to … from dmasim/dist/src/…").
// Compiled against the built package (dist/), installed as a consumer installs it.

import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

// Members the README documents, each exported as a value whose type tsc must write out.
const probe = `import * as d from "dmasim";
declare const system: d.System;
declare const chan: d.DmaChan;
declare const pdev: d.PlatformDevice;
declare const pool: d.WorkerPool;
export const user = system.user;
export const machine = system.machine;
export const backdoor = system.machine.backdoor;
export const iomem = system.iomem();
export const interrupts = system.interrupts();
export const channels = system.dmaChannels();
export const mm = system.kernel.mm;
export const memblock = system.kernel.mm.memblock;
export const memmap = system.kernel.mm.memmap;
export const armEarly = system.kernel.mm.armEarly;
export const dma = system.kernel.dma;
export const swiotlb = system.kernel.dma.swiotlb;
export const debug = system.kernel.dma.debug;
export const time = system.kernel.dma.time;
export const bus = system.kernel.platformBus;
export const registerDriver = system.kernel.platformBus.registerDriver;
export const version = system.kernel.version;
export const dmaDevice = chan.device;
export const ofNode = pdev.ofNode;
export const tree = system.kernel.tree;
export const resources = pdev.resources;
export const runAll = pool.runAll;
// Named directly, as a helper's parameters would be.
export function helper(m: d.MemoryManager, s: d.Swiotlb, n: d.DeviceNode, r: d.Resource, o: d.WorkerPoolRunOptions, j: d.JobSpec): void {
  void m; void s; void n; void r; void o; void j;
}
`;

describe("dmasim's public types, from a consumer's TypeScript", () => {
  it("every documented member's type can be named in the consumer's declarations", () => {
    const dir = mkdtempSync(join(tmpdir(), "dmasim-types-"));
    try {
      mkdirSync(join(dir, "node_modules"));
      symlinkSync(root, join(dir, "node_modules", "dmasim"), "dir");
      writeFileSync(join(dir, "probe.ts"), probe);
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
        compilerOptions: {
          target: "es2022", module: "nodenext", moduleResolution: "nodenext", strict: true,
          declaration: true, emitDeclarationOnly: true, outDir: "out", rootDir: ".",
          typeRoots: [join(root, "node_modules", "@types")], types: ["node"], lib: ["es2022", "dom"],
        },
        files: ["probe.ts"],
      }));
      let output = "";
      try {
        execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", dir], { encoding: "utf8", stdio: "pipe" });
      } catch (e) {
        output = String((e as { stdout?: string }).stdout ?? e);
      }
      expect(output).toBe("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
