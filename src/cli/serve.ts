// `dmasim serve [--port N]`: serve the package so examples/web/ runs in a browser.

import { fileURLToPath } from "node:url";
import { serveStatic } from "../tools/static-server.js";
import { packageUrl } from "../resources.js";
import { checkNoWords, checkOptions, wholeFlag, type ParsedArgs } from "./args.js";

export async function serveCommand(a: ParsedArgs): Promise<number> {
  checkOptions(a, "serve", ["port"]);
  checkNoWords(a, "serve");
  const page = "/examples/web/index.html";
  const { url } = await serveStatic(fileURLToPath(packageUrl("")), wholeFlag(a, "port", 8080, 0, 65535), undefined, page);
  console.log(`dmasim: browser demo at ${url}${page} (Ctrl-C to stop)`);
  await new Promise(() => {});
  return 0;
}
