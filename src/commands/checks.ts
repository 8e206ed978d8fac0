import { ALL_CHECKS } from '../../checks/index.js';

export function listChecks(output: 'text' | 'json'): string {
  if (output === 'json') {
    const rows = ALL_CHECKS.map(({ id, name, category, title }) => ({ id, name, category, title }));
    return JSON.stringify(rows, null, 2) + '\n';
  }
  const width = Math.max(...ALL_CHECKS.map((c) => c.name.length));
  const catWidth = Math.max(...ALL_CHECKS.map((c) => c.category.length));
  const lines = ALL_CHECKS.map((c) => `${c.id}  ${c.name.padEnd(width)}  ${c.category.padEnd(catWidth)}  ${c.title}`);
  return [`${'ID'.padEnd(6)}  ${'NAME'.padEnd(width)}  ${'CATEGORY'.padEnd(catWidth)}  CHECKS THAT`, ...lines].join('\n') + '\n';
}
