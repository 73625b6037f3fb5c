// The Bugs view: `dmasim run bug --param kind=…` for the kind the form names, on the System the
// kind asks for (bugSystem: a board, and for some a kernel, swiotlb or DMA-API debug) unless the
// form names a board, its result printed as `dmasim run` prints it (formatResult).
// ?view=bugs&kind=…&board=… fill the form.
import { BUG_KINDS, bugSystem, formatResult, systemFor } from "../../dist/browser/dmasim.js";
import { addBoards } from "./board-options.js";
import { choose } from "./address-choice.js";
import { scenarioRunner } from "./scenario-run.js";

const $ = (id) => document.getElementById(id);

for (const kind of BUG_KINDS) $("bug-kind").add(new Option(kind, kind));
// The first choice, the empty board, is the kind's own System (systemFor then adds nothing).
addBoards($("bug-board"));

/** A System's options as the board choice names them: `arm64-ref, v4.9 kernel`. */
function systemText(s) {
  const swiotlb = s.swiotlb === undefined ? undefined : s.swiotlb.size === 0 ? "no swiotlb" : `swiotlb of ${s.swiotlb.size / 2 ** 20} MiB`;
  return [s.board, s.kernel && `${s.kernel} kernel`, s.dmaDebug && "DMA-API debug", swiotlb].filter(Boolean).join(", ");
}

function showKindSystem() {
  $("bug-board").options[0].text = `the kind's own (${systemText(bugSystem({ kind: $("bug-kind").value }))})`;
}

const runner = scenarioRunner({ button: $("bug-run"), progress: $("bug-progress"), status: $("bug-status"), output: $("bug-output") });

export function run() {
  const params = { kind: $("bug-kind").value };
  const board = $("bug-board").value;
  const system = systemFor("bug", params, board === "" ? {} : { board });
  return runner({ label: `bug ${params.kind} on ${systemText(system)}`, system, scenario: "bug", params, format: formatResult });
}

export function applyQuery(q) {
  if (q.has("kind")) choose($("bug-kind"), q.get("kind"));
  if (q.has("board")) choose($("bug-board"), q.get("board"));
  showKindSystem();
}

$("bug-kind").addEventListener("change", showKindSystem);
showKindSystem();

$("bug-form").addEventListener("submit", (e) => {
  e.preventDefault();
  run();
});
