// Writes docs/zh-CN/checks/ from src/i18n/zh-CN.ts: `npm run docs:zh` (test/i18n.test.ts checks it is in sync).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ALL_CHECKS } from '../checks/index.js';
import { renderZhDocs, ZH_DOCS_DIR } from '../src/i18n/docs.js';

const root = path.resolve(import.meta.dirname, '..');
const pages = renderZhDocs(ALL_CHECKS);
const dir = path.join(root, ZH_DOCS_DIR);
mkdirSync(dir, { recursive: true });
// Pages of checks that no longer exist go, so the directory mirrors the catalogue.
for (const file of readdirSync(dir)) {
  if (!pages.has(`${ZH_DOCS_DIR}/${file}`)) rmSync(path.join(dir, file));
}
for (const [file, content] of pages) writeFileSync(path.join(root, file), content);
console.log(`wrote ${pages.size} files to ${ZH_DOCS_DIR}`);
