/**
 * The writer side of TensorBoard event files for the tests, independent of the reader: its own
 * protobuf descriptor (field ids from tensorflow's event.proto / summary.proto / tensor.proto,
 * snake_case as there, plus fields the reader ignores: metadata, histograms) and its own bit-by-bit
 * CRC-32C.
 */
import { Root } from 'protobufjs/light';

const WRITER = Root.fromJSON({
  nested: {
    Event: { fields: { wall_time: { type: 'double', id: 1 }, step: { type: 'int64', id: 2 }, file_version: { type: 'string', id: 3 }, summary: { type: 'Summary', id: 5 } } },
    Summary: { fields: { value: { rule: 'repeated', type: 'Value', id: 1 } } },
    Value: { fields: { tag: { type: 'string', id: 1 }, simple_value: { type: 'float', id: 2 }, tensor: { type: 'TensorProto', id: 8 }, metadata: { type: 'SummaryMetadata', id: 9 } } },
    SummaryMetadata: { fields: { plugin_data: { type: 'PluginData', id: 1 } } },
    PluginData: { fields: { plugin_name: { type: 'string', id: 1 } } },
    TensorProto: { fields: { dtype: { type: 'int32', id: 1 }, tensor_shape: { type: 'Shape', id: 2 }, tensor_content: { type: 'bytes', id: 4 }, float_val: { rule: 'repeated', type: 'float', id: 5 }, double_val: { rule: 'repeated', type: 'double', id: 6 } } },
    Shape: { fields: { dim: { rule: 'repeated', type: 'Dim', id: 2 } } },
    Dim: { fields: { size: { type: 'int64', id: 1 } } },
  },
});
const EventType = WRITER.lookupType('Event');

export function bitwiseCrc32c(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}
export const masked = (bytes: Uint8Array): number => {
  const c = bitwiseCrc32c(bytes);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
};

export function frame(data: Uint8Array): Buffer {
  const head = Buffer.alloc(12);
  head.writeBigUInt64LE(BigInt(data.length), 0);
  head.writeUInt32LE(masked(head.subarray(0, 8)), 8);
  const foot = Buffer.alloc(4);
  foot.writeUInt32LE(masked(data), 0);
  return Buffer.concat([head, data, foot]);
}

export type Val = { tag: string } & ({ simple: number } | { f32Content: number } | { floatVal: number } | { histogram: true });
export function event(step: number, wallTime: number, values: Val[]): Buffer {
  const value = values.map((v) => {
    if ('simple' in v) return { tag: v.tag, simple_value: v.simple };
    if ('histogram' in v) return { tag: v.tag, tensor: { dtype: 2, tensor_shape: { dim: [{ size: 2 }, { size: 3 }] }, double_val: [0, 1, 2, 1, 2, 3] } };
    const content = Buffer.alloc(4);
    if ('f32Content' in v) content.writeFloatLE(v.f32Content, 0);
    const tensor = 'f32Content' in v ? { dtype: 1, tensor_shape: {}, tensor_content: content } : { dtype: 1, tensor_shape: {}, float_val: [v.floatVal] };
    return { tag: v.tag, tensor, metadata: { plugin_data: { plugin_name: 'scalars' } } };
  });
  return frame(EventType.encode(EventType.fromObject({ wall_time: wallTime, step, summary: { value } })).finish());
}
export const header = (): Buffer => frame(EventType.encode(EventType.fromObject({ wall_time: 1.7e9, file_version: 'brain.Event:2' })).finish());

