/**
 * Test support: a minimal zip writer (deflated entries), to plant secrets inside archives the way
 * Playwright's HTML report and traces hold their data. With `zip64`, every size and offset is written as
 * ZIP64 does for an archive past 4 GiB (0xffffffff in the headers, the values in a ZIP64 extra field, a
 * ZIP64 end of central directory and its locator), so a small archive proves a reader takes that path.
 */
import { crc32, deflateRawSync } from 'node:zlib';

const MAX32 = 0xffffffff;

export function makeZip(entries: readonly { name: string; data: Buffer | string }[], opts: { zip64?: boolean } = {}): Buffer {
  const zip64 = opts.zip64 === true;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, 'utf8');
    const packed = deflateRawSync(data);
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(data);
    // Local header: uncompressed and compressed size. Central header: those and the local header's offset.
    const localExtra = zip64 ? extra([data.length, packed.length]) : Buffer.alloc(0);
    const centralExtra = zip64 ? extra([data.length, packed.length, offset]) : Buffer.alloc(0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(zip64 ? 45 : 20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(zip64 ? MAX32 : packed.length, 18);
    local.writeUInt32LE(zip64 ? MAX32 : data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(zip64 ? 45 : 20, 4);
    central.writeUInt16LE(zip64 ? 45 : 20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(zip64 ? MAX32 : packed.length, 20);
    central.writeUInt32LE(zip64 ? MAX32 : data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(centralExtra.length, 30);
    central.writeUInt32LE(zip64 ? MAX32 : offset, 42);
    locals.push(local, name, localExtra, packed);
    centrals.push(central, name, centralExtra);
    offset += local.length + name.length + localExtra.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const tail: Buffer[] = [];
  if (zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4); // the size of the rest of this record
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(dir.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + dir.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? 0xffff : entries.length, 8);
  end.writeUInt16LE(zip64 ? 0xffff : entries.length, 10);
  end.writeUInt32LE(zip64 ? MAX32 : dir.length, 12);
  end.writeUInt32LE(zip64 ? MAX32 : offset, 16);
  return Buffer.concat([...locals, dir, ...tail, end]);
}

/** A ZIP64 extended information extra field (id 1) holding 8-byte values. */
function extra(values: readonly number[]): Buffer {
  const field = Buffer.alloc(4 + 8 * values.length);
  field.writeUInt16LE(1, 0);
  field.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => field.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return field;
}
