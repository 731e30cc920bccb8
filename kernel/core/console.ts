// The console: UTF-8 text to the platform's console (serial, Xen ring, stdout).
import { console_write } from "../boundary";

/** Write text as is. */
export function print(text: string): void {
  const bytes = String.UTF8.encode(text);
  console_write(changetype<usize>(bytes), bytes.byteLength);
}

/** Write text and a newline. */
export function println(text: string): void {
  print(text + "\n");
}
