// The library's text in the words of the page's forms. The library words its advice for the CLI
// (`run it without --board`, `use --size 256K`, `add --dma-debug`, `--json has them`): on the page
// those read as options the user cannot find. Every such phrase is here, once, in PHRASES, with
// what each view says instead, by its form's labels (index.html); the rest of the text, the
// kernel's part, stays as it is. Every view puts every library text it shows (a status line, a
// table's cells, the text under a table, a chart's note) through its own words (inViewWords),
// and nothing else on the page rewrites library text. The CLI keeps its own words: only the page
// calls these. The views:
// - sweep: the Sweep view's memcpy form (board, kernel, swiotlb slabs, swiotlb force, profile,
//   memory, cma, DMA-API debug; sizes, bursts, channels, buffers, block, workers). Several boards
//   or kernels checked are runSweep's `systems`, whose refusals name the API ("runSweep: systems
//   …"): on the page they name the boxes.
// - params: the Sweep view's other scenarios (a built-in's, a module's), whose parameters are in
//   one field, params (`size=4K,64K`, as `--param size=4K,64K`); its System fields are the
//   sweep's. A built-in scenario with a System of its own (bug's kinds, uart-tx's and adc-rx's
//   peripheral models) runs on it when no board is checked, as `dmasim sweep` does without
//   --board: the advice to leave the board to it names the boxes.
// - bugs: the Bugs view. A kind run on a System that cannot show it says so, with the advice to
//   leave the tree to the kind in the words of how it was chosen (tree-choice.ts: the library's
//   "the board option" for the page's board): its board choice for `dmasim run bug` without
//   --board is "the kind's own"; on the kind's own board its other choice is the kernel.
// - demo: the Demo view (board, kernel, size).
// - module: the Module view (board, kernel, DMA-API debug, params).

/** The views whose texts are put in their forms' words. */
const VIEWS = ["sweep", "params", "bugs", "demo", "module"];

/** memcpy's parameters by the labels of the controls that hold them. */
const PARAM_LABELS = { size: "sizes", burst: "bursts", channels: "channels", buffers: "buffers", block: "block" };

/** The System axes runSweep names (its `systems`' keys) by the Sweep form's labels. */
const AXIS_LABELS = { dmaDebug: "DMA-API debug" };

// A board whose DRAM the browser would not back (it refused to grow the emulator's wasm memory)
// is refused with "use a smaller --memory". Only the Sweep view gives a DRAM size (memory: it
// replaces a board's banks by one at the first's base, so arm64-highmem would lose the RAM above
// 4 GiB it exists for, and a bug kind the layout it was chosen for): elsewhere the way to less
// DRAM is a smaller board.
const LESS_DRAM = "choose a board with less DRAM (each board's description says how much)";
const SWEEP_LESS_DRAM = "give a smaller memory, or check boards with less DRAM (each board's description says how much)";

/** Words for both of the Sweep view's forms. */
const sweeps = (words) => ({ sweep: words, params: words });
/** Words for every view. */
const every = (words) => Object.fromEntries(VIEWS.map((v) => [v, words]));

/** [the library's phrase, what each view says instead], in order: the specific phrases before the
 *  general ones. A view an entry does not name leaves the phrase to the later entries. */
const PHRASES = [
  // memcpy's checkBounced: the API's spelling in brackets is no help on the page either.
  [/pass --swiotlb force \(createSystem option swiotlb: \{ force: true \}\)/g, sweeps("check swiotlb force")],
  [/a larger --swiotlb N \(slabs of 2 KiB\)/g, sweeps("more swiotlb slabs (2 KiB each)")],
  // swiotlb= as the page built it, quoted back: the slab count is what the user typed. "force"
  // is the box's only as the page adds it (all of the text, or after a comma): slabs typed
  // "xforce" are quoted whole.
  [/swiotlb: "(?:([^"]*),)?force"/g, sweeps('swiotlb slabs: "$1"')],
  [/swiotlb: "([^"]*)"/g, sweeps('swiotlb slabs: "$1"')],
  [/ is not a slab count or "force"/g, sweeps(" is not a slab count")],
  [/try force, 32768 or 32768,force/g, sweeps("try 32768")],
  // createSystem's refusal of swiotlb on a board without one.
  [/(which has no swiotlb on either kernel \([^)]*\)); leave the option out/g, sweeps("$1; leave swiotlb slabs empty and swiotlb force unchecked")],
  // A parameter with no values: memcpy's by its control, another scenario's in params.
  [/sweep parameter "(\w+)" has no values/g, { sweep: (_, param) => `${PARAM_LABELS[param] ?? param}: none given`, params: "params: $1= has no values" }],
  // No box checked in a group: an axis of no values.
  [/runSweep: systems "(\w+)" has no values/g, sweeps((_, axis) => `${AXIS_LABELS[axis] ?? axis}: none given`)],
  // A System compared that createSystem would refuse (a kernel or board from the address) is
  // refused as the same one alone is, without the API's name for the list.
  [/runSweep: systems: /g, sweeps("")],
  // The page boots built-in boards only: it has no tree to give instead.
  [/; or (pass|give system) a dtb\b/g, sweeps("")],
  // modelParamText: uart-tx's and adc-rx's model parameters on a board checked.
  [/ on a board given with --board\/--dtb: /g, sweeps(" on a board checked: ")],
  [/\. Leave out (.*), or the board$/g, sweeps(". Leave $1 out of params, or uncheck every board (the scenario's own then runs)")],
  // tree-choice.ts's advice to leave the tree to the scenario, however the tree was chosen.
  [/run it without (?:--board|--dtb|--dts|the (?:board|dtb|dts|variant) option)\b/g, {
    ...sweeps("uncheck every board (the kind's own then runs)"), bugs: "choose the kind's own board",
  }],
  [/run it without other System options/g, { bugs: "choose the kind's own kernel" }],
  // unchecked-map-error without DMA-API debug: the page's box (the Sweep's group of two).
  [/add --dma-debug \(createSystem\(\{ dmaDebug: true \}\)\)/g, { ...sweeps("check DMA-API debug on"), bugs: "check DMA-API debug", module: "check DMA-API debug" }],
  // The bug kinds that need a modern kernel.
  [/\(--kernel (modern|v4\.9)\)/g, every("(kernel $1)")],
  // demo's size past what the board's DMA can map: the size to use instead.
  [/; use --size (\w+)$/g, { demo: "; give size $1", params: "; give size=$1 in params" }],
  [/; use a smaller --memory$/g, { ...every(`; ${LESS_DRAM}`), ...sweeps(`; ${SWEEP_LESS_DRAM}`) }],
  // A tree whose memory node the bootloader fills (only a board given by a file has one).
  [/give the DRAM size with --memory SIZE/g, sweeps("give the DRAM size in memory")],
  // adc-rx's refusal of a burst longer than the model requests names the bug kind that shows it.
  [/dmasim run bug --param kind=([\w-]+)/g, { ...every("the Bugs view's kind $1"), bugs: "kind $1" }],
  // formatSweep's line under a table, for the fields a cell cannot hold: the page has no --json,
  // and its chart field draws any figure of theirs by its dotted path.
  [/^\(not in the table: (\w+)(.*), each an object of figures; --json has them\)$/gm,
    sweeps("(not in the table: $1$2, each an object of figures; chart draws any figure in them, by its path: $1.…)")],
  // What is left: an option's name as the form's label.
  [/--swiotlb force/g, sweeps("swiotlb force")],
  [/--dma-debug\b/g, { ...sweeps("DMA-API debug on"), bugs: "DMA-API debug", module: "DMA-API debug" }],
  [/--(board|kernel|profile|memory|cma)\b/g, sweeps("$1")],
  [/--(board|kernel)\b/g, { bugs: "$1", demo: "$1", module: "$1" }],
];

/** `text` (an Error's message, a failed row's, a result's text) with the library's CLI phrases put
 *  as view `view`'s form names them (PHRASES). */
export function inViewWords(view, text) {
  if (!VIEWS.includes(view)) throw new Error(`examples/web: no view "${view}" has form words (${VIEWS.join(", ")})`);
  return PHRASES.reduce((t, [phrase, words]) => (words[view] === undefined ? t : t.replace(phrase, words[view])), String(text));
}

/** The Sweep view's memcpy form's words. */
export const inFormWords = (text) => inViewWords("sweep", text);
/** The Sweep view's words for a sweep whose parameters are in its params field. */
export const inParamsFormWords = (text) => inViewWords("params", text);
/** The Bugs view's words. */
export const inBugFormWords = (text) => inViewWords("bugs", text);
/** The Demo view's words. */
export const inDemoFormWords = (text) => inViewWords("demo", text);
/** The Module view's words. */
export const inModuleFormWords = (text) => inViewWords("module", text);
