// Writes the krew manifest for a packed release: version from package.json, sha256 of the tarball.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

const [tarball, uri, out = 'deploy/krew/gpuctl.yaml'] = process.argv.slice(2);
if (!tarball) {
  console.error('usage: npm run krew-manifest -- gpuctl-X.Y.Z.tgz [URI] [OUT]');
  process.exit(2);
}
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const doc = parseDocument(readFileSync(new URL('../deploy/krew/gpuctl.yaml', import.meta.url), 'utf8'));
const sha256 = createHash('sha256').update(readFileSync(tarball)).digest('hex');
doc.setIn(['spec', 'version'], `v${version}`);
doc.setIn(['spec', 'platforms', 0, 'uri'], uri ?? `https://registry.npmjs.org/gpuctl/-/gpuctl-${version}.tgz`);
doc.setIn(['spec', 'platforms', 0, 'sha256'], sha256);
writeFileSync(out, doc.toString());
console.log(`${out}: v${version} sha256 ${sha256}`);
