// A System: one SoC (a wasm instance) with a booted kernel, in the calling thread. The same
// System runs in a worker through worker/remote.ts.

import { instantiateSilicon, releaseSilicon } from "./hw/wasm.js";
import { buildBoard, type Board, type BoardOptions } from "./hw/board.js";
import { PROFILES, chooseProfile, unknownProfileText, type MachineProfile } from "./hw/profile.js";
import type { Machine } from "./hw/machine.js";
import type { IomemEntry } from "./kernel/resource.js";
import { interruptLines, type InterruptLine } from "./kernel/proc-interrupts.js";
import { sysClassDma, type DmaChannelInfo } from "./dmaengine/sysfs.js";
import { readFile, writeFile, readdir } from "./kernel/pseudofs.js";
import { Kernel, type KernelOptions } from "./kernel/kernel.js";
import { setup_io_tlb_npages } from "./dma/swiotlb-cmdline.js";
import type { PtdumpRange } from "./mm/ptdump.js";
import type { DmesgOptions } from "./kernel/printk.js";
import type { PlatformDevice } from "./kernel/device.js";
import { KernelError, ENODEV, EINVAL, ENOMEM } from "./kernel/errno.js";
import { MAP_ANONYMOUS, MAP_SHARED, PROT_READ, PROT_WRITE } from "./mm/mmap.js";
import { UserMm, type FileMmap } from "./mm/user-mm.js";
import { PAGE_SIZE } from "./mm/gfp.js";
import { checkSize, checkVirt, checkWhole } from "./dma/arguments.js";
import type { BoardVariant } from "./board-variant.js";
import { SystemError } from "./system-error.js";
import { systemTree } from "./system-tree.js";
import { runScenario, type ScenarioParams } from "./sim/scenarios.js";
import { checkSystemOptions, cmaOption, memorySize } from "./system-options.js";
import { makeProvenance, type Provenance } from "./provenance.js";
import { treeChoiceOf, type TreeChoice, type TreeChosenBy } from "./tree-choice.js";

export interface SystemOptions {
  /** A device tree blob (or .dts source / dmasim JSON as bytes: the content tells). */
  dtb?: Uint8Array;
  /** Where the blob came from, for error messages (a file name). */
  dtbName?: string;
  /** Device tree source text, compiled as dtc compiles it. `/include/` and `/incbin/` read
   *  files relative to `dtsName` where the host has a file system (Node). */
  dts?: string;
  /** Where the source came from (a file name), for error messages and includes. */
  dtsName?: string;
  /** More directories for the source's `/include/` and `/incbin/` files, searched after the
   *  including file's own (dtc -i): the original tree's, when cpp wrote the source elsewhere. */
  dtsIncludeDirs?: string[];
  /** A built-in board name ("zynq-7000", "arm64-ref"); the default when no dtb is given. */
  board?: string;
  /** A variant of a built-in board instead: its tree with the variant's property edits, named
   *  by the variant's name (a bug kind's board; see board-variant.ts). */
  variant?: BoardVariant;
  /** How the tree was chosen, when the caller knows better than the options above. Either the
   *  CLI option the user typed — "--board", "--dtb" or "--dts" (a --dts file arrives as `dtb`),
   *  set by the CLI — or "scenario": the user chose no tree and the scenario's own System was
   *  booted, set by systemFor. Changes no result: a bug kind that cannot show on this System
   *  advises choosing another in these words ("run it without --dts", "run it without other
   *  System options"); unset, it names this object's option ("run it without the dtb option").
   *  See tree-choice.ts. */
  treeChosenBy?: TreeChosenBy;
  /** Machine profile name ("zynq-7000", "arm64"); chosen from the device tree if absent. */
  profile?: string;
  /** DRAM size for boards whose memory node the bootloader fills ("1G", bytes). */
  memory?: number | string;
  /** DMA peripheral models for the nodes whose `dmas` name a PL330 request: false for none, or
   *  settings per node path or name (line rate, sample rate, FIFO depth, request size). */
  dmaPeripherals?: BoardOptions["dmaPeripherals"];
  /** Kernel generation: "modern" (default) or "v4.9". */
  kernel?: KernelOptions["version"];
  /** CONFIG_DMA_API_DEBUG: `true`, or per-check options (see DmaDebugOptions). */
  dmaDebug?: KernelOptions["dmaDebug"];
  /** swiotlb=: { size (bytes; 0 for no pool), force, noforce }, or the kernel parameter's text
   *  as `--swiotlb` takes it: "force", "noforce", "N", "N,force" or "N,noforce" (N slabs of 2 KiB,
   *  rounded up to 128-slab segments; 0 for no pool). */
  swiotlb?: KernelOptions["swiotlb"] | string;
  /** coherent_pool=: atomic pool size in bytes. */
  coherentPool?: number;
  /** cma=: the default CMA area's size ("64M", bytes; 0 for none), or the kernel parameter's
   *  full form "SIZE@BASE" (the area exactly at BASE) or "SIZE@BASE-LIMIT" (between them).
   *  Default: no default area, as a kernel built with CONFIG_CMA_SIZE_MBYTES=0 (a
   *  linux,cma-default node still gives one). */
  cma?: number | string;
  /** DMAPOOL_DEBUG: dma_pool poisoning and free checks (slab debugging). */
  dmapoolDebug?: boolean;
  /** Modern arm64: the firmware's DMA limit, DMA_BIT_MASK(bits), that ZONE_DMA ends at
   *  (zone_dma_limit; capped at 4 GB when RAM starts below it). Default: none. */
  zoneDmaBits?: number;
  /** ARM64_WORKAROUND_CLEAN_CACHE (early Cortex-A53). */
  workaroundCleanCache?: boolean;
  /** Run in a worker thread (Node worker_threads or a browser Web Worker). */
  worker?: boolean;
  /** Use the debug build of the silicon (assertions on). */
  debug?: boolean;
  /** Echo kernel log lines up to this level (3 err … 7 debug) to the console. */
  printkLevel?: number;
}

export { SystemError };

/** The CPU's timed accesses by kernel virtual address. */
export interface SystemCpu {
  read(va: number | bigint, len: number): Uint8Array;
  write(va: number | bigint, bytes: Uint8Array): void;
  fill(va: number | bigint, byte: number, len: number): void;
  /** memcpy(dst, src, len) by the CPU: loads and stores through its caches, as a driver's copy of
   *  a received packet into a fresh buffer (copybreak). */
  copy(dst: number | bigint, src: number | bigint, len: number): void;
}

/** The user process's view: its mappings of a driver's file and its own timed accesses, at EL0 /
 *  PL0 through its page tables. */
export interface SystemUser {
  /** mmap(NULL, length, prot, flags, fd, offset) of a file whose mmap file operation is `fop`
   *  (a driver's: it calls remap_pfn_range or dma_mmap_coherent on the VMA), or with `fop` null
   *  and MAP_ANONYMOUS | MAP_PRIVATE in `flags`, anonymous memory (demand-zero pages). Defaults:
   *  PROT_READ | PROT_WRITE, MAP_SHARED, offset 0. The mapping's address; a KernelError with the
   *  errno mmap() would set. */
  mmap(length: number, fop: FileMmap | null, options?: { prot?: number; flags?: number; offset?: number }): number;
  /** munmap(addr, length), as Linux's: whatever is mapped in the page-aligned range goes (a
   *  mapping reaching past it is split), nothing mapped there is no error; a KernelError (-EINVAL)
   *  for an `addr` that is not page aligned or not a user address, or a length of 0 or past
   *  TASK_SIZE. Without `length`, from `addr` to the end of the mapping holding it (the whole
   *  mapping when `addr` is its start), or nothing when no mapping holds it. */
  munmap(addr: number | bigint, length?: number): void;
  /** The process reads `len` bytes; a UserSignal (SIGSEGV, SIGBUS) when it would die (a kernel
   *  address included: the MMU refuses it at EL0 / PL0). */
  read(addr: number | bigint, len: number): Uint8Array;
  /** The process writes `bytes`; a UserSignal when it would die. */
  write(addr: number | bigint, bytes: Uint8Array): void;
  /** The process exits: its mappings and page tables go; the next call starts a new process. */
  exit(): void;
}

export class System {
  readonly cpu: SystemCpu;
  readonly user: SystemUser;
  private parts: { machine: Machine; board: Board; kernel: Kernel } | null;
  private readonly made: Provenance;
  /** How the user chose this System's tree (tree-choice.ts), for advice to choose another. */
  readonly treeChoice: TreeChoice;

  constructor(machine: Machine, board: Board, kernel: Kernel, provenance: Provenance, treeChoice: TreeChoice = provenance.board !== undefined ? "board" : "dtb") {
    this.parts = { machine, board, kernel };
    this.made = provenance;
    this.treeChoice = treeChoice;
    const port = () => this.live().machine.cpu;
    this.cpu = {
      read: (va, len) => {
        const at = checkVirt("cpu.read", va, "va");
        checkSize("cpu.read", len, "len");
        return port().read(at, len);
      },
      write: (va, bytes) => {
        const at = checkVirt("cpu.write", va, "va");
        if (!(bytes instanceof Uint8Array)) throw new KernelError(EINVAL, "cpu.write: bytes is not a Uint8Array");
        port().write(at, bytes);
      },
      fill: (va, byte, len) => {
        const at = checkVirt("cpu.fill", va, "va");
        checkWhole("cpu.fill", byte, "byte");
        checkSize("cpu.fill", len, "len");
        port().fill(at, byte, len);
      },
      copy: (dst, src, len) => {
        const to = checkVirt("cpu.copy", dst, "dst");
        const from = checkVirt("cpu.copy", src, "src");
        checkSize("cpu.copy", len, "len");
        port().copy(to, from, len);
      },
    };
    const mm = (op: string) => {
      const m = this.live().kernel.userMm;
      m.checkUnlocked(op);
      return m;
    };
    this.user = {
      mmap: (length, fop, options = {}) => {
        checkSize("user.mmap", length, "length");
        if (options === null || typeof options !== "object") throw new KernelError(EINVAL, `user.mmap: options ${String(options)} is not an object ({ prot, flags, offset })`);
        const { prot = PROT_READ | PROT_WRITE, flags = MAP_SHARED, offset = 0 } = options;
        checkWhole("user.mmap", prot, "prot");
        checkWhole("user.mmap", flags, "flags");
        checkWhole("user.mmap", offset, "offset");
        const anonymous = (flags & MAP_ANONYMOUS) !== 0;
        if (anonymous ? fop !== null && fop !== undefined : typeof fop !== "function") {
          throw new KernelError(EINVAL, anonymous ? "user.mmap: a MAP_ANONYMOUS mapping has no file: pass null as fop" : "user.mmap: fop is not a function (the driver's mmap)");
        }
        const refused = UserMm.mmapArgumentError(length, prot, flags, offset);
        if (refused) throw new KernelError(EINVAL, `mmap of ${length} bytes: ${refused}`);
        const r = mm("user.mmap").mmap(length, prot, flags, offset, fop ?? null);
        if (r < 0) throw new KernelError(-r, `mmap of ${length} bytes failed${r === -ENOMEM ? ": no room below mmap_base" : ""}`);
        return r;
      },
      munmap: (addr, length) => {
        const start = checkVirt("user.munmap", addr, "addr");
        if (length !== undefined) checkSize("user.munmap", length, "length");
        const m = mm("user.munmap");
        // A page holds no part of any mapping when addr is in none, so munmap finds nothing there.
        const len = length ?? (m.vmas.find(start)?.vm_end ?? start + PAGE_SIZE) - start;
        const refused = m.munmapArgumentError(start, len);
        if (refused) throw new KernelError(EINVAL, `munmap(0x${addr.toString(16)}, ${len}): ${refused}`);
        m.munmap(start, len);
      },
      read: (addr, len) => {
        checkSize("user.read", len, "len");
        return mm("user.read").read(checkVirt("user.read", addr, "addr"), len);
      },
      write: (addr, bytes) => {
        if (!(bytes instanceof Uint8Array)) throw new KernelError(EINVAL, "user.write: bytes is not a Uint8Array");
        mm("user.write").write(checkVirt("user.write", addr, "addr"), bytes);
      },
      exit: () => {
        const k = this.live().kernel;
        if (k.userMmRunning) k.userMm.checkUnlocked("user.exit");
        k.exitUserMm();
      },
    };
  }

  private live(): { machine: Machine; board: Board; kernel: Kernel } {
    if (!this.parts) throw new SystemError("this System was disposed (System.dispose()); create a new one");
    return this.parts;
  }

  /** The silicon (caches, MMU, backdoor). */
  get machine(): Machine {
    return this.live().machine;
  }

  get board(): Board {
    return this.live().board;
  }

  get kernel(): Kernel {
    return this.live().kernel;
  }

  get disposed(): boolean {
    return this.parts === null;
  }

  /** Ends the System and gives its memory back: the wasm instance (DRAM, caches, devices) is
   *  cut from every object of this System — devices, channels, buffers a caller still holds
   *  included — so the garbage collector can take it, and its wasm memory, zeroed, boots the
   *  next System of this thread (hw/memory-reuse.ts). Every later call, on the System or on
   *  anything of its kernel that reaches the silicon, throws a SystemError. Idempotent. */
  dispose(): void {
    if (!this.parts) return;
    const x = this.parts.machine.x;
    this.parts = null;
    releaseSilicon(x, () => new SystemError("this System was disposed (System.dispose()); its silicon is gone"));
  }

  /** What this System is (board, profile, kernel, result-changing options, dmasim version), for
   *  outputs to carry beside their results; a copy, still readable after dispose(). */
  provenance(): Provenance {
    return structuredClone(this.made);
  }

  /** Simulated time in picoseconds. */
  now(): number {
    return this.machine.now();
  }

  /** A platform device by its Linux name, e.g. "f8003000.dma-controller". */
  device(name: string): PlatformDevice {
    const d = this.kernel.device(name);
    if (!d) {
      const known = [...this.kernel.devices.keys()].join(", ");
      throw new KernelError(ENODEV, `no device "${name}" (this board has: ${known})`);
    }
    return d;
  }

  deviceNames(): string[] {
    return [...this.kernel.devices.keys()];
  }

  /** /proc/iomem as data: System RAM and the device ranges claimed, nested. */
  iomem(): IomemEntry[] {
    return this.kernel.iomem.entries();
  }

  /** /proc/interrupts as data. */
  interrupts(): InterruptLine[] {
    return interruptLines(this.kernel);
  }

  /** /sys/class/dma as data: one entry per dmaengine channel (dma0chan0 …). */
  dmaChannels(): DmaChannelInfo[] {
    return sysClassDma(this.kernel);
  }

  /** A /proc or /sys file as `cat` shows it ("/proc/iomem", "/proc/interrupts",
   *  "/sys/class/dma/dma0chan0/in_use"); a KernelError (-ENOENT…) for any other path,
   *  a TypeError for a path that is not a string. */
  readFile(path: string): string {
    return readFile(this.kernel, path);
  }

  /** A /proc or /sys directory's entries ("/sys/class/dma", "/sys/bus/platform/devices"). */
  readdir(path: string): string[] {
    return readdir(this.kernel, path);
  }

  /** `echo TEXT > PATH` as root: writes a /sys file whose store dmasim models — a driver's
   *  bind and unbind ("/sys/bus/amba/drivers/dma-pl330/unbind", the device's name, a trailing
   *  newline allowed), a device's uevent ("change\n": a synthetic uevent) and driver_override
   *  (a driver's name: the only one the device then matches), and /sys/kernel/debug/dma-api's
   *  driver_filter, all_errors, num_errors. Returns the bytes written (UTF-8), as write(2).
   *  Errors are the kernel's, as KernelErrors: -ENODEV, -EBUSY, -EAGAIN from bind and unbind,
   *  -EINVAL for a uevent action or driver_override the kernel refuses, -EACCES for a
   *  read-only sysfs file, -EIO for /proc, -ENOENT for a path dmasim lacks. */
  writeFile(path: string, text: string): number {
    return writeFile(this.kernel, path, text);
  }

  /** The kernel log as `dmesg` shows it; `{ raw: true }` as `dmesg -r` does, each line led by
   *  its level ("<6>[    0.000000] …"). */
  dmesg(options?: DmesgOptions): string {
    return this.kernel.printk.text(!!options?.raw);
  }

  /** The kernel page tables as /sys/kernel/debug/kernel_page_tables lists them, or the part
   *  covering [range.start, range.end). */
  ptdump(range?: PtdumpRange): string {
    return this.kernel.ptdump(range);
  }

  /** Runs a built-in scenario (see sim/scenarios.ts) and returns its plain-data result. */
  run(scenario: string, params: ScenarioParams = {}): unknown {
    return runScenario(this, scenario, params);
  }
}

/** Boots a System in the calling thread. */
export async function createLocalSystem(options: SystemOptions = {}): Promise<System> {
  checkSystemOptions(options, (message) => new SystemError(message));
  let profile: MachineProfile | undefined = options.profile ? PROFILES[options.profile] : undefined;
  if (options.profile && !profile) {
    throw new SystemError(unknownProfileText(options.profile));
  }
  const { tree, builtIn, profile: boardProfile } = await systemTree(options);
  profile ??= boardProfile;
  if (tree.plugin) throw new SystemError(`${tree.source}: an overlay (/plugin/) is not a board; apply it to its base tree first`);
  let profileAssumed: string | undefined;
  if (!profile) {
    const cpus = [...new Set(tree.findByPath("/cpus")?.children.flatMap((c) => c.compatible) ?? [])];
    const choice = chooseProfile([...tree.root.compatible, ...cpus]);
    profile = choice.profile;
    if (!choice.by) {
      profileAssumed = `machine profile ${profile.name} assumed (${profile.cpu.clockMHz} MHz CPU, its caches, DRAM and DMA timing): ` +
        `no profile knows ${tree.root.compatible.map((c) => `"${c}"`).join(", ") || "a root without compatible"} or its CPUs (${cpus.join(", ") || "none listed"}); ` +
        `--profile NAME or createSystem({ profile }) chooses one (${Object.keys(PROFILES).join(", ")})`;
    }
  }
  // swiotlb_init runs on arm64 only: arm without LPAE addresses all its RAM with 32 bits, so
  // neither kernel builds a bounce pool there, and a size would be silently ignored.
  if (options.swiotlb !== undefined && profile.arch !== "arm64") {
    const board = options.board ?? (options.dtb || options.dts !== undefined || options.variant ? tree.source : "zynq-7000");
    throw new SystemError(`swiotlb: ${board} is ${profile.arch} without LPAE, which has no swiotlb on either kernel (its RAM is all within 32 bits); leave the option out`);
  }
  const fail = (message: string) => new SystemError(message);
  const memoryBytes = options.memory === undefined ? undefined : memorySize(options.memory, fail);
  const cma = options.cma === undefined ? undefined : cmaOption(options.cma, fail);
  const silicon = await instantiateSilicon({ debug: options.debug });
  try {
    const { machine, board } = buildBoard(silicon, tree, profile, { memoryBytes, dmaPeripherals: options.dmaPeripherals });
    if (profileAssumed) board.assumed.unshift(profileAssumed);
    // The built-in boards are written for their profile's PL330: nothing about them is assumed
    // (pl330-presets.ts names their PL330s, so a tree derived from one is not assumed about either).
    if (builtIn !== undefined) board.assumed.length = 0;
    const kernel = new Kernel(machine, board, {
      version: options.kernel,
      printkLevel: options.printkLevel,
      dmaDebug: options.dmaDebug,
      swiotlb: typeof options.swiotlb === "string" ? setup_io_tlb_npages(options.swiotlb) : options.swiotlb,
      coherentPool: options.coherentPool,
      cma,
      dmapoolDebug: options.dmapoolDebug,
      zoneDmaBits: options.zoneDmaBits,
      workaroundCleanCache: options.workaroundCleanCache,
    });
    const provenance = makeProvenance({
      builtInBoard: builtIn, treeSource: tree.source, model: tree.model, profile: profile.name, kernel: kernel.version, options, assumed: board.assumed,
    });
    return new System(machine, board, kernel, provenance, treeChoiceOf(options));
  } catch (e) {
    // A board or kernel that failed to come up: its memory serves the next System.
    releaseSilicon(silicon, () => new SystemError("this System failed to boot"));
    throw e;
  }
}
