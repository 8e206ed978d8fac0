// The GPU stacks gpuctl knows, in the order the report's header lists them and detection runs (a later
// stack's rules may ask for an earlier one's namespaces). The one list: stack ids, CLI choices, the live
// resource list, log namespaces, categories, the header, install profiles and playbooks are derived from it (README, "Adding a stack").
import bitfusion from './bitfusion.js';
import gpuOperator from './gpu-operator.js';
import hami from './hami.js';
import kantaloupe from './kantaloupe.js';
import nvidiaDevicePlugin from './nvidia-device-plugin.js';
import tensorFusion from './tensor-fusion.js';

export const STACKS = [gpuOperator, nvidiaDevicePlugin, hami, kantaloupe, tensorFusion, bitfusion] as const;

type Stack = (typeof STACKS)[number];
export type StackId = Stack['id'];
/** The resource types the stacks bring to the live resource list (their CRDs and namespaced extras), kinds as literals. */
export type StackResourceType = Stack extends infer S ? (S extends { resources: readonly (infer R)[] } ? R : never) : never;
/** `gpuctl exec-check --stack ID`: the stacks' injections (the NVIDIA container toolkit's is `nvidia`). */
export type InjectionId = Stack extends infer S ? (S extends { injection: { id: infer I } } ? I : never) : never;
type Installable = Extract<Stack, { install: unknown }>;
/** `gpuctl install --profile NAME`: the stacks' install profiles (the standalone device plugin's is `device-plugin`). */
export type ProfileId = Installable['install']['id'];
/** The doctor categories the install profiles name (src/install/profiles.ts checks they are categories). */
export type ProfileCategory = Installable['install']['checkCategories'][number];
