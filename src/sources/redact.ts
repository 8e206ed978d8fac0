// What never leaves the cluster in a bundle: Secret data, and values that look like credentials.
// One choke point: `redactCollection` walks everything a Collection holds (objects, logs, node files,
// command outputs, process tables, preload files, Prometheus answers, meta) and returns a redacted copy
// with the list of places it changed; the snapshot writer applies it before it writes anything.
import type { KubeObject } from '../collection/kube.js';
import type { Collection, CommandOutput, NodeHost, ProcessInfo } from '../collection/collection.js';

export const REDACTED = '<redacted by gpuctl>';
const DROPPED_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

/** One place a value was redacted: where in the bundle (no secret in it) and by which rule. */
export interface RedactionPlace {
  where: string;
  rule: string;
}

/** At most this many places are listed in meta.json; `count` is always the whole number. */
export const REDACTION_PLACES_LISTED = 1000;

export interface RedactionReport {
  count: number;
  places: RedactionPlace[];
}

// Key names: a word anywhere in the name (split at _ - . / and camelCase), or a substring of the name with
// its separators removed (apikey, hftoken, dbpassword).
const SECRET_SUBSTRINGS = ['passw', 'passphrase', 'secret', 'token', 'credential', 'cookie', 'apikey', 'accesskey', 'privatekey', 'authorization', 'bearer', 'sessionid', 'signature', 'clientsecret'];
const SECRET_WORDS = new Set(['pass', 'pwd', 'pw', 'pat', 'key', 'auth', 'cred', 'creds', 'session', 'sig', 'otp', 'jwt', 'dsn', 'sas', 'hmac', 'private', 'pin']);
/** A name ending in one of these names a reference (secretName, passwordFile, TOKEN_PATH), not a value. */
const REFERENCE_SUFFIXES = new Set(['name', 'names', 'ref', 'refs', 'namespace', 'file', 'files', 'path', 'paths', 'dir', 'mount', 'type', 'kind', 'seconds', 'ttl', 'length', 'size', 'enabled', 'required', 'mode', 'policy', 'count', 'selector', 'source', 'sources']);
/** Names that are secret-shaped but structural in Kubernetes objects (tolerations, selectors, key refs). */
const STRUCTURAL_NAMES = new Set(['key', 'keys']);

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** Whether a key, env, flag or header name holds a credential: `DB_PWD`, `GITHUB_PAT`, `--hf-token`, `identityToken`. */
export function isSecretName(name: string): boolean {
  let known = nameCache.get(name);
  if (known === undefined) {
    if (nameCache.size > 10_000) nameCache.clear();
    nameCache.set(name, (known = judgeName(name)));
  }
  return known;
}
const nameCache = new Map<string, boolean>();

function judgeName(name: string): boolean {
  if (STRUCTURAL_NAMES.has(name.replace(/^-+/, '').toLowerCase())) return false;
  const ws = words(name);
  if (!ws.length || REFERENCE_SUFFIXES.has(ws[ws.length - 1]!)) return false;
  if (ws.some((w) => SECRET_WORDS.has(w))) return true;
  const joined = ws.join('');
  return SECRET_SUBSTRINGS.some((s) => joined.includes(s));
}

/**
 * Whether `value` under `name` is a credential. A bare `key` names a taint, a selector or a key reference
 * (`key: nvidia.com/gpu`) unless its value looks generated: letters and digits, no dots or slashes.
 */
export function isSecretPair(name: string, value: string): boolean {
  if (/^-{0,2}key$/i.test(name)) return value.length >= 8 && /\d/.test(value) && /[A-Za-z]/.test(value) && !/[./\s]/.test(value) && !keepValue(value);
  return isSecretName(name) && !keepValue(value);
}

/** Values kept even under a secret name: counts (`max_tokens=512`), booleans, empty, already redacted. */
function keepValue(value: string): boolean {
  const v = value.replace(/^["']|["']$/g, '').trim();
  return v === '' || v === REDACTED || /^(\d+(\.\d+)?|true|false|null|none|~)$/i.test(v) || v.includes(REDACTED);
}

/** Free text (log lines, event messages): `token: unexpected status` is prose, `token: x7Fq…` a value. */
function proseWord(value: string): boolean {
  return /^[a-z]+$/.test(value.replace(/^["']|["']$/g, '')) && value.length < 16;
}

type Mode = 'config' | 'prose';

/** Collects the places redacted while one Collection is walked. */
class Recorder {
  count = 0;
  places: RedactionPlace[] = [];
  hit(where: string, rule: string): void {
    this.count++;
    if (this.places.length < REDACTION_PLACES_LISTED) this.places.push({ where, rule });
  }
}

const VALUE = String.raw`<redacted by gpuctl>|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s"',;&|)}\]]+`;
const KEY_VALUE = new RegExp(String.raw`(^|[^\w.-])(["']?)(-{0,2}[A-Za-z_][\w.-]*)\2([ \t]*[:=][ \t]*)(${VALUE})`, 'g');
const FLAG_SPACE_VALUE = new RegExp(String.raw`(^|\s)(--?[A-Za-z][\w.-]*)([ \t]+)(${VALUE})`, 'g');
const AUTH_HEADER = /\b((?:proxy-)?authorization["']?\s*[:=]\s*\[?\s*["']?)(?:(\w+)\s+)?(<redacted by gpuctl>|[^\s"',;]+)/gi;
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/=-]{8,})/g;
/** Headers the rules above already handled: their scheme word (`Bearer`) is not the value. */
const HEADER_KEYS = /^(proxy-)?authorization$|^(set-)?cookie$/i;
const COOKIE_HEADER = /\b((?:set-)?cookie\s*:\s*)([^\n"']+)/gi;
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/"'<>]*):([^\s@/"'<>]+)@/gi;
const URL_TOKEN_USER = /\b([a-z][a-z0-9+.-]*:\/\/)([A-Za-z0-9_-]{20,})@/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const TOKEN_SHAPES = /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{16,}|hf_[A-Za-z0-9]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|sk-[A-Za-z0-9_-]{20,})\b/g;
/** Names, tags, quantities: no separator a pair needs, so only a token's own shape could be a secret. */
const SIMPLE = /^[\w./+-]{0,256}$/;
const SIMPLE_SHAPES = /eyJ|gh[pousr]_|github_pat_|glpat-|hf_|xox[abprs]-|AKIA|sk-|[A-Za-z0-9+/]{12}/;
const TOKEN_PREFIXES = /gh[pousr]_|github_pat_|glpat-|hf_|xox[abprs]-|AKIA|sk-/;
const BASE64_RUN = /[A-Za-z0-9+/]{12}/;
const PRIVATE_KEY = /(-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----)[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g;
const BASE64_AUTH = /(^|[^A-Za-z0-9+/])([A-Za-z0-9+/]{12,512}={0,2})(?![A-Za-z0-9+/=])/g;
const SHORT_P = /(^|\s)(-p)([ \t]+)(<redacted by gpuctl>|[^\s-][^\s]*)/g;
const USER_PASS = /((?:^|\s)(?:-u|--user|--creds)(?:[ \t]+|=)["']?)([^\s:'"]+):([^\s'"]+)/g;
/** Commands whose `-p` is a password (mysql, `docker login`, sshpass), not a port or `mkdir -p`. */
const PASSWORD_P = /(^|[\s/])(login|mysql|mysqldump|mysqladmin|mariadb|mariadb-dump|mongo|mongosh|mongodump|mongorestore|sshpass)(\s|$)/;
const BLOCK_SCALAR = /^(\s*)(?:-\s+)?["']?([\w.-]+)["']?\s*:\s*[|>][+-]?\d*\s*(#.*)?$/;

/** A port, a count or a mapping (`-p 8080:80`) rather than mysql's password. */
function portLike(value: string): boolean {
  return /^[\d.:/a-z-]*\d[\d.:/a-z-]*$/i.test(value) && /^\d/.test(value);
}

/** `dXNlcjpwYXNz` = `user:pass`: docker's `auth` field, wherever it went. */
function isUserPassBase64(token: string): boolean {
  if (token.length % 4 !== 0 || !/[A-Z]/.test(token) || !/[a-z]/.test(token)) return false;
  const text = Buffer.from(token, 'base64').toString('latin1');
  return /^[\x21-\x39\x3b-\x7e]{1,256}:[\x21-\x7e]{1,256}$/.test(text);
}

/** `WHERE line N` for a text of several lines. */
function placeIn(text: string, where: string, offset: number): string {
  if (!text.includes('\n')) return where;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return `${where} line ${line}`;
}

/** Redacts credentials in one text (a file, a log, a command output, a field); records each by line. */
function redactTextAt(text: string, where: string, rec: Recorder, mode: Mode): string {
  if (!text || (SIMPLE.test(text) && !SIMPLE_SHAPES.test(text))) return text;
  const at = (offset: number) => placeIn(text, where, offset);
  // Each rule runs only where a cheap look says it could match: most strings of a cluster are names and tags.
  const lower = text.toLowerCase();
  let out = !text.includes('PRIVATE KEY') ? text : text.replace(PRIVATE_KEY, (_m, begin: string, end: string, offset: number) => {
    rec.hit(at(offset), 'private key block');
    return `${begin}\n${REDACTED}\n${end}`;
  });
  if (out.includes('\n') && /:\s*[|>]/.test(out)) out = redactBlockScalars(out, where, rec);
  if (lower.includes('authorization')) out = out.replace(AUTH_HEADER, (m, head: string, scheme: string | undefined, value: string, offset: number) => {
    if (keepValue(value) || (mode === 'prose' && !scheme && proseWord(value))) return m;
    rec.hit(at(offset), 'Authorization header');
    return `${head}${scheme ? `${scheme} ` : ''}${REDACTED}`;
  });
  if (lower.includes('bearer') || lower.includes('basic')) out = out.replace(AUTH_SCHEME, (m, scheme: string, space: string, value: string, offset: number) => {
    if (value.includes(REDACTED.slice(1, 9)) || /^[a-z]+$/.test(value)) return m;
    rec.hit(at(offset), `${scheme} credential`);
    return `${scheme}${space}${REDACTED}`;
  });
  if (lower.includes('cookie')) out = out.replace(COOKIE_HEADER, (m, head: string, value: string, offset: number) => {
    if (keepValue(value)) return m;
    rec.hit(at(offset), 'cookie');
    return `${head}${REDACTED}`;
  });
  if (text.includes('@')) out = out.replace(URL_USERINFO, (m, scheme: string, user: string, pass: string, offset: number) => {
    if (pass === REDACTED || pass.includes('redacted')) return m;
    rec.hit(at(offset), 'password in URL');
    return `${scheme}${user}:${REDACTED}@`;
  });
  if (text.includes('@')) out = out.replace(URL_TOKEN_USER, (_m, scheme: string, _user: string, offset: number) => {
    rec.hit(at(offset), 'token in URL');
    return `${scheme}${REDACTED}@`;
  });
  if (text.includes('eyJ')) out = out.replace(JWT, (_m, offset: number) => {
    rec.hit(at(offset), 'JWT');
    return REDACTED;
  });
  if (TOKEN_PREFIXES.test(text)) out = out.replace(TOKEN_SHAPES, (_m, _t, offset: number) => {
    rec.hit(at(offset), 'access token');
    return REDACTED;
  });
  if (text.includes(':') || text.includes('=')) out = redactKeyValues(out, (key, value) => !isSecretPair(key, value) || HEADER_KEYS.test(key) || (mode === 'prose' && proseWord(value)), (offset, key) =>
    rec.hit(at(offset), `key ${key.replace(/^-+/, '')}`),
  );
  if (text.includes('-')) out = out.replace(FLAG_SPACE_VALUE, (m, pre: string, flag: string, space: string, value: string, offset: number) => {
    if (!isSecretPair(flag, value) || (mode === 'prose' && proseWord(value))) return m;
    rec.hit(at(offset), `argument ${flag}`);
    return `${pre}${flag}${space}${REDACTED}`;
  });
  if (text.includes('-p')) out = out.replace(SHORT_P, (m, pre: string, flag: string, space: string, value: string, offset: number, whole: string) => {
    const command = whole.slice(0, offset).split(/[\n;&|]/).pop()!;
    if (portLike(value) || keepValue(value) || !PASSWORD_P.test(command)) return m;
    rec.hit(at(offset), 'argument -p');
    return `${pre}${flag}${space}${REDACTED}`;
  });
  if (text.includes('-u') || text.includes('--creds')) out = out.replace(USER_PASS, (m, head: string, user: string, pass: string, offset: number) => {
    if (keepValue(pass) || pass.startsWith('<redacted')) return m;
    rec.hit(at(offset), 'user:password argument');
    return `${head}${user}:${REDACTED}`;
  });
  if (BASE64_RUN.test(text)) out = out.replace(BASE64_AUTH, (m, pre: string, token: string, offset: number) => {
    if (!isUserPassBase64(token)) return m;
    rec.hit(at(offset), 'base64 user:password');
    return `${pre}${REDACTED}`;
  });
  return out;
}

/**
 * `key: value`, `key = value`, `KEY=value`, `"key":"value"`, anywhere in a line. A pair that is kept is scanned
 * again from its value on, so `env: DB_PASSWORD=x` still finds the second pair.
 */
function redactKeyValues(text: string, keep: (key: string, value: string) => boolean, hit: (offset: number, key: string) => void): string {
  const re = new RegExp(KEY_VALUE.source, 'g');
  let out = '';
  let from = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const [whole, pre, quote, key, sep, value] = m as unknown as [string, string, string, string, string, string];
    const head = pre.length + quote.length * 2 + key.length + sep.length;
    if (keep(key, value)) {
      re.lastIndex = m.index + Math.max(1, head - 1); // the separator's last character is the next prefix
      continue;
    }
    hit(m.index, key);
    // Config syntax (YAML, TOML, JSON: `key: x`, `key = x`) gets quotes so that it still parses; `KEY=x` and `--flag=x` not.
    const q = /^["']/.test(value) ? value[0]! : sep.includes(':') || /\s/.test(sep) ? '"' : '';
    out += text.slice(from, m.index) + whole.slice(0, head) + `${q}${REDACTED}${q}`;
    from = m.index + whole.length;
  }
  return out + text.slice(from);
}

/** YAML `identity_token: |` and the more-indented lines below it. */
function redactBlockScalars(text: string, where: string, rec: Recorder): string {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = BLOCK_SCALAR.exec(lines[i]!);
    if (!m || !isSecretName(m[2]!)) continue;
    const indent = m[1]!.length + (/^\s*-\s/.test(lines[i]!) ? 2 : 0);
    let j = i + 1;
    while (j < lines.length && (lines[j]!.trim() === '' || lines[j]!.search(/\S/) > indent)) j++;
    while (j > i + 1 && lines[j - 1]!.trim() === '') j--;
    if (j === i + 1) continue;
    const inner = lines[i + 1]!.search(/\S/);
    rec.hit(`${where} line ${i + 1}`, `key ${m[2]}`);
    lines.splice(i + 1, j - i - 1, `${' '.repeat(inner)}${REDACTED}`);
  }
  return lines.join('\n');
}

/** argv: `--password X`, `-p X`, `--api-token X` (the value is the next element), then each element as text. */
function redactArgv(args: string[], where: string, rec: Recorder): string[] {
  return args.map((arg, i) => {
    const prev = args[i - 1];
    if (prev !== undefined && /^--?[\w.-]+$/.test(prev) && !arg.startsWith('-') && !keepValue(arg)) {
      if (isSecretName(prev) || (prev === '-p' && !portLike(arg) && PASSWORD_P.test(args.slice(0, i - 1).join(' ')))) {
        rec.hit(`${where}[${i}]`, `argument ${prev}`);
        return REDACTED;
      }
    }
    return redactTextAt(arg, `${where}[${i}]`, rec, 'config');
  });
}

/** Fields whose text is prose (messages), not configuration. */
const PROSE_FIELDS = new Set(['message', 'reason', 'note', 'description', 'lastMessage']);

/** Walks a JSON value: secret-named keys, `{name, value}` pairs (env anywhere), argv arrays, then text. */
function redactJson(value: unknown, where: string, rec: Recorder, key?: string): unknown {
  if (typeof value === 'string') {
    if (key !== undefined && isSecretPair(key, value)) {
      rec.hit(where, `key ${key}`);
      return REDACTED;
    }
    return redactTextAt(value, where, rec, key !== undefined && PROSE_FIELDS.has(key) ? 'prose' : 'config');
  }
  if (Array.isArray(value)) {
    if (value.length && value.every((v) => typeof v === 'string')) return redactArgv(value as string[], where, rec);
    return value.map((v, i) => redactJson(v, `${where}[${i}]`, rec));
  }
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const pairName = typeof obj.name === 'string' ? obj.name : typeof obj.key === 'string' ? obj.key : undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const at = `${where}.${k}`;
      if (k === 'value' && pairName !== undefined && typeof v === 'string' && isSecretPair(pairName, v)) {
        rec.hit(`${where}.value`, `key ${pairName}`);
        out[k] = REDACTED;
      } else {
        out[k] = redactJson(v, at, rec, k);
      }
    }
    return out;
  }
  return value;
}

function objectName(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return `${obj.kind} ${ns ? `${ns}/` : ''}${obj.metadata?.name ?? '?'}`;
}

function redactObjectWith(obj: KubeObject, rec: Recorder): KubeObject {
  const where = objectName(obj);
  const copy = redactJson(obj, where, rec) as KubeObject & Record<string, any>;
  const annotations = copy.metadata?.annotations;
  if (annotations) for (const key of DROPPED_ANNOTATIONS) if (key in annotations) delete annotations[key];
  if (copy.kind === 'Secret') {
    // Keep which keys exist (checks ask "is there a tokens key?"), never their values.
    for (const field of ['data', 'stringData']) {
      const data = copy[field];
      if (!data || typeof data !== 'object') continue;
      for (const k of Object.keys(data)) if (data[k] !== REDACTED) rec.hit(`${where} .${field}.${k}`, 'Secret data');
      copy[field] = Object.fromEntries(Object.keys(data).map((k) => [k, REDACTED]));
    }
  }
  return copy;
}

function redactCommands(commands: Map<string, CommandOutput>, where: string, rec: Recorder): Map<string, CommandOutput> {
  return new Map(
    [...commands].map(([name, out]) => [
      name,
      {
        ...out,
        stdout: redactTextAt(out.stdout, `${where}/${name}`, rec, 'config'),
        ...(out.stderr !== undefined ? { stderr: redactTextAt(out.stderr, `${where}/${name} stderr`, rec, 'config') } : {}),
      },
    ]),
  );
}

function redactHost(host: NodeHost, node: string, rec: Recorder): NodeHost {
  return {
    files: new Map([...host.files].map(([file, text]) => [file, redactTextAt(text, `node ${node} file ${file}`, rec, 'config')])),
    dirs: host.dirs,
    commands: redactCommands(host.commands, `node ${node} command`, rec),
  };
}

function redactProcess(p: ProcessInfo, where: string, rec: Recorder): ProcessInfo {
  const at = `${where} pid ${p.pid}`;
  const environ: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.environ)) {
    if (isSecretPair(k, v)) {
      rec.hit(`${at} environ ${k}`, `key ${k}`);
      environ[k] = REDACTED;
    } else environ[k] = redactTextAt(v, `${at} environ ${k}`, rec, 'config');
  }
  return { ...p, cmdline: redactArgv(p.cmdline, `${at} cmdline`, rec), environ };
}

/** A copy of everything collect writes, with credentials replaced by REDACTED, and where that happened. */
export function redactCollection(collection: Collection): { collection: Collection; report: RedactionReport } {
  const rec = new Recorder();
  const mapValues = <V>(m: Map<string, V>, f: (v: V, k: string) => V) => new Map([...m].map(([k, v]) => [k, f(v, k)]));
  const redacted: Collection = {
    ...collection,
    objects: collection.objects.map((o) => redactObjectWith(o, rec)),
    logs: mapValues(collection.logs, (text, key) => redactTextAt(text, `log ${key}`, rec, 'prose')),
    nodes: mapValues(collection.nodes, (host, node) => redactHost(host, node, rec)),
    processes: mapValues(collection.processes, (table, key) => table.map((p) => redactProcess(p, `process table ${key}`, rec))),
    preloadFiles: mapValues(collection.preloadFiles, (text, key) => redactTextAt(text, `ld.so.preload ${key}`, rec, 'config')),
    containerCommands: mapValues(collection.containerCommands, (commands, key) => redactCommands(commands, `container ${key} command`, rec)),
    unavailable: mapValues(collection.unavailable, (why, kind) => redactTextAt(why, `unavailable ${kind}`, rec, 'prose')),
    ...(collection.localCommands ? { localCommands: redactCommands(collection.localCommands, 'local command', rec) } : {}),
    ...(collection.prometheus ? { prometheus: redactJson(collection.prometheus, 'prometheus', rec) as Collection['prometheus'] } : {}),
  };
  const meta = redactJson(collection.meta, 'meta', rec) as Collection['meta'];
  const report: RedactionReport = { count: rec.count, places: rec.places };
  redacted.meta = { ...meta, redactions: { count: report.count, ...(report.count > report.places.length ? { listed: report.places.length } : {}), places: report.places } };
  return { collection: redacted, report };
}

/** Host files (registries.yaml, hosts.toml, daemon.json), logs, command outputs: credentials in text. */
export function redactText(text: string): string {
  return redactTextAt(text, '', new Recorder(), 'config');
}
