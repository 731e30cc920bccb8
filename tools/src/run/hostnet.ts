// The node target's NIC: a TAP device reached through tools/native/tap-relay
// (Node cannot open a TAP itself), with frames queued for the kernel to take.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { CrustError } from "../errors.js";
import { REPO } from "../project.js";
import { requireTool, TOOLS } from "../tools.js";

/** Frames waiting for the kernel are bounded: beyond this they are dropped,
 *  as a NIC's full RX ring would. */
const RX_QUEUE_LIMIT = 1024;

function relayBinary(): string {
  const src = join(REPO, "tools/native/tap-relay.c");
  const dir = join(REPO, "build/native");
  const bin = join(dir, "tap-relay");
  if (existsSync(bin) && statSync(bin).mtimeMs >= statSync(src).mtimeMs) return bin;
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(requireTool(TOOLS.clang), ["-O2", "-Wall", "-o", bin, src], { encoding: "utf8" });
  if (r.status !== 0) throw new CrustError(`building tap-relay failed:\n${r.stderr}`);
  return bin;
}

/** Faults injected by the node target's switch, each a probability per
 *  frame, applied in both directions: tests check that TCP stays byte-exact
 *  through them (this kernel has no netem, so the switch is ours). */
export interface Impairment {
  loss: number;
  duplicate: number;
  /** The frame is held back and sent after the next one. */
  reorder: number;
}

export const NO_IMPAIRMENT: Impairment = { loss: 0, duplicate: 0, reorder: 0 };

/** Parse "loss=5,dup=1,reorder=10" (percent). */
export function parseImpairment(spec: string): Impairment | null {
  const out = { ...NO_IMPAIRMENT };
  for (const part of spec.split(",")) {
    const m = /^(loss|dup|reorder)=(\d+(\.\d+)?)$/.exec(part.trim());
    if (!m || Number(m[2]) > 100) return null;
    const p = Number(m[2]) / 100;
    if (m[1] === "loss") out.loss = p;
    else if (m[1] === "dup") out.duplicate = p;
    else out.reorder = p;
  }
  return out;
}

/** Applies an impairment to a stream of frames. */
class FaultySwitch {
  private held: Buffer | undefined;
  private seed = 0x2545f491;
  counts = { lost: 0, duplicated: 0, reordered: 0 };

  constructor(private readonly imp: Impairment) {}

  /** xorshift32: deterministic, so a failing run can be reproduced. */
  private chance(p: number): boolean {
    if (p <= 0) return false;
    this.seed ^= this.seed << 13;
    this.seed ^= this.seed >>> 17;
    this.seed ^= this.seed << 5;
    return (this.seed >>> 0) / 2 ** 32 < p;
  }

  /** The frames to deliver now for one frame offered. */
  pass(frame: Buffer): Buffer[] {
    if (this.chance(this.imp.loss)) {
      this.counts.lost++;
      return [];
    }
    const out = [frame];
    if (this.chance(this.imp.duplicate)) {
      this.counts.duplicated++;
      out.push(frame);
    }
    if (this.held) {
      out.push(this.held);
      this.held = undefined;
    } else if (this.chance(this.imp.reorder)) {
      this.counts.reordered++;
      this.held = frame;
      return out.slice(1);
    }
    return out;
  }
}

export class HostNet {
  /** A locally administered unicast address (IEEE 802: bit 1 set, bit 0 clear). */
  readonly mac = Buffer.from([0x02, ...randomBytes(5)]);
  readonly mtu = 1500;
  private readonly relay: ChildProcess;
  private readonly queue: Buffer[] = [];
  private pending = Buffer.alloc(0);
  dropped = 0;
  /** Called when a frame arrives, so the host can turn the kernel's loop. */
  onFrame: () => void = () => {};

  private readonly toKernel: FaultySwitch;
  private readonly toWire: FaultySwitch;

  constructor(tap: string, impairment: Impairment = NO_IMPAIRMENT) {
    this.toKernel = new FaultySwitch(impairment);
    this.toWire = new FaultySwitch(impairment);
    this.relay = spawn(relayBinary(), [tap], { stdio: ["pipe", "pipe", "inherit"] });
    this.relay.stdout!.on("data", (d: Buffer) => this.receive(d));
    this.relay.on("exit", (code) => {
      if (code) process.stderr.write(`crust: tap-relay for ${tap} exited with ${code}\n`);
    });
  }

  private receive(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 2) {
      const n = this.pending.readUInt16BE(0);
      if (this.pending.length < 2 + n) break;
      const frame = Buffer.from(this.pending.subarray(2, 2 + n));
      this.pending = this.pending.subarray(2 + n);
      for (const f of this.toKernel.pass(frame)) {
        if (this.queue.length < RX_QUEUE_LIMIT) this.queue.push(f);
        else this.dropped++;
      }
    }
    this.onFrame();
  }

  send(frame: Uint8Array): boolean {
    for (const f of this.toWire.pass(Buffer.from(frame))) {
      const head = Buffer.alloc(2);
      head.writeUInt16BE(f.length);
      this.relay.stdin!.write(Buffer.concat([head, f]));
    }
    return true;
  }

  /** What the switch did, for the end-of-run report. */
  faults(): string {
    const a = this.toKernel.counts, b = this.toWire.counts;
    return `lost ${a.lost + b.lost}, duplicated ${a.duplicated + b.duplicated}, reordered ${a.reordered + b.reordered}`;
  }

  /** The next frame, or undefined. */
  take(): Buffer | undefined {
    return this.queue.shift();
  }

  close(): void {
    this.relay.stdin!.end();
    this.relay.kill();
  }
}
