// The command line. The platform hands the kernel one string (PVH cmdline,
// Xen start_info, argv in Node): kernel options `key=value` come first, then
// `--`, then the app's arguments. Arguments are split on blanks; single quotes
// keep everything literal, double quotes and backslashes work as in sh.
// Malformed quoting never fails: an unterminated quote runs to the end.
import { cmdline } from "../boundary";

const CMDLINE_MAX: usize = 4096;
const VMM_APPENDED_OPTION = "virtio_mmio.device=";

// Options in command-line order; a key may repeat (QEMU's microvm passes one
// virtio_mmio.device= per device).
let optionKeys: string[] = [];
let optionValues: string[] = [];
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
  optionKeys = [];
  optionValues = [];
  appArguments = [];
  const words = splitWords(line);
  let i = 0;
  for (; i < words.length; i++) {
    const w = words[i];
    if (w == "--") { i++; break; }
    const eq = w.indexOf("=");
    optionKeys.push(eq > 0 ? w.slice(0, eq) : w);
    optionValues.push(eq > 0 ? w.slice(eq + 1) : "");
  }
  for (; i < words.length; i++) {
    const w = words[i];
    // QEMU's microvm appends its own virtio_mmio.device= options to the end
    // of the command line, after the app's words: they are kernel options.
    if (w.startsWith(VMM_APPENDED_OPTION)) {
      optionKeys.push(VMM_APPENDED_OPTION.slice(0, -1));
      optionValues.push(w.slice(VMM_APPENDED_OPTION.length));
    } else {
      appArguments.push(w);
    }
  }
}

export function readPlatformCommandLine(): string {
  const buf = new ArrayBuffer(<i32>CMDLINE_MAX);
  const n = cmdline(changetype<usize>(buf), CMDLINE_MAX);
  return String.UTF8.decodeUnsafe(changetype<usize>(buf), n < CMDLINE_MAX ? n : CMDLINE_MAX);
}

/** A kernel option's last value ("" for a bare flag), or null when absent. */
export function kernelOption(key: string): string | null {
  for (let i = optionKeys.length - 1; i >= 0; i--) {
    if (optionKeys[i] == key) return optionValues[i];
  }
  return null;
}

/** Every value given for a kernel option, in order. */
export function kernelOptionAll(key: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < optionKeys.length; i++) {
    if (optionKeys[i] == key) values.push(optionValues[i]);
  }
  return values;
}

/** The app's arguments (the words after `--`). */
export function args(): string[] {
  return appArguments;
}
