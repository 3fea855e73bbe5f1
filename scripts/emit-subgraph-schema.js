#!/usr/bin/env node
/**
 * Writes the gateway's Federation 2 subgraph SDL (what `_service { sdl }` returns: the API plus
 * @key, @shareable, @external, @provides, @tag, @inaccessible and the @link to the spec) to
 * schema/subgraph.graphql, or with --check fails when the committed file differs. Runs on the
 * compiled code in dist/ (the npm scripts build first). The router, or `rover subgraph publish
 * --schema schema/subgraph.graphql`, reads this file.
 */
'use strict';
require('reflect-metadata');
const fs = require('node:fs');
const path = require('node:path');

const SUBGRAPH_FILE = path.join(__dirname, '..', 'schema', 'subgraph.graphql');

async function main() {
  const check = process.argv.includes('--check');
  const { buildGatewaySchema } = require('../dist/graphql/build-schema');
  const { buildSubgraphSchemaFrom, printGatewaySubgraphSchema } = require('../dist/graphql/federation/build-subgraph-schema');
  const printed = printGatewaySubgraphSchema(buildSubgraphSchemaFrom(await buildGatewaySchema()));
  const relative = path.relative(process.cwd(), SUBGRAPH_FILE);
  if (!check) {
    fs.mkdirSync(path.dirname(SUBGRAPH_FILE), { recursive: true });
    fs.writeFileSync(SUBGRAPH_FILE, printed);
    process.stdout.write(`Wrote ${relative}\n`);
    return;
  }
  const committed = fs.existsSync(SUBGRAPH_FILE) ? fs.readFileSync(SUBGRAPH_FILE, 'utf8') : '';
  if (committed !== printed) {
    const left = committed.split('\n');
    const right = printed.split('\n');
    let line = 0;
    while (line < left.length && line < right.length && left[line] === right[line]) line += 1;
    process.stderr.write(
      `${relative} is out of date: the code builds a different subgraph schema (first difference at line ${line + 1}).\n` +
        'Run "npm run schema:subgraph" and commit the result.\n',
    );
    process.exit(1);
  }
  process.stdout.write(`${relative} matches the code.\n`);
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
