// A sweep's System options as a person types them: `dmasim sweep --memory 256M,512M --cma 1M,16M
// --swiotlb 1024,force,0 --dma-debug=off,on`, and the browser page's memory, cma and DMA-API debug
// fields. One reading for both, so that the page compares what the CLI compares: a comma list
// holds the values of an axis (runSweep's `systems`, sweep-systems.ts), one value is the System
// every job boots. Sizes and cma='s SIZE@BASE-LIMIT have no comma of their own; swiotlb='s text
// does (N,force), so its list reads as the kernel reads the parameter; DMA-API debug is a switch,
// its values on and off.

/** The values a list typed for System option `option` (the CLI's name: "memory", "cma",
 *  "swiotlb", "dma-debug", "board", …) holds, in order, empty ones left out. */
export function systemOptionValues(option: string, text: string): string[] {
  return option === "swiotlb" ? swiotlbValues(text) : text.split(",").filter((v) => v.length);
}

/** A swiotlb= list's values. swiotlb= itself takes `N,force` and `N,noforce` (a count, then a
 *  word), so a word right after a count belongs to it, as the kernel would read it:
 *  `1024,force,0` compares `1024,force` with `0`, and `0` beside `noforce` alone is written with
 *  the word first, `noforce,0`. `|` between values, as a sweep's heading lists them
 *  (`128,force|0|noforce`), is taken too, and then only it separates. */
export function swiotlbValues(text: string): string[] {
  if (text.includes("|")) return text.split("|").filter((v) => v.length);
  const values: string[] = [];
  for (const part of text.split(",").filter((v) => v.length)) {
    const last = values.length - 1;
    const word = part === "force" || part === "noforce";
    if (word && last >= 0 && /^(0x[0-9a-f]+|[0-9]+)$/i.test(values[last])) values[last] += `,${part}`;
    else values.push(part);
  }
  return values;
}

/** The words DMA-API debug's switch takes (`--dma-debug=off`, the page's off and on boxes), and
 *  whether each turns it on. */
const DMA_DEBUG_WORDS: Record<string, boolean> = { on: true, true: true, off: false, false: false };

/** Whether `text` turns DMA-API debug (CONFIG_DMA_API_DEBUG: createSystem's dmaDebug) on or
 *  leaves it off; undefined for a word the switch does not take, which the caller refuses in its
 *  own words (the CLI's `--dma-debug=on`, the page's boxes). */
export function dmaDebugValue(text: string): boolean | undefined {
  return Object.hasOwn(DMA_DEBUG_WORDS, text) ? DMA_DEBUG_WORDS[text] : undefined;
}
