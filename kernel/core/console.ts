// The console: UTF-8 text to the platform's console (serial, Xen ring, stdout).
// By default text goes straight to the machine layer's writer, which waits
// until it is out; a platform may install a driver of its own (the xen
// target's console ring driver, which does not wait).
import { console_write } from "../boundary";

export abstract class ConsoleDriver {
  /** Take len bytes at ptr; they are only valid during the call. */
  abstract write(ptr: usize, len: i32): void;
  /** Push out everything held, waiting if need be: the guest is ending, or
   *  the machine layer is about to write (a panic report). */
  abstract flush(): void;
}

let driver: ConsoleDriver | null = null;

export function setConsoleDriver(d: ConsoleDriver): void { driver = d; }

/** Write text as is. */
export function print(text: string): void {
  const bytes = String.UTF8.encode(text);
  const d = driver;
  if (d !== null) d.write(changetype<usize>(bytes), bytes.byteLength);
  else console_write(changetype<usize>(bytes), bytes.byteLength);
}

/** Write text and a newline. */
export function println(text: string): void {
  print(text + "\n");
}

/** Before the guest ends or the machine layer writes: nothing held back. */
export function flushConsole(): void {
  const d = driver;
  if (d !== null) d.flush();
}
