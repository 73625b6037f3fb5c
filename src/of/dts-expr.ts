// Integer expressions in .dts cells, as dtc's grammar has them (dtc-parser.y): a primary is a
// literal, a character literal or a parenthesised expression; inside parentheses C's operators
// with C's precedence, evaluated in unsigned 64-bit arithmetic. Shifts by 64 or more give 0 and
// division by zero is an error, as in dtc.

import type { Lexer, Token } from "./dts-lexer.js";
import { DtsError } from "./dts-source.js";

const MASK = (1n << 64n) - 1n;
/** Nesting of parentheses, unary operators and ?: that an expression may have. dtc's parser
 *  has no such limit short of its stack; dmasim's recursion must not reach the host's. */
export const MAX_EXPR_DEPTH = 64;
const u64 = (v: bigint) => v & MASK;

/** Binary operators by precedence level, loosest first (the ternary sits above them). */
const LEVELS: string[][] = [["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<", ">", "<=", ">="], ["<<", ">>"], ["+", "-"], ["*", "/", "%"]];

function apply(op: string, a: bigint, b: bigint, tok: Token): bigint {
  switch (op) {
    case "||": return a !== 0n || b !== 0n ? 1n : 0n;
    case "&&": return a !== 0n && b !== 0n ? 1n : 0n;
    case "|": return a | b;
    case "^": return a ^ b;
    case "&": return a & b;
    case "==": return a === b ? 1n : 0n;
    case "!=": return a !== b ? 1n : 0n;
    case "<": return a < b ? 1n : 0n;
    case ">": return a > b ? 1n : 0n;
    case "<=": return a <= b ? 1n : 0n;
    case ">=": return a >= b ? 1n : 0n;
    case "<<": return b < 64n ? u64(a << b) : 0n;
    case ">>": return b < 64n ? a >> b : 0n;
    case "+": return u64(a + b);
    case "-": return u64(a - b);
    case "*": return u64(a * b);
    case "/":
    case "%":
      if (b === 0n) throw new DtsError(tok.loc, "division by zero");
      return op === "/" ? a / b : a % b;
  }
  throw new DtsError(tok.loc, `unknown operator ${op}`);
}

/** integer_prim: a literal, a character literal or `( expression )`. */
export function parseIntegerPrim(lex: Lexer, mode: "value" | "cells" | "expr", depth = 0): { value: bigint; token: Token } {
  const t = lex.next(mode);
  if (t.kind === "int") return { value: t.value, token: t };
  if (t.kind === "punct" && t.text === "(") {
    const value = parseTernary(lex, depth + 1);
    const close = lex.next("expr");
    if (close.kind !== "punct" || close.text !== ")") throw new DtsError(close.loc, `syntax error: expected ')' to close the expression`);
    return { value, token: t };
  }
  throw new DtsError(t.loc, `syntax error: expected a number, a character literal or '(' expression ')'`);
}

function tooDeep(lex: Lexer, depth: number): void {
  if (depth > MAX_EXPR_DEPTH) throw new DtsError(lex.peek("expr").loc, `expression nested deeper than ${MAX_EXPR_DEPTH}`);
}

function parseUnary(lex: Lexer, depth: number): bigint {
  tooDeep(lex, depth);
  const t = lex.peek("expr");
  if (t.kind === "punct" && (t.text === "-" || t.text === "~" || t.text === "!")) {
    lex.next("expr");
    const v = parseUnary(lex, depth + 1);
    if (t.text === "-") return u64(-v);
    if (t.text === "~") return u64(~v);
    return v === 0n ? 1n : 0n;
  }
  return parseIntegerPrim(lex, "expr", depth).value;
}

function parseLevel(lex: Lexer, level: number, depth: number): bigint {
  if (level === LEVELS.length) return parseUnary(lex, depth);
  let left = parseLevel(lex, level + 1, depth);
  for (;;) {
    const t = lex.peek("expr");
    if (t.kind !== "punct" || !LEVELS[level].includes(t.text)) return left;
    lex.next("expr");
    const right = parseLevel(lex, level + 1, depth);
    left = apply(t.text, left, right, t);
  }
}

function parseTernary(lex: Lexer, depth: number): bigint {
  tooDeep(lex, depth);
  const cond = parseLevel(lex, 0, depth);
  const t = lex.peek("expr");
  if (t.kind !== "punct" || t.text !== "?") return cond;
  lex.next("expr");
  const a = parseTernary(lex, depth + 1);
  const colon = lex.next("expr");
  if (colon.kind !== "punct" || colon.text !== ":") throw new DtsError(colon.loc, "syntax error: expected ':' in a ?: expression");
  const b = parseTernary(lex, depth + 1);
  return cond !== 0n ? a : b;
}
