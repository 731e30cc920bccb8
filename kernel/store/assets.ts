// Static assets embedded in the image: the files of an app's public/ folder,
// which `crust build` turns into data segments of the kernel (no file system,
// no copies: each asset's bytes sit in linear memory from boot). The build
// also computes each file's Content-Type and a strong ETag (a hash of its
// bytes), so serving one needs no work at run time.

export class Asset {
  constructor(
    /** URL path, e.g. "/index.html". */
    public path: string,
    /** Address of the bytes in linear memory. */
    public data: usize,
    public length: i32,
    public contentType: string,
    /** Quoted, e.g. "\"3f2a9c01d4e5b6a7\"" (RFC 9110 §8.8.3). */
    public etag: string,
  ) {}

  private cached: Uint8Array | null = null;

  /** The bytes as a Uint8Array, made on first use and kept: the APIs that
   *  send bytes take managed arrays, and static data has no object header. */
  bytes(): Uint8Array {
    let b = this.cached;
    if (b === null) {
      b = new Uint8Array(this.length);
      memory.copy(b.dataStart, this.data, <usize>this.length);
      this.cached = b;
    }
    return b;
  }
}

const byPath = new Map<string, Asset>();

/** Called by the generated entry before the app starts. */
export function registerAsset(a: Asset): void {
  byPath.set(a.path, a);
}

/** The asset at a URL path, or null. "/" and "/dir/" map to their index.html. */
export function findAsset(path: string): Asset | null {
  let p = path;
  if (p.endsWith("/")) p += "index.html";
  return byPath.has(p) ? byPath.get(p) : null;
}

export function assetCount(): i32 {
  return byPath.size;
}
