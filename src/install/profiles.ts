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

/** What `gpuctl install` installs without `--profile`. */
export const DEFAULT_PROFILE: ProfileId = 'gpu-operator';

/** By `--profile` name, in the order of the stacks (the CLI's choices). */
export const PROFILES = Object.fromEntries(installProfiles().map((p) => [p.id, p])) as Record<ProfileId, Profile>;

/** A profile also answers to its stack's id where the two differ (`--profile nvidia-device-plugin`): users type the stack. */
export const PROFILE_ALIASES: Readonly<Record<string, ProfileId>> = Object.fromEntries(
  Object.values(PROFILES)
    .filter((p) => p.stack !== p.id && !(p.stack in PROFILES))
    .map((p) => [p.stack, p.id]),
);

/** The profile a `--profile` word names, alias or not; undefined for none. */
export function profileNamed(word: string): ProfileId | undefined {
  return word in PROFILES ? (word as ProfileId) : PROFILE_ALIASES[word];
}
