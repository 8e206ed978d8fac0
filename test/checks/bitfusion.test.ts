import { describe, expect, it } from 'vitest';
import bitfusionAnnotationInvalid from '../../checks/bitfusion-annotation-invalid.js';
import bitfusionComponentsMissing from '../../checks/bitfusion-components-missing.js';
import bitfusionNotInjected from '../../checks/bitfusion-not-injected.js';
import bitfusionSecretMissing from '../../checks/bitfusion-secret-missing.js';
import bitfusionTokenInvalid from '../../checks/bitfusion-token-invalid.js';
import noGpuNodes from '../../checks/no-gpu-nodes.js';
import type { Check } from '../../src/check.js';
import { appliesTo } from '../../src/engine.js';
import type { Container, KubeObject, Pod } from '../../src/facts/kube.js';
import type { Collection } from '../../src/collection/collection.js';
import { factsOf, node, pod } from '../helpers/facts.js';
import { kubeObject, namespace, readyStatus } from '../helpers/stacks.js';

const ANNOTATIONS = { 'auto-management/bitfusion': 'all', 'bitfusion-client/os': 'ubuntu18', 'bitfusion-client/version': '250' };
const COMMAND = 'python /benchmark/scripts/tf_cnn_benchmarks/tf_cnn_benchmarks.py --local_parameter_device=gpu --batch_size=32 --model=inception3';

function container(limits: Record<string, string> = { 'bitfusion.io/gpu-amount': '1', 'bitfusion.io/gpu-percent': '50' }, command = [COMMAND]): Container {
  return { name: 'bf-pkgs', image: 'nvcr.io/nvidia/tensorflow:19.07-py3', command, resources: { limits } };
}

/** A workload pod as the user writes it (before the webhook). */
function workload(name = 'bf-pkgs', annotations: Record<string, string> = ANNOTATIONS, c: Container = container(), ns = 'tensorflow-benchmark'): Pod {
  return pod(ns, name, { annotations, spec: { containers: [c] }, status: { phase: 'Pending' } });
}

/** The same pod after the webhook injected it: status annotation, bitfusion run, bitfusion.io/gpu. */
function injected(name = 'bf-pkgs', ns = 'tensorflow-benchmark'): Pod {
  const c: Container = {
    name: 'bf-pkgs',
    image: 'nvcr.io/nvidia/tensorflow:19.07-py3',
    command: ['/bin/bash', '-c', `/bitfusion/bitfusion-client-ubuntu1804_2.5.1-13/usr/bin/bitfusion run -n 1 -p 0.500000 ${COMMAND}`],
    env: [{ name: 'LD_LIBRARY_PATH', value: '/bitfusion/bitfusion-client-ubuntu1804_2.5.1-13/opt/bitfusion/lib/x86_64-linux-gnu/lib/:/usr/local/nvidia/lib:/usr/local/nvidia/lib64' }],
    resources: { limits: { 'bitfusion.io/gpu': '50' }, requests: { 'bitfusion.io/gpu': '50' } },
  };
  return pod(ns, name, { annotations: { ...ANNOTATIONS, 'auto-management/status': 'injected' }, spec: { containers: [c] }, status: readyStatus() });
}

const secret = (ns: string): KubeObject => kubeObject('v1', 'Secret', 'bitfusion-secret', ns);

/** Everything `make deploy` installs, ready. */
function deployed(): KubeObject[] {
  return [
    namespace('bwki'),
    kubeObject('apps/v1', 'DaemonSet', 'bitfusion-device-plugin', 'kube-system', { tier: 'node' }, { status: { desiredNumberScheduled: 2, numberReady: 2 } }),
    kubeObject('apps/v1', 'Deployment', 'bitfusion-webhook-deployment', 'bwki', { app: 'bwki' }, { spec: { replicas: 1 }, status: { replicas: 1, readyReplicas: 1 } }),
    kubeObject('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'bwki-webhook-cfg', undefined, { app: 'vmware-injector' }, {
      webhooks: [{ name: 'bwkimua.bitfusion.io', clientConfig: { service: { name: 'bwki-webhook-svc', namespace: 'bwki', path: '/mutate' } } }],
    }),
    kubeObject('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'validation.bitfusion.io-cfg', undefined, {}, {
      webhooks: [{ name: 'validation.bitfusion.io', clientConfig: { service: { name: 'bwki-webhook-svc', namespace: 'bwki', path: '/validate' } } }],
    }),
    secret('kube-system'),
  ];
}

// As the engine runs it: a check of a stack not detected does not run (it is "not applicable", never ✓).
const run = (check: Check, objects: KubeObject[], extra: Partial<Collection> = {}) => {
  const facts = factsOf(objects, extra);
  return appliesTo(check, facts) ? check.run(facts) : [];
};
type Result = { severity: string; subject: { kind: string; name: string; namespace?: string }; message: string; evidence: string[]; fix: { commands: string[] } }[];

describe('every Bitfusion check', () => {
  const checks = [bitfusionComponentsMissing, bitfusionSecretMissing, bitfusionAnnotationInvalid, bitfusionNotInjected, bitfusionTokenInvalid];
  it('is quiet when Bitfusion is absent', () => {
    const objects = [pod('default', 'web', { annotations: { 'bitfusion-client/os': 'windows' } }), namespace('default')];
    for (const check of checks) expect(run(check, objects), check.name).toEqual([]);
  });

  it('is quiet on a healthy install with an injected workload', () => {
    const objects = [...deployed(), injected(), secret('tensorflow-benchmark')];
    const extra = { logs: new Map([['tensorflow-benchmark/bf-pkgs/bf-pkgs', '[INFO] 2021-03-27T04:26:40Z Query server 192.168.1.100:56001 gpu availability\n']]) };
    for (const check of checks) expect(run(check, objects, extra), check.name).toEqual([]);
  });
});

describe('no-gpu-nodes with Bitfusion', () => {
  it('is only info when Bitfusion serves the GPUs remotely', () => {
    const nodes = [node('k8s-worker-1', {}, { allocatable: { 'bitfusion.io/gpu': '1000' } })];
    expect(run(noGpuNodes, [...deployed(), ...nodes])).toMatchObject([{ severity: 'info', message: expect.stringContaining('expected with VMware Bitfusion') }]);
    expect(run(noGpuNodes, nodes)).toMatchObject([{ severity: 'error' }]);
  });
});

describe('bitfusion-components-missing', () => {
  it('names each missing component when only workloads show Bitfusion', () => {
    const result = run(bitfusionComponentsMissing, [workload()]) as Result;
    expect(result.map((i) => `${i.severity} ${i.subject.kind} ${i.subject.namespace ?? ''}/${i.subject.name}`)).toEqual([
      'error DaemonSet kube-system/bitfusion-device-plugin',
      'error Deployment bwki/bitfusion-webhook-deployment',
      'error MutatingWebhookConfiguration /bwki-webhook-cfg',
      'warning ValidatingWebhookConfiguration /validation.bitfusion.io-cfg',
    ]);
    expect(result[0]!.evidence).toContain('Bitfusion seen as: Pod tensorflow-benchmark/bf-pkgs (annotation auto-management/bitfusion)');
    expect(result[0]!.fix.commands[0]).toBe('cd bitfusion-with-kubernetes-integration-main/bitfusion_device_plugin && make deploy');
  });

  it('reports an unready webhook and accepts the older device plugin name', () => {
    const objects = deployed().map((o) => (o.kind === 'Deployment' ? { ...o, status: { replicas: 1, readyReplicas: 0 } } : o.kind === 'DaemonSet' ? { ...o, metadata: { ...o.metadata, name: 'bitfusion-cli-device-plugin' } } : o));
    const result = run(bitfusionComponentsMissing, objects) as Result;
    expect(result).toHaveLength(1);
    expect(result[0]!.message).toBe('Bitfusion webhook Deployment bwki/bitfusion-webhook-deployment is not ready: 0 of 1 replicas ready');
  });

  it('judges from the webhook\'s pods alone (a Deployment without status), quoting their state, events and log', () => {
    const objects = deployed().map((o) => (o.kind === 'Deployment' ? { ...o, status: undefined } : o));
    const crashing = pod('bwki', 'bitfusion-webhook-deployment-6f7c9d8b5-q2wxz', {
      labels: { app: 'bwki' },
      spec: { containers: [{ name: 'bitfusion-mutating-webhook', image: 'docker.io/bitfusiondeviceplugin/sidecar-injector:0.4' }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'bitfusion-mutating-webhook', ready: false, restartCount: 6, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=bitfusion-mutating-webhook' } } }] },
    });
    const ev = kubeObject('v1', 'Event', 'bitfusion-webhook.1', 'bwki', {}, { involvedObject: { kind: 'Pod', name: crashing.metadata.name, namespace: 'bwki' }, reason: 'BackOff', type: 'Warning', message: 'Back-off restarting failed container bitfusion-mutating-webhook' } as Partial<KubeObject>);
    const logs = new Map([['bwki/bitfusion-webhook-deployment-6f7c9d8b5-q2wxz/bitfusion-mutating-webhook.previous', 'E0502 09:20:11.104211       1 main.go:61] Failed to load key pair: open /etc/webhook/certs/cert.pem: no such file or directory\n']]);
    const [issue] = run(bitfusionComponentsMissing, [...objects, crashing, ev], { logs }) as Result;
    expect(issue!.message).toBe('Bitfusion webhook Deployment bwki/bitfusion-webhook-deployment is not ready: 1 of 1 pods not ready (CrashLoopBackOff)');
    expect(issue!.evidence).toEqual([
      'its pods: 1 of 1 pods not ready (CrashLoopBackOff)',
      'pod bwki/bitfusion-webhook-deployment-6f7c9d8b5-q2wxz: CrashLoopBackOff, 6 restarts',
      'status of bwki/bitfusion-webhook-deployment-6f7c9d8b5-q2wxz container bitfusion-mutating-webhook: CrashLoopBackOff: back-off 5m0s restarting failed container=bitfusion-mutating-webhook',
      'event BackOff: Back-off restarting failed container bitfusion-mutating-webhook (pod bwki/bitfusion-webhook-deployment-6f7c9d8b5-q2wxz)',
      'log bitfusion-mutating-webhook (previous run): E0502 09:20:11.104211       1 main.go:61] Failed to load key pair: open /etc/webhook/certs/cert.pem: no such file or directory (pod bwki/bitfusion-webhook-deployment-6f7c9d8b5-q2wxz)',
    ]);
    // the same pods ready: quiet
    const ready = { ...crashing, status: readyStatus() };
    expect(run(bitfusionComponentsMissing, [...objects, ready])).toEqual([]);
  });

  it('skips when the webhook configurations could not be listed and nothing else is wrong', () => {
    const unavailable = new Map([['MutatingWebhookConfiguration', 'forbidden: cannot list'], ['ValidatingWebhookConfiguration', 'forbidden: cannot list']]);
    const objects = deployed().filter((o) => !o.kind.endsWith('WebhookConfiguration'));
    expect(run(bitfusionComponentsMissing, objects, { unavailable })).toEqual({ skip: 'cannot list mutatingwebhookconfigurations (forbidden: cannot list)' });
  });
});

describe('bitfusion-secret-missing', () => {
  it('fires for kube-system and for the workload namespace, quoting the mount failure', () => {
    const objects = [...deployed().filter((o) => o.kind !== 'Secret'), injected()];
    const mountFailed = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'bf-pkgs.17c0', namespace: 'tensorflow-benchmark' },
      involvedObject: { kind: 'Pod', name: 'bf-pkgs', namespace: 'tensorflow-benchmark' },
      type: 'Warning',
      reason: 'FailedMount',
      message: 'MountVolume.SetUp failed for volume "bitfusion-secret" : secret "bitfusion-secret" not found',
    };
    const result = run(bitfusionSecretMissing, [...objects, mountFailed]) as Result;
    expect(result.map((i) => `${i.subject.namespace}/${i.subject.name}`)).toEqual(['kube-system/bitfusion-secret', 'tensorflow-benchmark/bitfusion-secret']);
    expect(result[0]!.fix.commands).toContain('kubectl create secret generic bitfusion-secret --from-file=tokens -n kube-system');
    expect(result[1]!.evidence).toContain('event FailedMount on pod bf-pkgs: MountVolume.SetUp failed for volume "bitfusion-secret" : secret "bitfusion-secret" not found');
    expect(result[1]!.fix.commands).toContain('kubectl create secret generic bitfusion-secret --from-file=tokens -n tensorflow-benchmark');
  });

  it('says the webhook did not copy it when kube-system has it', () => {
    const [issue] = run(bitfusionSecretMissing, [...deployed(), injected()]) as Result;
    expect(issue!.message).toBe('Secret bitfusion-secret is missing in namespace tensorflow-benchmark, which has 1 Bitfusion pod(s): the webhook did not copy it from kube-system');
  });

  it('skips when Secrets could not be listed', () => {
    expect(run(bitfusionSecretMissing, [...deployed(), injected()], { unavailable: new Map([['Secret', 'forbidden: secrets is forbidden']]) })).toEqual({
      skip: 'cannot list secrets (forbidden: secrets is forbidden)',
    });
  });
});

describe('bitfusion-annotation-invalid', () => {
  it('fires on values outside the documented ones', () => {
    const bad = workload('bf-bad', { 'auto-management/bitfusion': 'true', 'bitfusion-client/os': 'ubuntu22', 'bitfusion-client/version': '251' });
    const [issue] = run(bitfusionAnnotationInvalid, [...deployed(), bad]) as Result;
    expect(issue!.subject).toEqual({ kind: 'Pod', name: 'bf-bad', namespace: 'tensorflow-benchmark' });
    expect(issue!.evidence.slice(0, 3)).toEqual([
      'annotation auto-management/bitfusion: "true" is not one of all, injection, none',
      'annotation bitfusion-client/os: "ubuntu22" is not one of ubuntu18, ubuntu20, centos7, centos8',
      'annotation bitfusion-client/version: "251" is not one of 250',
    ]);
  });

  it('fires on both or neither of gpu-percent and gpu-memory, and on bad numbers', () => {
    const both = workload('bf-both', ANNOTATIONS, container({ 'bitfusion.io/gpu-amount': '1', 'bitfusion.io/gpu-percent': '50', 'bitfusion.io/gpu-memory': '8000M' }));
    const neither = workload('bf-neither', ANNOTATIONS, container({ 'bitfusion.io/gpu-amount': '1' }));
    const numbers = workload('bf-numbers', ANNOTATIONS, container({ 'bitfusion.io/gpu-amount': '0', 'bitfusion.io/gpu-memory': '8GB' }));
    const result = run(bitfusionAnnotationInvalid, [...deployed(), both, neither, numbers]) as Result;
    expect(result.map((i) => i.evidence[0])).toEqual([
      'container bf-pkgs: both bitfusion.io/gpu-percent (50) and bitfusion.io/gpu-memory (8000M) are set: give one of them',
      'container bf-pkgs: neither bitfusion.io/gpu-percent nor bitfusion.io/gpu-memory is set: give one of them',
      'container bf-pkgs: bitfusion.io/gpu-amount: "0" is not a positive integer',
    ]);
    expect(result[2]!.evidence).toContain('container bf-pkgs: bitfusion.io/gpu-memory: "8GB" is not a positive integer (bits) or one with unit Mi, M, G or Gi');
  });

  it('checks Deployment templates that have no pods', () => {
    const template = { metadata: { annotations: { ...ANNOTATIONS, 'bitfusion-client/os': 'rhel8' } }, spec: { containers: [container()] } };
    const d = kubeObject('apps/v1', 'Deployment', 'resnet-train', 'ml', {}, { spec: { replicas: 1, template } });
    const [issue] = run(bitfusionAnnotationInvalid, [...deployed(), d]) as Result;
    expect(issue!.subject).toEqual({ kind: 'Deployment', name: 'resnet-train', namespace: 'ml' });
  });

  it('is quiet for the documented examples (gpu-percent, gpu-memory, injected)', () => {
    const memory = workload('bf-memory', ANNOTATIONS, container({ 'bitfusion.io/gpu-amount': '1', 'bitfusion.io/gpu-memory': '8000M' }));
    expect(run(bitfusionAnnotationInvalid, [...deployed(), workload(), memory, injected('bf-done')])).toEqual([]);
  });
});

describe('bitfusion-not-injected', () => {
  it('fires when the webhook did not mark the pod injected', () => {
    const [issue] = run(bitfusionNotInjected, [workload()]) as Result;
    expect(issue!.message).toBe('Pod tensorflow-benchmark/bf-pkgs asks for Bitfusion (all) but was not injected: no auto-management/status: injected');
    expect(issue!.evidence).toContain('no MutatingWebhookConfiguration bwki-webhook-cfg (see bitfusion-components-missing)');
    expect(issue!.evidence).toContain(`container bf-pkgs command: ${COMMAND}`);
  });

  it('fires when marked injected but the command is not bitfusion run (mode all)', () => {
    const p = workload('bf-image-default', { ...ANNOTATIONS, 'auto-management/status': 'injected' }, container(undefined, []));
    const [issue] = run(bitfusionNotInjected, [...deployed(), p]) as Result;
    expect(issue!.message).toContain('no container command was rewritten to `bitfusion run`');
    expect(issue!.evidence).toContain('container bf-pkgs command: (image default)');
  });

  const webhookPod = () => pod('bwki', 'bitfusion-webhook-deployment-6f7c9d8b5-q2wxz', { labels: { app: 'bwki' }, spec: { containers: [{ name: 'bitfusion-mutating-webhook', image: 'docker.io/bitfusiondeviceplugin/sidecar-injector:0.4' }] }, status: readyStatus() });
  const WEBHOOK_LOG = 'bwki/bitfusion-webhook-deployment-6f7c9d8b5-q2wxz/bitfusion-mutating-webhook';

  it('quotes the webhook\'s log about the pod it skipped, and says where it read it', () => {
    const log = [
      'I0502 09:20:11.104211       1 webhook.go:185] AdmissionReview for Kind=/v1, Kind=Pod, Namespace=tensorflow-benchmark Name=bf-pkgs (bf-pkgs) UID=1b2c patchOperation=CREATE UserInfo={admin}',
      'I0502 09:20:11.104260       1 util.go:523] Mutation policy for tensorflow-benchmark/bf-pkgs: status: "" required:false ',
      'I0502 09:20:11.104270       1 webhook.go:190] Skipping mutation for tensorflow-benchmark/bf-pkgs due to policy check',
    ].join('\n');
    const [issue] = run(bitfusionNotInjected, [...deployed(), webhookPod(), workload()], { logs: new Map([[WEBHOOK_LOG, log]]) }) as Result;
    expect(issue!.evidence).toContain('log of bwki/bitfusion-webhook-deployment-6f7c9d8b5-q2wxz container bitfusion-mutating-webhook: I0502 09:20:11.104270       1 webhook.go:190] Skipping mutation for tensorflow-benchmark/bf-pkgs due to policy check');
  });

  it('fires from an owner\'s FailedCreate event alone: the webhook denied the pod, which never existed', () => {
    const ev = kubeObject('v1', 'Event', 'bf-bench-7d9c.17a', 'tensorflow-benchmark', {}, {
      involvedObject: { kind: 'ReplicaSet', name: 'bf-bench-7d9c', namespace: 'tensorflow-benchmark' },
      reason: 'FailedCreate',
      type: 'Warning',
      message: 'Error creating: admission webhook "bwkimua.bitfusion.io" denied the request: Could not find Bitfusion client info',
    } as Partial<KubeObject>);
    const [issue] = run(bitfusionNotInjected, [...deployed(), ev, injected()]) as Result;
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'ReplicaSet', name: 'bf-bench-7d9c', namespace: 'tensorflow-benchmark' } });
    expect(issue!.message).toBe('ReplicaSet tensorflow-benchmark/bf-bench-7d9c cannot create its pods: the API server refused them because Bitfusion\'s webhook bwkimua.bitfusion.io denied the request');
    expect(issue!.evidence[0]).toBe('event FailedCreate on ReplicaSet tensorflow-benchmark/bf-bench-7d9c: Error creating: admission webhook "bwkimua.bitfusion.io" denied the request: Could not find Bitfusion client info');
  });

  it('fires from the webhook\'s log alone when the events are gone', () => {
    const log = [
      'I0502 09:20:11.104211       1 webhook.go:185] AdmissionReview for Kind=/v1, Kind=Pod, Namespace=tensorflow-benchmark Name= () UID=1b2c patchOperation=CREATE UserInfo={system:serviceaccount:kube-system:replicaset-controller}',
      'E0502 09:20:11.104280       1 webhook.go:204] Could not find Bitfusion client info, OS=ubuntu22 BFVersion=250',
    ].join('\n');
    const [issue] = run(bitfusionNotInjected, [...deployed(), webhookPod(), injected()], { logs: new Map([[WEBHOOK_LOG, log]]) }) as Result;
    expect(issue).toMatchObject({ subject: { kind: 'Namespace', name: 'tensorflow-benchmark' } });
    expect(issue!.evidence).toEqual(['log of bwki/bitfusion-webhook-deployment-6f7c9d8b5-q2wxz container bitfusion-mutating-webhook: E0502 09:20:11.104280       1 webhook.go:204] Could not find Bitfusion client info, OS=ubuntu22 BFVersion=250']);
  });

  it('is quiet for FailedCreate events of other webhooks and for a webhook log of injected pods', () => {
    const ev = kubeObject('v1', 'Event', 'web-1.17a', 'shop', {}, { involvedObject: { kind: 'ReplicaSet', name: 'web-1', namespace: 'shop' }, reason: 'FailedCreate', message: 'Error creating: admission webhook "validate.kyverno.svc" denied the request: policy require-labels' } as Partial<KubeObject>);
    const log = 'I0502 09:20:11.104260       1 util.go:523] Mutation policy for tensorflow-benchmark/bf-pkgs: status: "" required:true ';
    expect(run(bitfusionNotInjected, [...deployed(), ev, webhookPod(), injected()], { logs: new Map([[WEBHOOK_LOG, log]]) })).toEqual([]);
  });

  it('is quiet for injection mode (the command stays the user\'s) and for none', () => {
    const injection = workload('bf-inj', { ...ANNOTATIONS, 'auto-management/bitfusion': 'injection', 'auto-management/status': 'injected' });
    const none = workload('bf-none', { ...ANNOTATIONS, 'auto-management/bitfusion': 'none' });
    expect(run(bitfusionNotInjected, [...deployed(), injection, none])).toEqual([]);
  });
});

describe('bitfusion-token-invalid', () => {
  const logs = (text: string) => ({ logs: new Map([['tensorflow-benchmark/bf-pkgs/bf-pkgs.previous', text]]) });

  it('fires on an expired token and on errors reaching the server', () => {
    const text = [
      '[INFO] 2024-05-02T09:20:11Z Query server 10.202.122.248:56001 gpu availability',
      '[ERROR] 2024-05-02T09:20:14Z Failed to connect to server 10.202.122.248:56001: x509: certificate signed by unknown authority',
      'Token expired at: 2024-04-30 08:00:00 +0000 UTC',
    ].join('\n');
    const [issue] = run(bitfusionTokenInvalid, [...deployed(), injected(), secret('tensorflow-benchmark')], logs(text)) as Result;
    expect(issue!.subject).toEqual({ kind: 'Pod', name: 'bf-pkgs', namespace: 'tensorflow-benchmark' });
    expect(issue!.evidence).toEqual([
      'log of tensorflow-benchmark/bf-pkgs container bf-pkgs (previous run): [ERROR] 2024-05-02T09:20:14Z Failed to connect to server 10.202.122.248:56001: x509: certificate signed by unknown authority',
      'log of tensorflow-benchmark/bf-pkgs container bf-pkgs (previous run): Token expired at: 2024-04-30 08:00:00 +0000 UTC',
    ]);
    expect(issue!.fix.commands).toEqual(
      expect.arrayContaining([
        'kubectl delete secret -n kube-system bitfusion-secret',
        'kubectl delete secret -n tensorflow-benchmark bitfusion-secret',
        'kubectl create secret generic bitfusion-secret --from-file=tokens -n kube-system',
      ]),
    );
  });

  it('reads a container\'s terminated message alone (no log collected), and says so', () => {
    const pod = injected();
    pod.status = { phase: 'Running', containerStatuses: [{ name: 'bf-pkgs', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', message: 'Token expired at: 2024-04-30 08:00:00 +0000 UTC\n' } } }] };
    const [issue] = run(bitfusionTokenInvalid, [...deployed(), pod]) as Result;
    expect(issue!.message).toBe('Bitfusion workload tensorflow-benchmark/bf-pkgs cannot reach the Bitfusion server: its container status shows connection or token errors');
    expect(issue!.evidence).toEqual(['status of tensorflow-benchmark/bf-pkgs container bf-pkgs: Token expired at: 2024-04-30 08:00:00 +0000 UTC']);
  });

  it('reads an init container\'s log (the client installer) alone', () => {
    const pod = injected();
    pod.spec!.initContainers = [{ name: 'populate', image: 'docker.io/bitfusion/bitfusion-client-ubuntu1804:2.5.1' }];
    const [issue] = run(bitfusionTokenInvalid, [...deployed(), pod], { logs: new Map([['tensorflow-benchmark/bf-pkgs/populate', '[ERROR] 2024-05-02T09:20:14Z Failed to connect to server 10.202.122.248:56001: connection refused\n']]) }) as Result;
    expect(issue!.evidence).toEqual(['log of tensorflow-benchmark/bf-pkgs container populate: [ERROR] 2024-05-02T09:20:14Z Failed to connect to server 10.202.122.248:56001: connection refused']);
  });

  it('is quiet for other errors of the workload', () => {
    expect(run(bitfusionTokenInvalid, [...deployed(), injected()], logs('[ERROR] 2024-05-02T09:20:14Z model checkpoint /data/ckpt not found\nResourceExhaustedError: OOM'))).toEqual([]);
  });

  it('skips when no Bitfusion workload log was collected', () => {
    expect(run(bitfusionTokenInvalid, [...deployed(), injected()])).toEqual({ skip: 'no log, container message or event of the 1 Bitfusion workload(s) was collected' });
  });
});
