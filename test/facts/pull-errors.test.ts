import { describe, expect, it } from 'vitest';
import { classifyPullError, PULL_CAUSES, requestHostOf } from '../../src/facts/pull-errors.js';
import { pullFix } from '../../src/remedies/pulls.js';
import { PULL_ERRORS } from '../fixtures/pull-errors.js';

describe('classifyPullError', () => {
  it.each([
    ['dockerHubTimeout', 'network'],
    ['dockerHubTokenTimeout', 'network'],
    ['mirrorTimeout', 'network'],
    ['dnsFailure', 'network'],
    ['dockerClientTimeout', 'network'],
    ['rateLimited', 'rate-limited'],
    ['notFound', 'not-found'],
    ['nvcrUnauthorized', 'unauthorized'],
    ['accessDenied', 'access-denied'],
    ['dockerAccessDenied', 'access-denied'],
    ['untrustedCert', 'tls'],
    ['plainHttp', 'tls'],
    ['wrongPlatform', 'platform'],
    ['invalidName', 'invalid-name'],
  ] as const)('%s → %s', (key, cause) => {
    expect(classifyPullError(PULL_ERRORS[key]).id).toBe(cause);
  });

  it('is unknown for a bare back-off message and falls back to the next text', () => {
    expect(classifyPullError('Back-off pulling image "nginx:1.25"').id).toBe('unknown');
    expect(classifyPullError(undefined, 'Back-off pulling image "nginx:1.25"', PULL_ERRORS.rateLimited).id).toBe('rate-limited');
  });

  it('says which causes a mirror fixes', () => {
    expect(PULL_CAUSES.filter((c) => c.mirrorHelps).map((c) => c.id)).toEqual(['rate-limited', 'network']);
  });

  it('builds NGC credentials for nvcr.io and a Docker Hub server for docker.io', () => {
    const unauthorized = classifyPullError(PULL_ERRORS.nvcrUnauthorized);
    const nvcr = pullFix(unauthorized, { image: 'nvcr.io/nvidia/private/app:1.0', registry: 'nvcr.io', namespace: 'ml', pods: ['trainer-0'] });
    expect(nvcr.commands[0]).toBe(
      "kubectl create secret docker-registry regcred -n ml --docker-server=nvcr.io --docker-username='$oauthtoken' --docker-password=NGC_API_KEY",
    );
    expect(nvcr.commands).toContain('kubectl delete pod -n ml trainer-0');
    const hub = pullFix(classifyPullError(PULL_ERRORS.rateLimited), { image: 'busybox', registry: 'docker.io', namespace: 'default', pods: ['a', 'b'] });
    expect(hub.commands[0]).toContain('--docker-server=https://index.docker.io/v1/');
    expect(hub.commands.at(-1)).toBe('kubectl delete pod -n default a b');
  });
});

describe('requestHostOf', () => {
  it('reads the host of the URL the runtime requested, or the name it looked up', () => {
    expect(requestHostOf(PULL_ERRORS.dockerHubTimeout)).toBe('registry-1.docker.io');
    expect(requestHostOf(PULL_ERRORS.dockerHubTokenTimeout)).toBe('auth.docker.io');
    expect(requestHostOf(PULL_ERRORS.mirrorTimeout)).toBe('docker.m.daocloud.io');
    expect(requestHostOf(PULL_ERRORS.untrustedCert)).toBe('harbor.local:8443');
    expect(requestHostOf('dial tcp: lookup registry-1.docker.io on 10.0.0.2:53: no such host')).toBe('registry-1.docker.io');
    expect(requestHostOf(PULL_ERRORS.notFound)).toBeUndefined();
  });
});
