// Where .dts text comes from: the files (the main one and what `/include/` and `/incbin/` name),
// positions in them for error messages ("board.dts:12:5: …"), and how include paths resolve
// (dtc's rule: the including file's directory first, then the -i directories).

import { DtError, byteString } from "./node.js";

export interface DtsLocation {
  file: string;
  /** 1-based line and column (columns count bytes, as dtc does). */
  line: number;
  col: number;
}

export class DtsError extends DtError {
  constructor(
    readonly location: DtsLocation,
    readonly detail: string,
  ) {
    super(`${formatLocation(location)}: ${detail}`);
  }
}

export function formatLocation(loc: DtsLocation): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/** Where a node or property definition stands in the source: dtc's srcpos, from its first byte
 *  (a property's name, a node's '{') to just past its ';'. */
export interface DtsSpan extends DtsLocation {
  endLine: number;
  /** The column just past the last byte. */
  endCol: number;
}

/** The span from `start` to just past the one-byte token at `last` (a ';'). */
export function spanThrough(start: DtsLocation, last: DtsLocation): DtsSpan {
  return { ...start, endLine: last.line, endCol: last.col + 1 };
}

/** A span as dtc prints it before a warning (srcpos_string): "file:L.C-C" on one line,
 *  "file:L.C-L.C" across lines. */
export function formatSpan(s: DtsSpan): string {
  if (s.line !== s.endLine) return `${s.file}:${s.line}.${s.col}-${s.endLine}.${s.endCol}`;
  return s.col !== s.endCol ? `${s.file}:${s.line}.${s.col}-${s.endCol}` : `${s.file}:${s.line}.${s.col}`;
}

/** Reads a file's bytes, or returns undefined when there is none at that path. */
export type DtsFileReader = (path: string) => Uint8Array | undefined;

export interface DtsSourceOptions {
  /** The name errors give the main source (a file name; default "<dts>"). */
  name?: string;
  /** Reads files for `/include/` and `/incbin/`; without one, both are errors. */
  readFile?: DtsFileReader;
  /** Directories searched after the including file's own (dtc -i). */
  includeDirs?: string[];
}

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}

function join(dir: string, file: string): string {
  if (dir === ".") return file;
  return dir.endsWith("/") ? dir + file : `${dir}/${file}`;
}

/** Resolves `file` as included from `from` and reads it. */
export function readIncluded(options: DtsSourceOptions, file: string, from: string, at: DtsLocation, what: string): { path: string; bytes: Uint8Array } {
  const read = options.readFile;
  if (!read) throw new DtsError(at, `cannot read "${file}" for ${what}: no file access here (compile with "dmasim dt", which reads files)`);
  const candidates = file.startsWith("/") ? [file] : [join(dirname(from), file), ...(options.includeDirs ?? []).map((d) => join(d, file))];
  for (const path of candidates) {
    const bytes = read(path);
    if (bytes) return { path, bytes };
  }
  // cpp's output usually lands away from the tree it came from, whose /include/s it keeps.
  throw new DtsError(at, `cannot find "${file}" for ${what} (looked in ${candidates.map(dirname).join(", ")}; another directory: -i DIR, as dtc takes it)`);
}

/** Text as dtc sees it: one char per byte of its UTF-8 encoding. */
export function stringToSource(text: string): string {
  return byteString(new TextEncoder().encode(text));
}
