// The WebSocket exec transport against a server speaking v4.channel.k8s.io: streams, the final Status,
// credentials, and the API server's refusals before the upgrade.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { ExecFailure, execPath, webSocketExec } from '../../src/sources/node-probe/exec-ws.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** A server whose exec answers with the given frames, recording the upgrade request. */
async function execServer(frames: [number, string | Buffer][] | { status: number; body: string }) {
  const seen: { url: string; authorization?: string; protocol?: string }[] = [];
  const server = createServer();
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
  server.on('upgrade', (req, socket, head) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization, protocol: req.headers['sec-websocket-protocol'] });
    if (!Array.isArray(frames)) {
      socket.end(`HTTP/1.1 ${frames.status} X\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(frames.body)}\r\n\r\n${frames.body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      for (const [stream, data] of frames) ws.send(Buffer.concat([Buffer.from([stream]), Buffer.from(data)]));
      ws.close();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  close = async () => {
    wss.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix`, seen };
}

const target = { namespace: 'kube-system', pod: 'gpuctl-probe-1', container: 'probe', command: ['sh', '-c', 'echo "a b"'] };

describe('webSocketExec', () => {
  it('joins stdout and stderr across frames (even a split UTF-8 character) and reads the exit code', async () => {
    const euro = Buffer.from('€');
    const { url, seen } = await execServer([
      [1, ''],
      [1, 'hello '],
      [1, euro.subarray(0, 1)],
      [2, 'warn\n'],
      [1, euro.subarray(1)],
      [3, JSON.stringify({ metadata: {}, status: 'Failure', message: 'command terminated with non-zero exit code: exit status 3', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } })],
    ]);
    const exec = webSocketExec({ server: url, credentials: { headers: { Authorization: 'Bearer tok\n' } } });
    const result = await exec(target, 5000);
    expect(result).toEqual({ stdout: 'hello €', stderr: 'warn\n', exitCode: 3 });
    expect(seen[0]).toEqual({ url: `/prefix${execPath(target)}`, authorization: 'Bearer tok', protocol: 'v5.channel.k8s.io,v4.channel.k8s.io' });
    expect(new URL(seen[0]!.url, 'http://x').searchParams.getAll('command')).toEqual(['sh', '-c', 'echo "a b"']);
  });

  it('reads Success as exit code 0', async () => {
    const { url } = await execServer([
      [1, 'ok\n'],
      [3, JSON.stringify({ metadata: {}, status: 'Success' })],
    ]);
    expect(await webSocketExec({ server: url, credentials: {} })(target, 5000)).toEqual({ stdout: 'ok\n', stderr: '', exitCode: 0 });
  });

  it('fails with the Status message when the API server refuses the upgrade', async () => {
    const body = JSON.stringify({ kind: 'Status', status: 'Failure', message: 'pods "gpuctl-probe-1" not found', code: 404 });
    const { url } = await execServer({ status: 404, body });
    const err = await webSocketExec({ server: url, credentials: {} })(target, 5000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecFailure);
    expect(err).toMatchObject({ status: 404, message: '404 Not Found: pods "gpuctl-probe-1" not found' });
  });

  it('fails when the exec ran into an error that is not an exit code', async () => {
    const { url } = await execServer([[3, JSON.stringify({ metadata: {}, status: 'Failure', message: 'container not found ("probe")' })]]);
    await expect(webSocketExec({ server: url, credentials: {} })(target, 5000)).rejects.toThrow('container not found ("probe")');
  });

  it('gives up after its time limit', async () => {
    const server = createServer();
    const sockets: { destroy(): void }[] = [];
    server.on('upgrade', (_req, socket) => sockets.push(socket)); // never answers
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    close = async () => {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    };
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await expect(webSocketExec({ server: url, credentials: {} })(target, 300)).rejects.toThrow('the exec did not finish within 300ms');
  });
});
