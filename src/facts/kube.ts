// The Kubernetes objects checks read, as facts: defined once in src/collection/kube.ts, where the sources
// that build them and the facts that index them both find them.
export type * from '../collection/kube.js';
