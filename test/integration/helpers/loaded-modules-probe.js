/**
 * Preloaded into a gateway process with `NODE_OPTIONS=--require <this file>`: when the process
 * exits, it writes the OpenTelemetry modules it loaded to `$LOADED_MODULES_PROBE_OUT.<pid>` (a
 * JSON array of paths), so a test can see that tracing off loads none of them. A gateway started
 * from its snapshot runs them from one bundle (scripts/build-snapshot.js), which lists what it ran.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const out = process.env.LOADED_MODULES_PROBE_OUT;
if (out !== undefined && out !== '') {
  process.on('exit', () => {
    const marker = `${path.sep}@opentelemetry${path.sep}`;
    // A start from the startup snapshot runs one bundle; it lists the files of it that ran.
    const bundled = globalThis.__vismaGatewayBundledModules ?? [];
    const loaded = [...Object.keys(require.cache), ...bundled].filter((file) => file.includes(marker));
    fs.writeFileSync(`${out}.${process.pid}`, JSON.stringify(loaded));
  });
}
