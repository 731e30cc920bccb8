// Numbers for people, like a pocket calculator: a result is shown with at most
// 15 significant digits, the precision every double carries, so the noise of
// binary fractions disappears (0.1+0.2 shows as 0.3, 10/3 as
// 3.33333333333333, 2/3 as 0.666666666666667). Integers below 2^53, where
// doubles are exact, are shown exactly and without a decimal point. Like
// JavaScript, plain notation is used for 1e-6 <= |x| < 1e21 and exponent
// notation ("1.5e+300", "2e-8") outside it. -0 shows as 0. The value must be
// finite.

const SIGNIFICANT_DIGITS = 15;
const EXACT_INTEGER_LIMIT: f64 = 9007199254740992; // 2^53

export function formatNumber(x: f64): string {
  if (x == Math.floor(x) && Math.abs(x) < EXACT_INTEGER_LIMIT) return (<i64>x).toString();
  const negative = x < 0;
  // AssemblyScript's dtoa gives up to 17 digits that read back as x; round
  // those to 15 in decimal.
  const d = Decimal.parse(Math.abs(x).toString());
  d.round(SIGNIFICANT_DIGITS);
  return (negative ? "-" : "") + d.format();
}

/** 0.DIGITS x 10^exponent, DIGITS without leading or trailing zeros. */
class Decimal {
  constructor(public digits: string, public exponent: i32) {}

  /** Parse dtoa output: "123.45", "0.00123", "1e+21", "1.5e-7". */
  static parse(s: string): Decimal {
    let e = s.indexOf("e");
    let exp10 = 0;
    if (e >= 0) {
      exp10 = I32.parseInt(s.slice(e + 1).replace("+", ""));
    } else {
      e = s.length;
    }
    const mantissa = s.slice(0, e);
    let point = mantissa.indexOf(".");
    if (point < 0) point = mantissa.length;
    let digits = mantissa.slice(0, point) + mantissa.slice(point + 1);
    let exponent = point + exp10;
    let lead = 0;
    while (lead < digits.length && digits.charCodeAt(lead) == 0x30) lead++;
    digits = digits.slice(lead);
    exponent -= lead;
    const d = new Decimal(digits, exponent);
    d.trim();
    return d;
  }

  /** Round half up to at most n significant digits. */
  round(n: i32): void {
    if (this.digits.length <= n) return;
    const roundUp = this.digits.charCodeAt(n) >= 0x35; // '5'
    const kept = this.digits.slice(0, n);
    if (!roundUp) {
      this.digits = kept;
    } else {
      // Add one at the last kept digit, carrying through the nines.
      let i = n - 1;
      while (i >= 0 && kept.charCodeAt(i) == 0x39) i--;
      if (i < 0) {
        this.digits = "1";
        this.exponent++;
      } else {
        this.digits = kept.slice(0, i) + String.fromCharCode(kept.charCodeAt(i) + 1);
      }
    }
    this.trim();
  }

  private trim(): void {
    let end = this.digits.length;
    while (end > 0 && this.digits.charCodeAt(end - 1) == 0x30) end--;
    this.digits = this.digits.slice(0, end);
    if (end == 0) this.exponent = 0;
  }

  format(): string {
    const digits = this.digits;
    const n = digits.length;
    const e = this.exponent;
    if (n == 0) return "0";
    if (e > -6 && e <= 21) { // 1e-6 <= x < 1e21
      if (e <= 0) return "0." + "0".repeat(-e) + digits;
      if (e >= n) return digits + "0".repeat(e - n);
      return digits.slice(0, e) + "." + digits.slice(e);
    }
    const exp = e - 1;
    return digits.slice(0, 1) + (n > 1 ? "." + digits.slice(1) : "") + "e" + (exp < 0 ? "-" : "+") + abs(exp).toString();
  }
}
