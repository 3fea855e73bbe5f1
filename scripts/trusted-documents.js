#!/usr/bin/env node
/**
 * Writes operations/trusted-documents.json, the trusted documents manifest of the operations in
 * operations/*.graphql, in Apollo's persisted query manifest format (docs/trusted-documents.md),
 * or with --check fails when the committed file differs. Each body is what Apollo Client 4 sends
 * for the operation: printed by graphql-js with `__typename` added to every selection set but the
 * root (Apollo Client's own transform, as @apollo/generate-persisted-query-manifest applies it),
 * so the SHA-256 Apollo Client's persisted-queries link computes is the manifest's id.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { createHash } = require('node:crypto');
const { Kind, parse, print, visit } = require('graphql');
const { addTypenameToDocument } = require('@apollo/client/utilities');

const OPERATIONS_DIR = path.join(__dirname, '..', 'operations');
const MANIFEST_FILE = path.join(OPERATIONS_DIR, 'trusted-documents.json');

/** The fragments an operation uses, directly or through other fragments, in the file's order. */
function usedFragments(operation, fragments) {
  const used = new Set();
  const pending = [operation];
  while (pending.length > 0) {
    visit(pending.pop(), {
      FragmentSpread(node) {
        const fragment = fragments.get(node.name.value);
        if (fragment !== undefined && !used.has(fragment)) {
          used.add(fragment);
          pending.push(fragment);
        }
      },
    });
  }
  return [...fragments.values()].filter((fragment) => used.has(fragment));
}

function buildManifest() {
  const files = fs
    .readdirSync(OPERATIONS_DIR)
    .filter((file) => file.endsWith('.graphql'))
    .sort();
  const operations = [];
  for (const file of files) {
    const document = addTypenameToDocument(parse(fs.readFileSync(path.join(OPERATIONS_DIR, file), 'utf8'), { noLocation: true }));
    const fragments = new Map(
      document.definitions
        .filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION)
        .map((fragment) => [fragment.name.value, fragment]),
    );
    for (const operation of document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION)) {
      if (operation.name === undefined) {
        throw new Error(`operations/${file} has an anonymous operation; trusted operations are named.`);
      }
      const body = print({ kind: Kind.DOCUMENT, definitions: [operation, ...usedFragments(operation, fragments)] });
      operations.push({
        id: createHash('sha256').update(body, 'utf8').digest('hex'),
        name: operation.name.value,
        type: operation.operation,
        body,
      });
    }
  }
  operations.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return `${JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }, null, 2)}\n`;
}

function main() {
  const check = process.argv.includes('--check');
  const built = buildManifest();
  const relative = path.relative(process.cwd(), MANIFEST_FILE);
  if (!check) {
    fs.writeFileSync(MANIFEST_FILE, built);
    process.stdout.write(`Wrote ${relative}\n`);
    return;
  }
  const committed = fs.existsSync(MANIFEST_FILE) ? fs.readFileSync(MANIFEST_FILE, 'utf8') : '';
  if (committed !== built) {
    process.stderr.write(
      `${relative} is out of date: operations/*.graphql build a different manifest.\n` +
        'Run "npm run trusted-documents" and commit the result.\n',
    );
    process.exit(1);
  }
  process.stdout.write(`${relative} matches operations/*.graphql.\n`);
}

main();
