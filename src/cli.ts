// Entry point: commander wiring, and the one place where errors become one line and an exit code.
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { version } from '../package.json';
import { GpuctlError } from './errors.js';
import { FLAG_HELP, dryRunMode, normalizeArgv, parseVerbosity } from './flags.js';
import { LANGS, resolveLang } from './i18n/lang.js';
import { installInterruptHandlers, interrupt, interruptedBy, watchTerminal } from './interrupt.js';
import { invokedAs, writeAsInvoked } from './invocation.js';
import { DEFAULT_PROBE_IMAGE, DEFAULT_PROBE_NAMESPACE } from './sources/node-probe/pod-spec.js';
import { execCheckStackChoices } from './stacks/derived.js';
import { DEFAULT_PROFILE, PROFILES, PROFILE_ALIASES, profileNamed } from './install/profiles.js';
import { PLAYBOOKS } from './playbook/steps.js';

const repeatable = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

const program = new Command(invokedAs())
  .description('Diagnose and fix the GPU stack on Kubernetes')
  .version(version, '--version', 'print the version (also: gpuctl version)')
  .addOption(new Option('-v, --v <level>', 'log verbosity, as kubectl: 6 and above log each API request and show stack traces (as --debug)').argParser(parseVerbosity))
  .option('--debug', 'show stack traces and request logs')
  .addOption(new Option('--lang <lang>', 'language of the reports and explanations (default: from LC_ALL, LC_MESSAGES, LANG); JSON stays English').choices(LANGS))
  .showHelpAfterError(`(run ${invokedAs()} --help for usage)`)
  .addHelpText('after', FLAG_HELP)
  .exitOverride()
  // commander's own usage errors ("error: unknown option …") get the same prefix as ours.
  .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'gpuctl: error: ')) });

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
  .addOption(new Option('-o, --output <format>', 'output format: text (the root causes, each with its fix and the symptoms it explains), wide (every finding with its evidence, the passes and the playbook), json, markdown, junit').choices(['text', 'wide', 'json', 'markdown', 'junit']).default('text'))
  .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1').choices(['error', 'warning']).default('error'))
  .option('--checks <list>', 'run only these checks (names, ids or categories, comma-separated)')
  .option('--skip <list>', 'skip these checks (names, ids or categories, comma-separated)')
  .option('--no-ok', 'hide the checks that passed')
  .option('--allow-partial', 'an incomplete run (a resource type, log, process table or node that checks need could not be read: 403, timeout, refused, 5xx, cut) exits on its findings instead of 2')
  .option('--prometheus-url <url>', "query this Prometheus for the GPU metric checks instead of the cluster's (through the API server)")
  .option('--fix', 'apply the safe fixes the findings name (label nodes, delete finished pods and jobs, create RuntimeClasses), asking first')
  .option('-y, --yes', 'with --fix: apply without asking (for scripts)')
  .option('--backup-dir <dir>', 'with --fix: where a delete saves the object\'s manifest and its containers\' logs first (default: ./gpuctl-fix-TIMESTAMP)')
  .addOption(dryRunOption('with --fix: print the changes, make none'))
  .addHelpText(
    'after',
    `
Exit codes: 0 nothing at error severity, 1 an error finding (or --fail-on warning), 2 could not run.
Incomplete runs: when a resource type, log, process table or node that checks need could not be read
(403, timeout, refused, 5xx after retries, cut connection; not "not installed"), stderr names it in one
line, the summary says INCOMPLETE, the checks that needed it are skipped (JUnit: errors), never passed,
and the exit code is 2 unless --allow-partial. See docs/output.md.`,
  )
  .action(async (opts) => {
    const { doctor } = await import('./commands/doctor.js');
    process.exitCode = await doctor({ ...opts, dryRun: dryRunMode(opts.dryRun), debug: debug(), lang: lang() });
  });

program
  .command('exec-check')
  .description('prove that the injected GPU runtime (TensorFusion, HAMi, Bitfusion) reached the process that uses the GPU')
  .argument('[pod]', 'the pod to look into')
  .argument('[command...]', 'with --strace or --local: the command to trace (after --)')
  .option('-n, --namespace <ns>', 'namespace of the pod (default: the context\'s, else default)')
  .option('-c, --container <name>', 'container (default: the one the stack injects, else the default container, else the first)')
  .addOption(new Option('--stack <stack>', 'which injection to expect').choices(execCheckStackChoices()).default('auto'))
  .option('--strace', 'run the container\'s command (or -- CMD…) under the container\'s strace and follow every execve')
  .option('--strace-from-host', "trace the container from its node for --timeout: a short-lived privileged probe pod with hostPID attaches the host's strace (sees only execs during the trace)")
  .option('--print-only', 'with --strace-from-host: print the kubectl debug commands instead of tracing')
  .option('--local', 'trace a local command with the host\'s strace: gpuctl exec-check --local -- CMD…')
  .option('--trace-file <file>', 'judge a saved strace output (strace -f -v -s 99999 -e trace=execve,clone… -o FILE)')
  .option('--timeout <duration>', 'stop a traced command (or the --strace-from-host trace) after this long', '60s')
  .addOption(probeOptions().find((o) => o.long === '--probe-image')!)
  .addOption(probeOptions().find((o) => o.long === '--probe-namespace')!)
  .addOption(probeOptions().find((o) => o.long === '--probe-timeout')!)
  .option('--kubeconfig <file>', 'path to the kubeconfig file (default: KUBECONFIG, ~/.kube/config, in-cluster)')
  .option('--context <name>', 'the kubeconfig context to use')
  .option('--request-timeout <duration>', 'time limit of each API request and exec (e.g. 10s, 1m)', '10s')
  .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
  .action(async (pod: string | undefined, command: string[], opts) => {
    const { execCheck } = await import('./commands/exec-check.js');
    process.exitCode = await execCheck(pod, command, { ...opts, debug: debug(), lang: lang() });
  });

program
  .command('install')
  .description('set up the GPU stack: driver, container toolkit and runtime on this node, then the charts on the cluster')
  .addOption(profileOption())
  .option('--host', 'run only the host phase (driver, toolkit, runtime on this node)')
  .option('--cluster', 'run only the cluster phase (helm charts, RuntimeClass, node labels)')
  .addOption(dryRunOption('print every command in order and change nothing'))
  .option('-y, --yes', 'do not ask for confirmation')
  .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
  .option('--driver <branch>', 'NVIDIA driver branch to install, e.g. 535 (nvidia-driver-535); default: ubuntu-drivers picks')
  .addOption(new Option('--runtime <runtime>', 'container runtime to configure').choices(['auto', 'containerd', 'docker', 'k3s', 'rke2']).default('auto'))
  .addOption(new Option('--host-driver <answer>', 'do the GPU nodes have the driver (GPU Operator driver.enabled=false)').choices(['auto', 'yes', 'no']).default('auto'))
  .addOption(new Option('--host-toolkit <answer>', 'do the GPU nodes have the container toolkit (toolkit.enabled=false)').choices(['auto', 'yes', 'no']).default('auto'))
  .option('--chart-version <[component=]version>', 'chart version instead of the pinned one (repeatable)', repeatable)
  .option('--chart <[component=]ref>', 'chart reference or local .tgz instead of the repository chart (repeatable)', repeatable)
  .option('--values <[component=]file>', 'values file passed to helm (repeatable)', repeatable)
  .option('--gpu-nodes <names>', 'nodes to label for HAMi/TensorFusion (comma-separated; default: the GPU nodes found)')
  .option('--force', 'take over a release someone else installed with other values')
  .option('--kubeconfig <file>', 'path to the kubeconfig file')
  .option('--context <name>', 'the kubeconfig context to use')
  .option('--no-wait', 'do not wait for the pods after installing the charts')
  .option('--wait-timeout <duration>', 'how long to wait for the pods', '10m')
  .option('--command-timeout <duration>', 'time limit of each command (default: per command, up to 30m for package installs)')
  .addOption(new Option('--root <dir>', 'host filesystem root (tests; also GPUCTL_HOST_ROOT)').hideHelp())
  .action(async (opts) => {
    const { install } = await import('./commands/install.js');
    process.exitCode = await install({ ...opts, dryRun: dryRunMode(opts.dryRun) });
  });

program
  .command('uninstall')
  .description('remove the helm releases and the RuntimeClass that gpuctl install created')
  .addOption(dryRunOption('print every command in order and change nothing'))
  .option('-y, --yes', 'do not ask for confirmation')
  .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
  .option('--kubeconfig <file>', 'path to the kubeconfig file')
  .option('--context <name>', 'the kubeconfig context to use')
  .option('--host', 'print how to remove the driver and toolkit from a host by hand')
  .action(async (opts) => {
    const { uninstall } = await import('./commands/uninstall.js');
    process.exitCode = await uninstall({ ...opts, dryRun: dryRunMode(opts.dryRun) });
  });

program
  .command('playbook')
  .description('print the troubleshooting playbooks gpuctl walks, step by step, with the findings of each step')
  .option('--stack <id>', `only one playbook: ${PLAYBOOKS.map((p) => p.id).join(', ')}`)
  .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'markdown']).default('text'))
  .action(async (opts) => {
    const { playbook } = await import('./commands/playbook.js');
    process.stdout.write(playbook({ ...opts, lang: lang() }));
  });

const collectCommand = program
  .command('collect')
  .description('write a snapshot of a live cluster (objects, logs of GPU pods, node facts) for offline analysis or a support ticket')
  .option('-f, --output-file <path>', 'where to write the snapshot: a directory, or a file ending in .tar.gz')
  .option('--output-directory <dir>', 'where to write the snapshot directory (the name kubectl cluster-info dump uses)')
  .option('-o, --output <format>', 'format of the cluster objects: json or yaml (as kubectl cluster-info dump); a path here is taken as -f, with a warning', 'json')
  .option('--kubeconfig <file>', 'path to the kubeconfig file')
  .option('--context <name>', 'the kubeconfig context to use')
  .option('--request-timeout <duration>', 'time limit of each API request', '10s')
  .option('--chunk-size <n>', 'objects per LIST page', '500')
  .option('--prometheus-url <url>', "query this Prometheus for the GPU metric checks instead of the cluster's (through the API server)")
  .option('--redact-report', 'print each place a credential was redacted (also listed in the bundle\'s meta.json), to review before sharing')
  .option('--force', 'replace an existing bundle file, or write into a directory that is not empty (refused otherwise)')
  .addOption(maxExecPodsOption());
nodeProbeOptions(collectCommand).action(async (opts) => {
  const { collect } = await import('./commands/collect.js');
  await collect({ ...opts, debug: debug() });
});

program
  .command('checks')
  .description('list the checks: id, name, category and what each looks at')
  .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
  .action(async (opts) => {
    const { listChecks } = await import('./commands/checks.js');
    process.stdout.write(listChecks(opts.output, lang()));
  });

program
  .command('explain')
  .description('what a check detects, why it matters, and how to fix it')
  .argument('<check>', 'check name or id, e.g. validator-failed or GPU502')
  .action(async (name: string) => {
    const { explain } = await import('./commands/explain.js');
    process.stdout.write(explain(name, lang()));
  });

program
  .command('version')
  .description('print the version of gpuctl (the same as --version)')
  .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
  .action((opts: { output: 'text' | 'json' }) => {
    process.stdout.write(opts.output === 'json' ? `${JSON.stringify({ gpuctlVersion: version })}\n` : `${version}\n`);
  });

program
  .command('completion')
  .description('print a shell completion script: source <(gpuctl completion bash)')
  .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
  .action(async (shell: 'bash' | 'zsh' | 'fish') => {
    const { completionScript } = await import('./commands/completion.js');
    process.stdout.write(completionScript(shell));
  });


/** --debug, or kubectl's -v/--v at 6 and above (request logs). */
function debug(): boolean {
  const { debug, v } = program.opts<{ debug?: boolean; v?: number }>();
  return !!debug || (v ?? 0) >= 6;
}

/** --profile: a profile's name, or its stack's id where that differs (shown in the help as an alias). */
function profileOption(): Option {
  const aliases = Object.entries(PROFILE_ALIASES).map(([alias, id]) => `${alias} = ${id}`);
  const option = new Option('--profile <profile>', `what to install on the cluster${aliases.length ? ` (aliases: ${aliases.join(', ')})` : ''}`)
    .choices(Object.keys(PROFILES))
    .default(DEFAULT_PROFILE);
  // choices() validates against the names only; the parser after it takes the aliases too.
  return option.argParser((word: string) => {
    const id = profileNamed(word);
    if (!id) throw new InvalidArgumentError(`Allowed choices are ${Object.keys(PROFILES).join(', ')}.`);
    return id;
  });
}

/** --dry-run, --dry-run=client (the same) or --dry-run=none (a real run), as kubectl takes it. */
function dryRunOption(description: string): Option {
  return new Option('--dry-run [mode]', `${description} (=client: the same; =none: a real run)`).choices(['client', 'none']);
}

/** --lang wherever it was given (before or after the subcommand), else the locale's language. */
function lang() {
  return resolveLang(program.opts().lang);
}

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

const WAITING_COMMANDS = new Set(['doctor', 'exec-check', 'install', 'uninstall', 'collect']);

async function main(argv: string[]): Promise<void> {
  // Called by the completion scripts with the words typed so far; prints one candidate a line. The words
  // bypass option parsing: program options such as --lang are read after a subcommand too, and a half-typed
  // value must be completed, not rejected.
  if (argv[2] === '__complete') {
    const { complete, completeCobra } = await import('./commands/completion.js');
    // bin/kubectl_complete-gpuctl: kubectl reads Cobra's protocol (candidates, then :DIRECTIVE).
    if (process.env.GPUCTL_COMPLETION === 'cobra') process.stdout.write(await completeCobra(program, argv.slice(3)));
    else process.stdout.write((await complete(program, argv.slice(3))).join('\n') + '\n');
    return;
  }
  // Ctrl-C, SIGTERM, SIGHUP, SIGQUIT: clean up, one line, exit 128 + the signal (src/interrupt.ts).
  installInterruptHandlers();
  // `gpuctl … | head`: a reader that has gone away is not an error; nor is a terminal gone with its SIGHUP
  // while the interrupt cleans up. A write to a terminal that hung up fails with EIO, often before the
  // kernel's SIGHUP reaches gpuctl (or without one, outside the terminal's session): it is that hang-up,
  // and the probe pods must still be deleted.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (interruptedBy()) return;
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      if (err.code === 'EIO') return interrupt('SIGHUP');
      throw err;
    });
  }
  // The commands that wait on a cluster or a host read the terminal's keys, so that Ctrl-C works whatever its mode.
  program.hook('preAction', (_program, command) => {
    const opts = command.opts();
    if (WAITING_COMMANDS.has(command.name()) && !opts.snapshot && !opts.demo && !opts.traceFile) watchTerminal();
  });
  // As a kubectl plugin, every gpuctl command that a report, a hint or an error suggests reads `kubectl gpuctl …`.
  if (process.env.GPUCTL_KUBECTL_PLUGIN) {
    const names = program.commands.map((c) => c.name());
    for (const stream of [process.stdout, process.stderr]) writeAsInvoked(stream, names);
  }
  try {
    await program.parseAsync(normalizeArgv(argv));
  } catch (err) {
    process.exitCode = reportError(err, argv.includes('--debug') || debugFromArgv());
  }
}

/** Whether -v 6 was parsed before the error (the options may not all have been read). */
function debugFromArgv(): boolean {
  try {
    return debug();
  } catch {
    return false;
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
