// Live cluster source. Placeholder contract, implemented in src/sources/live/.
import type { Collection } from './collection.js';

export interface LiveOptions {
  kubeconfig?: string;
  context?: string;
  requestTimeoutMs: number;
  chunkSize: number;
  debug?: boolean;
  onProgress?: (text: string) => void;
}

export async function collectLive(_options: LiveOptions): Promise<Collection> {
  throw new Error('live clusters are not supported yet');
}
