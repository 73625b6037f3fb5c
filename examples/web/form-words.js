// A sweep's error in the Sweep form's words. The library words its errors for `dmasim sweep`
// (`--board arm64-highmem`, `--swiotlb force`, `a larger --swiotlb N`), and the page builds
// swiotlb='s text from two controls ("N" from swiotlb slabs, ",force" from the box): on the page
// those read as options the user cannot find. Each rewrite below turns one such phrase into the
// form's labels (index.html: board, kernel, swiotlb slabs, swiotlb force, sizes, bursts, channels,
// buffers, block, workers); the rest of the message, the kernel's part, stays as it is. Several
// boards or kernels checked are runSweep's `systems`, whose refusals name the API ("runSweep:
// systems …"): on the page they name the boxes. The CLI keeps its own words: only the page calls
// this.

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
  [/--(board|kernel)\b/g, "$1"],
];

/** `message` (an Error's, a failed row's) with the CLI's option names put as the form names them. */
export function inFormWords(message) {
  return REWRITES.reduce((text, [phrase, words]) => text.replace(phrase, words), String(message));
}
