/**
 * The scalars of one `tensorflow.Event` record, decoded from the protobuf wire format field by field
 * (field numbers from tensorflow/core/util/event.proto and framework/{summary,tensor,
 * tensor_shape}.proto), so that a million events cost no million object graphs:
 *   Event { double wall_time = 1; int64 step = 2; Summary summary = 5; ... }
 *   Summary { repeated Value value = 1; }  Value { string tag = 1; float simple_value = 2; TensorProto tensor = 8; ... }
 *   TensorProto { DataType dtype = 1; TensorShapeProto tensor_shape = 2; bytes tensor_content = 4;
 *                 repeated float float_val = 5 [packed]; repeated double double_val = 6 [packed]; }
 *   TensorShapeProto { repeated Dim dim = 2; }
 * A scalar is a `simple_value` (TF1, PyTorch's SummaryWriter) or a rank-0 float/double tensor
 * (TF2, Keras's TensorBoard callback). Anything else (histograms, images, text, graphs) is skipped.
 *
 * The fields every scalar event has (wall time, step, summary, tag, simple_value) are read inline
 * from the bytes; everything else (skipping unknown fields, tensors) goes through protobufjs's wire
 * Reader, whose method call per field cost more than the decoding (docs/logs.md, "Size and speed").
 */
import { Reader } from 'protobufjs/minimal';

/** tensorflow/core/framework/types.proto DataType values. */
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;
/** One-byte keys, (field << 3) | wire: Event.wall_time, Event.step, Event.summary, Summary.value, Value.tag, Value.simple_value, Value.tensor. */
const KEY_WALL_TIME = 0x09;
const KEY_STEP = 0x10;
const KEY_SUMMARY = 0x2a;
const KEY_VALUE = 0x0a;
const KEY_TAG = 0x0a;
const KEY_SIMPLE_VALUE = 0x15;
const KEY_TENSOR = 0x42;

/** Receives an event's scalars; `step` and `wallTime` are those of the event they belong to. */
export interface ScalarSink {
  scalar(tag: string, value: number, step: number, wallTime: number): void;
}

/** Thrown inside the decoder when a length or varint runs past its message: the record is not an Event. */
class Malformed extends Error {}
const MALFORMED = new Malformed('not a tensorflow.Event');

/** Little-endian floats read through a view of the record's buffer (offsets as in the buffer), made once per buffer. */
let viewOf: Uint8Array | undefined;
let view: DataView = new DataView(new ArrayBuffer(8));

function viewFor(buf: Uint8Array): DataView {
  if (buf !== viewOf) {
    view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    viewOf = buf;
  }
  return view;
}

/** The position after the varint at `pos` (its value is `varintValue`); steps stay far below 2^53. */
let varintValue = 0;
function varint(buf: Uint8Array, pos: number, end: number): number {
  let b = pos < end ? buf[pos++]! : -1;
  if (b < 0x80) {
    if (b < 0) throw MALFORMED;
    varintValue = b;
    return pos;
  }
  let result = b & 0x7f;
  let mul = 128;
  do {
    if (pos >= end) throw MALFORMED;
    b = buf[pos++]!;
    result += (b & 0x7f) * mul;
    mul *= 128;
  } while (b & 0x80);
  // Negative int64 steps are 10-byte two's complement.
  varintValue = result >= 2 ** 63 ? result - 2 ** 64 : result;
  return pos;
}

/** One Reader for the rare fields (its buffer swapped in), instead of one object per event. */
const reader = Reader.create(new Uint8Array(0));

/** The position after the field whose key is at `pos`, skipped with the library's wire reader. */
function skipField(buf: Uint8Array, pos: number, end: number): number {
  const r = reader;
  r.buf = buf;
  r.pos = pos;
  r.len = end;
  try {
    r.skipType(r.uint32() & 7);
  } catch {
    throw MALFORMED;
  }
  if (r.pos > end) throw MALFORMED;
  return r.pos;
}

interface Tensor {
  dtype: number;
  rank: number;
  value: number | undefined;
}
const tensor: Tensor = { dtype: 0, rank: 0, value: undefined };

function readTensor(buf: Uint8Array, start: number, end: number): number | undefined {
  const r = reader;
  r.buf = buf;
  r.pos = start;
  r.len = end;
  tensor.dtype = 0;
  tensor.rank = 0;
  tensor.value = undefined;
  let content: Uint8Array | undefined;
  try {
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
  } catch {
    throw MALFORMED;
  }
  if (r.pos > end) throw MALFORMED;
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

function tagAt(buf: Uint8Array, start: number, end: number): string {
  const length = end - start;
  // Most events repeat the tag of the one before.
  const last = lastTag.bytes;
  if (last.length === length) {
    let i = 0;
    while (i < length && last[i] === buf[start + i]) i++;
    if (i === length) return lastTag.tag;
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

/** Summaries after the first of one event (protobuf merges repeated message fields): rare, kept here. */
const moreSummaries: number[] = [];

/**
 * Decodes one event record and hands its scalars to the sink. Returns the number of scalars, or
 * -1 when the bytes are not an Event (a record that passed its CRC but was written by something else).
 */
export function decodeEvent(buf: Uint8Array, start: number, end: number, sink: ScalarSink): number {
  const v = viewFor(buf);
  let pos = start;
  let wallTime = 0;
  let step = 0;
  let summaryStart = -1;
  let summaryEnd = -1;
  if (moreSummaries.length) moreSummaries.length = 0;
  try {
    while (pos < end) {
      const key = buf[pos]!;
      if (key === KEY_WALL_TIME) {
        if (pos + 9 > end) return -1;
        wallTime = v.getFloat64(pos + 1, true);
        pos += 9;
      } else if (key === KEY_STEP) {
        pos = varint(buf, pos + 1, end);
        step = varintValue;
      } else if (key === KEY_SUMMARY) {
        pos = varint(buf, pos + 1, end);
        const e = pos + varintValue;
        if (e > end) return -1;
        // Read after the loop: a writer may put the step after the summary.
        if (summaryStart < 0) {
          summaryStart = pos;
          summaryEnd = e;
        } else moreSummaries.push(pos, e);
        pos = e;
      } else pos = skipField(buf, pos, end);
    }
    if (summaryStart < 0) return 0;
    let count = readSummary(buf, v, summaryStart, summaryEnd, step, wallTime, sink);
    for (let i = 0; i < moreSummaries.length; i += 2) count += readSummary(buf, v, moreSummaries[i]!, moreSummaries[i + 1]!, step, wallTime, sink);
    return count;
  } catch (e) {
    if (e instanceof Malformed) return -1;
    throw e;
  }
}

function readSummary(buf: Uint8Array, v: DataView, start: number, end: number, step: number, wallTime: number, sink: ScalarSink): number {
  let count = 0;
  let pos = start;
  while (pos < end) {
    if (buf[pos] !== KEY_VALUE) {
      pos = skipField(buf, pos, end);
      continue;
    }
    pos = varint(buf, pos + 1, end);
    const valueEnd = pos + varintValue;
    if (valueEnd > end) throw MALFORMED;
    let tag = '';
    let value: number | undefined;
    while (pos < valueEnd) {
      const key = buf[pos]!;
      if (key === KEY_TAG) {
        pos = varint(buf, pos + 1, valueEnd);
        const tagEnd = pos + varintValue;
        if (tagEnd > valueEnd) throw MALFORMED;
        tag = tagAt(buf, pos, tagEnd);
        pos = tagEnd;
      } else if (key === KEY_SIMPLE_VALUE) {
        if (pos + 5 > valueEnd) throw MALFORMED;
        value = v.getFloat32(pos + 1, true);
        pos += 5;
      } else if (key === KEY_TENSOR) {
        pos = varint(buf, pos + 1, valueEnd);
        const tensorEnd = pos + varintValue;
        if (tensorEnd > valueEnd) throw MALFORMED;
        value = readTensor(buf, pos, tensorEnd);
        pos = tensorEnd;
      } else pos = skipField(buf, pos, valueEnd);
    }
    if (tag && value !== undefined) {
      count++;
      sink.scalar(tag, value, step, wallTime);
    }
  }
  return count;
}
