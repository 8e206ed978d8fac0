// Why a check cannot judge: a kind it reads could not be listed. For checks of optional stacks, which
// look at a kind only once they know the stack is there (and stay quiet otherwise).
import type { Facts } from './facts.js';
import { resourceTypeOfKind } from '../collection/resources.js';

/** "cannot list secrets (forbidden: …)" for the first of the kinds that could not be listed. */
export function cannotList(facts: Facts, kinds: string[]): string | undefined {
  for (const kind of kinds) {
    const why = facts.unavailable(kind);
    if (why) return `cannot list ${resourceTypeOfKind(kind)?.plural ?? kind} (${why})`;
  }
  return undefined;
}
