// Build steps that are skipped when their inputs did not change. A step's
// identity is a hash of everything it reads (file contents, options, tool
// versions); the hash is stored beside its outputs.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export class Fingerprint {
  private hash = createHash("sha256");

  add(...parts: (string | number | boolean)[]): this {
    for (const p of parts) this.hash.update(String(p)).update("\0");
    return this;
  }

  file(path: string): this {
    return this.add(path).addBytes(readFileSync(path));
  }

  /** Every file below dir whose name matches, in a stable order. */
  tree(dir: string, match: (name: string) => boolean): this {
    if (!existsSync(dir)) return this.add("missing", dir);
    for (const f of listFiles(dir).filter(match)) this.file(f);
    return this;
  }

  private addBytes(b: Buffer): this {
    this.hash.update(b);
    return this;
  }

  digest(): string {
    return this.hash.digest("hex");
  }
}

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name === "build" || e.name === "node_modules" || e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

export interface StepReport {
  name: string;
  ms: number;
  cached: boolean;
}

/** Runs steps in a build folder, remembering each one's fingerprint. */
export class StepRunner {
  readonly reports: StepReport[] = [];

  constructor(
    private readonly dir: string,
    private readonly log: (line: string) => void,
  ) {}

  async run(name: string, fingerprint: string, outputs: string[], work: () => Promise<void> | void): Promise<void> {
    const stamp = join(this.dir, `.${name}.stamp`);
    const fresh =
      existsSync(stamp) &&
      readFileSync(stamp, "utf8") === fingerprint &&
      outputs.every((o) => existsSync(o) && statSync(o).mtimeMs <= statSync(stamp).mtimeMs + 1);
    if (fresh) {
      this.report(name, 0, true);
      return;
    }
    const t0 = performance.now();
    await work();
    writeFileSync(stamp, fingerprint);
    this.report(name, performance.now() - t0, false);
  }

  private report(name: string, ms: number, cached: boolean): void {
    this.reports.push({ name, ms, cached });
    this.log(`  ${name.padEnd(10)} ${cached ? "up to date" : `${Math.round(ms)} ms`}`);
  }
}
