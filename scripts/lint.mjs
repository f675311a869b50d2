#!/usr/bin/env node
// `npm run lint`: runs the three checks one after the other, each to the end, so a failing one
// does not hide the others, then exits non-zero if any failed. Each can be run alone:
// `npm run lint:code` (Biome lint rules, biome.jsonc), `npm run lint:format` (Biome formatter,
// check only; `npm run format` writes) and `npm run lint:arch` (stage order, .dependency-cruiser.cjs).
import { spawnSync } from 'node:child_process';

const checks = ['lint:code', 'lint:format', 'lint:arch'];
const failed = checks.filter((name) => spawnSync('npm', ['run', '--silent', name], { stdio: 'inherit' }).status !== 0);
if (failed.length > 0) {
  console.error(`lint: failed: ${failed.join(', ')}`);
  process.exit(1);
}
