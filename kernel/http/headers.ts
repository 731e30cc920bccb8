// Header fields (RFC 9110 §5): an ordered list of name/value pairs with
// case-insensitive name lookup. Order is kept because a field that appears
// several times means the comma-joined list of its values (§5.3), and a
// repeated name is how smuggling attempts show up (Content-Length, Host).
import { equalsIgnoreCase, isOws, trimOws } from "./bytes";

export class Headers {
  private names: string[] = [];
  private values: string[] = [];

  /** Number of field lines. */
  get size(): i32 { return this.names.length; }
  name(i: i32): string { return this.names[i]; }
  value(i: i32): string { return this.values[i]; }

  /** The first value of a field, or null when absent. */
  get(name: string): string | null {
    const i = this.indexOf(name);
    return i < 0 ? null : this.values[i];
  }

  /** All values of a field joined with ", " (RFC 9110 §5.3), or null. */
  combined(name: string): string | null {
    let out: string | null = null;
    for (let i = 0; i < this.names.length; i++) {
      if (!equalsIgnoreCase(this.names[i], name)) continue;
      out = out === null ? this.values[i] : out + ", " + this.values[i];
    }
    return out;
  }

  has(name: string): bool { return this.indexOf(name) >= 0; }

  /** How many field lines carry this name. */
  count(name: string): i32 {
    let n = 0;
    for (let i = 0; i < this.names.length; i++) if (equalsIgnoreCase(this.names[i], name)) n++;
    return n;
  }

  /** Add a field line, keeping any with the same name. */
  add(name: string, value: string): void {
    this.names.push(name);
    this.values.push(value);
  }

  /** Replace every field line of this name with one. */
  set(name: string, value: string): void {
    this.delete(name);
    this.add(name, value);
  }

  delete(name: string): void {
    for (let i = this.names.length - 1; i >= 0; i--) {
      if (!equalsIgnoreCase(this.names[i], name)) continue;
      this.names.splice(i, 1);
      this.values.splice(i, 1);
    }
  }

  /** True when a list-valued field (Connection, Transfer-Encoding, ...)
   *  holds the token, compared case-insensitively (RFC 9110 §5.6.1). */
  hasToken(name: string, token: string): bool {
    for (let i = 0; i < this.names.length; i++) {
      if (!equalsIgnoreCase(this.names[i], name)) continue;
      const items = listItems(this.values[i]);
      for (let j = 0; j < items.length; j++) if (equalsIgnoreCase(items[j], token)) return true;
    }
    return false;
  }

  private indexOf(name: string): i32 {
    for (let i = 0; i < this.names.length; i++) if (equalsIgnoreCase(this.names[i], name)) return i;
    return -1;
  }
}

/** The elements of a comma-separated list (RFC 9110 §5.6.1), trimmed of OWS;
 *  empty elements are skipped as the RFC asks recipients to do. Parameters
 *  (";q=1") stay attached to their element. */
export function listItems(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    if (i < value.length && value.charCodeAt(i) != 0x2c) continue; // ','
    const item = trimOws(value.substring(start, i));
    if (item.length > 0) out.push(item);
    start = i + 1;
  }
  return out;
}

/** True when s has no characters that could end a field line or the head
 *  (CR, LF, NUL): what a response header must satisfy to not split the
 *  response (RFC 9110 §5.5). */
export function isSafeFieldValue(s: string): bool {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && !isOws(c)) return false;
    if (c == 0x7f) return false;
  }
  return true;
}
