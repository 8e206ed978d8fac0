// Time each check on a synthetic cluster, in process (no API, no start-up): which checks cost what.
// `npx tsx bench/checks-time.ts [--nodes 1000] [--pods-per-node 30] [--top 15]`
import { parseArgs } from 'node:util';
import { ALL_CHECKS } from '../checks/index.js';
import { Facts } from '../src/facts/facts.js';
import { syntheticCluster } from '../test/simulator/synthetic.js';

const { values } = parseArgs({
  options: { nodes: { type: 'string', default: '1000' }, 'pods-per-node': { type: 'string', default: '30' }, top: { type: 'string', default: '15' } },
});
const cluster = syntheticCluster({ nodes: Number(values.nodes), podsPerNode: Number(values['pods-per-node']), brokenFraction: 0.02, seed: 1 });
const facts = new Facts(cluster);
const times: [string, number][] = [];
// CPU time, not wall time: other work on the machine shows less in it.
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const started = cpuMs();
for (const check of ALL_CHECKS) {
  const t = cpuMs();
  try {
    check.run(facts);
  } catch (err) {
    console.error(`${check.name}: ${(err as Error).message}`);
  }
  times.push([check.name, cpuMs() - t]);
}
const total = cpuMs() - started;
console.log(`${ALL_CHECKS.length} checks on ${cluster.objects.length} objects: ${total.toFixed(0)} ms CPU`);
for (const [name, ms] of times.sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`${ms.toFixed(1).padStart(8)} ms  ${name}`);
