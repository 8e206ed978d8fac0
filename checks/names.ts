// Every check's catalogue name, as a type: the causal links (checks/links.ts) name checks by it, so a typo does
// not compile. The names are the catalogue's (src/catalogue.ts), listed once there; test/causes.test.ts keeps
// them equal to the names of ALL_CHECKS.
import { CATALOGUE } from '../src/catalogue.js';
import type { CheckName } from '../src/catalogue.js';

export type { CheckName };

export const CHECK_NAMES: readonly CheckName[] = CATALOGUE.map((e) => e.name);
