// The Module view: a driver writer's own scenario module (module-file.js), run once as `dmasim
// run ./mydrv.mjs --param k=v …` runs it, on the board and kernel the form names, with DMA-API
// debug when its box is checked (as --dma-debug adds it; the heading says dmaDebug=true, and the
// module can report what it found), its result printed as `dmasim run` prints one
// (formatRunHeading, formatResult) with the module named by its file's name and the library's
// advice in the form's words (inModuleFormWords: "check DMA-API debug"). What the module
// throws, a module without run, or a parameter its `params` does not list, is shown in the words
// Node gives it (the worker checks the module as Node does: src/worker/scenario-module.ts).
// ?view=module&board=…&kernel=…&params=…&dma-debug=1 fill the form; a file cannot be named in an
// address, so it is chosen each time the page loads.
import { formatResult, formatRunHeading } from "../../dist/browser/dmasim.js";
import { addBoards } from "./board-options.js";
import { choose } from "./address-choice.js";
import { scenarioRunner } from "./scenario-run.js";
import { showFields } from "./field-lines.js";
import { setIfChanged } from "./form-query.js";
import { loaded } from "./module-file.js";
import { runParams } from "./module-params.js";
import { inModuleFormWords } from "./form-words.js";
import { DMA_DEBUG_KEY, addDmaDebugBox, applyDmaDebugQuery, setDmaDebugQuery, withDmaDebug } from "./dma-debug-box.js";

const $ = (id) => document.getElementById(id);

addBoards($("module-board"), "zynq-7000");
const dmaDebugBox = addDmaDebugBox($("module-form"), "module-dma-debug");

const runner = scenarioRunner({
  button: $("module-run"), progress: $("module-progress"), status: $("module-status"), output: $("module-output"), show: showFields, words: inModuleFormWords,
});

/** The address's parameters this view reads (app.js names any other as ignored). */
export const QUERY_KEYS = ["board", "kernel", "params", DMA_DEBUG_KEY];

export function run() {
  const file = $("module-file").files[0];
  const system = withDmaDebug({ board: $("module-board").value, kernel: $("module-kernel").value }, dmaDebugBox);
  const paramsText = $("module-params").value;
  let name = "a scenario module";
  let params = {};
  return runner({
    label: `${file?.name ?? "a scenario module"} on ${system.board} (${system.kernel} kernel${system.dmaDebug ? ", DMA-API debug" : ""})`,
    system,
    prepare: async () => {
      params = runParams(paramsText);
      const module = await loaded(file);
      name = module.name;
      return { scenario: module.url, params, words: module.words, done: module.done };
    },
    format: (result, ranOn) => `${formatRunHeading(name, params, ranOn)}\n\n${formatResult(result)}`,
  });
}

export function applyQuery(q) {
  for (const k of ["board", "kernel"]) if (q.has(k)) choose($(`module-${k}`), q.get(k));
  if (q.has("params")) $("module-params").value = q.get("params");
  applyDmaDebugQuery(q, dmaDebugBox);
}

/** The form's choices as applyQuery reads them (app.js keeps them in the address). */
export function query() {
  const q = new URLSearchParams();
  for (const k of ["board", "kernel", "params"]) setIfChanged(q, k, $(`module-${k}`));
  setDmaDebugQuery(q, dmaDebugBox);
  return q;
}

$("module-form").addEventListener("submit", (e) => {
  e.preventDefault();
  run();
});
