// A runtime a container runtime config defines (containerd's `runtimes` tables, docker's daemon.json
// `runtimes`), and which of them run containers through the NVIDIA Container Runtime.

export interface RuntimeEntry {
  name: string;
  /** containerd runtime_type (`io.containerd.runc.v2`); docker runtimeType. */
  type?: string;
  /** options.BinaryName (legacy: runtime_engine, options.Runtime); docker `path`. */
  binary?: string;
  /** The file (or dump) whose section defined it; `built-in` for containerd's default runc. */
  definedIn: string;
}

const NVIDIA_BINARY = /(^|\/)nvidia-container-runtime([.-](cdi|legacy|experimental))?$/;

/** A runtime that runs containers through the NVIDIA Container Runtime, by name or binary. */
export function isNvidiaRuntime(runtime: RuntimeEntry): boolean {
  return runtime.name === 'nvidia' || NVIDIA_BINARY.test(runtime.binary ?? '');
}
