// Domain names on the wire (RFC 1035 §3.1, §4.1.4): the limits, the uncompressed writer, the
// canonical form, and the reader of possibly compressed names. The compressing writer is in
// compression.ts.

import { PacketError } from './errors.js';

/** RFC 1035 §2.3.4. */
export const MAX_LABEL_BYTES = 63;
export const MAX_NAME_BYTES = 255;

type NameProblem = { kind: 'empty-label' | 'long-label' } | { kind: 'long-name' };

function nameProblem(name: string): NameProblem | null {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (n === '') return null;
  let total = 1;
  for (const label of n.split('.')) {
    const bytes = Buffer.byteLength(label);
    if (bytes === 0) return { kind: 'empty-label' };
    if (bytes > MAX_LABEL_BYTES) return { kind: 'long-label' };
    total += bytes + 1;
  }
  return total > MAX_NAME_BYTES ? { kind: 'long-name' } : null;
}

/** What is wrong with `name` as a wire name (RFC 1035 §2.3.4), for people; null when nothing. */
export function checkName(name: string): string | null {
  const p = nameProblem(name);
  if (!p) return null;
  switch (p.kind) {
    case 'empty-label':
      return `empty label in ${JSON.stringify(name)}`;
    case 'long-label':
      return `label longer than ${MAX_LABEL_BYTES} bytes in ${JSON.stringify(name)}`;
    case 'long-name':
      return `name longer than ${MAX_NAME_BYTES} bytes: ${JSON.stringify(name)}`;
  }
}

/**
 * Lower case, no trailing dot (the root stays "."): RFC 4034 §6.2's canonical form, which TSIG
 * digests (RFC 8945 §4.3.3) and unicast DNS compares names in.
 */
export function canonicalName(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') && n !== '.' ? n.slice(0, -1) : n;
}

/** The labels of a name as written (UTF-8), without the root; "" and "." are the root. */
export function nameLabels(name: string): Buffer[] {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  return n === '' ? [] : n.split('.').map((l) => Buffer.from(l, 'utf8'));
}

/** Throws PacketError unless `name` fits the wire limits. */
export function assertName(name: string): void {
  const p = nameProblem(name);
  if (p)
    throw new PacketError(
      `invalid DNS name ${JSON.stringify(name)}: ${p.kind === 'long-name' ? `longer than ${MAX_NAME_BYTES} bytes` : `labels must be 1-${MAX_LABEL_BYTES} bytes`}`,
    );
}

/** Uncompressed wire form, case kept, limits checked. */
export function encodeName(name: string): Buffer {
  assertName(name);
  const labels = nameLabels(name);
  const out = Buffer.allocUnsafe(labels.reduce((s, l) => s + 1 + l.length, 1));
  let p = 0;
  for (const l of labels) {
    out[p++] = l.length;
    l.copy(out, p);
    p += l.length;
  }
  out[p] = 0;
  return out;
}

const MAX_POINTER_JUMPS = 128;

function escapeLabel(s: string): string {
  // A label holding '.' or '\' is escaped (RFC 4343 §2.1 style), so it cannot equal two labels.
  return s.includes('\\') || s.includes('.') ? s.replace(/\\/g, '\\\\').replace(/\./g, '\\.') : s;
}

export interface ReadName {
  /** Labels joined by ".", each UTF-8 decoded with '.' and '\' escaped; "." for the root. */
  name: string;
  /** Offset just after the name where it was read (after the first pointer, if any). */
  next: number;
}

function read(buf: Buffer, start: number, wire: Buffer[] | undefined): ReadName {
  const labels: string[] = [];
  let pos = start;
  let limit = start; // every pointer must be below the previous target: no loops
  let next = -1;
  let total = 1;
  let jumps = 0;
  for (;;) {
    if (pos >= buf.length) throw new PacketError('name runs past the end');
    const len = buf[pos]!;
    if (len === 0) {
      pos += 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= buf.length) throw new PacketError('truncated compression pointer');
      const ptr = ((len & 0x3f) << 8) | buf[pos + 1]!;
      if (ptr >= limit) throw new PacketError('compression pointer does not point backwards');
      if (++jumps > MAX_POINTER_JUMPS) throw new PacketError('too many compression pointers');
      if (next < 0) next = pos + 2;
      pos = ptr;
      limit = ptr;
      continue;
    }
    if (kind !== 0) throw new PacketError('bad label type');
    if (pos + 1 + len > buf.length) throw new PacketError('label runs past the end');
    total += len + 1;
    if (total > MAX_NAME_BYTES) throw new PacketError(`name longer than ${MAX_NAME_BYTES} bytes`);
    labels.push(escapeLabel(buf.toString('utf8', pos + 1, pos + 1 + len)));
    wire?.push(buf.subarray(pos, pos + 1 + len));
    pos += 1 + len;
  }
  return { name: labels.length ? labels.join('.') : '.', next: next < 0 ? pos : next };
}

/**
 * A possibly compressed name at `start`. Pointers must point strictly backwards, each before
 * the last (RFC 1035 §4.1.4 "a prior occurrence"), so loops end; at most 255 bytes.
 */
export function readName(buf: Buffer, start: number): ReadName {
  return read(buf, start, undefined);
}

/** readName, plus the name's exact bytes uncompressed (to echo a question byte for byte). */
export function readNameWire(buf: Buffer, start: number): ReadName & { wire: Buffer } {
  const parts: Buffer[] = [];
  const n = read(buf, start, parts);
  parts.push(ROOT);
  return { name: n.name, next: n.next, wire: Buffer.concat(parts) };
}

const ROOT = Buffer.from([0]);
