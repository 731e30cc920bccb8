// The node target: the same kernel.wasm, with the "crust" imports provided by
// Node instead of the machine layer (like MirageOS's unix target). Node drives
// the kernel's event loop by calling its exported step() from its own loop, so
// host I/O (TAP, files) can run between turns.
import { randomFillSync } from "node:crypto";
import { readFileSync, writeSync } from "node:fs";
import { CrustError } from "../errors.js";
import { HostNet, type Impairment } from "./hostnet.js";

/** Exit codes shared with machine/x86_64/machine.h. */
export const EXIT_PANIC = 100;
export const EXIT_WASM_TRAP = 101;

const LOOP_DONE = -1n;

class GuestExit {
  constructor(readonly code: number) {}
}

interface KernelExports {
  memory: WebAssembly.Memory;
  _start(): void;
  step(): bigint;
}

export interface NodeRunOptions {
  cmdline: string;
  /** Where console output goes (default: this process's stdout). */
  write?: (bytes: Uint8Array) => void;
  /** A TAP device to give the kernel as its NIC. */
  tap?: string;
  /** Faults to inject between the TAP and the kernel. */
  impairment?: Impairment;
}

export async function runNode(wasmFile: string, opts: NodeRunOptions): Promise<number> {
  const write = opts.write ?? ((b: Uint8Array) => void writeSync(1, b));
  const t0 = process.hrtime.bigint();
  let memory: WebAssembly.Memory | undefined;
  const bytes = (ptr: number, len: number) => {
    const m = new Uint8Array(memory!.buffer);
    if (ptr + len > m.length) throw new WebAssembly.RuntimeError("memory access out of bounds");
    return m.subarray(ptr, ptr + len);
  };
  const cmdline = Buffer.from(opts.cmdline, "utf8");
  const net = opts.tap ? new HostNet(opts.tap, opts.impairment) : undefined;
  const crust = {
    console_write: (ptr: number, len: number) => write(bytes(ptr, len).slice()),
    exit: (code: number) => {
      throw new GuestExit(code);
    },
    panic: (ptr: number, len: number) => {
      const msg = Buffer.from(bytes(ptr, len)).toString("utf8");
      write(Buffer.from(`\ncrust: panic: ${msg}backtrace:\n${wasmBacktrace()}`));
      throw new GuestExit(EXIT_PANIC);
    },
    clock_monotonic: () => process.hrtime.bigint() - t0,
    clock_wall: () => BigInt(Date.now()) * 1_000_000n,
    wait: () => {
      throw new CrustError("the node target drives the loop itself; wait() must not be called");
    },
    cmdline: (buf: number, cap: number) => {
      bytes(buf, Math.min(cap, cmdline.length)).set(cmdline.subarray(0, cap));
      return cmdline.length;
    },
    entropy: (buf: number, len: number) => {
      randomFillSync(bytes(buf, len));
      return len;
    },
    hostnet_info: (mac: number) => {
      if (!net) return 0;
      bytes(mac, 6).set(net.mac);
      return net.mtu;
    },
    hostnet_send: (ptr: number, len: number) => (net && net.send(bytes(ptr, len).slice()) ? 1 : 0),
    hostnet_receive: (buf: number, cap: number) => {
      const f = net?.take();
      if (!f) return 0;
      if (f.length > cap) return -1;
      bytes(buf, f.length).set(f);
      return f.length;
    },
  };
  let instance: WebAssembly.Instance;
  try {
    instance = (await WebAssembly.instantiate(readFileSync(wasmFile), { crust })).instance;
  } catch (e) {
    if (e instanceof WebAssembly.LinkError)
      throw new CrustError(`this app needs hardware the node target does not have: ${e.message}`);
    throw e;
  }
  const k = instance.exports as unknown as KernelExports;
  memory = k.memory;

  const guarded = (f: () => void): number | null => {
    try {
      f();
      return null;
    } catch (e) {
      if (e instanceof GuestExit) return e.code;
      if (e instanceof WebAssembly.RuntimeError) {
        write(Buffer.from(`\ncrust: wasm trap: ${e.message}\nbacktrace:\n${wasmBacktrace(e)}`));
        return EXIT_WASM_TRAP;
      }
      throw e;
    }
  };

  const started = guarded(() => k._start());
  if (started !== null) {
    net?.close();
    return started;
  }
  const code = await new Promise<number>((resolve) => {
    let sleeping: NodeJS.Timeout | undefined;
    const turn = () => {
      sleeping = undefined;
      let deadline = 0n;
      const code = guarded(() => void (deadline = k.step()));
      if (code !== null) return resolve(code);
      if (deadline === LOOP_DONE) return resolve(0);
      if (deadline === 0n) return void setImmediate(turn);
      const now = process.hrtime.bigint() - t0;
      const ms = deadline >= 0x7fffffffffffffffn ? 2 ** 31 - 1 : Number((deadline - now) / 1_000_000n);
      sleeping = setTimeout(turn, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    };
    // A frame is an interrupt: end the sleep and turn now.
    if (net)
      net.onFrame = () => {
        if (sleeping) {
          clearTimeout(sleeping);
          setImmediate(turn);
          sleeping = undefined;
        }
      };
    turn();
  });
  if (net && opts.impairment) process.stderr.write(`crust: switch faults: ${net.faults()}\n`);
  net?.close();
  return code;
}

/** The wasm frames of a JS stack, with their function names. */
function wasmBacktrace(e: Error = new Error()): string {
  return (e.stack ?? "")
    .split("\n")
    .filter((l) => l.includes("wasm"))
    .map((l) => `  ${l.trim().replace(/^at /, "")}`)
    .join("\n") + "\n";
}
