// The command line. The platform hands the kernel one string (PVH cmdline,
// Xen start_info, argv in Node): kernel options `key=value` come first, then
// `--`, then the app's arguments. Arguments are split on blanks; single quotes
// keep everything literal, double quotes and backslashes work as in sh.
// Malformed quoting never fails: an unterminated quote runs to the end.
import { cmdline } from "../boundary";

const CMDLINE_MAX: usize = 4096;

let kernelOptions = new Map<string, string>();
let appArguments: string[] = [];

/** Split a command line into words with sh-like quoting. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: i32 = 0; // 0, or the quote character that is open
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (quote == 0x27) { // '
      if (c == 0x27) quote = 0; else word += String.fromCharCode(c);
    } else if (c == 0x5c && i + 1 < line.length) { // backslash
      word += String.fromCharCode(line.charCodeAt(++i));
      inWord = true;
    } else if (quote == 0x22) { // "
      if (c == 0x22) quote = 0; else word += String.fromCharCode(c);
    } else if (c == 0x27 || c == 0x22) {
      quote = c;
      inWord = true;
    } else if (c == 0x20 || c == 0x09 || c == 0x0a) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += String.fromCharCode(c);
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Read the platform's command line; called once at boot. */
export function parseCommandLine(line: string): void {
  kernelOptions = new Map<string, string>();
  appArguments = [];
  const words = splitWords(line);
  let i = 0;
  for (; i < words.length; i++) {
    const w = words[i];
    if (w == "--") { i++; break; }
    const eq = w.indexOf("=");
    if (eq > 0) kernelOptions.set(w.slice(0, eq), w.slice(eq + 1));
    else kernelOptions.set(w, "");
  }
  for (; i < words.length; i++) appArguments.push(words[i]);
}

export function readPlatformCommandLine(): string {
  const buf = new ArrayBuffer(<i32>CMDLINE_MAX);
  const n = cmdline(changetype<usize>(buf), CMDLINE_MAX);
  return String.UTF8.decodeUnsafe(changetype<usize>(buf), n < CMDLINE_MAX ? n : CMDLINE_MAX);
}

/** A kernel option's value ("" for a bare flag), or null when absent. */
export function kernelOption(key: string): string | null {
  return kernelOptions.has(key) ? kernelOptions.get(key) : null;
}

/** The app's arguments (the words after `--`). */
export function args(): string[] {
  return appArguments;
}
