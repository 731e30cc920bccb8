// The command line: sh-like word splitting, kernel options before `--`, the
// app's arguments after it, and options given more than once.
import "crust";
import { splitWords, parseCommandLine, kernelOption, kernelOptionAll, args } from "crust/core/args";

function show(words: string[]): string {
  let s = "[";
  for (let i = 0; i < words.length; i++) s += (i > 0 ? ", " : "") + "<" + words[i] + ">";
  return s + "]";
}

function same(got: string[], want: string[]): bool {
  if (got.length != want.length) return false;
  for (let i = 0; i < got.length; i++) if (got[i] != want[i]) return false;
  return true;
}

function expectWords(line: string, want: string[]): void {
  const got = splitWords(line);
  assert(same(got, want), "splitWords(" + line + "): expected " + show(want) + ", got " + show(got));
}

function expectOption(key: string, want: string | null): void {
  const got = kernelOption(key);
  if (want === null) {
    assert(got === null, "option " + key + ": expected none, got <" + (got !== null ? got : "") + ">");
  } else {
    assert(got !== null && got == want, "option " + key + ": expected <" + want + ">, got " + (got !== null ? "<" + got + ">" : "none"));
  }
}

function wordSplitting(): void {
  expectWords("", []);
  expectWords("   \t\n ", []);
  expectWords("a", ["a"]);
  expectWords("  one two\tthree\nfour  ", ["one", "two", "three", "four"]);
  // Double quotes keep blanks; backslash escapes inside them and outside.
  expectWords("\"hello world\" x", ["hello world", "x"]);
  expectWords("\"a \\\"quoted\\\" word\"", ["a \"quoted\" word"]);
  expectWords("a\\ b c", ["a b", "c"]);
  expectWords("\\\"x", ["\"x"]);
  // Single quotes keep everything literally, backslashes and double quotes too.
  expectWords("'a \\ \"b\" c'", ["a \\ \"b\" c"]);
  // Empty quotes make an empty word; quoted parts join the word around them.
  expectWords("'' x \"\"", ["", "x", ""]);
  expectWords("a'b c'd", ["ab cd"]);
  expectWords("pre\"mid dle\"post next", ["premid dlepost", "next"]);
  // Unterminated quotes run to the end of the line; never a failure.
  expectWords("a 'b c", ["a", "b c"]);
  expectWords("a \"b c", ["a", "b c"]);
  // A backslash at the very end stays itself.
  expectWords("a\\", ["a\\"]);
  // Characters beyond ASCII pass through.
  expectWords("héllo wörld", ["héllo", "wörld"]);
}

function commandLine(): void {
  parseCommandLine("log=debug ip=10.0.2.15/24 verbose -- 2*(3+4) 'x y' k=v --");
  expectOption("log", "debug");
  expectOption("ip", "10.0.2.15/24");
  expectOption("verbose", ""); // a bare flag
  expectOption("missing", null);
  expectOption("k", null); // after `--` it is the app's, not the kernel's
  const a = args();
  assert(same(a, ["2*(3+4)", "x y", "k=v", "--"]), "app arguments: " + show(a));

  // Only the first '=' separates key and value.
  parseCommandLine("cmd=a=b empty= -- x");
  expectOption("cmd", "a=b");
  expectOption("empty", "");
  assert(same(args(), ["x"]), "args after reparse: " + show(args()));

  // No `--`: everything is a kernel option, and the app gets nothing.
  parseCommandLine("a=1 b=2");
  expectOption("a", "1");
  expectOption("b", "2");
  assert(args().length == 0, "no app arguments without --: " + show(args()));

  // `--` first: no options, everything is the app's.
  parseCommandLine("-- a=1 b");
  expectOption("a", null);
  assert(same(args(), ["a=1", "b"]), "all app arguments: " + show(args()));

  // Empty line.
  parseCommandLine("");
  assert(args().length == 0 && kernelOption("log") === null, "empty command line");

  // A quoted value keeps its blanks.
  parseCommandLine("motd=\"hello there\" -- ok");
  expectOption("motd", "hello there");
}

function repeatedOptions(): void {
  // QEMU's microvm passes one virtio_mmio.device= per device.
  parseCommandLine("virtio_mmio.device=512@0xfeb00e00:12 log=info virtio_mmio.device=512@0xfeb00c00:11 log=warn -- app");
  const all = kernelOptionAll("virtio_mmio.device");
  assert(same(all, ["512@0xfeb00e00:12", "512@0xfeb00c00:11"]), "all devices in order: " + show(all));
  expectOption("virtio_mmio.device", "512@0xfeb00c00:11"); // the last wins
  expectOption("log", "warn");
  assert(same(kernelOptionAll("log"), ["info", "warn"]), "log values");
  assert(kernelOptionAll("absent").length == 0, "absent option: no values");
  assert(same(args(), ["app"]), "args with repeated options");
}

export function main(_args: string[]): void {
  wordSplitting();
  commandLine();
  repeatedOptions();
}
