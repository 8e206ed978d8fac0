import { describe, expect, it } from 'vitest';
import gpuNodeUnlabeled from '../../checks/gpu-node-unlabeled.js';
import noGpuNodes from '../../checks/no-gpu-nodes.js';
import { factsOf, gpuNode, host, node } from '../helpers/facts.js';

describe('no-gpu-nodes', () => {
  it('fires when no node shows NVIDIA evidence', () => {
    const issues = noGpuNodes.run(factsOf([node('cpu-1'), node('cpu-2')]));
    expect(issues).toMatchObject([{ severity: 'error', message: 'None of the 2 nodes shows an NVIDIA GPU' }]);
  });
  it('is quiet when one node has the NFD PCI label', () => {
    expect(noGpuNodes.run(factsOf([node('cpu-1'), node('gpu-1', { 'feature.node.kubernetes.io/pci-0302_10de.present': 'true' })]))).toEqual([]);
  });
  it('counts an NVIDIA device in lspci as evidence', () => {
    const facts = factsOf([node('gpu-1')], {
      nodes: new Map([['gpu-1', host({}, { lspci: '01:00.0 VGA compatible controller [0300]: NVIDIA Corporation GA102 [GeForce RTX 3090] [10de:2204] (rev a1)' })]]),
    });
    expect(noGpuNodes.run(facts)).toEqual([]);
  });
  it('skips when there are no nodes at all', () => {
    expect(noGpuNodes.run(factsOf([]))).toEqual({ skip: 'no Node objects to look at' });
  });
});

describe('gpu-node-unlabeled', () => {
  it('names the node that has GPU capacity but no gpu.present label', () => {
    const bare = node('gpu-2', {}, { capacity: { 'nvidia.com/gpu': '4' } });
    const issues = gpuNodeUnlabeled.run(factsOf([gpuNode('gpu-1'), bare, node('cpu-1')]));
    expect(issues).toHaveLength(1);
    expect(issues).toMatchObject([
      { subject: { kind: 'Node', name: 'gpu-2' }, fix: { commands: ['kubectl label node gpu-2 nvidia.com/gpu.present=true --overwrite'] } },
    ]);
  });
  it('leaves CPU nodes alone', () => {
    expect(gpuNodeUnlabeled.run(factsOf([node('cpu-1', { 'nvidia.com/gpu.present': 'false' })]))).toEqual([]);
  });
});
