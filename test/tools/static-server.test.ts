// The demo's static server (`dmasim serve`, the browser tests): a request it cannot make sense
// of is answered with an error status, and the server goes on serving.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "node:http";
import { serveStatic } from "../../src/tools/static-server.js";

let server: Server;
let url: string;

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), "dmasim-static-"));
  writeFileSync(join(root, "page.html"), "<p>hello</p>");
  ({ server, url } = await serveStatic(root));
});
afterAll(() => new Promise((r) => server.close(r)));

describe("static server", () => {
  it("serves a file with its type and answers 404 for a missing one", async () => {
    const page = await fetch(`${url}/page.html`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toBe("<p>hello</p>");
    expect((await fetch(`${url}/missing.js`)).status).toBe(404);
  });

  it("answers 400 to a path that is not valid percent-encoding, and keeps serving", async () => {
    expect((await fetch(`${url}/%E0%A4%A`)).status).toBe(400);
    expect((await fetch(`${url}/page.html`)).status).toBe(200);
  });
});
