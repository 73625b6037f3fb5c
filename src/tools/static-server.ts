// A minimal static file server for the browser demo (and its end-to-end test): serves the
// package root on localhost with the MIME types a module page and wasm need. The bare address
// sends the browser on to the page (`home`), so the address a user types or clicks opens the demo.

import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".dtb": "application/octet-stream",
  ".css": "text/css",
  ".svg": "image/svg+xml",
};

export function serveStatic(root: string, port = 0, host = "127.0.0.1", home?: string): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    let path: string;
    try {
      path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    } catch {
      // A handler that throws would end the process: a malformed request must not stop the demo.
      res.writeHead(400).end("bad request");
      return;
    }
    if (home && (path === "/" || path === ".")) {
      res.writeHead(302, { location: home }).end();
      return;
    }
    // A folder's address serves its index.html, as any web server does.
    if (path.endsWith("/")) path += "index.html";
    try {
      const body = await readFile(join(root, path));
      res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject); // a port in use (EADDRINUSE) or not ours to take (EACCES)
    server.listen(port, host, () => {
      server.off("error", reject);
      const a = server.address();
      resolve({ server, url: `http://${host}:${typeof a === "object" && a ? a.port : port}` });
    });
  });
}
