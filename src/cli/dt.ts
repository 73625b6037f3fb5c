// `dmasim dt IN [-I FMT] [-O dts|dtb|json] [-o OUT] [-V VERSION] [-i DIR]`: converts a device
// tree between .dts source, blobs and JSON, writing what dtc would for the same input (the
// same checks refuse the same trees). The input format comes from the content; the output
// format from -O, else from OUT's extension, else dtb for .dts input and dts otherwise (dtc's
// defaults). IN or OUT "-" is stdin or stdout. dtc's warnings for the properties dmasim reads
// go to stderr in dtc's words; like dtc, the tree is written all the same and the exit status
// is 0.

import { readFileSync, writeFileSync } from "node:fs";
import { readDeviceTree, hostFileReader, type TreeFormat } from "../of/load.js";
import { checkTree } from "../of/checks.js";
import { dtcWarnings, formatDtWarning } from "../of/dtc-warnings.js";
import { writeFdt } from "../of/fdt-write.js";
import { writeDts } from "../of/dts-write.js";
import { writeJson } from "../of/json.js";
import { checkOptions, flag, UsageError, type ParsedArgs } from "./args.js";
import { writeStdout } from "./stdout.js";
import { cannotReadError, cannotWriteError } from "./host-error.js";

const FORMATS: TreeFormat[] = ["dts", "dtb", "json"];

function format(value: string | undefined, option: string): TreeFormat | undefined {
  if (value === undefined) return undefined;
  if (!FORMATS.includes(value as TreeFormat)) throw new UsageError(`${option} must be dts, dtb or json, not "${value}"`);
  return value as TreeFormat;
}

function formatByName(path: string | undefined): TreeFormat | undefined {
  if (!path) return undefined;
  if (/\.dts$/.test(path)) return "dts";
  if (/\.dtbo?$/.test(path)) return "dtb";
  if (/\.json$/.test(path)) return "json";
  return undefined;
}

/** An input file's bytes (`-`: stdin). A file that cannot be read is an error of the run, not
 *  of its usage: "dmasim: error: cannot read FILE: no such file or directory (ENOENT)", the same
 *  for dt, --dtb/--dts, pl330 and fuzz --corpus. */
export function readInput(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path === "-" ? 0 : path));
  } catch (e) {
    throw cannotReadError(path, e);
  }
}

export async function dtCommand(a: ParsedArgs): Promise<number> {
  checkOptions(a, "dt", ["out", "out-format", "in-format", "out-version", "include"]);
  const [input, ...extra] = a.positionals;
  if (!input) throw new UsageError("dt needs an input file (dmasim dt IN [-O dts|dtb|json] [-o OUT])");
  if (extra.length) throw new UsageError(`dt takes one input file, not also "${extra[0]}"`);
  const out = flag(a, "out");
  const versionText = flag(a, "out-version");
  const version = versionText === undefined ? undefined : Number(versionText);
  if (versionText !== undefined && !Number.isInteger(version)) throw new UsageError(`-V must be an FDT version number, not "${versionText}"`);

  const { tree, format: inFormat } = readDeviceTree(readInput(input), {
    name: input === "-" ? "<stdin>" : input,
    format: format(flag(a, "in-format"), "-I"),
    readFile: hostFileReader(),
    includeDirs: a.flags.get("include") ?? [],
  });
  // A compiled .dts has been checked already; blobs and JSON get dtc's checks here.
  if (inFormat !== "dts") checkTree(tree);
  const outFormat = format(flag(a, "out-format"), "-O") ?? formatByName(out) ?? (inFormat === "dts" ? "dtb" : "dts");
  const data = outFormat === "dtb" ? writeFdt(tree, { version }) : outFormat === "dts" ? writeDts(tree) : writeJson(tree);
  if (!out || out === "-") await writeStdout(data);
  else {
    try {
      writeFileSync(out, data);
    } catch (e) {
      throw cannotWriteError("-o", out, e);
    }
  }
  // Once the tree is written (a run that fails says that alone). dtc names its output file
  // where a warning has no source position.
  const outName = !out || out === "-" ? "<stdout>" : out;
  for (const w of dtcWarnings(tree)) process.stderr.write(`${formatDtWarning(w, outName)}\n`);
  return 0;
}
