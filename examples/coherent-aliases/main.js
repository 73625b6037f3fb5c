// The seed's observation, reproduced: a coherent DMA buffer is mapped twice in the kernel page
// tables. Run from the package root after `npm run build`:
//
//   node examples/coherent-aliases/main.js [--kernel v4.9|modern] [--board arm64-ref|zynq-7000]
//
// On the arm64 board with the 4.9 kernel (the default here), the buffer's linear-map alias sits
// in a cacheable 2 MB block at 0xffffffc0…, and dma_alloc_coherent's remap maps the same pages
// Normal non-cacheable with 4 KB PTEs at 0xffffff80….

import { createSystem, formatCoherentAliases } from "../../dist/src/index.js";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
};

const system = await createSystem({ board: arg("board", "arm64-ref"), kernel: arg("kernel", "v4.9") });
console.log(formatCoherentAliases(system.run("coherent-aliases", { size: 8192 })));
