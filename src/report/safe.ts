// Text from a cluster or a node (an event message, a container's command line, a log line) may carry terminal
// control sequences: OSC 0 retitles the window, ESC[2J clears the screen, OSC 52 writes the clipboard. The text
// and Markdown reports show such characters escaped (`\x1b`), and a newline inside a message cannot forge
// another line of the report; JSON keeps the exact strings (JSON.stringify escapes them itself).
import type { Report } from '../engine.js';
import { causesOf } from '../engine.js';
import { remapCauses } from '../causes.js';
import type { Finding } from '../model.js';

// C0 controls but tab, DEL, C1 controls, and the bidirectional overrides that reorder what is shown.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/** TEXT with each control character written as `\xHH` (or `\uHHHH`): what it says, not what it does. */
export function terminalSafe(text: string): string {
  UNSAFE.lastIndex = 0;
  if (!UNSAFE.test(text)) return text;
  return text.replace(UNSAFE, (ch) => {
    const code = ch.charCodeAt(0);
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

function safeFinding(f: Finding): Finding {
  return {
    ...f,
    subject: { ...f.subject, kind: terminalSafe(f.subject.kind), name: terminalSafe(f.subject.name), ...(f.subject.namespace !== undefined ? { namespace: terminalSafe(f.subject.namespace) } : {}) },
    message: terminalSafe(f.message),
    evidence: f.evidence.map(terminalSafe),
    ...(f.fix ? { fix: { ...f.fix, summary: terminalSafe(f.fix.summary), commands: f.fix.commands.map(terminalSafe) } } : {}),
  };
}

/** The report with every string that can come from the cluster made terminal-safe: for the text and Markdown renderers. */
export function safeReport(report: Report): Report {
  const findings = report.findings.map(safeFinding);
  return {
    ...report,
    origin: terminalSafe(report.origin),
    findings,
    causes: remapCauses(causesOf(report), report.findings, findings),
    skipped: report.skipped.map((s) => ({ ...s, reason: terminalSafe(s.reason) })),
    ...(report.stacks ? { stacks: report.stacks.map((s) => ({ ...s, namespaces: s.namespaces.map(terminalSafe), evidence: s.evidence.map(terminalSafe) })) } : {}),
  };
}
