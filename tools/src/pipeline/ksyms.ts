// The symbol table that crash reports use to name functions (machine/x86_64/
// crash.c reads it). Extracted from the first link's ELF .symtab (ELF-64
// Object File Format 1.5, §4 sections and §5 symbol table), written as a blob
// that the second link places last in the image, so no address moves:
//   u32 count, u32 0, count x { u64 address, u32 name offset, u32 size }, names.

const SHT_SYMTAB = 2;
const STT_FUNC = 2;

export interface Sym {
  addr: bigint;
  size: number;
  name: string;
}

export function functionSymbols(elf: Buffer): Sym[] {
  if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2) throw new Error("not an ELF-64 file");
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  const section = (i: number) => {
    const o = shoff + i * shentsize;
    return {
      type: elf.readUInt32LE(o + 4),
      offset: Number(elf.readBigUInt64LE(o + 0x18)),
      size: Number(elf.readBigUInt64LE(o + 0x20)),
      link: elf.readUInt32LE(o + 0x28),
    };
  };
  const syms: Sym[] = [];
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    if (s.type !== SHT_SYMTAB) continue;
    const strtab = section(s.link);
    for (let o = s.offset; o + 24 <= s.offset + s.size; o += 24) {
      if ((elf[o + 4] & 0xf) !== STT_FUNC) continue;
      const nameStart = strtab.offset + elf.readUInt32LE(o);
      const nameEnd = elf.indexOf(0, nameStart);
      syms.push({
        addr: elf.readBigUInt64LE(o + 8),
        size: Number(elf.readBigUInt64LE(o + 16)),
        name: elf.toString("utf8", nameStart, nameEnd),
      });
    }
  }
  return syms.sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
}

export function ksymsBlob(elf: Buffer): Buffer {
  const syms = functionSymbols(elf);
  const names: Buffer[] = [];
  let nameBytes = 0;
  const table = Buffer.alloc(8 + syms.length * 16);
  table.writeUInt32LE(syms.length, 0);
  syms.forEach((s, i) => {
    const o = 8 + i * 16;
    table.writeBigUInt64LE(s.addr, o);
    table.writeUInt32LE(nameBytes, o + 8);
    table.writeUInt32LE(s.size, o + 12);
    const n = Buffer.from(s.name + "\0", "utf8");
    names.push(n);
    nameBytes += n.length;
  });
  return Buffer.concat([table, ...names]);
}
