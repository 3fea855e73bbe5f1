#!/usr/bin/env node
/**
 * Writes the gateway's GraphQL schema to schema/schema.graphql (sorted, so the file only
 * changes when the schema does), or with --check fails when the committed file differs from
 * what the code builds. Runs on the compiled code in dist/ (the npm scripts build first).
 */
'use strict';
require('reflect-metadata');
const fs = require('node:fs');
const path = require('node:path');

const SCHEMA_FILE = path.join(__dirname, '..', 'schema', 'schema.graphql');

async function main() {
  const check = process.argv.includes('--check');
  const { buildGatewaySchema, printGatewaySchema } = require('../dist/graphql/build-schema');
  const printed = printGatewaySchema(await buildGatewaySchema());
  if (!check) {
    fs.mkdirSync(path.dirname(SCHEMA_FILE), { recursive: true });
    fs.writeFileSync(SCHEMA_FILE, printed);
    process.stdout.write(`Wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
    return;
  }
  const committed = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '';
  if (committed !== printed) {
    const at = firstDifferentLine(committed, printed);
    process.stderr.write(
      `schema/schema.graphql is out of date: the code builds a different schema (first difference at line ${at}).\n` +
        'Run "npm run schema:emit" and commit the result.\n',
    );
    process.exit(1);
  }
  process.stdout.write('schema/schema.graphql matches the code.\n');
}

function firstDifferentLine(a, b) {
  const left = a.split('\n');
  const right = b.split('\n');
  let line = 0;
  while (line < left.length && line < right.length && left[line] === right[line]) line += 1;
  return line + 1;
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
