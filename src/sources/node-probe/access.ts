// Before a probe creates anything: does this user hold every permission it needs? One
// SelfSubjectAccessReview per permission (what `kubectl auth can-i` asks), the missing ones by name.
import pLimit from 'p-limit';
import type { ApiResponse } from '../live/client.js';
import { RequestFailure } from '../live/client.js';

export interface Permission {
  verb: string;
  resource: string;
  group?: string;
  subresource?: string;
}

/** pods: create, watch it start (get), exec the script, delete it; list finds leftovers of earlier runs. */
export const POD_PROBE_PERMISSIONS: Permission[] = [
  { verb: 'create', resource: 'pods' },
  { verb: 'get', resource: 'pods' },
  { verb: 'list', resource: 'pods' },
  { verb: 'delete', resource: 'pods' },
  // Exec over WebSocket is a GET, yet API servers since 1.30 also require create (as kubectl exec always did).
  { verb: 'create', resource: 'pods', subresource: 'exec' },
];

export const DAEMONSET_PROBE_PERMISSIONS: Permission[] = [
  { verb: 'create', resource: 'daemonsets', group: 'apps' },
  { verb: 'list', resource: 'daemonsets', group: 'apps' },
  { verb: 'delete', resource: 'daemonsets', group: 'apps' },
  { verb: 'list', resource: 'pods' },
  { verb: 'create', resource: 'pods', subresource: 'exec' },
];

/** `create pods/exec`, `delete daemonsets.apps`: as kubectl auth can-i spells them. */
export function permissionText(p: Permission): string {
  const resource = `${p.resource}${p.subresource ? `/${p.subresource}` : ''}${p.group ? `.${p.group}` : ''}`;
  return `${p.verb} ${resource}`;
}

export interface AccessPoster {
  post<T>(path: string, body: unknown): Promise<ApiResponse<T>>;
}

export interface AccessResult {
  missing: { permission: Permission; reason?: string }[];
  /** The reviews themselves could not be asked (an old or locked-down API server): nothing is known. */
  unknown?: string;
}

interface ReviewStatus {
  allowed?: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

const REVIEW_PATH = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

export async function checkAccess(api: AccessPoster, namespace: string, permissions: Permission[]): Promise<AccessResult> {
  const limit = pLimit(4);
  const answers = await Promise.all(
    permissions.map((permission) =>
      limit(async (): Promise<{ permission: Permission; status?: ReviewStatus; error?: string }> => {
        const review = {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: {
            resourceAttributes: {
              namespace,
              verb: permission.verb,
              group: permission.group ?? '',
              resource: permission.resource,
              ...(permission.subresource ? { subresource: permission.subresource } : {}),
            },
          },
        };
        try {
          const res = await api.post<{ status?: ReviewStatus }>(REVIEW_PATH, review);
          if (res.value) return { permission, status: res.value.status ?? {} };
          return { permission, error: res.message ? `${res.statusLine}: ${res.message}` : res.statusLine };
        } catch (err) {
          if (!(err instanceof RequestFailure)) throw err;
          return { permission, error: err.message };
        }
      }),
    ),
  );
  const failed = answers.find((a) => a.error);
  if (failed) return { missing: [], unknown: `SelfSubjectAccessReview failed (${failed.error})` };
  return {
    missing: answers
      .filter((a) => !a.status!.allowed)
      .map((a) => ({ permission: a.permission, ...(a.status!.reason ? { reason: a.status!.reason } : {}) })),
  };
}
