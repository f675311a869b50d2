// Test PKI for the API server double, made at test time with the openssl CLI (Debian has it):
// a CA, a server certificate for 127.0.0.1/::1/localhost (plus any extra names), and a client
// certificate signed by the same CA for client-certificate authentication. EC P-256 keys: fast.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  caFile: string;
  caPem: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** The CN of the client certificate (the user the double authenticates it as). */
  clientUser: string;
}

export function generatePki(dir: string, opts: { sans?: string[]; clientUser?: string; caName?: string } = {}): TestPki {
  mkdirSync(dir, { recursive: true });
  const clientUser = opts.clientUser ?? 'cert-user';
  const p = (f: string) => join(dir, f);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const serial = () => `0x${randomBytes(8).toString('hex')}`;

  openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.crt'),
    '-days',
    '3',
    '-subj',
    `/CN=${opts.caName ?? 'kubectl-mdns test CA'}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);

  const sans = ['IP:127.0.0.1', 'IP:::1', 'DNS:localhost'];
  for (const s of opts.sans ?? []) sans.push(isIP(s) ? `IP:${s}` : `DNS:${s}`);
  writeFileSync(
    p('server.ext'),
    `subjectAltName=${sans.join(',')}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n`,
  );
  openssl(['req', ...ec, '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=apiserver-double']);
  openssl([
    'x509',
    '-req',
    '-in',
    p('server.csr'),
    '-CA',
    p('ca.crt'),
    '-CAkey',
    p('ca.key'),
    '-set_serial',
    serial(),
    '-days',
    '3',
    '-out',
    p('server.crt'),
    '-extfile',
    p('server.ext'),
  ]);

  writeFileSync(p('client.ext'), 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n');
  openssl(['req', ...ec, '-keyout', p('client.key'), '-out', p('client.csr'), '-subj', `/O=test/CN=${clientUser}`]);
  openssl([
    'x509',
    '-req',
    '-in',
    p('client.csr'),
    '-CA',
    p('ca.crt'),
    '-CAkey',
    p('ca.key'),
    '-set_serial',
    serial(),
    '-days',
    '3',
    '-out',
    p('client.crt'),
    '-extfile',
    p('client.ext'),
  ]);

  return {
    dir,
    caFile: p('ca.crt'),
    caPem: readFileSync(p('ca.crt'), 'utf8'),
    serverCertFile: p('server.crt'),
    serverKeyFile: p('server.key'),
    clientCertFile: p('client.crt'),
    clientKeyFile: p('client.key'),
    clientUser,
  };
}
