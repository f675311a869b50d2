// A watch response is a stream of JSON objects separated by newlines, but HTTP chunk and TCP
// segment boundaries fall anywhere: inside an object and inside a multi-byte UTF-8 character.
// Buffer until a newline and decode bytes with a StringDecoder so neither split corrupts an event.

import { StringDecoder } from 'node:string_decoder';

export class NdjsonDecoder {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  /** Feeds bytes; returns the complete values they finish. Throws on a line that is not JSON. */
  push(chunk: Buffer | string): unknown[] {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const out: unknown[] = [];
    let start = 0;
    let nl: number;
    while ((nl = this.pending.indexOf('\n', start)) >= 0) {
      const line = this.pending.slice(start, nl).trim();
      start = nl + 1;
      if (line !== '') out.push(parseLine(line));
    }
    this.pending = this.pending.slice(start);
    return out;
  }

  /** At the end of the stream: a last value without a trailing newline still counts. */
  end(): unknown[] {
    const rest = (this.pending + this.decoder.end()).trim();
    this.pending = '';
    return rest === '' ? [] : [parseLine(rest)];
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`the watch stream carried a line that is not JSON (${line.length} bytes)`);
  }
}
