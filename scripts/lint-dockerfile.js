#!/usr/bin/env node
/**
 * Lints the Dockerfile offline with dockerfile-utils (the validator behind VS Code's Docker
 * support): unknown instructions, bad flags and durations, misplaced or repeated CMD and
 * HEALTHCHECK, and so on. Any diagnostic, warning or error, fails: the Dockerfile lints clean.
 * The CMD and the runtime stage's environment for the C library must also be what the tests run
 * with (scripts/gateway-command.js).
 */
'use strict';
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { validate } = require('dockerfile-utils');

const { SHIPPED_ARGS, SHIPPED_ENV } = require('./gateway-command');

const file = path.resolve(process.argv[2] ?? 'Dockerfile');
const text = readFileSync(file, 'utf8');
const diagnostics = validate(text);
for (const d of diagnostics) {
  const severity = d.severity === 1 ? 'error' : 'warning';
  process.stderr.write(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${severity}: ${d.message}\n`);
}
// The tests and benchmarks start the gateway as scripts/gateway-command.js says the image does.
const shipped = JSON.stringify(['node', ...SHIPPED_ARGS]);
const cmd = [...text.matchAll(/^CMD\s+(.*)$/gm)].at(-1)?.[1].trim();
const cmdDiffers = cmd === undefined || JSON.stringify(JSON.parse(cmd)) !== shipped;
if (cmdDiffers) {
  process.stderr.write(`${file}: error: the CMD must be ${shipped} (scripts/gateway-command.js), which the tests run; it is ${cmd}\n`);
}
const runtimeStage = text.slice(text.lastIndexOf('\nFROM '));
const missingEnv = Object.entries(SHIPPED_ENV).filter(([name, value]) => !new RegExp(`^ENV ${name}=${value}$`, 'm').test(runtimeStage));
for (const [name, value] of missingEnv) {
  process.stderr.write(
    `${file}: error: the runtime stage must set ENV ${name}=${value} (scripts/gateway-command.js), which the tests run with\n`,
  );
}
if (diagnostics.length > 0 || cmdDiffers || missingEnv.length > 0) {
  process.exit(1);
}
process.stdout.write(`${path.basename(file)}: no problems found\n`);
