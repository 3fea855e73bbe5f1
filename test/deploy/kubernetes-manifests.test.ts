import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const validate = (directory?: string): { status: number | null; output: string } => {
  const run = spawnSync(process.execPath, ['scripts/validate-kubernetes.js', ...(directory === undefined ? [] : [directory])], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: run.status, output: run.stdout + run.stderr };
};

describe('deploy/kubernetes', () => {
  it('holds manifests valid against the Kubernetes schemas and the gateway Deployment rules', () => {
    expect(validate()).toEqual({ status: 0, output: '8 Kubernetes objects in 7 files are valid (deploy/kubernetes)\n' });
  });

  it('is checked for real: a wrong type, a missing probe, root and an unknown variable are each reported', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'k8s-'));
    try {
      const deployment = readFileSync(path.join(ROOT, 'deploy/kubernetes/deployment.yaml'), 'utf8')
        .replace('containerPort: 4000', 'containerPort: "http"')
        .replace('path: /readyz', 'path: /healthz')
        .replace('runAsNonRoot: true\n        # The image', 'runAsNonRoot: false\n        # The image');
      writeFileSync(path.join(directory, 'deployment.yaml'), deployment);
      writeFileSync(
        path.join(directory, 'configmap.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: invoice-gateway\ndata:\n  VISMA_MAX_CONCURENCY: "8"\n',
      );
      const { status, output } = validate(directory);
      expect(status).toBe(1);
      expect(output.trim().split('\n')).toEqual([
        'configmap.yaml ConfigMap/invoice-gateway: VISMA_MAX_CONCURENCY is not a variable the gateway reads (src/config.ts)',
        'deployment.yaml Deployment/invoice-gateway: data/spec/template/spec/containers/0/ports/0/containerPort must be integer',
        'deployment.yaml Deployment/invoice-gateway: pod securityContext.runAsNonRoot must be true',
        'deployment.yaml Deployment/invoice-gateway: container gateway: readinessProbe must GET /readyz',
      ]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('holds the memory settings to agree: heap cap under the limit with room outside the heap, the cache well inside the heap', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'k8s-'));
    try {
      const manifests = (file: string): string => readFileSync(path.join(ROOT, 'deploy/kubernetes', file), 'utf8');
      // The settings issue 13 found: a 384 MB heap cap in a 512 Mi container, and a cache as big as the heap.
      writeFileSync(path.join(directory, 'deployment.yaml'), manifests('deployment.yaml').replace(/memory: 640Mi/, 'memory: 512Mi'));
      writeFileSync(
        path.join(directory, 'configmap.yaml'),
        manifests('configmap.yaml').replace(/CACHE_MAX_BYTES: '\d+'/, "CACHE_MAX_BYTES: '402653184'"),
      );
      const { status, output } = validate(directory);
      expect(status).toBe(1);
      expect(output.trim().split('\n')).toEqual([
        'deployment.yaml Deployment/invoice-gateway: container gateway: a heap cap of 384 MiB needs limits.memory of at least 560 MiB (48 MiB young generation, 128 MiB outside the heap); it is 512Mi',
        'deployment.yaml Deployment/invoice-gateway: container gateway: CACHE_MAX_BYTES (402653184) must be at most a quarter of the heap cap (100663296)',
      ]);
      writeFileSync(
        path.join(directory, 'deployment.yaml'),
        manifests('deployment.yaml').replace(/--max-old-space-size=\d+/, '--enable-source-maps'),
      );
      writeFileSync(path.join(directory, 'configmap.yaml'), manifests('configmap.yaml'));
      expect(validate(directory).output.trim()).toBe(
        'deployment.yaml Deployment/invoice-gateway: container gateway: NODE_OPTIONS must cap the heap with --max-old-space-size below limits.memory',
      );
      writeFileSync(path.join(directory, 'deployment.yaml'), manifests('deployment.yaml').replace(/ --max-semi-space-size=\d+/, ''));
      expect(validate(directory).output.trim()).toBe(
        'deployment.yaml Deployment/invoice-gateway: container gateway: NODE_OPTIONS must size the young generation with --max-semi-space-size (Node 22+ defaults to larger ones)',
      );
      writeFileSync(
        path.join(directory, 'deployment.yaml'),
        manifests('deployment.yaml').replace(/--max-semi-space-size=16/, '--max-semi-space-size=64'),
      );
      expect(validate(directory).output.trim()).toBe(
        'deployment.yaml Deployment/invoice-gateway: container gateway: a heap cap of 384 MiB needs limits.memory of at least 704 MiB (192 MiB young generation, 128 MiB outside the heap); it is 640Mi',
      );
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
