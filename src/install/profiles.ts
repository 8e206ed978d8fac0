// Install profiles: each stack declares its own (`install:` in src/stacks/<id>.ts: charts in order, node
// labels, the doctor's categories that verify them); this is their index by `--profile` name.
import type { Category } from '../model.js';
import { installProfiles } from '../stacks/derived.js';
import type { ProfileCategory, ProfileId, StackId } from '../stacks/index.js';
import type { InstallProfile } from '../stacks/install.js';

export type { ProfileId } from '../stacks/index.js';
export type { NodeLabel } from '../stacks/install.js';

/** A profile naming a category that does not exist fails here, at compile time. */
type Categories<C extends Category> = readonly C[];

export interface Profile extends Omit<InstallProfile, 'id' | 'checkCategories'> {
  id: ProfileId;
  /** The stack whose module declares it. */
  stack: StackId;
  checkCategories: Categories<ProfileCategory>;
}

/** By `--profile` name, in the order of the stacks (the CLI's choices). */
export const PROFILES = Object.fromEntries(installProfiles().map((p) => [p.id, p])) as Record<ProfileId, Profile>;
