// Wrapping to the terminal (issue 17): hanging indents, never inside a word, shell continuations, tables.
import { describe, expect, it } from 'vitest';
import { textWidth } from '../src/report/style.js';
import { renderTable, terminalWidth, truncate, wrapCommand, wrapText } from '../src/report/wrap.js';

const widest = (lines: string[]) => Math.max(...lines.map(textWidth));

describe('wrapText', () => {
  it('breaks at spaces with the hanging indent, keeps double spaces inside a line', () => {
    const lines = wrapText('the kubelet found no free GPU at admission: see unexpected-admission-error', 40, '    · ', '      ');
    expect(lines).toEqual(['    · the kubelet found no free GPU at', '      admission: see', '      unexpected-admission-error']);
    expect(wrapText('NVIDIA GPU Operator  gpu-operator', 80, '● ')).toEqual(['● NVIDIA GPU Operator  gpu-operator']);
    expect(wrapText('a b', undefined, '> ')).toEqual(['> a b']);
  });
  it('puts a label alone when the word after it only fits on a line of its own', () => {
    const url = 'https://unpkg.com/gpuctl@0.1.0/docs/checks/unexpected-admission-error.md';
    expect(wrapText(url, 80, '    see: ', '      ')).toEqual(['    see:', `      ${url}`]);
  });
  it('cuts a word wider than any line only after / _ ( = , : . -', () => {
    const word = 'nvidia-operator-validator-jx7kt_gpu-operator(7fb6429b-e030-4368-b3cb-fb8407833964)';
    const lines = wrapText(`in pod ${word}`, 60, '    · ', '      ');
    expect(widest(lines)).toBeLessThanOrEqual(60);
    expect(lines.map((l) => l.trim()).join(' ').replace(/([/_(=,:.-]) (?=\S)/g, '$1')).toBe(`· in pod ${word}`);
    for (const line of lines.slice(1, -1)) expect(line).toMatch(/[/_(=,:.-]$/);
  });
  it('breaks CJK text between characters, never before closing punctuation, at two columns a character', () => {
    const lines = wrapText('节点没有可分配的 GPU：设备插件未运行，请先检查设备插件的日志和节点标签。', 30, '✗ ', '  ');
    expect(widest(lines)).toBeLessThanOrEqual(30);
    for (const line of lines.slice(1)) expect(line.trimStart()).not.toMatch(/^[，。：]/);
    expect(lines.join('').replace(/\s+/g, '')).toBe('✗节点没有可分配的GPU：设备插件未运行，请先检查设备插件的日志和节点标签。');
  });
});

describe('wrapCommand', () => {
  it('continues with \\ at spaces outside quotes, and moves a comment that does not fit', () => {
    const cmd = `kubectl logs -n gpu-operator nvidia-device-plugin-validator-m9f2p -c plugin-validation --tail=100   # the validator's own words`;
    const lines = wrapCommand(cmd, 60, '      $ ', '          ');
    expect(widest(lines)).toBeLessThanOrEqual(60);
    expect(lines.slice(0, -2).every((l) => l.endsWith(' \\'))).toBe(true);
    expect(lines.at(-1)).toBe("          # the validator's own words");
    const quoted = `kubectl get pod -n ml x -o jsonpath='{range .spec.containers[*]}{.name} {end}'`;
    const q = wrapCommand(quoted, 50, '$ ', '    ');
    expect(q.some((l) => l.includes("jsonpath='{range .spec.containers[*]}{.name} {end}'"))).toBe(true);
    // What a shell reads back: the continuations joined give the same words.
    expect(q.join('\n').replace(/ \\\n\s+/g, ' ')).toBe(`$ ${quoted}`);
  });
  it('leaves heredocs and commands that fit alone', () => {
    expect(wrapCommand("kubectl apply -f - <<'EOF'\nkind: RuntimeClass\nEOF", 20, '$ ', '  ')).toEqual(["$ kubectl apply -f - <<'EOF'\nkind: RuntimeClass\nEOF"]);
    expect(wrapCommand('kubectl get nodes', 80, '$ ', '  ')).toEqual(['$ kubectl get nodes']);
  });
});

describe('tables and widths', () => {
  it('cuts the flexible column with … or wraps it in its column', () => {
    const rows = [['1', 'python3 train.py --epochs 300 --data /datasets/imagenet', '✓'], ['22', 'sh', '✗']];
    const cut = renderTable(['PID', 'PROCESS', 'LD_PRELOAD'], rows, 40, { flexible: 1, overflow: 'ellipsis' });
    expect(widest(cut)).toBeLessThanOrEqual(40);
    expect(cut[1]).toMatch(/^1 {4}python3 train\.py.*…  ✓$/);
    const wrapped = renderTable(['CONTEXT', 'FIRST PROBLEM'], [['gone', 'cannot reach the API server http://127.0.0.1:9: connection refused']], 40, { overflow: 'wrap' });
    expect(widest(wrapped)).toBeLessThanOrEqual(40);
    expect(wrapped.slice(1).map((l) => l.slice(9)).join(' ')).toBe('cannot reach the API server http://127.0.0.1:9: connection refused');
    expect(truncate('abcdef', 4)).toBe('abc…');
  });
  it('the terminal width: columns on a TTY, else COLUMNS, else 80', () => {
    expect(terminalWidth({ isTTY: true, columns: 120 }, {})).toBe(120);
    expect(terminalWidth({ isTTY: false }, {})).toBe(80);
    expect(terminalWidth({ isTTY: false }, { COLUMNS: '132' })).toBe(132);
    expect(terminalWidth({ isTTY: false }, { COLUMNS: 'wide' })).toBe(80);
  });
});
