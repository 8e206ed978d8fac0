// The lower bound of a live doctor: one Node process that only fetches the same lists over HTTP (same
// paths, selectors and page size, same number of lists in flight) and JSON.parses every page. Plain
// JavaScript with Node built-ins only, so that nothing but the work itself is measured.
// usage: node bench/lower-bound.mjs SERVER_URL CONCURRENCY PATH…   (each PATH with its limit=…)
import http from 'node:http';

const [server, concurrencyArg, ...paths] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function get(path) {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(path, server), { agent, headers: { Accept: 'application/json' } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`${path}: ${res.statusCode}`));
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function listAll(path) {
  let items = 0;
  let token;
  do {
    const page = await get(token ? `${path}&continue=${encodeURIComponent(token)}` : path);
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
