// calc: evaluate the arithmetic expression given on the command line.
//
//   npx crust run examples/calc -- "2*(3+4)"      prints  2*(3+4) = 14
//
// Several arguments are joined with spaces. Numbers are decimal ("42",
// "3.25", ".5"); operators are + - * / % with the usual precedence, left
// associativity, unary signs and parentheses (nested at most 256 deep).
// Integral results print without a decimal point; others with at most 15
// significant digits (see format.ts: 0.1+0.2 = 0.3, 10/3 = 3.33333333333333).
//
// Exit codes: 0 with the result; 1 for a bad expression or an arithmetic
// error (division or modulo by zero, a result beyond the range of doubles),
// reported with its 1-based position and a caret under it:
//
//   error: unexpected ')' at position 6 (no '(' matches it)
//     (1+2))
//          ^
//
// 2 when no expression is given (a usage line).
import { println, exit } from "crust";
import { CalcError } from "./lexer";
import { evaluate } from "./parser";
import { formatNumber } from "./format";

export function main(args: string[]): void {
  if (args.length == 0) {
    println("usage: calc EXPRESSION    e.g. npx crust run examples/calc -- \"2*(3+4)\"");
    exit(2);
    return;
  }
  const source = args.join(" ");
  const result = evaluate(source);
  const error = result.error;
  if (error !== null) {
    report(source, error);
    exit(1);
    return;
  }
  println(source + " = " + formatNumber(result.value));
}

/** The message, then the expression with a caret under the position. */
function report(source: string, error: CalcError): void {
  println("error: " + error.message + " at position " + (error.index + 1).toString() +
    (error.hint.length > 0 ? " (" + error.hint + ")" : ""));
  // Tabs stay tabs under the expression so that the caret lines up; other
  // line breaks would break the picture and show as spaces.
  let line = "";
  let pad = "";
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    const tab = c == 0x09;
    line += tab || (c != 0x0a && c != 0x0d) ? String.fromCharCode(c) : " ";
    if (i < error.index) pad += tab ? "\t" : " ";
  }
  println("  " + line);
  println("  " + pad + "^");
}
