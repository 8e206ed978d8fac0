// A self-signed certificate for 127.0.0.1 (made with openssl), for HTTPS API servers in tests.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCert {
  cert: Buffer;
  key: Buffer;
  certFile: string;
}

export function selfSignedCert(): TestCert {
  const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-tls-'));
  const certFile = path.join(dir, 'ca.crt');
  const keyFile = path.join(dir, 'tls.key');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=kube-apiserver',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile],
    { stdio: 'ignore' },
  );
  return { cert: readFileSync(certFile), key: readFileSync(keyFile), certFile };
}
