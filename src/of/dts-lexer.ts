// The .dts lexer. dtc's lexer (dtc-lexer.l) switches start conditions as the grammar goes; here
// the parser says what it expects (a node or property name, a value, cells, a byte string, an
// expression) and gets that kind of token. `/include/`, comments and cpp line markers are
// handled between tokens, in any context, as dtc does. C preprocessor directives are refused
// with a pointer to cpp: dmasim reads .dts source, not what cpp would make of it.

import { byteString } from "./node.js";
import { DtsError, readIncluded, type DtsLocation, type DtsSourceOptions } from "./dts-source.js";

export type LexMode = "name" | "value" | "cells" | "bytes" | "expr";

export type Token =
  | { kind: "punct"; text: string; loc: DtsLocation }
  | { kind: "keyword"; text: string; loc: DtsLocation }
  | { kind: "label"; text: string; loc: DtsLocation }
  | { kind: "name"; text: string; loc: DtsLocation }
  /** `&label` or, braced, `&{/path}` (text without the braces). */
  | { kind: "ref"; text: string; braced: boolean; loc: DtsLocation }
  | { kind: "string"; bytes: number[]; loc: DtsLocation }
  | { kind: "int"; value: bigint; loc: DtsLocation }
  | { kind: "byte"; value: number; loc: DtsLocation }
  | { kind: "eof"; loc: DtsLocation };

export const KEYWORDS = [
  "/dts-v1/", "/plugin/", "/memreserve/", "/bits/", "/delete-node/", "/delete-property/", "/omit-if-no-ref/", "/incbin/",
];

const NAME_CHAR = /[a-zA-Z0-9,._+*#?@-]/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const PATH_CHAR = /[a-zA-Z0-9,._+*#?@\-/]/;
const OPERATORS = ["<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+", "-", "*", "/", "%", "<", ">", "&", "^", "|", "!", "~", "?", ":", "(", ")"];
const CPP_DIRECTIVE = /^#[ \t]*(include|define|undef|ifdef|ifndef|if|elif|else|endif|error|warning|pragma)(?![a-zA-Z0-9,._+*#?@-])/;
const LINE_MARKER = /^#[ \t]*(?:line)?[ \t]+([0-9]+)[ \t]+"((?:[^"\\\n]|\\.)*)"[^\n]*/;
const MAX_INCLUDE_DEPTH = 32;
const U64_MAX = (1n << 64n) - 1n;

interface Frame {
  /** Path used to resolve includes relative to this file. */
  path: string;
  /** Name errors give (a cpp line marker can change it). */
  display: string;
  src: string;
  pos: number;
  line: number;
  lineStart: number;
  /** Added to the physical line for messages (from cpp line markers). */
  lineDelta: number;
}

/** Decodes dtc's string and character escapes (util.c get_escape_char) into bytes. */
export function decodeEscapes(raw: string, at: () => DtsLocation): number[] {
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== "\\") {
      out.push(raw.charCodeAt(i) & 0xff);
      continue;
    }
    const e = raw[++i];
    const simple: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13 };
    if (e in simple) out.push(simple[e]);
    else if (e >= "0" && e <= "7") {
      let j = i;
      while (j < i + 3 && raw[j] >= "0" && raw[j] <= "7") j++;
      out.push(parseInt(raw.slice(i, j), 8) & 0xff);
      i = j - 1;
    } else if (e === "x") {
      let j = i + 1;
      while (j < i + 3 && /[0-9a-fA-F]/.test(raw[j] ?? "")) j++;
      if (j === i + 1) throw new DtsError(at(), `\\x used with no following hex digits`);
      out.push(parseInt(raw.slice(i + 1, j), 16));
      i = j - 1;
    } else out.push(raw.charCodeAt(i) & 0xff);
  }
  return out;
}

export class Lexer {
  private readonly frames: Frame[] = [];
  private cache?: { mode: LexMode; frame: Frame; pos: number; token: Token; end: number };

  constructor(
    text: string,
    private readonly options: DtsSourceOptions,
  ) {
    const name = options.name ?? "<dts>";
    this.frames.push({ path: name, display: name, src: text, pos: 0, line: 1, lineStart: 0, lineDelta: 0 });
  }

  /** The current position (after whitespace and comments). */
  loc(): DtsLocation {
    this.skipTrivia();
    return this.here();
  }

  /** Path of the file being read, for resolving /incbin/. */
  currentPath(): string {
    return this.top().path;
  }

  readFile(file: string, at: DtsLocation, what: string): Uint8Array {
    return readIncluded(this.options, file, this.currentPath(), at, what).bytes;
  }

  peek(mode: LexMode): Token {
    this.skipTrivia();
    const f = this.top();
    const c = this.cache;
    if (c && c.mode === mode && c.frame === f && c.pos === f.pos) return c.token;
    const [token, end] = this.lex(mode, f);
    this.cache = { mode, frame: f, pos: f.pos, token, end };
    return token;
  }

  next(mode: LexMode): Token {
    const token = this.peek(mode);
    const f = this.top();
    this.advance(f, this.cache!.end);
    this.cache = undefined;
    return token;
  }

  private top(): Frame {
    return this.frames[this.frames.length - 1];
  }

  private here(f = this.top(), pos = f.pos): DtsLocation {
    let line = f.line;
    let lineStart = f.lineStart;
    for (let i = f.pos; i < pos; i++) {
      if (f.src.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    return { file: f.display, line: line + f.lineDelta, col: pos - lineStart + 1 };
  }

  private advance(f: Frame, to: number): void {
    for (let i = f.pos; i < to; i++) {
      if (f.src.charCodeAt(i) === 10) {
        f.line++;
        f.lineStart = i + 1;
      }
    }
    f.pos = to;
  }

  private fail(message: string, f = this.top(), pos = f.pos): never {
    throw new DtsError(this.here(f, pos), message);
  }

  private skipTrivia(): void {
    for (;;) {
      const f = this.top();
      const s = f.src;
      if (f.pos >= s.length) {
        if (this.frames.length === 1) return;
        this.frames.pop();
        continue;
      }
      const c = s[f.pos];
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\v" || c === "\f") {
        this.advance(f, f.pos + 1);
      } else if (s.startsWith("/*", f.pos)) {
        const end = s.indexOf("*/", f.pos + 2);
        if (end < 0) this.fail("unterminated comment");
        this.advance(f, end + 2);
      } else if (s.startsWith("//", f.pos)) {
        const end = s.indexOf("\n", f.pos);
        this.advance(f, end < 0 ? s.length : end);
      } else if (c === "#" && /^[ \t]*$/.test(s.slice(f.lineStart, f.pos))) {
        const rest = s.slice(f.pos, s.indexOf("\n", f.pos) < 0 ? s.length : s.indexOf("\n", f.pos));
        const marker = LINE_MARKER.exec(rest);
        const directive = CPP_DIRECTIVE.exec(rest);
        if (marker) {
          this.advance(f, f.pos + marker[0].length);
          // The marker names the line that follows it.
          f.lineDelta = Number(marker[1]) - (f.line + 1);
          f.display = marker[2];
        } else if (directive) {
          this.fail(
            `"#${directive[1]}" is a C preprocessor directive, which .dts syntax does not have: run the file through cpp first ` +
              `as the kernel's build does (cpp -nostdinc -I KERNEL/include -undef -D__DTS__ -x assembler-with-cpp -P FILE > OUT.dts, ` +
              `KERNEL/include holding the dt-bindings/ headers), then give FILE's directory with -i DIR for the /include/s left in OUT.dts; ` +
              `or use /include/ "FILE" for plain .dtsi files`,
          );
        } else return;
      } else if (s.startsWith("/include/", f.pos)) {
        const at = this.here();
        let p = f.pos + "/include/".length;
        while (p < s.length && (s[p] === " " || s[p] === "\t" || s[p] === "\n" || s[p] === "\r")) p++;
        if (s[p] !== '"') this.fail(`/include/ needs a file name in double quotes`, f, p);
        const end = this.stringEnd(f, p);
        const file = String.fromCharCode(...decodeEscapes(s.slice(p + 1, end - 1), () => at));
        this.advance(f, end);
        if (this.frames.length >= MAX_INCLUDE_DEPTH) throw new DtsError(at, `/include/ nested deeper than ${MAX_INCLUDE_DEPTH} files (an include loop?)`);
        const { path, bytes } = readIncluded(this.options, file, f.path, at, "/include/");
        this.frames.push({ path, display: path, src: byteString(bytes), pos: 0, line: 1, lineStart: 0, lineDelta: 0 });
      } else return;
    }
  }

  /** Position just after the closing quote of the string opening at `start`. */
  private stringEnd(f: Frame, start: number): number {
    const s = f.src;
    for (let i = start + 1; i < s.length; i++) {
      if (s[i] === "\\") i++;
      else if (s[i] === '"') return i + 1;
    }
    return this.fail("unterminated string (no closing '\"')", f, start);
  }

  private lex(mode: LexMode, f: Frame): [Token, number] {
    const s = f.src;
    const p = f.pos;
    const loc = this.here(f, p);
    if (p >= s.length) return [{ kind: "eof", loc }, p];
    const c = s[p];

    if (mode === "expr") {
      if (/[0-9']/.test(c)) return this.lexInt(f, p, loc);
      const op = OPERATORS.find((o) => s.startsWith(o, p));
      if (op) return [{ kind: "punct", text: op, loc }, p + op.length];
      return [{ kind: "punct", text: c, loc }, p + 1];
    }

    if (mode === "bytes") {
      const label = this.lexLabel(f, p, loc);
      if (label) return label;
      if (/[0-9a-fA-F]/.test(c)) {
        if (!/[0-9a-fA-F]/.test(s[p + 1] ?? "")) this.fail("a byte string needs two hex digits per byte", f, p);
        return [{ kind: "byte", value: parseInt(s.slice(p, p + 2), 16), loc }, p + 2];
      }
      return [{ kind: "punct", text: c, loc }, p + 1];
    }

    if (c === "/") {
      const m = /^\/[a-zA-Z0-9-]+\//.exec(s.slice(p, p + 24));
      if (m) {
        if (!KEYWORDS.includes(m[0])) this.fail(`unknown directive ${m[0]}`, f, p);
        return [{ kind: "keyword", text: m[0], loc }, p + m[0].length];
      }
    }
    if (c === "&") {
      if (s[p + 1] === "{") {
        if (s[p + 2] !== "/") this.fail("a path reference must be &{/full/path}", f, p);
        let i = p + 2;
        while (i < s.length && PATH_CHAR.test(s[i])) i++;
        if (s[i] !== "}") this.fail("a path reference &{…} must end with '}' and hold only node-name characters and '/'", f, i);
        return [{ kind: "ref", text: s.slice(p + 2, i), braced: true, loc }, i + 1];
      }
      const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(s.slice(p + 1, p + 256));
      if (!m) this.fail("'&' must be followed by a label or by {/path}", f, p);
      return [{ kind: "ref", text: m[0], braced: false, loc }, p + 1 + m[0].length];
    }

    if (mode === "name") {
      let i = p;
      if (s[i] === "\\") i++;
      const start = i;
      while (i < s.length && NAME_CHAR.test(s[i])) i++;
      if (i > start) {
        const text = s.slice(start, i);
        if (s[i] === ":" && start === p && LABEL.test(text)) return [{ kind: "label", text, loc }, i + 1];
        return [{ kind: "name", text, loc }, i];
      }
      return [{ kind: "punct", text: c, loc }, p + 1];
    }

    const label = this.lexLabel(f, p, loc);
    if (label) return label;
    if (mode === "value" && c === '"') {
      const end = this.stringEnd(f, p);
      return [{ kind: "string", bytes: decodeEscapes(s.slice(p + 1, end - 1), () => loc), loc }, end];
    }
    if (/[0-9']/.test(c)) return this.lexInt(f, p, loc);
    return [{ kind: "punct", text: c, loc }, p + 1];
  }

  private lexLabel(f: Frame, p: number, loc: DtsLocation): [Token, number] | undefined {
    const m = /^[a-zA-Z_][a-zA-Z0-9_]*:/.exec(f.src.slice(p, p + 256));
    return m ? [{ kind: "label", text: m[0].slice(0, -1), loc }, p + m[0].length] : undefined;
  }

  /** An integer literal (with dtc's U/L suffixes; a leading 0 means octal, as strtoull) or a
   *  character literal. */
  private lexInt(f: Frame, p: number, loc: DtsLocation): [Token, number] {
    const s = f.src;
    if (s[p] === "'") {
      let i = p + 1;
      for (; i < s.length && s[i] !== "'"; i++) if (s[i] === "\\") i++;
      if (i >= s.length) this.fail("unterminated character literal", f, p);
      const bytes = decodeEscapes(s.slice(p + 1, i), () => loc);
      if (bytes.length !== 1) this.fail(bytes.length ? `character literal has ${bytes.length} characters instead of 1` : "empty character literal", f, p);
      return [{ kind: "int", value: BigInt(bytes[0]), loc }, i + 1];
    }
    const m = /^(0[xX][0-9a-fA-F]+|[0-9]+)(ULL|UL|LL|U|L)?/.exec(s.slice(p, p + 64))!;
    const end = p + m[0].length;
    const digits = m[1];
    if (/[a-zA-Z0-9_]/.test(s[end] ?? "") || (digits.length > 1 && digits[0] === "0" && !/^0[xX]/.test(digits) && /[89]/.test(digits))) {
      let i = end;
      while (i < s.length && NAME_CHAR.test(s[i])) i++;
      this.fail(`bad integer literal '${s.slice(p, i)}'`, f, p);
    }
    const value = /^0[xX]/.test(digits) ? BigInt(digits) : digits.length > 1 && digits[0] === "0" ? BigInt("0o" + digits.slice(1)) : BigInt(digits);
    if (value > U64_MAX) this.fail(`integer literal '${digits}' out of range`, f, p);
    return [{ kind: "int", value, loc }, end];
  }
}
