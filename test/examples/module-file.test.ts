// The browser page's scenario module: its imports of "dmasim" point at the page's bundle (a
// module worker has no import map to resolve the bare name by), and nothing else changes.

import { describe, expect, it } from "vitest";
import { withDmasimUrl } from "../../examples/web/module-file.js";

const BUNDLE = new URL("../../dist/browser/dmasim.js", import.meta.url).href;

describe("withDmasimUrl", () => {
  it("rewrites every form of import of dmasim, either quote", () => {
    const source = [
      'import { withTeardown, DMA_MEMCPY } from "dmasim";',
      "import * as dmasim from 'dmasim';",
      'import "dmasim";',
      'export { mapSingle } from"dmasim";',
      'const m = await import( "dmasim");',
    ].join("\n");
    expect(withDmasimUrl(source)).toBe([
      `import { withTeardown, DMA_MEMCPY } from "${BUNDLE}";`,
      `import * as dmasim from '${BUNDLE}';`,
      `import "${BUNDLE}";`,
      `export { mapSingle } from"${BUNDLE}";`,
      `const m = await import( "${BUNDLE}");`,
    ].join("\n"));
  });

  it("leaves other specifiers, names and strings as they are", () => {
    const source = [
      'import { x } from "dmasim-extra";',
      'import { y } from "./dmasim.js";',
      'const name = "dmasim";',
      'import { z } from "dmasim\';',
    ].join("\n");
    expect(withDmasimUrl(source)).toBe(source);
  });
});
