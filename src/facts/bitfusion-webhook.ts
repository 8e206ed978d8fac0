// What Bitfusion's mutating webhook said about the pods it was asked to inject: its own log (the glog lines of
// bitfusion_device_plugin/webhook/pkg/webhook/webhook.go in vmware/bitfusion-with-kubernetes-integration) and
// the API server's refusals it caused, which land as FailedCreate events on the pod's owner (a refused pod
// never exists, so no event of its own records it).
import type { Facts } from './facts.js';
import type { Pod } from '../collection/kube.js';
import { BITFUSION_WEBHOOK_NAMESPACE, WEBHOOK_DEPLOYMENT_NAME } from './bitfusion.js';

export interface WebhookWord {
  /** The namespace and name of the pod the webhook was reviewing (the name is empty for generateName pods). */
  namespace?: string;
  name?: string;
  line: string;
  source: string;
  /** The webhook answered without allowing the pod: the API server refused to create it. */
  refused: boolean;
}

// webhook.go mutate(): the review line, then one of these; "Mutation policy for" is mutationRequired()'s verdict.
const REVIEW = /AdmissionReview for Kind=.*?Namespace=(?<ns>\S*) Name=(?<name>\S*)/;
const SKIPPED = /Skipping mutation for (?<ns>[^/\s]*)\/(?<name>\S*) due to policy check/;
const NOT_REQUIRED = /Mutation policy for (?<ns>[^/\s]*)\/(?<name>\S*): status: "(?<status>[^"]*)" required:false/;
const REFUSALS = [/Could not find Bitfusion client info, OS=\S* BFVersion=\S*/, /Can't copy secret: .*/, /Unable to create json patch for bitfusion resource/];

/** The webhook's pods: the Deployment `make deploy` installs in bwki. */
export function webhookPods(facts: Facts): Pod[] {
  return facts.pods.filter((p) => p.metadata.namespace === BITFUSION_WEBHOOK_NAMESPACE && WEBHOOK_DEPLOYMENT_NAME.test(p.metadata.name));
}

/** The webhook's log lines that say it skipped or refused a pod, with the pod it was reviewing. */
export function webhookLogWords(facts: Facts): WebhookWord[] {
  const words: WebhookWord[] = [];
  for (const pod of webhookPods(facts)) {
    for (const c of pod.spec?.containers ?? []) {
      for (const previous of [true, false]) {
        const text = facts.log(BITFUSION_WEBHOOK_NAMESPACE, pod.metadata.name, c.name, previous);
        if (!text) continue;
        const source = `log of ${BITFUSION_WEBHOOK_NAMESPACE}/${pod.metadata.name} container ${c.name}${previous ? ' (previous run)' : ''}`;
        let reviewing: { ns?: string; name?: string } = {};
        for (const raw of text.split('\n')) {
          const line = raw.trim();
          const review = REVIEW.exec(line);
          if (review) reviewing = { ns: review.groups!.ns, name: review.groups!.name };
          const skipped = SKIPPED.exec(line) ?? NOT_REQUIRED.exec(line);
          if (skipped) words.push({ namespace: skipped.groups!.ns, name: skipped.groups!.name, line, source, refused: false });
          else if (REFUSALS.some((r) => r.test(line))) words.push({ namespace: reviewing.ns, name: reviewing.name, line, source, refused: true });
        }
      }
    }
  }
  return words;
}

/** The API server's answer when the webhook refused a pod or could not be called, from an owner's FailedCreate event. */
const API_REFUSAL = /(?:admission webhook "(?<denied>[^"]*)" denied the request: (?<why>.*)|failed calling webhook "(?<failed>[^"]*)": (?<error>.*))/;

export interface RefusedCreate {
  owner: { kind: string; name: string; namespace: string };
  webhook: string;
  line: string;
  source: string;
}

/**
 * FailedCreate events of pods' owners (ReplicaSet, Job, StatefulSet, DaemonSet) that name one of Bitfusion's
 * webhooks (from its MutatingWebhookConfiguration, or named like bitfusion).
 */
export function refusedCreates(facts: Facts, webhookNames: Set<string>): RefusedCreate[] {
  return facts.events.flatMap((ev) => {
    const m = ev.reason === 'FailedCreate' && ev.involvedObject?.kind !== 'Pod' ? API_REFUSAL.exec(ev.message ?? '') : null;
    const webhook = m && (m.groups!.denied ?? m.groups!.failed)!;
    if (!m || !webhook || !(webhookNames.has(webhook) || /bitfusion/i.test(webhook))) return [];
    const o = ev.involvedObject!;
    const owner = { kind: o.kind ?? 'object', name: o.name ?? '', namespace: o.namespace ?? ev.metadata.namespace ?? 'default' };
    return [{ owner, webhook, line: (ev.message ?? '').trim(), source: `event FailedCreate on ${owner.kind} ${owner.namespace}/${owner.name}` }];
  });
}
