// The recursive-descent parser of calc, evaluating as it parses:
//
//   expression := term (('+' | '-') term)*
//   term       := factor (('*' | '/' | '%') factor)*
//   factor     := ('+' | '-')* (NUMBER | '(' expression ')')
//
// Binary operators are left-associative; unary signs bind tighter than any of
// them ("-2*3" is (-2)*3, "2*-3" is 2*(-3)). Arithmetic is IEEE double, as in
// JavaScript; '%' is the remainder with the sign of the dividend.
//
// Guarantees: the whole expression is checked before any arithmetic error is
// reported, so a syntax error always wins over a division by zero further
// left; the first error of each kind is the one kept. Recursion happens only
// at '(' and is limited to MAX_DEPTH levels (three calls each), so no input
// can overflow the guest's stack; long chains of operators or signs are loops.
import { CalcError, Token, TokenKind, tokenize } from "./lexer";

/** Parentheses may nest this deep. Each level costs three nested wasm calls
 *  (expression, term, factor); the qemu target allows 2000
 *  (WASM_RT_MAX_CALL_STACK_DEPTH), so this leaves more than half unused. */
export const MAX_DEPTH = 256;

export class Evaluation {
  value: f64 = 0;
  error: CalcError | null = null;
}

/** Evaluate an arithmetic expression. */
export function evaluate(source: string): Evaluation {
  const result = new Evaluation();
  const tokens = tokenize(source);
  if (tokens.error !== null) {
    result.error = tokens.error;
    return result;
  }
  if (tokens.list.length == 1) { // only End
    result.error = new CalcError("empty expression", 0);
    return result;
  }
  const p = new Parser(source, tokens.list);
  const value = p.expression();
  if (p.syntaxError === null) p.expectEnd();
  if (p.syntaxError !== null) result.error = p.syntaxError;
  else if (p.arithmeticError !== null) result.error = p.arithmeticError;
  else result.value = value;
  return result;
}

class Parser {
  private pos: i32 = 0;
  private depth: i32 = 0;
  syntaxError: CalcError | null = null;
  arithmeticError: CalcError | null = null;

  constructor(private source: string, private tokens: Token[]) {}

  private get failed(): bool { return this.syntaxError !== null; }
  private peek(): Token { return this.tokens[this.pos]; }

  private text(t: Token): string { return this.source.slice(t.start, t.end); }

  private syntax(message: string, index: i32, hint: string = ""): void {
    if (this.syntaxError === null) this.syntaxError = new CalcError(message, index, hint);
  }

  private unexpected(t: Token, expected: string): void {
    if (t.kind == TokenKind.End) {
      const prev = this.tokens[this.pos - 1]; // End is never first here
      this.syntax("missing operand after '" + this.text(prev) + "'", t.start, "expected " + expected);
    } else {
      this.syntax("unexpected '" + this.text(t) + "'", t.start, "expected " + expected);
    }
  }

  expression(): f64 {
    let left = this.term();
    while (!this.failed) {
      const op = this.peek();
      if (op.kind != TokenKind.Plus && op.kind != TokenKind.Minus) break;
      this.pos++;
      const right = this.term();
      left = this.checked(op.kind == TokenKind.Plus ? left + right : left - right, op);
    }
    return left;
  }

  private term(): f64 {
    let left = this.factor();
    while (!this.failed) {
      const op = this.peek();
      const k = op.kind;
      if (k != TokenKind.Star && k != TokenKind.Slash && k != TokenKind.Percent) break;
      this.pos++;
      const right = this.factor();
      if (this.failed) break;
      if (k == TokenKind.Star) {
        left = this.checked(left * right, op);
      } else if (right == 0) {
        this.arithmetic(k == TokenKind.Slash ? "division by zero" : "modulo by zero", op);
        left = NaN;
      } else {
        left = this.checked(k == TokenKind.Slash ? left / right : left % right, op);
      }
    }
    return left;
  }

  /** Signs, then a number or a parenthesized expression (primary is folded
   *  in here: one call less per nesting level). */
  private factor(): f64 {
    let negative = false;
    while (true) {
      const k = this.peek().kind;
      if (k == TokenKind.Minus) negative = !negative;
      else if (k != TokenKind.Plus) break;
      this.pos++;
    }
    const t = this.peek();
    if (t.kind == TokenKind.Number) {
      this.pos++;
      return negative ? -t.value : t.value;
    }
    if (t.kind != TokenKind.LeftParen) {
      this.unexpected(t, "a number or '('");
      return NaN;
    }
    if (this.depth == MAX_DEPTH) {
      this.syntax("parentheses nested deeper than " + MAX_DEPTH.toString() + " levels", t.start);
      return NaN;
    }
    this.pos++;
    this.depth++;
    const v = this.expression();
    this.depth--;
    if (this.failed) return NaN;
    const close = this.peek();
    if (close.kind == TokenKind.RightParen) {
      this.pos++;
    } else if (close.kind == TokenKind.End) {
      this.syntax("unclosed '('", t.start, "no ')' matches it");
    } else {
      this.unexpected(close, "an operator or ')'");
    }
    return negative ? -v : v;
  }

  /** After the whole expression only End may follow. */
  expectEnd(): void {
    const t = this.peek();
    if (t.kind == TokenKind.End) return;
    if (t.kind == TokenKind.RightParen) this.syntax("unexpected ')'", t.start, "no '(' matches it");
    else this.unexpected(t, "an operator");
  }

  private arithmetic(message: string, op: Token): void {
    if (this.arithmeticError === null) this.arithmeticError = new CalcError(message, op.start);
  }

  /** A result that left the range of doubles is an error, not Infinity. */
  private checked(v: f64, op: Token): f64 {
    if (!isFinite(v) && this.arithmeticError === null) {
      this.arithmetic("result out of range", op);
    }
    return v;
  }
}
