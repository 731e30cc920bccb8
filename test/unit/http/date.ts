// IMF-fixdate (RFC 9110 §5.6.7) for known instants, and the live Date value.
import "crust";
import { wallNs, NS_PER_S } from "crust";
import { imfFixdate, httpDate } from "crust/http/date";

function expect(seconds: i64, text: string): void {
  const got = imfFixdate(seconds);
  assert(got == text, seconds.toString() + ": expected " + text + ", got " + got);
}

export function main(args: string[]): void {
  expect(784111777, "Sun, 06 Nov 1994 08:49:37 GMT"); // the RFC's own example
  expect(0, "Thu, 01 Jan 1970 00:00:00 GMT");
  expect(951782400, "Tue, 29 Feb 2000 00:00:00 GMT"); // leap day of a century leap year
  expect(951868799, "Tue, 29 Feb 2000 23:59:59 GMT");
  expect(4107542400, "Mon, 01 Mar 2100 00:00:00 GMT"); // 2100 is not a leap year
  expect(4107456000, "Sun, 28 Feb 2100 00:00:00 GMT");
  expect(1709164800, "Thu, 29 Feb 2024 00:00:00 GMT");
  expect(2147483647, "Tue, 19 Jan 2038 03:14:07 GMT"); // past 32-bit time_t
  expect(253402300799, "Fri, 31 Dec 9999 23:59:59 GMT");
  expect(-1, "Wed, 31 Dec 1969 23:59:59 GMT");

  // The live value is the wall clock's second, in the fixed 29-byte form.
  const before = wallNs() / NS_PER_S;
  const live = httpDate();
  const after = wallNs() / NS_PER_S;
  assert(live.length == 29 && live.endsWith(" GMT"), "fixed length: " + live);
  assert(live == imfFixdate(before) || live == imfFixdate(after), "matches the wall clock: " + live);
}
