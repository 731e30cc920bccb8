// The tokenizer of calc: turns an expression into numbers, operators and
// parentheses, each with the position it starts at. It never fails silently:
// a character it does not know, or a malformed number, ends it with a
// CalcError that points at the offending text.
//
// Numbers are decimal, with at most one '.', and may start or end with it
// ("3.", ".5"); there are no exponents. Blanks (space, tab, newline) separate
// tokens and are otherwise ignored.

/** A problem with the expression, at a 0-based index into the source. */
export class CalcError {
  constructor(public message: string, public index: i32, public hint: string = "") {}
}

export enum TokenKind { Number, Plus, Minus, Star, Slash, Percent, LeftParen, RightParen, End }

export class Token {
  constructor(
    public kind: TokenKind,
    /** Index of the first character in the source. */
    public start: i32,
    /** Index just past the last character. */
    public end: i32,
    /** The value of a Number token. */
    public value: f64 = 0,
  ) {}
}

export class Tokens {
  /** Always ends with an End token when error is null. */
  list: Token[] = [];
  error: CalcError | null = null;
}

function isDigit(c: i32): bool { return c >= 0x30 && c <= 0x39; }
function isBlank(c: i32): bool { return c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d; }

function operatorKind(c: i32): i32 {
  switch (c) {
    case 0x2b: return TokenKind.Plus;       // +
    case 0x2d: return TokenKind.Minus;      // -
    case 0x2a: return TokenKind.Star;       // *
    case 0x2f: return TokenKind.Slash;      // /
    case 0x25: return TokenKind.Percent;    // %
    case 0x28: return TokenKind.LeftParen;  // (
    case 0x29: return TokenKind.RightParen; // )
    default: return -1;
  }
}

/** How to show one character in a message: 'x', or U+XXXX if not printable. */
export function describeChar(c: i32): string {
  if (c > 0x20 && c < 0x7f) return "'" + String.fromCharCode(c) + "'";
  let hex = (<u32>c).toString(16).toUpperCase();
  while (hex.length < 4) hex = "0" + hex;
  return "U+" + hex;
}

export function tokenize(source: string): Tokens {
  const out = new Tokens();
  const n = source.length;
  let i = 0;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (isBlank(c)) { i++; continue; }
    const op = operatorKind(c);
    if (op >= 0) {
      out.list.push(new Token(<TokenKind>op, i, i + 1));
      i++;
      continue;
    }
    if (isDigit(c) || c == 0x2e) {
      // Take the longest run of digits and dots, then judge it as a whole, so
      // that "1.2.3" is one malformed number rather than two numbers.
      const start = i;
      let dots = 0;
      let digits = 0;
      while (i < n) {
        const d = source.charCodeAt(i);
        if (d == 0x2e) dots++;
        else if (isDigit(d)) digits++;
        else break;
        i++;
      }
      const text = source.slice(start, i);
      if (dots > 1 || digits == 0) {
        out.error = new CalcError("malformed number '" + text + "'", start);
        return out;
      }
      const value = parseFloat(text);
      if (!isFinite(value)) {
        out.error = new CalcError("number too large '" + text + "'", start);
        return out;
      }
      out.list.push(new Token(TokenKind.Number, start, i, value));
      continue;
    }
    out.error = new CalcError("unexpected character " + describeChar(source.codePointAt(i)), i);
    return out;
  }
  out.list.push(new Token(TokenKind.End, n, n));
  return out;
}
