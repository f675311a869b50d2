// Finding a TSIG secret in text, in every form a print could give it: base64 (as in key
// files), hex in both cases, hex spaced as util.inspect prints a Buffer, decimal bytes as
// JSON.stringify prints a Buffer or inspect a Uint8Array (spaces ignored), and the raw bytes. Leading and
// middle slices count too, so a partial leak (a truncated dump) is found.

import assert from 'node:assert/strict';

function spacedHex(b: Buffer): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

/** The forms searched for, each with a label for the failure message. */
export function secretForms(secret: Buffer): { label: string; text: string }[] {
  const b64 = secret.toString('base64');
  const hex = secret.toString('hex');
  const mid = Math.floor(secret.length / 2);
  const head = secret.subarray(0, 8);
  const middle = secret.subarray(mid, mid + 8);
  const forms = [
    { label: 'base64', text: b64 },
    { label: 'base64 head', text: b64.slice(0, 12) },
    { label: 'base64 middle', text: b64.slice(Math.floor(b64.length / 2) - 6, Math.floor(b64.length / 2) + 6) },
    { label: 'hex', text: hex },
    { label: 'hex head', text: head.toString('hex') },
    { label: 'hex middle', text: middle.toString('hex') },
    { label: 'HEX head', text: head.toString('hex').toUpperCase() },
    { label: 'spaced hex head', text: spacedHex(head) },
    { label: 'spaced hex middle', text: spacedHex(middle) },
    { label: 'decimal head', text: [...head.subarray(0, 6)].join(',') },
    { label: 'raw bytes', text: secret.toString('latin1') },
  ];
  // A secret of printable bytes (tests use some) is also found as itself.
  if (/^[\x20-\x7e]+$/.test(secret.toString('latin1'))) forms.push({ label: 'text head', text: secret.toString('latin1').slice(0, 10) });
  return forms;
}

/** Labels of the forms of `secret` found in `text`. */
export function leakedForms(text: string, secret: Buffer): string[] {
  // inspect pads and wraps long byte arrays (`  74, 107,\n  48`): decimals are searched without spaces.
  const compact = text.replace(/\s+/g, '');
  return secretForms(secret)
    .filter((f) => f.text.length > 0 && (text.includes(f.text) || (f.label.startsWith('decimal') && compact.includes(f.text))))
    .map((f) => f.label);
}

export function assertNoSecretIn(text: string, secret: Buffer, what: string): void {
  const found = leakedForms(text, secret);
  assert.deepEqual(found, [], `${what} shows the TSIG secret (${found.join(', ')}):\n${text.slice(0, 4000)}`);
}
