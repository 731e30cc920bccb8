// A parsed request, as the handler sees it: every field is already validated
// by the parser (RFC 9112 §3 request line, §5 field lines, §6 body).
import { Headers } from "./headers";

export class Request {
  /** The method token, case-sensitive as sent (RFC 9110 §9.1): "GET". */
  method: string = "";
  /** The request-target as sent: "/search?q=crust", "*", or an absolute URI. */
  target: string = "";
  /** The target's path, without the query: "/search". Not percent-decoded. */
  path: string = "";
  /** The target's query without the "?": "q=crust"; "" when there is none. */
  query: string = "";
  /** The authority of an absolute-form target (RFC 9112 §3.2.2: it wins over
   *  Host), else the Host header; "" when neither was sent (HTTP/1.0). */
  host: string = "";
  /** 0 for HTTP/1.0, 1 for HTTP/1.1 (and later 1.x, RFC 9112 §2.3). */
  versionMinor: i32 = 1;
  headers: Headers = new Headers();
  /** Trailer fields of a chunked body (RFC 9112 §7.1.2), kept apart from the
   *  headers so that a trailer can never change the message's framing. */
  trailers: Headers = new Headers();
  /** The content, with chunked framing removed. */
  body: Uint8Array = new Uint8Array(0);
  /** The client allows the connection to stay open (RFC 9112 §9.3). */
  keepAlive: bool = true;
  /** The peer's address, for logs. */
  remote: string = "";

  get version(): string { return this.versionMinor == 0 ? "HTTP/1.0" : "HTTP/1.1"; }

  /** The first value of a header (names are case-insensitive), or null. */
  header(name: string): string | null { return this.headers.get(name); }

  /** The body decoded as UTF-8. */
  text(): string {
    return String.UTF8.decodeUnsafe(this.body.dataStart, <usize>this.body.length);
  }

  /** The first value of a query parameter (application/x-www-form-urlencoded:
   *  '+' is a space, %XX a byte, the result UTF-8), or null when absent. */
  queryParam(name: string): string | null {
    const q = this.query;
    let start = 0;
    while (start <= q.length) {
      let end = q.indexOf("&", start);
      if (end < 0) end = q.length;
      const eq = q.indexOf("=", start);
      const keyEnd = eq >= 0 && eq < end ? eq : end;
      if (formDecode(q.substring(start, keyEnd)) == name) {
        return keyEnd < end ? formDecode(q.substring(keyEnd + 1, end)) : "";
      }
      start = end + 1;
    }
    return null;
  }
}

/** Decode %XX escapes and '+' (as a space) into UTF-8 text; a malformed
 *  escape is kept literally rather than rejected. */
export function formDecode(s: string): string {
  if (s.indexOf("%") < 0 && s.indexOf("+") < 0) return s;
  const bytes = String.UTF8.encode(s);
  const src = Uint8Array.wrap(bytes);
  const out = new Uint8Array(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c == 0x2b) { out[n++] = 0x20; continue; }
    if (c == 0x25 && i + 2 < src.length) {
      const hi = hexValue(src[i + 1]);
      const lo = hexValue(src[i + 2]);
      if (hi >= 0 && lo >= 0) { out[n++] = <u8>((hi << 4) | lo); i += 2; continue; }
    }
    out[n++] = c;
  }
  return String.UTF8.decodeUnsafe(out.dataStart, <usize>n);
}

/** The value of a hex digit, or -1. */
export function hexValue(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}
