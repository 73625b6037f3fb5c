// `dmasim pl330 asm FILE.s [--base ADDR] [-o OUT.bin]`: assemble TRM mnemonics; prints the
//    program as hex (what `disasm` and the conformance corpus use), or writes the bytes.
// `dmasim pl330 disasm HEX|FILE [--base ADDR]`: one instruction per line with its offset.
// `dmasim pl330 conformance PATH... [--verbose]`: run conformance case files or folders as
//    ../shared/conformance/pl330/README.md describes; one line per failing case, then
//    `N passed, M failed`; exit status 0 only when none failed.

import { writeFileSync, existsSync, statSync } from "node:fs";
import { assemble, AsmError } from "../tools/pl330/assembler.js";
import { formatListing, parseHex } from "../tools/pl330/disassembler.js";
import { loadCases, runCases } from "../tools/pl330/conformance.js";
import { checkOptions, flag, has, UsageError, type ParsedArgs } from "./args.js";
import { readInput } from "./dt.js";
import { cannotReadError, cannotWriteError } from "./host-error.js";

export const PL330_USAGE = `  pl330 asm FILE.s  assemble DMA-330 mnemonics; prints hex
    --base ADDR     load address for labels used as immediates (default 0)
    -o, --out FILE  write the bytes to FILE instead
  pl330 disasm HEX|FILE   disassemble hex bytes, or a file (binary, or text holding hex):
                    an existing file is read; otherwise the argument must be hex
    --base ADDR     address of the first byte (default 0)
  pl330 conformance PATH...   run PL330 conformance case files or folders
    --verbose       also list the documented divergences`;

function parseAddress(s: string | undefined, what: string): number {
  if (s === undefined) return 0;
  const v = Number(s);
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new UsageError(`${what}: "${s}" is not an address`);
  return v;
}

function asmCommand(a: ParsedArgs): number {
  checkOptions(a, "pl330 asm", ["base", "out"]);
  const file = a.positionals[0];
  if (!file) throw new UsageError("pl330 asm needs a source file");
  let bytes: Uint8Array;
  try {
    bytes = assemble(new TextDecoder().decode(readInput(file)), { base: parseAddress(flag(a, "base"), "--base") }).bytes;
  } catch (e) {
    if (e instanceof AsmError) throw new Error(`${file}: ${e.message}`);
    throw e;
  }
  const out = flag(a, "out");
  if (out) {
    try {
      writeFileSync(out, bytes);
    } catch (e) {
      throw cannotWriteError("-o", out, e);
    }
  } else console.log(Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""));
  return 0;
}

/** What hex bytes are written with; an argument of anything else names a file. */
const HEX_TEXT = /^[\s0-9a-fA-Fx,]*$/;

function disasmCommand(a: ParsedArgs): number {
  checkOptions(a, "pl330 disasm", ["base"]);
  const arg = a.positionals.join(" ");
  if (!arg) throw new UsageError("pl330 disasm needs hex bytes or a file");
  let bytes: Uint8Array;
  if (a.positionals.length === 1 && existsSync(arg)) {
    const raw = readInput(arg);
    const text = Buffer.from(raw).toString("latin1");
    bytes = HEX_TEXT.test(text) && /[0-9a-f]/i.test(text) ? parseHex(text) : raw;
  } else if (a.positionals.length === 1 && !HEX_TEXT.test(arg)) {
    throw new Error(`${arg}: no such file (and not hex bytes, which are hex digits, spaces, commas and 0x)`);
  } else bytes = parseHex(arg);
  console.log(formatListing(bytes, parseAddress(flag(a, "base"), "--base")));
  return 0;
}

async function conformanceCommand(a: ParsedArgs): Promise<number> {
  checkOptions(a, "pl330 conformance", ["verbose"]);
  if (!a.positionals.length) throw new UsageError("pl330 conformance needs case files or folders");
  for (const p of a.positionals) {
    try {
      statSync(p);
    } catch (e) {
      throw cannotReadError(p, e);
    }
  }
  const s = await runCases(loadCases(a.positionals));
  for (const o of s.outcomes) {
    const where = `${o.file ? `${o.file}:` : ""}${o.name}`;
    if (o.status === "fail") console.log(`FAIL ${where}: ${o.detail[0]}${o.detail.length > 1 ? ` (+${o.detail.length - 1} more)` : ""}`);
    else if (o.status === "divergence" && has(a, "verbose")) console.log(`DIVERGENCE ${where}: ${o.detail[0]}`);
  }
  console.log(`${s.divergences} documented divergences (docs/pl330-divergences.md)`);
  console.log(`${s.passed} passed, ${s.failed} failed`);
  return s.failed === 0 ? 0 : 1;
}

export async function pl330Command(a: ParsedArgs): Promise<number> {
  const sub = a.positionals.shift();
  if (sub === "asm") return asmCommand(a);
  if (sub === "disasm") return disasmCommand(a);
  if (sub === "conformance") return conformanceCommand(a);
  throw new UsageError(`pl330: unknown subcommand "${sub ?? ""}" (asm, disasm or conformance)`);
}
