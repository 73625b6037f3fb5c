// The bug kinds' boards are variants of built-in boards: the board's shipped blob with the kind's
// edits, written back as a blob. Each differs from its board in exactly the properties (and, for
// wrong-request-line onto=adc, the node) its bug is about, with the values written out here by
// hand from the kinds' descriptions; everything else is the board's own, byte for byte.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { readDeviceTree } from "../src/of/load.js";
import { DeviceNode, DeviceTree } from "../src/of/node.js";
import { applyTreeEdits, boardVariantBlob, type BoardVariant } from "../src/board-variant.js";
import { of_add_property } from "../src/of/dynamic.js";
import { DMA_COHERENT_ON_NONCOHERENT_PORT_VARIANT } from "../src/sim/scenarios/dma-coherent-on-noncoherent-port.js";
import { wrongRequestLineVariant } from "../src/sim/scenarios/wrong-request-line.js";
import { createSystem } from "../src/create.js";
import { SystemError } from "../src/system.js";

const shipped = (board: string) =>
  readDeviceTree(new Uint8Array(readFileSync(new URL(`../examples/boards/${board}.dtb`, import.meta.url)))).tree;

/** Every property of every node as "path prop" → its bytes in hex. */
function properties(tree: DeviceTree): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of tree.root.walk()) {
    out.set(`${n.path} (node)`, "");
    for (const [k, v] of n.properties) out.set(`${n.path} ${k}`, Buffer.from(v).toString("hex"));
  }
  return out;
}

/** The properties whose bytes differ between the two trees (present in one only included). */
function differences(a: DeviceTree, b: DeviceTree): Record<string, string | undefined> {
  const pa = properties(a);
  const pb = properties(b);
  const out: Record<string, string | undefined> = {};
  for (const k of new Set([...pa.keys(), ...pb.keys()])) if (pa.get(k) !== pb.get(k)) out[k] = pb.get(k);
  return out;
}

const str = (s: string) => Buffer.from(s + "\0", "latin1").toString("hex");
const cells = (...c: number[]) => c.map((x) => x.toString(16).padStart(8, "0")).join("");

async function variantTree(v: BoardVariant): Promise<DeviceTree> {
  return readDeviceTree(await boardVariantBlob(v)).tree;
}

describe("a bug kind's board: its built-in board with the kind's edits", () => {
  it("dma-coherent-on-noncoherent-port: arm64-ref with a model of its own, dma-coherent and dmasim,port-coherent = <0> on the PL330", async () => {
    const dmac = "/soc/dma-controller@ff6e0000";
    expect(differences(shipped("arm64-ref"), await variantTree(DMA_COHERENT_ON_NONCOHERENT_PORT_VARIANT))).toEqual({
      "/ model": str("dmasim arm64 reference board, its PL330 dma-coherent in the tree on a port that does not snoop"),
      [`${dmac} dma-coherent`]: "",
      [`${dmac} dmasim,port-coherent`]: "00000000",
    });
  });

  it("wrong-request-line: zynq-7000 with the UART's tx dmas cell naming line 2 and dmasim,request-lines = <0 1>", async () => {
    const base = shipped("zynq-7000");
    const uart = "/axi/serial@e0001000";
    const ph = base.findByPath("/axi/dma-controller@f8003000")!.phandle!;
    // The board's own: <&dmac_s 0>, <&dmac_s 1>.
    expect(base.findByPath(uart)!.cells("dmas")).toEqual([ph, 0, ph, 1]);
    expect(differences(base, await variantTree(wrongRequestLineVariant("none")))).toEqual({
      "/ model": str("Zynq-7000 board with a UART TX dmas cell copied from another board"),
      [`${uart} dmas`]: cells(ph, 2, ph, 1),
      [`${uart} dmasim,request-lines`]: cells(0, 1),
    });
  });

  it("wrong-request-line onto=adc: the same, and an ADC node whose dmas names line 2 of the PL330", async () => {
    const base = shipped("zynq-7000");
    const ph = base.findByPath("/axi/dma-controller@f8003000")!.phandle!;
    const adc = "/axi/adc@e0008000";
    const tree = await variantTree(wrongRequestLineVariant("adc"));
    expect(differences(base, tree)).toEqual({
      "/ model": str("Zynq-7000 board with a UART TX dmas cell copied from another board"),
      "/axi/serial@e0001000 dmas": cells(ph, 2, ph, 1),
      "/axi/serial@e0001000 dmasim,request-lines": cells(0, 1),
      [`${adc} (node)`]: "",
      [`${adc} compatible`]: str("dmasim,stream-adc"),
      [`${adc} reg`]: cells(0xe0008000, 0x1000),
      [`${adc} dmas`]: cells(ph, 2),
      [`${adc} dma-names`]: str("rx"),
    });
    // Last of /axi's children, where dtc puts a node a later `&amba { … }` adds.
    expect(tree.findByPath("/axi")!.children.at(-1)!.name).toBe("adc@e0008000");
  });
});

describe("the edits", () => {
  const tree = () => {
    const root = new DeviceNode("");
    const n = new DeviceNode("uart@0", root);
    root.children.push(n);
    n.properties.set("dmas", new Uint8Array([0, 0, 0, 1, 0, 0, 0, 4]));
    return new DeviceTree(root, "t.dtb");
  };

  it("of_add_property adds a property the node lacks, and leaves one it has with -EEXIST", () => {
    const np = tree().findByPath("/uart@0")!;
    expect(of_add_property(np, "dma-coherent", new Uint8Array())).toBe(0);
    expect(np.has("dma-coherent")).toBe(true);
    expect(of_add_property(np, "dmas", new Uint8Array([9]))).toBe(-17);
    expect(np.cells("dmas")).toEqual([1, 4]);
  });

  it("refuse a node the tree lacks and a cell past a property's end, naming them", () => {
    expect(() => applyTreeEdits(tree(), [{ node: "/dma@1", property: "x", cells: [] }])).toThrow("t.dtb: no node /dma@1 to edit (property x)");
    expect(() => applyTreeEdits(tree(), [{ node: "/uart@0", property: "dmas", at: 2, cells: [5] }])).toThrow(
      "/uart@0: dmas has 2 cells, none at 2 to change",
    );
    expect(() => applyTreeEdits(tree(), [{ node: "/uart@0" }])).toThrow("t.dtb: /uart@0 is already there");
  });

  it("of a board dmasim does not have are a SystemError naming the built-in ones", async () => {
    const err = await createSystem({ variant: { board: "zynq-7001", name: "v.dtb", edits: [] }, worker: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SystemError);
    expect((err as Error).message).toBe('variant: unknown board "zynq-7001" (built in: zynq-7000, arm64-ref, arm64-highmem, arm64-dma-offset)');
  });

  it("add a node under the root and under a new node, each after its parent's other children", () => {
    const t = tree();
    applyTreeEdits(t, [{ node: "/chosen" }, { node: "/uart@0/port" }, { node: "/chosen/stdout" }]);
    expect(t.root.children.map((c) => c.name)).toEqual(["uart@0", "chosen"]);
    expect(t.findByPath("/chosen/stdout")!.parent).toBe(t.findByPath("/chosen"));
    expect(t.findByPath("/uart@0")!.children.map((c) => c.name)).toEqual(["port"]);
    expect(() => applyTreeEdits(t, [{ node: "/none/x" }])).toThrow("t.dtb: no parent for the new node /none/x");
  });

  it("remove a property and change one cell in place", () => {
    const t = tree();
    applyTreeEdits(t, [{ node: "/uart@0", property: "dmas", at: 1, cells: [7] }]);
    expect(t.findByPath("/uart@0")!.cells("dmas")).toEqual([1, 7]);
    applyTreeEdits(t, [{ node: "/uart@0", property: "dmas", remove: true }]);
    expect(t.findByPath("/uart@0")!.has("dmas")).toBe(false);
  });
});
