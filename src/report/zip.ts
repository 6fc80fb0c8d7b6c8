/**
 * Reading the entries of a zip archive held in memory, for the leak scan to look inside the archives
 * reports contain (Playwright's HTML report embeds its data as a base64 zip; traces are zips). The
 * reading is fflate's (`unzipSync`: the central directory, ZIP64 included, stored and deflated entries);
 * this module only turns its answer into every entry, in the archive's order, and its failures into values.
 */
import { unzipSync, type UnzipFileInfo } from 'fflate';

export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
}

const LOCAL_FILE_HEADER = 0x04034b50;

export function isZip(buf: Buffer): boolean {
  return buf.length >= 22 && buf.readUInt32LE(0) === LOCAL_FILE_HEADER;
}

/**
 * The archive's entries, or an error value saying why they could not be read. fflate answers with a
 * record keyed by name, where a name used twice keeps one entry; so each pass takes one occurrence of
 * every name (the first pass the first ones, and so on), and none is left unread.
 */
export function zipEntries(buf: Buffer): ZipEntry[] | Error {
  const data = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  const order: { name: string; occurrence: number }[] = [];
  const out: (ZipEntry | undefined)[] = [];
  let passes = 1;
  try {
    for (let pass = 0; pass < passes; pass++) {
      const seen = new Map<string, number>();
      const taken: number[] = [];
      let index = 0;
      const files = unzipSync(data, {
        filter: (file: UnzipFileInfo) => {
          const occurrence = seen.get(file.name) ?? 0;
          seen.set(file.name, occurrence + 1);
          if (pass === 0) {
            order.push({ name: file.name, occurrence });
            passes = Math.max(passes, occurrence + 1);
          }
          if (occurrence === pass) taken.push(index);
          index++;
          return occurrence === pass;
        },
      });
      for (const at of taken) {
        const name = order[at]!.name;
        // Read as assigned: an entry named "__proto__" is found the way fflate stored it.
        const content = (files as Record<string, Uint8Array | undefined>)[name];
        if (!(content instanceof Uint8Array)) return new Error(`${name} was not read`);
        out[at] = { name, data: Buffer.from(content.buffer, content.byteOffset, content.length) };
      }
    }
  } catch (e) {
    return new Error((e as Error).message);
  }
  return out.filter((e): e is ZipEntry => e !== undefined);
}
