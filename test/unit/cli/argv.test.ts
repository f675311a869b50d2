import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseArgv } from '../../../src/cli/argv.js';

const cases: [string[], string[]][] = [
  [
    ['list', '-ojson'],
    ['list', '-o', 'json'],
  ],
  [
    ['list', '-owide', '-nfoo'],
    ['list', '-o', 'wide', '-n', 'foo'],
  ],
  [
    ['list', '-o=yaml'],
    ['list', '-o', 'yaml'],
  ],
  [
    ['list', '-lapp=shop,tier!=db'],
    ['list', '-l', 'app=shop,tier!=db'],
  ],
  [
    ['list', '-fexamples/'],
    ['list', '-f', 'examples/'],
  ],
  [
    ['list', '-o', 'json', '-A'],
    ['list', '-o', 'json', '-A'],
  ],
  [
    ['list', '-v'],
    ['list', '-v'],
  ],
  [
    ['list', '--', '-ojson'],
    ['list', '--', '-ojson'],
  ],
  [
    ['list', '--output=json'],
    ['list', '--output=json'],
  ],
];
for (const [input, expected] of cases) {
  test(`argv: ${input.join(' ')}`, () => assert.deepEqual(normaliseArgv(input), expected));
}
