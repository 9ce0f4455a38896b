/**
 * TensorBoard event-file records for the log benches: the TFRecord framing (length, masked CRC-32C
 * of it, data, masked CRC-32C of the data) around an Event, as TensorFlow's writers frame them.
 */
import { Writer } from 'protobufjs/minimal';
import { buf as crc32c } from 'crc-32/crc32c';

const mask = (c: number): number => ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;

function framed(data: Uint8Array): Buffer {
  const out = Buffer.alloc(16 + data.length);
  out.writeUInt32LE(data.length, 0);
  out.writeUInt32LE(0, 4);
  out.writeUInt32LE(mask(crc32c(out.subarray(0, 8)) >>> 0), 8);
  out.set(data, 12);
  out.writeUInt32LE(mask(crc32c(data) >>> 0), 12 + data.length);
  return out;
}

/** The first record of every event file: Event { wall_time = 1, file_version = 3 }. */
export function eventFileHeader(wall: number): Buffer {
  return framed(Writer.create().uint32((1 << 3) | 1).double(wall).uint32((3 << 3) | 2).string('brain.Event:2').finish());
}

/** One scalar: Event { wall_time = 1, step = 2, summary = 5 { value = 1 { tag = 1, simple_value = 2 } } }. */
export function scalarRecord(step: number, wall: number, tag: string, value: number): Buffer {
  const v = Writer.create().uint32((1 << 3) | 2).string(tag).uint32((2 << 3) | 5).float(value).finish();
  const summary = Writer.create().uint32((1 << 3) | 2).bytes(v).finish();
  return framed(Writer.create().uint32((1 << 3) | 1).double(wall).uint32((2 << 3) | 0).int64(step).uint32((5 << 3) | 2).bytes(summary).finish());
}
