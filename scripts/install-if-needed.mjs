// Runs `npm ci` when node_modules is missing or older than package-lock.json,
// so the README's commands work on a fresh clone and stay fast afterwards.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

function read(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8')).packages;
  } catch {
    return null;
  }
}

const expected = read('package-lock.json');
const installed = read('node_modules/.package-lock.json');
const current =
  expected !== null &&
  installed !== null &&
  Object.entries(expected).every(
    ([path, entry]) =>
      path === '' ||
      entry.optional === true ||
      installed[path]?.version === entry.version,
  );

if (!current) {
  console.log('Installing dependencies with npm ci...');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
}
