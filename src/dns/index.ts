// src/dns — the one DNS wire coder (see README.md). Every stage that reads or writes DNS
// messages does it through these exports; this folder imports nothing from other stages.

export { PacketError } from './errors.js';
export { CLASS, OPCODE, RCODE, TYPE, type TypeMnemonic, rcodeName, typeName } from './types.js';
export { MAX_LABEL_BYTES, MAX_NAME_BYTES, type ReadName, assertName, canonicalName, checkName, encodeName, readName, readNameWire } from './names.js';
export { type RecordData, type SrvData, decodeRdata, encodeRdata, soaSerial, typeCode } from './rdata.js';
export {
  type DecodeMode,
  type DecodedMessage,
  type DecodedRecord,
  type Frames,
  HEADER_BYTES,
  type Header,
  type Question,
  type RecordFrame,
  type RecordHead,
  type SectionCounts,
  type SectionName,
  type SkippedRecord,
  decodeHeader,
  decodeMessage,
  encodeHeader,
  encodeMessage,
  encodeQuestion,
  encodeRecord,
  readFrames,
} from './message.js';
export {
  NameWriter,
  type Prepared,
  SuffixRanks,
  type WireName,
  literalName,
  placeSize,
  prepareQuestion,
  prepareRecord,
  wireName,
  writePrepared,
} from './compression.js';
