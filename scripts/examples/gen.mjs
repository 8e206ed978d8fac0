// Regenerates the example snapshots under examples/ (deterministic: same input, same bytes).
//   node scripts/examples/gen.mjs [demo|healthy|noruntime|hami]
// The examples are data, committed as they are; this generator only keeps their many cross-references
// (uids, ownerReferences, events, resourceVersions) consistent when a story changes.
import path from 'node:path';
import { demo } from './demo.mjs';
import { hami } from './hami.mjs';
import { healthy } from './healthy.mjs';
import { noRuntime } from './noruntime.mjs';

const root = path.resolve(import.meta.dirname, '../../examples');
const which = process.argv[2] ?? 'all';
if (which === 'all' || which === 'demo') demo(path.join(root, 'passthrough-gpu-held'));
if (which === 'all' || which === 'healthy') healthy(path.join(root, 'healthy-gpu-operator'));
if (which === 'all' || which === 'noruntime') noRuntime(path.join(root, 'no-nvidia-runtime'));
if (which === 'all' || which === 'hami') hami(path.join(root, 'hami-kantaloupe'));
