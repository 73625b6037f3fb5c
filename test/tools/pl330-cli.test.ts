// `dmasim pl330 asm|disasm|conformance` as a user runs them (from dist/, which `npm test`
// builds first).

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { writeFileSync, readFileSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir } from "../helpers/temp-dir.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cli = join(root, "dist/src/cli.js");
const corpus = fileURLToPath(new URL("../../../shared/conformance/pl330/", import.meta.url));
const run = (args: string[]) => spawnSync(process.execPath, [cli, "pl330", ...args], { encoding: "utf8", cwd: root });

describe("dmasim pl330", () => {
  it("assembles a file to hex and disassembles it back", () => {
    const dir = tempDir("dmasim-pl330-");
    const src = join(dir, "memcpy.s");
    writeFileSync(src, "DMAMOV SAR, 0x100000 ; source\nloop: DMALP 4\n DMALD\n DMAST\nDMALPEND\nDMAEND\n");
    const asm = run(["asm", src]);
    expect(asm.status).toBe(0);
    expect(asm.stdout.trim()).toBe("bc0000001000" + "2003" + "04" + "08" + "3802" + "00");
    const dis = run(["disasm", asm.stdout.trim(), "--base", "0x400000"]);
    expect(dis.status).toBe(0);
    expect(dis.stdout.trim().split("\n")).toEqual([
      "0x00400000  bc 00 00 00 10 00  DMAMOV SAR, 0x00100000",
      "0x00400006  20 03              DMALP LC0, 4",
      "0x00400008  04                 DMALD",
      "0x00400009  08                 DMAST",
      "0x0040000a  38 02              DMALPEND LC0 ; back 2 to 0x00400008",
      "0x0040000c  00                 DMAEND",
    ]);
    const bin = join(dir, "memcpy.bin");
    expect(run(["asm", src, "-o", bin]).status).toBe(0);
    expect(readFileSync(bin).toString("hex")).toBe(asm.stdout.trim());
    expect(run(["disasm", bin]).stdout).toMatch(/^0x0000  bc 00 00 00 10 00  DMAMOV SAR/);
  });

  it("reports an assembly error on one line with exit status 1", () => {
    const dir = tempDir("dmasim-pl330-");
    const src = join(dir, "bad.s");
    writeFileSync(src, "DMANOP\nDMALP 999\n");
    const r = run(["asm", src]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`dmasim: error: ${src}: line 2: DMALP iterations 999 out of range 1..256`);
  });

  it("names the path it cannot read, and tells a missing file from bad hex", () => {
    const dir = tempDir("dmasim-pl330-");
    const missing = join(dir, "missing.bin");
    const cases: [string[], string][] = [
      [["asm", dir], `dmasim: error: cannot read ${dir}: is a directory (EISDIR)\n`],
      [["disasm", dir], `dmasim: error: cannot read ${dir}: is a directory (EISDIR)\n`],
      [["disasm", missing], `dmasim: error: ${missing}: no such file (and not hex bytes, which are hex digits, spaces, commas and 0x)\n`],
      [["asm", missing], `dmasim: error: cannot read ${missing}: no such file or directory (ENOENT)\n`],
      [["conformance", missing], `dmasim: error: cannot read ${missing}: no such file or directory (ENOENT)\n`],
      [["disasm", "bc0"], 'dmasim: error: not a hex byte string: "bc0"\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = run(args);
      expect(r.stderr, args.join(" ")).toBe(stderr);
      expect(r.stdout).toBe("");
      expect(r.status).toBe(1);
    }
  });

  it("names -o and says why when the output file cannot be written", () => {
    const dir = tempDir("dmasim-pl330-");
    const src = join(dir, "end.s");
    writeFileSync(src, "DMAEND\n");
    const out = join(dir, "no", "end.bin");
    const r = run(["asm", src, "-o", out]);
    expect(r.stderr).toBe(`dmasim: error: -o ${out}: cannot write there: no such directory (ENOENT)\n`);
    expect(r.stdout).toBe("");
    expect(r.status).toBe(1);
  });

  it("runs corpus files, prints failing cases and the tally, and exits 1 only on failures", () => {
    const ok = run(["conformance", join(corpus, "b_sev_interrupts.json")]);
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim().split("\n").at(-1)).toBe("10 passed, 0 failed");
    expect(ok.stdout).toMatch(/^1 documented divergences/m);
    // A copy of a case with a wrong expectation fails, by name.
    const dir = tempDir("dmasim-pl330-");
    const doc = JSON.parse(readFileSync(join(corpus, "c_dmaend.json"), "utf8"));
    doc.cases = [doc.cases.find((c: { name: string }) => c.name === "end_only")];
    doc.cases[0].expect.regs.CPC += 1;
    writeFileSync(join(dir, "broken.json"), JSON.stringify(doc));
    copyFileSync(join(corpus, "c_dmaend.json"), join(dir, "c_dmaend.json"));
    const bad = run(["conformance", dir]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL broken\.json:end_only: regs\.CPC: got 0x400001, expected 0x400002/m);
    expect(bad.stdout.trim().split("\n").at(-1)).toBe("2 passed, 1 failed") // c_dmaend: 2 pass, 1 documented divergence;
  });

  it("refuses a folder without case files instead of passing nothing", () => {
    const dir = tempDir("dmasim-pl330-");
    writeFileSync(join(dir, "notes.txt"), "no cases here\n");
    const r = run(["conformance", dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`dmasim: error: ${dir}: no conformance files (*.json) in this folder\n`);
  });

  it("names the file that is not a conformance file, on one line", () => {
    const dir = tempDir("dmasim-pl330-");
    const cases: [string, string, string][] = [
      ["empty.json", "", "not JSON: Unexpected end of JSON input"],
      ["notes.json", "# notes", `not JSON: Unexpected token '#', "# notes" is not valid JSON`],
      ["null.json", "null\n", 'no "cases" array'],
    ];
    for (const [name, text, why] of cases) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const r = run(["conformance", file]);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`dmasim: error: ${file}: not a PL330 conformance file (${why})\n`);
    }
  });
});
