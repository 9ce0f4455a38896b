/**
 * The scalars of one `tensorflow.Event` record, decoded with protobufjs's wire Reader field by field
 * (field numbers from tensorflow/core/util/event.proto and framework/{summary,tensor,
 * tensor_shape}.proto), so that a million events cost no million object graphs:
 *   Event { double wall_time = 1; int64 step = 2; Summary summary = 5; ... }
 *   Summary { repeated Value value = 1; }  Value { string tag = 1; float simple_value = 2; TensorProto tensor = 8; ... }
 *   TensorProto { DataType dtype = 1; TensorShapeProto tensor_shape = 2; bytes tensor_content = 4;
 *                 repeated float float_val = 5 [packed]; repeated double double_val = 6 [packed]; }
 *   TensorShapeProto { repeated Dim dim = 2; }
 * A scalar is a `simple_value` (TF1, PyTorch's SummaryWriter) or a rank-0 float/double tensor
 * (TF2, Keras's TensorBoard callback). Anything else (histograms, images, text, graphs) is skipped.
 */
import { Reader } from 'protobufjs/minimal';

/** tensorflow/core/framework/types.proto DataType values. */
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

/** Receives an event's scalars; `step` and `wallTime` are those of the event they belong to. */
export interface ScalarSink {
  scalar(tag: string, value: number, step: number, wallTime: number): void;
}

/** An int64 varint as a number (steps stay far below 2^53; negative ones are 10-byte two's complement). */
function int64(r: Reader): number {
  const buf = r.buf;
  let result = 0;
  let mul = 1;
  let b: number;
  do {
    b = buf[r.pos++]!;
    result += (b & 0x7f) * mul;
    mul *= 128;
  } while (b & 0x80 && r.pos < r.len);
  return result >= 2 ** 63 ? result - 2 ** 64 : result;
}

interface Tensor {
  dtype: number;
  rank: number;
  value: number | undefined;
}
const tensor: Tensor = { dtype: 0, rank: 0, value: undefined };

function readTensor(r: Reader, end: number): number | undefined {
  tensor.dtype = 0;
  tensor.rank = 0;
  tensor.value = undefined;
  let content: Uint8Array | undefined;
  while (r.pos < end) {
    const key = r.uint32();
    const field = key >>> 3;
    const wire = key & 7;
    if (field === 1 && wire === WIRE_VARINT) tensor.dtype = r.int32();
    else if (field === 2 && wire === WIRE_BYTES) {
      const shapeEnd = r.uint32() + r.pos;
      while (r.pos < shapeEnd) {
        const k = r.uint32();
        if (k >>> 3 === 2) tensor.rank++;
        r.skipType(k & 7);
      }
    } else if (field === 4 && wire === WIRE_BYTES) content = r.bytes();
    else if (field === 5 && wire === WIRE_FIXED32) tensor.value ??= r.float();
    else if (field === 6 && wire === WIRE_FIXED64) tensor.value ??= r.double();
    else if ((field === 5 || field === 6) && wire === WIRE_BYTES) {
      const packedEnd = r.uint32() + r.pos;
      if (packedEnd > r.pos) tensor.value ??= field === 5 ? r.float() : r.double();
      r.pos = packedEnd;
    } else r.skipType(wire);
  }
  if (tensor.rank !== 0) return undefined;
  if (tensor.dtype === DT_FLOAT) {
    if (tensor.value === undefined && content?.length === 4) return new DataView(content.buffer, content.byteOffset, 4).getFloat32(0, true);
    return tensor.value;
  }
  if (tensor.dtype === DT_DOUBLE) {
    if (tensor.value === undefined && content?.length === 8) return new DataView(content.buffer, content.byteOffset, 8).getFloat64(0, true);
    return tensor.value;
  }
  return undefined;
}

/**
 * Tag strings by their bytes: a log repeats a handful of tags millions of times, and decoding each
 * one anew is most of the garbage a read makes. Keyed by an FNV-1a hash, checked byte for byte.
 */
const tagCache = new Map<number, { bytes: Uint8Array; tag: string }[]>();
const TAG_CACHE_LIMIT = 4096;
const utf8 = new TextDecoder();

let lastTag: { bytes: Uint8Array; tag: string } = { bytes: new Uint8Array(0), tag: '' };

function readTag(r: Reader): string {
  const length = r.uint32();
  const start = r.pos;
  const end = start + length;
  if (end > r.len) throw new RangeError('tag past the end of the record');
  r.pos = end;
  const buf = r.buf;
  // Most events repeat the tag of the one before.
  if (lastTag.bytes.length === length) {
    let same = true;
    for (let i = 0; i < length && same; i++) same = lastTag.bytes[i] === buf[start + i];
    if (same) return lastTag.tag;
  }
  const found = cachedTag(buf, start, end);
  lastTag = found;
  return found.tag;
}

function cachedTag(buf: Uint8Array, start: number, end: number): { bytes: Uint8Array; tag: string } {
  const length = end - start;
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  const bucket = tagCache.get(h);
  if (bucket) {
    for (const c of bucket) {
      if (c.bytes.length !== length) continue;
      let same = true;
      for (let i = 0; i < length && same; i++) same = c.bytes[i] === buf[start + i];
      if (same) return c;
    }
  }
  const bytes = buf.slice(start, end);
  const entry = { bytes, tag: utf8.decode(bytes) };
  if (tagCache.size < TAG_CACHE_LIMIT) {
    if (bucket) bucket.push(entry);
    else tagCache.set(h, [entry]);
  }
  return entry;
}

/** One Reader for every record (its buffer swapped in), instead of one object per event. */
const reader = Reader.create(new Uint8Array(0));
/** The event being decoded: scalars go straight to the sink once its step and wall time are read. */
const current = { wallTime: 0, step: 0, sink: undefined as ScalarSink | undefined, count: 0, late: [] as { tag: string; value: number }[], headerDone: false };

/**
 * Decodes one event record and hands its scalars to the sink. Returns the number of scalars, or
 * -1 when the bytes are not an Event (a record that passed its CRC but was written by something else).
 */
export function decodeEvent(buf: Uint8Array, start: number, end: number, sink: ScalarSink): number {
  const r = reader;
  r.buf = buf;
  r.pos = start;
  r.len = end;
  current.wallTime = 0;
  current.step = 0;
  current.sink = sink;
  current.count = 0;
  if (current.late.length) current.late.length = 0;
  current.headerDone = false;
  let seen = 0;
  try {
    while (r.pos < r.len) {
      const key = r.uint32();
      const field = key >>> 3;
      const wire = key & 7;
      if (field === 1 && wire === WIRE_FIXED64) {
        current.wallTime = r.double();
        seen |= 1;
      } else if (field === 2 && wire === WIRE_VARINT) {
        current.step = int64(r);
        seen |= 2;
      } else if (field === 5 && wire === WIRE_BYTES) {
        // Writers put the fields in number order; a summary before its step waits for the end.
        current.headerDone = seen === 3;
        readSummary(r, r.uint32() + r.pos);
      } else r.skipType(wire);
    }
  } catch {
    return -1;
  }
  for (const v of current.late) sink.scalar(v.tag, v.value, current.step, current.wallTime);
  return current.count;
}

function emit(tag: string, value: number): void {
  current.count++;
  if (current.headerDone) current.sink!.scalar(tag, value, current.step, current.wallTime);
  else current.late.push({ tag, value });
}

function readSummary(r: Reader, end: number): void {
  while (r.pos < end) {
    const key = r.uint32();
    if (key >>> 3 !== 1 || (key & 7) !== WIRE_BYTES) {
      r.skipType(key & 7);
      continue;
    }
    const valueEnd = r.uint32() + r.pos;
    let tag = '';
    let value: number | undefined;
    while (r.pos < valueEnd) {
      const k = r.uint32();
      const field = k >>> 3;
      const wire = k & 7;
      if (field === 1 && wire === WIRE_BYTES) tag = readTag(r);
      else if (field === 2 && wire === WIRE_FIXED32) value = r.float();
      else if (field === 8 && wire === WIRE_BYTES) value = readTensor(r, r.uint32() + r.pos);
      else r.skipType(wire);
    }
    r.pos = valueEnd;
    if (tag && value !== undefined) emit(tag, value);
  }
}
