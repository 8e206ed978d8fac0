// Writes docs/zh-CN/ (check pages, their index, the playbooks) from the zh-CN texts: `npm run docs:zh` (test/i18n.test.ts checks it is in sync).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ALL_CHECKS } from '../checks/index.js';
import { renderZhDocs, ZH_DOCS_DIR } from '../src/i18n/docs.js';
import { PLAYBOOKS } from '../src/playbook/steps.js';

const root = path.resolve(import.meta.dirname, '..');
const pages = renderZhDocs(ALL_CHECKS, PLAYBOOKS);
const dir = path.join(root, ZH_DOCS_DIR);
mkdirSync(dir, { recursive: true });
// Pages of checks that no longer exist go, so the directory mirrors the catalogue.
for (const file of readdirSync(dir)) {
  if (!pages.has(`${ZH_DOCS_DIR}/${file}`)) rmSync(path.join(dir, file));
}
for (const [file, content] of pages) {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), content);
}
console.log(`wrote ${pages.size} files under docs/zh-CN`);
