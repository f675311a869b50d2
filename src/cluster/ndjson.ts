// A watch response is a stream of JSON objects separated by newlines, but HTTP chunk and TCP
// segment boundaries fall anywhere: inside an object and inside a multi-byte UTF-8 character.
// Bytes are kept until a newline and each line is decoded once, whole: a newline byte (0x0A)
// never occurs inside a multi-byte UTF-8 character, so a split cannot corrupt one.
// Linear in the stream: each chunk is scanned once, from where the last scan stopped, and the
// bytes of an unfinished line are appended to one growing buffer (doubling). One 5 MB event
// costs O(5 MB), not a rescan of everything pending for every chunk.

const NEWLINE = 0x0a;
/** A buffer that grew past this for one big event is let go once that event is decoded. */
const KEEP_BYTES = 1 << 20;

export class NdjsonDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private len = 0;

  /** Feeds bytes; returns the complete values they finish. Throws on a line that is not JSON. */
  push(chunk: Buffer | string): unknown[] {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const out: unknown[] = [];
    let start = 0;
    let nl = bytes.indexOf(NEWLINE, start);
    while (nl >= 0) {
      let line: string;
      if (this.len === 0) {
        line = bytes.toString('utf8', start, nl);
      } else {
        this.append(bytes, start, nl);
        line = this.buf.toString('utf8', 0, this.len);
        this.len = 0;
        if (this.buf.length > KEEP_BYTES) this.buf = Buffer.alloc(0);
      }
      line = line.trim();
      if (line !== '') out.push(parseLine(line));
      start = nl + 1;
      nl = bytes.indexOf(NEWLINE, start);
    }
    if (start < bytes.length) this.append(bytes, start, bytes.length);
    return out;
  }

  /** At the end of the stream: a last value without a trailing newline still counts. */
  end(): unknown[] {
    const rest = this.buf.toString('utf8', 0, this.len).trim();
    this.len = 0;
    this.buf = Buffer.alloc(0);
    return rest === '' ? [] : [parseLine(rest)];
  }

  /** Bytes of an unfinished line held (for tests). */
  get pendingBytes(): number {
    return this.len;
  }

  private append(bytes: Buffer, from: number, to: number): void {
    const need = this.len + (to - from);
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2, 4096));
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    bytes.copy(this.buf, this.len, from, to);
    this.len = need;
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`the watch stream carried a line that is not JSON (${line.length} bytes)`);
  }
}
