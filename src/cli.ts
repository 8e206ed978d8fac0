// Entry point: commander wiring, and the one place where errors become one line and an exit code.
import { Argument, Command, CommanderError, Option } from 'commander';
import { version } from '../package.json';
import { GpuctlError } from './errors.js';
import { DEFAULT_PROBE_IMAGE, DEFAULT_PROBE_NAMESPACE } from './sources/node-probe/pod-spec.js';

const program = new Command(process.env.GPUCTL_KUBECTL_PLUGIN ? 'kubectl gpuctl' : 'gpuctl')
  .description('Diagnose and fix the GPU stack on Kubernetes')
  .version(version, '-v, --version')
  .option('--debug', 'show stack traces and request logs')
  .showHelpAfterError('(run gpuctl --help for usage)')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

const doctorCommand = program
  .command('doctor')
  .description('check every layer of the GPU stack, live or on a snapshot, and print the fixes')
  .option('--snapshot <path>', 'analyse a snapshot directory or .tar.gz instead of a live cluster')
  .option('--demo', 'analyse the bundled example of a broken GPU cluster')
  .option('--kubeconfig <file>', 'path to the kubeconfig file (default: KUBECONFIG, ~/.kube/config, in-cluster)')
  .option('--context <name>', 'the kubeconfig context to use; several, comma-separated, check each cluster')
  .option('--all-contexts', 'check every context of the kubeconfig, concurrently, and print one summary table')
  .option('--request-timeout <duration>', 'time limit of each API request (e.g. 10s, 500ms, 1m)', '10s')
  .option('--chunk-size <n>', 'objects per LIST page', '500')
  .addOption(maxExecPodsOption());
nodeProbeOptions(doctorCommand)
  .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'markdown', 'junit']).default('text'))
  .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1').choices(['error', 'warning']).default('error'))
  .option('--checks <list>', 'run only these checks (names, ids or categories, comma-separated)')
  .option('--skip <list>', 'skip these checks (names, ids or categories, comma-separated)')
  .option('--no-ok', 'hide the checks that passed')
  .action(async (opts) => {
    const { doctor } = await import('./commands/doctor.js');
    process.exitCode = await doctor({ ...opts, debug: program.opts().debug });
  });

program
  .command('exec-check')
  .description('prove that the injected GPU runtime (TensorFusion, HAMi, Bitfusion) reached the process that uses the GPU')
  .argument('[pod]', 'the pod to look into')
  .argument('[command...]', 'with --strace or --local: the command to trace (after --)')
  .option('-n, --namespace <ns>', 'namespace of the pod (default: the context\'s, else default)')
  .option('-c, --container <name>', 'container (default: the one the stack injects, else the default container, else the first)')
  .addOption(new Option('--stack <stack>', 'which injection to expect').choices(['auto', 'tensor-fusion', 'hami', 'bitfusion', 'nvidia']).default('auto'))
  .option('--strace', 'run the container\'s command (or -- CMD…) under the container\'s strace and follow every execve')
  .option('--strace-from-host', 'print the commands that trace the container from its node (a privileged debug pod with hostPID)')
  .option('--local', 'trace a local command with the host\'s strace: gpuctl exec-check --local -- CMD…')
  .option('--trace-file <file>', 'judge a saved strace output (strace -f -v -s 99999 -e trace=execve,clone… -o FILE)')
  .option('--timeout <duration>', 'stop a traced command after this long', '60s')
  .option('--kubeconfig <file>', 'path to the kubeconfig file (default: KUBECONFIG, ~/.kube/config, in-cluster)')
  .option('--context <name>', 'the kubeconfig context to use')
  .option('--request-timeout <duration>', 'time limit of each API request and exec (e.g. 10s, 1m)', '10s')
  .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
  .action(async (pod: string | undefined, command: string[], opts) => {
    const { execCheck } = await import('./commands/exec-check.js');
    process.exitCode = await execCheck(pod, command, { ...opts, debug: program.opts().debug });
  });

program
  .command('playbook')
  .description('print the troubleshooting playbooks gpuctl walks, step by step, with the findings of each step')
  .option('--stack <id>', 'only one playbook: homelab-ladder, gpu-operator, tensor-fusion, kantaloupe, bitfusion')
  .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'markdown']).default('text'))
  .action(async (opts) => {
    const { playbook } = await import('./commands/playbook.js');
    process.stdout.write(playbook(opts));
  });

const collectCommand = program
  .command('collect')
  .description('write a snapshot of a live cluster (objects, logs of GPU pods, node facts) for offline analysis or a support ticket')
  .requiredOption('-o, --output <path>', 'a directory, or a file ending in .tar.gz')
  .option('--kubeconfig <file>', 'path to the kubeconfig file')
  .option('--context <name>', 'the kubeconfig context to use')
  .option('--request-timeout <duration>', 'time limit of each API request', '10s')
  .option('--chunk-size <n>', 'objects per LIST page', '500')
  .addOption(maxExecPodsOption());
nodeProbeOptions(collectCommand).action(async (opts) => {
  const { collect } = await import('./commands/collect.js');
  await collect({ ...opts, debug: program.opts().debug });
});

program
  .command('checks')
  .description('list the checks: id, name, category and what each looks at')
  .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
  .action(async (opts) => {
    const { listChecks } = await import('./commands/checks.js');
    process.stdout.write(listChecks(opts.output));
  });

program
  .command('explain')
  .description('what a check detects, why it matters, and how to fix it')
  .argument('<check>', 'check name or id, e.g. validator-failed or GPU502')
  .action(async (name: string) => {
    const { explain } = await import('./commands/explain.js');
    process.stdout.write(explain(name));
  });

program
  .command('completion')
  .description('print a shell completion script: source <(gpuctl completion bash)')
  .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
  .action(async (shell: 'bash' | 'zsh' | 'fish') => {
    const { completionScript } = await import('./commands/completion.js');
    process.stdout.write(completionScript(shell));
  });

// Called by the completion scripts with the words typed so far; prints one candidate a line.
program
  .command('__complete', { hidden: true })
  .argument('[words...]')
  .allowUnknownOption()
  .helpOption(false)
  .action(async (words: string[]) => {
    const { complete } = await import('./commands/completion.js');
    process.stdout.write((await complete(program, words)).join('\n') + '\n');
  });

/** --node-probe and, for its pod and daemonset modes, the probe pods' flags. */
function nodeProbeOptions(command: Command): Command {
  command.addOption(nodeProbeOption());
  for (const option of probeOptions()) command.addOption(option);
  return command;
}

function nodeProbeOption(): Option {
  return new Option(
    '--node-probe <mode>',
    'read node facts (runtime config, driver): auto = local when this machine is a node of the cluster; pod = a short-lived privileged pod on each GPU node; daemonset = one short-lived DaemonSet (large clusters)',
  )
    .choices(['auto', 'local', 'pod', 'daemonset', 'none'])
    .default('auto');
}

function probeOptions(): Option[] {
  return [
    new Option('--probe-image <image>', 'image of the probe pods, any with sh (air-gapped clusters: a copy in your registry)').default(DEFAULT_PROBE_IMAGE),
    new Option('--probe-namespace <ns>', 'namespace of the probe pods (privileged pods must be allowed there)').default(DEFAULT_PROBE_NAMESPACE),
    new Option('--probe-timeout <duration>', 'how long a probe pod may take to start').default('60s'),
    new Option('--node-concurrency <n>', 'nodes probed at once').default('5'),
  ];
}

function maxExecPodsOption(): Option {
  return new Option('--max-exec-pods <n>', 'read the process tables of at most this many running pods of injecting stacks (exec; 0 = none)').default('20');
}

async function main(argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err, argv.includes('--debug'));
  }
}

function reportError(err: unknown, debug: boolean): number {
  if (err instanceof CommanderError) {
    return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0 ? 0 : 2;
  }
  if (err instanceof GpuctlError) {
    process.stderr.write(`gpuctl: error: ${err.message}\n`);
    if (err.hint) process.stderr.write(`  hint: ${err.hint}\n`);
    if (debug && err.stack) process.stderr.write(err.stack + '\n');
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`gpuctl: internal error: ${message.split('\n')[0]}\n`);
  process.stderr.write(debug && err instanceof Error ? `${err.stack}\n` : '  (run with --debug for the stack trace)\n');
  return 2;
}

await main(process.argv);
