// The library's text in the words of the page's forms. The library words its advice for the CLI
// (`run it without --board`, `use --size 256K`): on the page those read as options the user
// cannot find. Each view's rewrites turn such phrases into its form's labels (index.html); the
// rest of the text, the kernel's part, stays as it is. The CLI keeps its own words: only the page
// calls these.
//
// The Sweep: a sweep's error in its form's words. The library words its errors for `dmasim sweep`
// (`--board arm64-highmem`, `--swiotlb force`, `a larger --swiotlb N`), and the page builds
// swiotlb='s text from two controls ("N" from swiotlb slabs, ",force" from the box). REWRITES
// use the form's labels: board, kernel, swiotlb slabs, swiotlb force, profile, sizes, bursts,
// channels, buffers, block, workers. Several boards or kernels checked are runSweep's `systems`, whose
// refusals name the API ("runSweep: systems …"): on the page they name the boxes.

/** memcpy's parameters by the labels of the controls that hold them. */
const PARAM_LABELS = { size: "sizes", burst: "bursts", channels: "channels", buffers: "buffers", block: "block" };

const label = (param) => PARAM_LABELS[param] ?? param;

/** [the library's phrase, the form's], in order: the specific phrases before the general ones. */
const REWRITES = [
  // checkBounced: the API's spelling in brackets is no help on the page either.
  [/pass --swiotlb force \(createSystem option swiotlb: \{ force: true \}\)/g, "check swiotlb force"],
  [/a larger --swiotlb N \(slabs of 2 KiB\)/g, "more swiotlb slabs (2 KiB each)"],
  // swiotlb= as the page built it, quoted back: the slab count is what the user typed. "force"
  // is the box's only as the page adds it (all of the text, or after a comma): slabs typed
  // "xforce" are quoted whole.
  [/swiotlb: "(?:([^"]*),)?force"/g, 'swiotlb slabs: "$1"'],
  [/swiotlb: "([^"]*)"/g, 'swiotlb slabs: "$1"'],
  [/ is not a slab count or "force"/g, " is not a slab count"],
  [/try force, 32768 or 32768,force/g, "try 32768"],
  // createSystem's refusal of swiotlb on a board without one.
  [/(which has no swiotlb on either kernel \([^)]*\)); leave the option out/g, "$1; leave swiotlb slabs empty and swiotlb force unchecked"],
  [/sweep parameter "(\w+)" has no values/g, (_, param) => `${label(param)}: none given`],
  // No board or no kernel checked: an axis of no values.
  [/runSweep: systems "(\w+)" has no values/g, "$1: none given"],
  // A System compared that createSystem would refuse (a kernel or board from the address) is
  // refused as the same one alone is, without the API's name for the list.
  [/runSweep: systems: /g, ""],
  // The page boots built-in boards only: it has no tree to give instead.
  [/; or (pass|give system) a dtb\b/g, ""],
  [/--swiotlb force/g, "swiotlb force"],
  [/--(board|kernel|profile)\b/g, "$1"],
];

// Every view: a board whose DRAM the browser would not back (it refused to grow the emulator's
// wasm memory) is refused with "use a smaller --memory". The page gives no DRAM size: `memory`
// would replace a board's banks by one at the first's base (arm64-highmem would lose the RAM
// above 4 GiB it exists for, and a bug kind the layout it was chosen for), so the page's way to
// less DRAM is a smaller board.
const MEMORY_REWRITES = [[/; use a smaller --memory$/, "; choose a board with less DRAM (each board's description says how much)"]];
const SWEEP_MEMORY_REWRITES = [[/; use a smaller --memory$/, "; check boards with less DRAM instead (each board's description says how much)"]];

const rewrite = (text, rewrites) => rewrites.reduce((t, [phrase, words]) => t.replace(phrase, words), String(text));

/** `message` (an Error's, a failed row's) with the CLI's option names put as the Sweep form names them. */
export function inFormWords(message) {
  return rewrite(message, [...SWEEP_MEMORY_REWRITES, ...REWRITES]);
}

// A sweep of another built-in scenario, or of a module: its parameters are all in one field,
// params (`size=4K,64K`, as `--param size=4K,64K`), not in memcpy's sizes, bursts…. A built-in
// scenario with a System of its own (bug's kinds, uart-tx's and adc-rx's peripheral models) runs
// on it when no board is checked, as `dmasim sweep` does without --board: the advice to leave
// the board to it (modelParamText, a bug kind's symptom) names the boxes.
const PARAMS_REWRITES = [
  [/sweep parameter "(\w+)" has no values/g, "params: $1= has no values"],
  [/ on a board given with --board\/--dtb: /g, " on a board checked: "],
  [/\. Leave out (.*), or the board$/g, ". Leave $1 out of params, or uncheck every board (the scenario's own then runs)"],
  [/run it without (?:--board|--dtb|--dts|the (?:board|dtb|dts|variant) option)\b/g, "uncheck every board (the kind's own then runs)"],
];

/** `message` in the Sweep form's words for a sweep whose parameters are in its params field. */
export function inParamsFormWords(message) {
  return rewrite(message, [...PARAMS_REWRITES, ...SWEEP_MEMORY_REWRITES, ...REWRITES]);
}

// The Bugs view: a kind run on a System that cannot show it says so in its symptom (or, for a
// board with no UART to send on, its error), with the advice to leave the tree to the kind, in
// the words of how it was chosen (tree-choice.ts: the library's "the board option" for the
// page's board, --board/--dtb/--dts for the CLI's, "other System options" on the kind's own);
// burst-on-single-requests on v4.9 names the kernel that shows it, unchecked-map-error the
// DMA-API debug that reports it. The form's board choice for `dmasim run bug` without --board is
// "the kind's own"; its kernel choice is named kernel, --dma-debug its box DMA-API debug.
const BUG_REWRITES = [
  [/add --dma-debug \(createSystem\(\{ dmaDebug: true \}\)\)/g, "check DMA-API debug"],
  [/run it without (?:--board|--dtb|--dts|the (?:board|dtb|dts|variant) option)\b/g, "choose the kind's own board"],
  // On the kind's own board, the page's other choice is the kernel (DMA-API debug spoils no kind).
  [/run it without other System options/g, "choose the kind's own kernel"],
  [/\(--kernel (modern|v4\.9)\)/g, "(kernel $1)"],
];

/** A bug run's text (its fields, or its error) with the CLI's options put as the Bugs form names them. */
export function inBugFormWords(text) {
  return rewrite(text, [...BUG_REWRITES, ...MEMORY_REWRITES]);
}

// The Demo view: a size larger than the board's DMA can map is refused with the size to use
// instead, which the page's size field takes as typed.
const DEMO_REWRITES = [[/; use --size (\w+)$/, "; give size $1"]];

/** A demo's error with the CLI's --size put as the Demo form names it. */
export function inDemoFormWords(text) {
  return rewrite(text, [...DEMO_REWRITES, ...MEMORY_REWRITES]);
}
