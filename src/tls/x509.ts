// Certificate creation with @peculiar/x509 on Node's WebCrypto (docs/decisions.md, "TLS:
// X.509 library"). Node's crypto parses and verifies certificates but cannot create them.
// @peculiar/x509 2.x needs a Reflect metadata polyfill (its README, "Reflect Polyfill
// Required"); it is loaded here, lazily, so commands other than `tls` never pay for it.
import { webcrypto, randomBytes, createPrivateKey, X509Certificate } from 'node:crypto';
import { PrivateKeyPem } from './private-key.js';

type X509Module = typeof import('@peculiar/x509');

let loaded: Promise<X509Module> | undefined;

async function lib(): Promise<X509Module> {
  loaded ??= (async () => {
    await import('reflect-metadata');
    // A CommonJS package: Node's ESM loader gives named exports, esbuild's bundle (the release
    // archive) a namespace with `default`; accept both.
    const x509 = interop(await import('@peculiar/x509'), 'cryptoProvider');
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    return x509;
  })();
  return loaded;
}

function interop<T extends object>(mod: T, probe: string): T {
  return probe in mod ? mod : ((mod as { default?: T }).default ?? mod);
}

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

/** Name constraints of a CA we create: RFC 5280 §4.2.1.10 permitted dNSName subtrees. */
export const CA_PERMITTED_DNS = ['local', 'home.arpa', 'internal'] as const;

export interface CreatedCertificate {
  certPem: string;
  key: PrivateKeyPem;
}

/** A random positive 128-bit serial (RFC 5280 §4.1.2.2: at most 20 octets, positive). */
function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b.toString('hex');
}

function escapeDn(s: string): string {
  return s.replace(/([,+"\\<>;=])/g, '\\$1');
}

/**
 * A self-signed ECDSA P-256 root for 10 years: CA:true with pathLen 0, keyCertSign+cRLSign,
 * and critical name constraints (CA_PERMITTED_DNS) so a stolen key cannot impersonate public
 * sites (docs/decisions.md, "TLS: the local CA").
 */
export async function createRootCA(opts: { who: string; now?: Date; years?: number }): Promise<CreatedCertificate> {
  const x509 = await lib();
  const { NameConstraints, GeneralSubtrees, GeneralSubtree, GeneralName, id_ce_nameConstraints } = interop(
    await import('@peculiar/asn1-x509'),
    'NameConstraints',
  );
  const { AsnConvert } = interop(await import('@peculiar/asn1-schema'), 'AsnConvert');
  const now = opts.now ?? new Date();
  const keys = (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const constraints = new NameConstraints({
    permittedSubtrees: new GeneralSubtrees(CA_PERMITTED_DNS.map((d) => new GeneralSubtree({ base: new GeneralName({ dNSName: d }) }))),
  });
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + (opts.years ?? 10) * 365 * DAY_MS);
  const who = escapeDn(opts.who);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `O=kubectl-mdns development CA, OU=${who}, CN=kubectl-mdns ${who}`,
    notBefore,
    notAfter,
    signingAlgorithm: EC_P256,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      new x509.Extension(id_ce_nameConstraints, true, AsnConvert.serialize(constraints)),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem') + '\n', key: new PrivateKeyPem(x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') + '\n') };
}

/** Imports a PEM private key (PKCS#8, SEC1 "EC PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY", as mkcert writes) for signing. */
async function importSigningKey(key: PrivateKeyPem, caCert: X509Certificate): Promise<{ key: webcrypto.CryptoKey; alg: { name: string; hash: string } }> {
  const der = createPrivateKey(key.pem()).export({ format: 'der', type: 'pkcs8' });
  const type = caCert.publicKey.asymmetricKeyType;
  if (type === 'ec') {
    const curve = caCert.publicKey.asymmetricKeyDetails?.namedCurve;
    const namedCurve = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : undefined;
    if (!namedCurve) throw new Error(`the CA key uses curve ${curve}, which is not supported`);
    const hash = namedCurve === 'P-256' ? 'SHA-256' : namedCurve === 'P-384' ? 'SHA-384' : 'SHA-512';
    const k = await webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve }, false, ['sign']);
    return { key: k, alg: { name: 'ECDSA', hash } };
  }
  if (type === 'rsa') {
    const k = await webcrypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
    return { key: k, alg: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } };
  }
  throw new Error(`the CA key type ${type ?? 'unknown'} is not supported (ECDSA or RSA only)`);
}

/**
 * A server leaf for `hostnames` (SANs; the first is the subject's only name, no CN, as
 * mkcert does), signed by the CA: ECDSA P-256, serverAuth, valid from 1 minute ago for
 * `days` (CA/Browser Forum: at most 397 days).
 */
export async function issueLeaf(opts: {
  caCertPem: string;
  caKey: PrivateKeyPem;
  hostnames: readonly string[];
  days: number;
  who: string;
  now?: Date;
}): Promise<CreatedCertificate> {
  const x509 = await lib();
  const now = opts.now ?? new Date();
  const caNode = new X509Certificate(opts.caCertPem);
  const ca = new x509.X509Certificate(opts.caCertPem);
  const signer = await importSigningKey(opts.caKey, caNode);
  // AKI = the CA's SKI (RFC 5280 §4.2.1.1), so verifiers pick the right issuer.
  const caKeyId = ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const keys = (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `O=kubectl-mdns development certificate, OU=${escapeDn(opts.who)}`,
    issuer: ca.subject,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + opts.days * DAY_MS),
    signingAlgorithm: signer.alg,
    publicKey: keys.publicKey,
    signingKey: signer.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        opts.hostnames.map((h) => ({ type: 'dns' as const, value: h })),
        false,
      ),
      ...(caKeyId ? [new x509.AuthorityKeyIdentifierExtension(caKeyId)] : []),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem') + '\n', key: new PrivateKeyPem(x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') + '\n') };
}
