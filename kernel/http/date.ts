// The Date header: IMF-fixdate (RFC 9110 §5.6.7), e.g.
// "Sun, 06 Nov 1994 08:49:37 GMT", from the platform's wall clock. An origin
// server with a clock MUST send Date (§6.6.1). The text changes once a second,
// so it is formatted once per second and reused.
import { wallNs, NS_PER_S } from "../core/clock";

const DAY_NAMES: string[] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTH_NAMES: string[] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const SECONDS_PER_DAY: i64 = 86400;

let cachedSecond: i64 = i64.MIN_VALUE;
let cachedText = "";

/** IMF-fixdate for a time in seconds since the Unix epoch (UTC). */
export function imfFixdate(unixSeconds: i64): string {
  let days = unixSeconds / SECONDS_PER_DAY;
  let secs = unixSeconds % SECONDS_PER_DAY;
  if (secs < 0) { secs += SECONDS_PER_DAY; days--; }
  // 1970-01-01 was a Thursday (index 4 from Sunday).
  const weekday = <i32>(((days % 7) + 11) % 7);
  // Days to civil date: Howard Hinnant's days_from_civil inverse, exact for
  // the proleptic Gregorian calendar, in eras of 400 years (146097 days).
  const z = days + 719468; // days since 0000-03-01
  const era = (z >= 0 ? z : z - 146096) / 146097;
  const doe = z - era * 146097;
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp = (5 * doy + 2) / 153;
  const day = doy - (153 * mp + 2) / 5 + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return DAY_NAMES[weekday] + ", " + pad(day, 2) + " " + MONTH_NAMES[<i32>month - 1] + " " + pad(year, 4) + " " +
    pad(secs / 3600, 2) + ":" + pad((secs / 60) % 60, 2) + ":" + pad(secs % 60, 2) + " GMT";
}

/** The current Date header value. */
export function httpDate(): string {
  let s = wallNs() / NS_PER_S;
  if (s < 0) s = 0;
  if (s != cachedSecond) {
    cachedSecond = s;
    cachedText = imfFixdate(s);
  }
  return cachedText;
}

function pad(n: i64, width: i32): string {
  const s = n.toString();
  return s.length >= width ? s : "0".repeat(width - s.length) + s;
}
