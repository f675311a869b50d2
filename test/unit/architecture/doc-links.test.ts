// Comments cite documents that are in the repository, by an anchor that exists: every
// `docs/<file>.md#anchor` in src/, test/, scripts/ and the docs names a heading of that file,
// and nothing cites the documents a clone does not have (the design notes and research this
// project started from).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../support/repo.js';

const ROOT = repoRoot();
const SELF = 'test/unit/architecture/doc-links.test.ts';

function files(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) files(p, out);
    else if (/\.(ts|mjs|cjs|md|py|sh)$/.test(entry)) out.push(p);
  }
  return out;
}

const SOURCES = [...['src', 'test', 'scripts', 'docs'].flatMap((d) => files(join(ROOT, d))), join(ROOT, 'README.md')].filter(
  (p) => !relative(ROOT, p).startsWith('test/unit/bindings/conformance/gateway-api/'),
);

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const line of markdown.split('\n')) {
    const m = /^#{1,6}\s+(.*)$/.exec(line);
    if (m)
      out.add(
        m[1]!
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N}\s_-]/gu, '')
          .replace(/\s/g, '-'),
      );
  }
  return out;
}

test('every docs/*.md#anchor cited in the repository is a heading of that document', () => {
  const cache = new Map<string, Set<string>>();
  const broken: string[] = [];
  let cited = 0;
  for (const file of SOURCES) {
    const text = readFileSync(file, 'utf8');
    const rel = relative(ROOT, file);
    const refs = [...text.matchAll(/docs\/([\w-]+\.md)#([\w-]+)/g)].map((m) => [m[1]!, m[2]!] as const);
    // A document's own table of contents: `](#anchor)`.
    if (rel.startsWith('docs/')) refs.push(...[...text.matchAll(/\]\(#([\w-]+)\)/g)].map((m) => [rel.slice('docs/'.length), m[1]!] as const));
    for (const [doc, anchor] of refs) {
      cited++;
      const path = join(ROOT, 'docs', doc);
      if (!existsSync(path)) {
        broken.push(`${rel}: docs/${doc} does not exist`);
        continue;
      }
      if (!cache.has(doc)) cache.set(doc, anchors(readFileSync(path, 'utf8')));
      if (!cache.get(doc)!.has(anchor)) broken.push(`${rel}: docs/${doc}#${anchor} is not a heading`);
    }
  }
  assert.ok(cited > 30, `citations found (${cited})`);
  assert.deepEqual(broken, []);
});

test('nothing cites documents outside the repository', () => {
  const outside = /DESIGN\.md|research\/|libs\.md|peers\.md|testing-notes|\.\.\/shared|\bthe seed\b|decisions-unicast/;
  const found = SOURCES.filter((p) => relative(ROOT, p) !== SELF).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line, i) => [line, i] as const)
      .filter(([line]) => outside.test(line))
      .map(([line, i]) => `${relative(ROOT, file)}:${i + 1}: ${line.trim()}`),
  );
  assert.deepEqual(found, []);
});
