// Writes what the docs repeat of the catalogue and the playbooks: `npm run docs` (also `npm run docs:zh`).
// English: the table of docs/checks/README.md, each check page's heading and title line (src/catalogue-docs.ts)
// and docs/playbook/README.md (the stacks' playbooks, src/report/playbook.ts), docs/install.md's profile table
// and docs/exec-check.md's --stack choices (the stack modules, src/install/profiles-doc.ts); Chinese: every page under
// docs/zh-CN/ (src/i18n/docs.ts). test/docs-generated.test.ts and test/i18n.test.ts check they are in sync.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ALL_CHECKS } from '../checks/index.js';
import { renderCatalogueDocs } from '../src/catalogue-docs.js';
import { renderZhDocs, ZH_DOCS_DIR } from '../src/i18n/docs.js';
import { EXEC_CHECK_DOC, INSTALL_DOC, renderExecCheckDoc, renderInstallDoc } from '../src/install/profiles-doc.js';
import { PLAYBOOKS } from '../src/playbook/steps.js';
import { PLAYBOOK_DOC, renderPlaybookDoc } from '../src/report/playbook.js';

const root = path.resolve(import.meta.dirname, '..');
const read = (file: string) => (existsSync(path.join(root, file)) ? readFileSync(path.join(root, file), 'utf8') : undefined);

const english = renderCatalogueDocs(ALL_CHECKS, read)
  .set(PLAYBOOK_DOC, renderPlaybookDoc(PLAYBOOKS))
  .set(INSTALL_DOC, renderInstallDoc(read(INSTALL_DOC)!))
  .set(EXEC_CHECK_DOC, renderExecCheckDoc(read(EXEC_CHECK_DOC)!));
const zh = renderZhDocs(ALL_CHECKS, PLAYBOOKS);
const dir = path.join(root, ZH_DOCS_DIR);
mkdirSync(dir, { recursive: true });
// Pages of checks that no longer exist go, so the directory mirrors the catalogue.
for (const file of readdirSync(dir)) {
  if (!zh.has(`${ZH_DOCS_DIR}/${file}`)) rmSync(path.join(dir, file));
}
let changed = 0;
for (const [file, content] of [...english, ...zh]) {
  if (read(file) === content) continue;
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), content);
  changed++;
}
console.log(`${english.size} English and ${zh.size} Chinese files generated, ${changed} changed`);
