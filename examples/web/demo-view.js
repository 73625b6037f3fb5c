// The Demo view: `dmasim demo` (coherent against streaming buffers, their cache maintenance, the
// missing-sync bug's stale bytes) on the board, kernel and size the form names, printed as the
// CLI prints it (formatDemo), with DMA-API debug when its box is checked (as --dma-debug adds
// it); a size too large for the board is refused naming the form's size field, not --size
// (inDemoFormWords). ?view=demo&board=…&kernel=…&size=…&dma-debug=1 fill the form, and are what
// the form's edits write into the address (app.js).
import { formatDemo } from "../../dist/browser/dmasim.js";
import { addBoards } from "./board-options.js";
import { choose } from "./address-choice.js";
import { scenarioRunner } from "./scenario-run.js";
import { setIfChanged } from "./form-query.js";
import { inDemoFormWords } from "./form-words.js";
import { DMA_DEBUG_KEY, addDmaDebugBox, applyDmaDebugQuery, setDmaDebugQuery, withDmaDebug } from "./dma-debug-box.js";

const $ = (id) => document.getElementById(id);

addBoards($("demo-board"), "zynq-7000");
const dmaDebugBox = addDmaDebugBox($("demo-form"), "demo-dma-debug");

const runner = scenarioRunner({ button: $("demo-run"), progress: $("demo-progress"), status: $("demo-status"), output: $("demo-output"), words: inDemoFormWords });

/** The size goes as typed, as `dmasim demo --size` takes it: the demo refuses what it cannot use. */
export function run() {
  const system = withDmaDebug({ board: $("demo-board").value, kernel: $("demo-kernel").value }, dmaDebugBox);
  return runner({
    label: `the demo on ${system.board} (${system.kernel} kernel${system.dmaDebug ? ", DMA-API debug" : ""})`,
    system,
    scenario: "demo",
    params: { size: $("demo-size").value.trim() },
    format: formatDemo,
  });
}

/** The address's parameters this view reads (app.js names any other as ignored). */
export const QUERY_KEYS = ["board", "kernel", "size", DMA_DEBUG_KEY];

export function applyQuery(q) {
  for (const k of ["board", "kernel"]) if (q.has(k)) choose($(`demo-${k}`), q.get(k));
  if (q.has("size")) $("demo-size").value = q.get("size");
  applyDmaDebugQuery(q, dmaDebugBox);
}

/** The form's choices as applyQuery reads them (app.js keeps them in the address). */
export function query() {
  const q = new URLSearchParams();
  for (const k of ["board", "kernel", "size"]) setIfChanged(q, k, $(`demo-${k}`));
  setDmaDebugQuery(q, dmaDebugBox);
  return q;
}

$("demo-form").addEventListener("submit", (e) => {
  e.preventDefault();
  run();
});
