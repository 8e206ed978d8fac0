// What a recording Facts (Facts.recording, test/checks/needs.test.ts) hands out for a node's host facts: views
// that note each file set, directory and command read, by its need token (src/facts/inputs.ts).
import type { NodeHost } from '../collection/collection.js';
import { probeFileSetOf } from '../collection/probe-commands.js';
import type { Recorded } from './inputs.js';
import { nodeCommandNeed, nodeFilesNeed } from './inputs.js';

/** A node's host facts as a recording Facts hands them out: each file, directory and command read is noted. */
export function recordingHost(host: NodeHost, recorder: Recorded): NodeHost {
  return {
    files: recordingCollection(host.files, (path, how) => {
      // Whether a file exists (a runtime binary a snapshot may carry) is no read of the probe's files.
      if (how === 'has') return;
      recorder.nodeFiles.add(path ?? '*');
      // A file read by name: its set; the files listed or iterated: the sets of all there are (what was found
      // depends on each of them being copied).
      for (const file of path === undefined ? host.files.keys() : [path]) {
        const set = probeFileSetOf(file);
        if (set) recorder.needs.add(nodeFilesNeed(set));
      }
    }),
    dirs: recordingCollection(host.dirs, () => recorder.needs.add('node-dirs')),
    commands: recordingCollection(host.commands, (name) => {
      for (const command of name === undefined ? host.commands.keys() : [name]) recorder.needs.add(nodeCommandNeed(command));
    }),
  };
}

/** The Map or Set itself, except that every read calls `onRead`: with the key (and which) for get/has, undefined for the rest. */
function recordingCollection<C extends Map<string, unknown> | Set<string>>(target: C, onRead: (key: string | undefined, how?: 'get' | 'has') => void): C {
  return new Proxy(target, {
    get(obj, prop) {
      const value: unknown = Reflect.get(obj, prop, obj);
      if (prop === 'get' || prop === 'has') {
        return (key: string) => {
          onRead(key, prop);
          return (value as (key: string) => unknown).call(obj, key);
        };
      }
      if (prop === 'size') onRead(undefined);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        onRead(undefined);
        return (value as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  });
}
