#!/usr/bin/env node
/**
 * Lints the Dockerfile offline with dockerfile-utils (the validator behind VS Code's Docker
 * support): unknown instructions, bad flags and durations, misplaced or repeated CMD and
 * HEALTHCHECK, and so on. Any diagnostic, warning or error, fails: the Dockerfile lints clean.
 */
'use strict';
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { validate } = require('dockerfile-utils');

const file = path.resolve(process.argv[2] ?? 'Dockerfile');
const diagnostics = validate(readFileSync(file, 'utf8'));
for (const d of diagnostics) {
  const severity = d.severity === 1 ? 'error' : 'warning';
  process.stderr.write(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${severity}: ${d.message}\n`);
}
if (diagnostics.length > 0) {
  process.exit(1);
}
process.stdout.write(`${path.basename(file)}: no problems found\n`);
