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

  constructor(tap: string) {
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
      const frame = this.pending.subarray(2, 2 + n);
      this.pending = this.pending.subarray(2 + n);
      if (this.queue.length < RX_QUEUE_LIMIT) this.queue.push(Buffer.from(frame));
      else this.dropped++;
    }
    this.onFrame();
  }

  send(frame: Uint8Array): boolean {
    const head = Buffer.alloc(2);
    head.writeUInt16BE(frame.length);
    return this.relay.stdin!.write(Buffer.concat([head, frame]));
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
