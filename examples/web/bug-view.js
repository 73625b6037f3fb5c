// The Bugs view: `dmasim run bug --param kind=…` for the kind the form names, on the System the
// kind asks for (bugSystem: a board, and for some a kernel, swiotlb or DMA-API debug) unless the
// form names a board or a kernel (as `dmasim run bug --board … --kernel …` does: the kind's other
// options stay), with DMA-API debug when its box is checked (as --dma-debug adds it), its result
// printed as `dmasim run` prints it (formatRunHeading, formatResult) but for the CLI's options in
// its advice, which name the form's choices (inBugFormWords). ?view=bugs&kind=…&board=…&kernel=…
// &dma-debug=1 fill the form, and are what its edits write into the address (app.js).
import { BUG_KINDS, bugSystem, formatResult, formatRunHeading, systemFor } from "../../dist/browser/dmasim.js";
import { addBoards } from "./board-options.js";
import { choose } from "./address-choice.js";
import { scenarioRunner } from "./scenario-run.js";
import { showFields } from "./field-lines.js";
import { setIfChanged } from "./form-query.js";
import { inBugFormWords } from "./form-words.js";
import { DMA_DEBUG_KEY, addDmaDebugBox, applyDmaDebugQuery, setDmaDebugQuery, withDmaDebug } from "./dma-debug-box.js";

const $ = (id) => document.getElementById(id);

for (const kind of BUG_KINDS) $("bug-kind").add(new Option(kind, kind));
// The first choice, the empty board, is the kind's own System (systemFor then adds nothing).
addBoards($("bug-board"));
const dmaDebugBox = addDmaDebugBox($("bug-form"), "bug-dma-debug");

/** A System's options as the board choice names them: `arm64-ref, v4.9 kernel`. A kind that
 *  boots a tree of its own (wrong-request-line) or a variant of a built-in board
 *  (dma-coherent-on-noncoherent-port) is named by the tree's file name. */
function systemText(s) {
  const swiotlb = s.swiotlb === undefined ? undefined : s.swiotlb.size === 0 ? "no swiotlb" : `swiotlb of ${s.swiotlb.size / 2 ** 20} MiB`;
  return [s.board ?? s.variant?.name ?? s.dtsName, s.kernel && `${s.kernel} kernel`, s.dmaDebug && "DMA-API debug", swiotlb].filter(Boolean).join(", ");
}

function showKindSystem() {
  // The kernel chosen can change the kind's own System (mask-overflow keeps 4.9's swiotlb pool).
  const own = bugSystem({ kind: $("bug-kind").value }, { kernel: $("bug-kernel").value || undefined });
  $("bug-board").options[0].text = `the kind's own (${systemText(own)})`;
  // A board chosen drops the kind's options as `dmasim run bug --board` does, its kernel too.
  $("bug-kernel").options[0].text = $("bug-board").value === "" ? `the kind's own (${own.kernel ?? "modern"})` : "the board's default (modern)";
}

const runner = scenarioRunner({ button: $("bug-run"), progress: $("bug-progress"), status: $("bug-status"), output: $("bug-output"), show: showFields, words: inBugFormWords });

/** The address's parameters this view reads (app.js names any other as ignored). */
export const QUERY_KEYS = ["kind", "board", "kernel", DMA_DEBUG_KEY];

export function run() {
  const params = { kind: $("bug-kind").value };
  const given = {};
  for (const k of ["board", "kernel"]) if ($(`bug-${k}`).value !== "") given[k] = $(`bug-${k}`).value;
  // Unchecked leaves DMA-API debug to the kind (unchecked-map-error's own System has it on).
  const system = systemFor("bug", params, withDmaDebug(given, dmaDebugBox));
  const format = (result, ranOn) => `${formatRunHeading("bug", params, ranOn)}\n\n${formatResult(result)}`;
  return runner({ label: `bug ${params.kind} on ${systemText(system)}`, system, scenario: "bug", params, format });
}

export function applyQuery(q) {
  if (q.has("kind")) choose($("bug-kind"), q.get("kind"));
  for (const k of ["board", "kernel"]) if (q.has(k)) choose($(`bug-${k}`), q.get(k));
  applyDmaDebugQuery(q, dmaDebugBox);
  showKindSystem();
}

/** The form's choices as applyQuery reads them (app.js keeps them in the address). */
export function query() {
  const q = new URLSearchParams();
  for (const k of ["kind", "board", "kernel"]) setIfChanged(q, k, $(`bug-${k}`));
  setDmaDebugQuery(q, dmaDebugBox);
  return q;
}

$("bug-kind").addEventListener("change", showKindSystem);
$("bug-board").addEventListener("change", showKindSystem);
$("bug-kernel").addEventListener("change", showKindSystem);
showKindSystem();

$("bug-form").addEventListener("submit", (e) => {
  e.preventDefault();
  run();
});
