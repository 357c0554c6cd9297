// Prints one closing line for the whole test run, adding up the unit and
// browser results that vitest and Playwright wrote as JSON.
import { readFileSync } from 'node:fs';

const unit = JSON.parse(readFileSync('test-results/unit.json', 'utf8'));
const browser = JSON.parse(readFileSync('test-results/browser.json', 'utf8'));

const passed = unit.numPassedTests + browser.stats.expected;
const failed = unit.numFailedTests + browser.stats.unexpected;
const skipped =
  unit.numPendingTests + unit.numTodoTests + browser.stats.skipped;
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
