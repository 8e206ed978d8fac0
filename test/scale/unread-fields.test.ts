// The doctor drops the fields of ResourceType.unread from what it keeps of a live cluster, and keeps one
// copy of each value of its `shared` fields (memory at scale). That is only safe while no check reads the
// dropped fields: every check must find exactly the same on every example snapshot and fixture with and
// without them.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../checks/index.js';
import { runChecks } from '../../src/engine.js';
import { Facts } from '../../src/facts/facts.js';
import type { KubeObject } from '../../src/facts/kube.js';
import { renderJson } from '../../src/report/json.js';
import type { Collection } from '../../src/collection/collection.js';
import { sharedStrings, slim } from '../../src/sources/live/list.js';
import { RESOURCE_TYPES, type ResourceType, resourceTypeOfKind } from '../../src/collection/resources.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';

const SNAPSHOTS = ['examples', 'test/fixtures'].flatMap((root) =>
  readdirSync(root)
    .map((name) => path.join(root, name))
    .filter((dir) => existsSync(path.join(dir, 'cluster'))),
);

function findings(collection: Collection): unknown {
  return JSON.parse(renderJson(runChecks(ALL_CHECKS, new Facts(collection)))).findings;
}

/** The snapshot as the live doctor would keep it: each object through slim(), with the given types. */
async function asLiveDoctorKeepsIt(dir: string, typeOf: (kind: string) => ResourceType | undefined): Promise<Collection> {
  const collection = await loadSnapshot(dir);
  const share = sharedStrings();
  const objects = collection.objects.map((o) => {
    const type = typeOf(o.kind);
    return type ? slim(structuredClone(o) as unknown as Record<string, unknown>, type, false, share) : o;
  });
  return { ...collection, objects: objects as KubeObject[] };
}

describe('fields no check reads', () => {
  it('are listed for pods and nodes', () => {
    expect(resourceTypeOfKind('Pod')!.unread).toContain('spec.volumes');
    expect(resourceTypeOfKind('Node')!.unread).toContain('status.images');
  });

  it('are dropped from pods, inside arrays too, unless kept for a snapshot', () => {
    const pod = () => ({
      metadata: { name: 'p', namespace: 'ns', resourceVersion: '7', managedFields: [{}], labels: { app: 'x' } },
      spec: {
        nodeName: 'gpu-1',
        volumes: [{ name: 'v' }],
        containers: [{ name: 'main', image: 'cuda', volumeMounts: [{ name: 'v', mountPath: '/v' }], livenessProbe: {} }],
      },
      status: { phase: 'Running', podIP: '10.0.0.1', containerStatuses: [{ name: 'main', imageID: 'sha256:1', containerID: 'containerd://1', ready: true }] },
    });
    const type = resourceTypeOfKind('Pod')!;
    expect(slim(pod(), type)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'ns', labels: { app: 'x' } },
      spec: { nodeName: 'gpu-1', containers: [{ name: 'main', image: 'cuda' }] },
      status: { phase: 'Running', containerStatuses: [{ name: 'main', containerID: 'containerd://1', ready: true }] },
    });
    const { managedFields: _, ...metadata } = pod().metadata;
    expect(slim(pod(), type, true)).toEqual({ ...pod(), metadata, apiVersion: 'v1', kind: 'Pod' });
  });

  it.each(SNAPSHOTS)('change no finding on %s', async (dir) => {
    const whole = findings(await loadSnapshot(dir));
    const slimmed = findings(await asLiveDoctorKeepsIt(dir, resourceTypeOfKind));
    expect(slimmed).toEqual(whole);
  });

  it('would be caught if a check read one (the comparison is sensitive)', async () => {
    // Pretend spec.nodeName were unread: checks that place pods on nodes must find something else.
    const withNodeName = (kind: string) => {
      const type = RESOURCE_TYPES.find((t) => t.kind === kind);
      return type && kind === 'Pod' ? { ...type, unread: [...(type.unread ?? []), 'spec.nodeName'] } : type;
    };
    const differs = [];
    for (const dir of SNAPSHOTS) {
      const whole = JSON.stringify(findings(await loadSnapshot(dir)));
      if (JSON.stringify(findings(await asLiveDoctorKeepsIt(dir, withNodeName))) !== whole) differs.push(dir);
    }
    expect(differs.length).toBeGreaterThan(0);
  });
});
