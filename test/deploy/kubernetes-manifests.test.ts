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
});
