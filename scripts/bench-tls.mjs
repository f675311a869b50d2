// Cost of certificate creation (docs/decisions.md, "TLS: X.509 library"): node scripts/bench-tls.mjs after npm run build.
const t0 = performance.now();
const { createRootCA, issueLeaf } = await import(new URL('../dist/src/tls/x509.js', import.meta.url).href);
const ca = await createRootCA({ who: 'bench@host' });
const t1 = performance.now();
const N = 50;
for (let i = 0; i < N; i++) await issueLeaf({ caCertPem: ca.certPem, caKey: ca.key, hostnames: ['shop.local', 'api.local'], days: 90, who: 'b' });
const t2 = performance.now();
console.log(`first CA incl. library load: ${(t1 - t0).toFixed(0)} ms; leaf issuance: ${((t2 - t1) / N).toFixed(1)} ms each (${N} leaves)`);
