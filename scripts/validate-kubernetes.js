#!/usr/bin/env node
/**
 * Validates deploy/kubernetes/*.yaml offline: each object against the Kubernetes OpenAPI schema
 * of its apiVersion and kind, as shipped in the `kubernetes-models` package (generated from
 * Kubernetes's own OpenAPI; nothing is downloaded), then the rules this project holds its
 * Deployment to (probes on /healthz and /readyz, non-root, read-only root filesystem,
 * resources), and that every ConfigMap and Secret key is a variable the gateway reads.
 *
 * Usage: node scripts/validate-kubernetes.js [directory]   (exit code 1 on any problem)
 */
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const ROOT = path.resolve(__dirname, '..');

function modelFor(apiVersion, kind) {
  // kubernetes-models lays its classes out as <group>/<version>/<Kind>, the core group as v1/<Kind>.
  const modulePath = `kubernetes-models/${apiVersion}/${kind}`;
  try {
    return require(modulePath)[kind];
  } catch {
    return undefined;
  }
}

function configVariables() {
  const source = fs.readFileSync(path.join(ROOT, 'src', 'config.ts'), 'utf8');
  const list = /export const CONFIG_VARIABLES = \[([\s\S]*?)\] as const/.exec(source);
  if (list === null) throw new Error('CONFIG_VARIABLES not found in src/config.ts');
  return new Set([...list[1].matchAll(/'([A-Z0-9_]+)'/g)].map((match) => match[1]));
}

/** CACHE_MAX_BYTES's default, for a ConfigMap that does not set it. */
function defaultCacheMaxBytes() {
  const source = fs.readFileSync(path.join(ROOT, 'src', 'config.ts'), 'utf8');
  return Number(/CACHE_MAX_BYTES: '(\d+)'/.exec(source)?.[1]);
}

const MIB = 1024 * 1024;
/**
 * V8's young generation beside --max-old-space-size on 64-bit: three semi-spaces of
 * --max-semi-space-size. NODE_OPTIONS must set it: Node 22 and later default to larger ones than
 * Node 20's 16 MiB (the image's Node 24 then held about 85 MB more under load).
 */
const youngGenerationMiB = (semiSpaceMiB) => 3 * semiSpaceMiB;
/** What Node holds outside the heap (code, buffers, sockets): up to 112 MB measured under load (docs/operations.md, "Memory"). */
const OUTSIDE_HEAP_MIB = 128;

function quantityBytes(quantity) {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(String(quantity));
  if (match === null) return Number.NaN;
  const unit = { Ki: 1024, Mi: MIB, Gi: 1024 * MIB, k: 1e3, M: 1e6, G: 1e9 }[match[2]] ?? 1;
  return Number(match[1]) * unit;
}

/**
 * The memory settings agree (docs/operations.md, "Memory"): the heap cap, V8's young generation
 * and what Node holds outside the heap fit under the container's limit, so V8 collects before the
 * kernel kills; the upstream cache's bytes are at most a quarter of the heap cap.
 */
function checkMemory(name, container, cacheMaxBytes, problems) {
  const where = `${name}: container ${container.name}`;
  const options = (container.env ?? []).find((variable) => variable.name === 'NODE_OPTIONS')?.value ?? '';
  const cap = /--max-old-space-size=(\d+)/.exec(options);
  if (cap === null) {
    problems.push(`${where}: NODE_OPTIONS must cap the heap with --max-old-space-size below limits.memory`);
    return;
  }
  const semi = /--max-semi-space-size=(\d+)/.exec(options);
  if (semi === null) {
    problems.push(`${where}: NODE_OPTIONS must size the young generation with --max-semi-space-size (Node 22+ defaults to larger ones)`);
    return;
  }
  const capMiB = Number(cap[1]);
  const youngMiB = youngGenerationMiB(Number(semi[1]));
  const needMiB = capMiB + youngMiB + OUTSIDE_HEAP_MIB;
  const limitMiB = quantityBytes(container.resources?.limits?.memory) / MIB;
  if (!(limitMiB >= needMiB)) {
    problems.push(
      `${where}: a heap cap of ${capMiB} MiB needs limits.memory of at least ${needMiB} MiB (${youngMiB} MiB young generation, ${OUTSIDE_HEAP_MIB} MiB outside the heap); it is ${container.resources?.limits?.memory}`,
    );
  }
  if (!(cacheMaxBytes <= (capMiB * MIB) / 4)) {
    problems.push(`${where}: CACHE_MAX_BYTES (${cacheMaxBytes}) must be at most a quarter of the heap cap (${(capMiB * MIB) / 4})`);
  }
}

function checkDeployment(name, deployment, problems) {
  const pod = deployment.spec?.template?.spec ?? {};
  if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${name}: pod securityContext.runAsNonRoot must be true`);
  for (const container of pod.containers ?? []) {
    const where = `${name}: container ${container.name}`;
    if (container.livenessProbe?.httpGet?.path !== '/healthz') problems.push(`${where}: livenessProbe must GET /healthz`);
    if (container.readinessProbe?.httpGet?.path !== '/readyz') problems.push(`${where}: readinessProbe must GET /readyz`);
    if (container.securityContext?.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem must be true`);
    if (container.securityContext?.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation must be false`);
    if (container.resources?.requests?.cpu === undefined || container.resources?.limits?.memory === undefined) {
      problems.push(`${where}: resources need requests.cpu and limits.memory`);
    }
  }
}

function validate(directory) {
  const problems = [];
  const variables = configVariables();
  const files = fs
    .readdirSync(directory)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort();
  let objects = 0;
  let cacheMaxBytes = defaultCacheMaxBytes();
  const gateways = [];
  for (const file of files) {
    const documents = YAML.parseAllDocuments(fs.readFileSync(path.join(directory, file), 'utf8'));
    for (const document of documents) {
      if (document.errors.length > 0) {
        problems.push(`${file}: ${document.errors[0].message}`);
        continue;
      }
      const object = document.toJS();
      if (object === null) continue;
      objects += 1;
      const name = `${file} ${object.kind}/${object.metadata?.name}`;
      const Model = modelFor(object.apiVersion, object.kind);
      if (Model === undefined) {
        problems.push(`${name}: no schema for apiVersion ${object.apiVersion}, kind ${object.kind}`);
        continue;
      }
      try {
        new Model(object).validate();
      } catch (error) {
        problems.push(`${name}: ${error.message}`);
      }
      if (object.kind === 'Deployment') checkDeployment(name, object, problems);
      if (object.kind === 'Deployment' && object.metadata?.name === 'invoice-gateway') gateways.push({ name, object });
      if ((object.kind === 'ConfigMap' || object.kind === 'Secret') && object.metadata?.name === 'invoice-gateway') {
        if (object.data?.CACHE_MAX_BYTES !== undefined) cacheMaxBytes = Number(object.data.CACHE_MAX_BYTES);
        for (const key of Object.keys({ ...object.data, ...object.stringData })) {
          if (!variables.has(key)) problems.push(`${name}: ${key} is not a variable the gateway reads (src/config.ts)`);
        }
      }
    }
  }
  for (const { name, object } of gateways) {
    for (const container of object.spec?.template?.spec?.containers ?? []) checkMemory(name, container, cacheMaxBytes, problems);
  }
  return { problems, objects, files: files.length };
}

if (require.main === module) {
  const directory = path.resolve(process.argv[2] ?? path.join(ROOT, 'deploy', 'kubernetes'));
  const { problems, objects, files } = validate(directory);
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write(`${objects} Kubernetes objects in ${files} files are valid (${path.relative(ROOT, directory) || '.'})\n`);
}

module.exports = { validate };
