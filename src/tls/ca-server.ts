// `tls ca --serve`: phones and other machines fetch rootCA.pem over HTTP from this host, at
// http://<hostname>-ca.local:<port>/ published over mDNS, with a terminal QR code of the URL.
// Only the certificate is served — never the key.
import http from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import type { LocalCA } from './ca.js';

export interface CaServer {
  port: number;
  close(): Promise<void>;
}

/** `<first label of the hostname>-ca.local`, cleaned to an RFC 1123 label. */
export function caHostname(host = hostname()): string {
  const label =
    (host.split('.')[0] ?? 'kubectl-mdns')
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 59) || 'kubectl-mdns';
  return `${label}-ca.local`;
}

/** This host's addresses to publish (non-internal IPv4 and IPv6), optionally on named interfaces only. */
export function localAddresses(only?: readonly string[]): { a: string[]; aaaa: string[] } {
  const a = new Set<string>();
  const aaaa = new Set<string>();
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (only?.length && !only.includes(name)) continue;
    for (const addr of addrs ?? []) {
      if (addr.internal) continue;
      if (addr.family === 'IPv4') a.add(addr.address);
      else if (!addr.address.toLowerCase().startsWith('fe80')) aaaa.add(addr.address);
    }
  }
  return { a: [...a].sort(), aaaa: [...aaaa].sort() };
}

function page(ca: LocalCA): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  return `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>kubectl-mdns CA</title>
<h1>kubectl-mdns local CA</h1><p>${esc(ca.subject)}<br>SHA-256 ${esc(ca.fingerprintSHA256)}</p>
<p><a href="/rootCA.pem">Download rootCA.pem</a></p>
<p>iOS: open the link in Safari, allow the profile, install it in Settings › General › VPN &amp; Device Management, then enable full trust in Settings › General › About › Certificate Trust Settings.<br>
Android: download, then Settings › Security › Encryption &amp; credentials › Install a certificate › CA certificate.</p>\n`;
}

export async function serveCaCertificate(ca: LocalCA, opts: { port: number; host?: string }): Promise<CaServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/rootCA.pem' || path === '/rootCA.crt') {
      // application/x-x509-ca-cert: what iOS Safari and Android offer to install as a CA.
      res.writeHead(200, {
        'Content-Type': 'application/x-x509-ca-cert',
        'Content-Disposition': 'attachment; filename="rootCA.pem"',
        'Content-Length': Buffer.byteLength(ca.certPem),
      });
      res.end(req.method === 'HEAD' ? undefined : ca.certPem);
      return;
    }
    if (path === '/') {
      const body = page(ca);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '::', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = addr && typeof addr === 'object' ? addr.port : opts.port;
  return {
    port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The QR code of `text` for a terminal (Unicode half blocks, two rows per line). */
export async function terminalQr(text: string): Promise<string> {
  const { renderUnicodeCompact } = await import('uqr');
  return renderUnicodeCompact(text, { border: 1 });
}
