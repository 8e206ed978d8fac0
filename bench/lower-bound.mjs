// The lower bound of a live doctor: one Node process that only fetches the same lists over HTTP (same
// paths, selectors, Accept and page size, same number of lists in flight) and JSON.parses every page.
// Plain JavaScript with Node built-ins only, so that nothing but the work itself is measured.
// usage: node bench/lower-bound.mjs SERVER_URL CONCURRENCY [ACCEPT ]PATH…   (each PATH with its limit=…;
// an Accept header other than application/json goes before the path, separated by a space)
// A 404 (a CRD that is not installed) ends that list, as it does for gpuctl.
// An https:// server (the real kube-apiserver) takes the client certificate from LOWER_BOUND_TLS_DIR
// (ca.crt, admin.crt, admin.key).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';

const [server, concurrencyArg, ...paths] = process.argv.slice(2);
const tls = server.startsWith('https:');
const tlsDir = process.env.LOWER_BOUND_TLS_DIR ?? '';
const agent = tls
  ? new https.Agent({ keepAlive: true, maxSockets: 16, ca: readFileSync(path.join(tlsDir, 'ca.crt')), cert: readFileSync(path.join(tlsDir, 'admin.crt')), key: readFileSync(path.join(tlsDir, 'admin.key')) })
  : new http.Agent({ keepAlive: true, maxSockets: 16 });

function get(path, accept) {
  return new Promise((resolve, reject) => {
    const req = (tls ? https : http).get(new URL(path, server), { agent, headers: { Accept: accept } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        // The real server's 404 for a group no CRD serves is plain text.
        if (res.statusCode === 404) return resolve({ items: [] });
        if (res.statusCode !== 200) return reject(new Error(`${path}: ${res.statusCode}`));
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function listAll(list) {
  const [accept, path] = list.includes(' ') ? list.split(' ') : ['application/json', list];
  let items = 0;
  let token;
  do {
    const page = await get(token ? `${path}&continue=${encodeURIComponent(token)}` : path, accept);
    items += page.items?.length ?? 0;
    token = page.metadata?.continue;
  } while (token);
  return items;
}

const queue = [...paths];
let objects = 0;
async function worker() {
  for (let path = queue.shift(); path; path = queue.shift()) {
    const listed = await listAll(path);
    objects += listed;
  }
}
await Promise.all(Array.from({ length: Math.min(Number(concurrencyArg), paths.length) }, worker));
agent.destroy();
process.stdout.write(`${objects}\n`);
