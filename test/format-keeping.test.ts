/**
 * Edits keep a person's formatting: a write changes only the lines of the keys it changes. A property test edits
 * hand-written records in many styles (flow collections, comment spacing, folded and literal text, quoting, list
 * indentation, comments on the changed keys) and checks that every other key's text is still there, byte for
 * byte, in order; then the real commands (advance, rate) on a yamllint-clean record, checked with yamllint.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { FormatEditor, editPreservingFormat } from '../src/store/yaml-edit.js';
import { appendItem, setField } from '../src/commands/workspace.js';
import { dangjianRecords, makeRepo } from './forms-fixtures.js';
import { ROOT, djyc, git, initRepo, requireTool } from './helpers.js';

const HAS_YAMLLINT = spawnSync('yamllint', ['--version'], { stdio: 'ignore' }).status === 0;
const YAMLLINT_CONFIG = path.join(ROOT, 'templates/repo/yamllint.yml');

function yamllint(target: string, cwd?: string): string {
  const r = spawnSync('yamllint', ['-c', YAMLLINT_CONFIG, '-f', 'parsable', target], { cwd, encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.trim();
}

// ---- hand-written records ------------------------------------------------------------------------------

const spaces = fc.integer({ min: 1, max: 4 }).map((n) => ' '.repeat(n));
const comment = fc.option(fc.tuple(spaces, fc.constantFrom('说明', 'note', '待核实', '  spaced')).map(([s, t]) => `${s}#${t.startsWith(' ') ? t : ` ${t}`}`), { nil: '' });
const word = fc.constantFrom('便民服务', '呼应群众普遍期待', 'org-a', '2020-03-05', 'x y', '“引号”');
const scalarText = fc.tuple(word, fc.constantFrom('plain', 'single', 'double')).map(([w, q]) => (q === 'single' ? `'${w}'` : q === 'double' ? `"${w}"` : /^\d|\s|“/.test(w) ? `"${w}"` : w));

/** One top-level key as a person might write it: [key, text of its lines]. */
const block = (key: string) =>
  fc.oneof(
    fc.tuple(scalarText, comment).map(([v, c]) => `${key}: ${v}${c}\n`),
    fc.tuple(fc.array(word, { minLength: 1, maxLength: 3 }), comment).map(([ws, c]) => `${key}: [${ws.map((w) => (/\s|“|^\d/.test(w) ? `"${w}"` : w)).join(', ')}]${c}\n`),
    fc.tuple(word, comment).map(([w, c]) => `${key}: {k: ${/\s|“|^\d/.test(w) ? `"${w}"` : w}}${c}\n`),
    fc.tuple(fc.constantFrom('>-', '>', '|', '|-'), fc.array(word, { minLength: 1, maxLength: 3 })).map(([h, ws]) => `${key}: ${h}\n${ws.map((w) => `  ${w}\n`).join('')}`),
    fc.tuple(fc.constantFrom('', '  '), fc.array(word, { minLength: 1, maxLength: 2 }), comment).map(([ind, ws, c]) => `${key}:${c}\n${ws.map((w) => `${ind}- ${/\s|“|^\d/.test(w) ? `"${w}"` : w}\n`).join('')}`),
  );

const history = fc.tuple(fc.constantFrom('', '  '), comment, fc.integer({ min: 1, max: 2 }), spaces).map(([ind, c, n, s]) => {
  const items = Array.from({ length: n }, (_, i) => `${ind}- stage: s${i}\n${ind}  date: "2020-03-0${i + 1}"${s}# 第 ${i + 1} 步\n`).join('');
  return `history:${c}\n${items}`;
});

const record = fc
  .record({
    header: fc.constantFrom('', '# yaml-language-server: $schema=../../schemas/project.schema.json\n', '# 手写的记录\n\n'),
    a: block('title'),
    b: block('categories'),
    stage: fc.tuple(fc.constantFrom('proposed', "'proposed'", '"proposed"'), comment).map(([v, c]) => `stage: ${v}${c}\n`),
    aboveStage: fc.constantFrom('', '# 阶段由 djyc advance 修改\n'),
    c: block('goals'),
    hist: history,
    d: block('content'),
  })
  .map((r) => ({
    blocks: [
      ['title', r.a],
      ['categories', r.b],
      ['stage', r.aboveStage + r.stage],
      ['goals', r.c],
      ['history', r.hist],
      ['content', r.d],
    ] as [string, string][],
    header: r.header,
  }));

type Op = { kind: 'set-stage'; value: string } | { kind: 'append-history' } | { kind: 'new-key' } | { kind: 'drop'; key: string } | { kind: 'replace-list'; key: string };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constantFrom('approved', 'rework', '2020-04-01').map((value) => ({ kind: 'set-stage' as const, value })),
  fc.constant({ kind: 'append-history' as const }),
  fc.constant({ kind: 'new-key' as const }),
  fc.constantFrom('content', 'title').map((key) => ({ kind: 'drop' as const, key })),
  fc.constantFrom('categories', 'goals').map((key) => ({ kind: 'replace-list' as const, key })),
);

describe('an edit rewrites only the keys it changes', () => {
  it('property: every other key keeps its text byte for byte, in order; the data is what the edit made', () => {
    fc.assert(
      fc.property(record, fc.array(op, { minLength: 1, maxLength: 3 }), (rec, ops) => {
        const source = rec.header + rec.blocks.map(([, t]) => t).join('');
        const changed = new Set<string>();
        const mutate = (doc: ReturnType<typeof parseDocument>) => {
          for (const o of ops) {
            if (o.kind === 'set-stage') {
              setField(doc, 'project', 'stage', o.value);
              changed.add('stage');
            } else if (o.kind === 'append-history') {
              appendItem(doc, 'project', 'history', { stage: 'approved', from: 'proposed', date: '2020-04-10', by: '李四', note: '同意立项' });
              changed.add('history');
            } else if (o.kind === 'new-key') {
              setField(doc, 'project', 'number', '2020-007');
              changed.add('number');
            } else if (o.kind === 'drop') {
              setField(doc, 'project', o.key, undefined);
              changed.add(o.key);
            } else {
              setField(doc, 'project', o.key, ['甲', '乙']);
              changed.add(o.key);
            }
          }
        };
        const out = editPreservingFormat(source, mutate);
        // The data is exactly what the Document API edit gives.
        const expected = parseDocument(source, { version: '1.2' });
        mutate(expected);
        expect(parse(out, { version: '1.2' })).toEqual(expected.toJS());
        // The header and every unchanged key's lines are there, unchanged, in their order.
        expect(out.startsWith(rec.header)).toBe(true);
        let at = rec.header.length;
        for (const [key, text] of rec.blocks) {
          if (changed.has(key)) continue;
          const found = out.indexOf(text, at);
          expect(found, `${key} kept as written`).toBeGreaterThanOrEqual(at);
          // What lies between kept keys belongs to changed keys only.
          const gap = out.slice(at, found);
          if (gap.trim()) for (const k of Object.keys(parse(gap, { version: '1.2' }) ?? {})) expect(changed.has(k), `${k} in a gap`).toBe(true);
          at = found + text.length;
        }
        // The comment above `stage` stays, even when `stage` changes.
        if (rec.blocks[2]![1].startsWith('#')) expect(out).toContain('# 阶段由 djyc advance 修改\nstage: ');
        // A changed stage keeps its comment and its quotes.
        if (changed.has('stage') && !changed.has('history')) {
          const line = out.split('\n').find((l) => l.startsWith('stage: '))!;
          const was = rec.blocks[2]![1].split('\n').find((l) => l.startsWith('stage: '))!;
          expect(line.replace(/^stage: (['"]?)[^'"#\s]+\1/, '')).toBe(was.replace(/^stage: (['"]?)[^'"#\s]+\1/, ''));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: edits in turn on one editor (a move, then its history entry) give the text of the same edits one file read at a time', () => {
    const apply = (doc: ReturnType<typeof parseDocument>, o: Op) => {
      if (o.kind === 'set-stage') setField(doc, 'project', 'stage', o.value);
      else if (o.kind === 'append-history') appendItem(doc, 'project', 'history', { stage: 'approved', from: 'proposed', date: '2020-04-10', by: '李四' });
      else if (o.kind === 'new-key') setField(doc, 'project', 'number', '2020-007');
      else if (o.kind === 'drop') setField(doc, 'project', o.key, undefined);
      else setField(doc, 'project', o.key, ['甲', '乙']);
    };
    fc.assert(
      fc.property(record, fc.array(op, { minLength: 2, maxLength: 4 }), (rec, ops) => {
        const source = rec.header + rec.blocks.map(([, t]) => t).join('');
        const editor = new FormatEditor(source);
        let inTurn = source;
        let oneByOne = source;
        for (const o of ops) {
          if (editor.spent) break;
          inTurn = editor.edit((doc) => apply(doc, o));
          oneByOne = editPreservingFormat(oneByOne, (doc) => apply(doc, o));
          expect(inTurn).toBe(oneByOne);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a record the fast parser does not read (anchors, aliases) is checked by the safe parser, and still edited in place', () => {
    const source = 'id: p-1\ncategories: &cats\n  - 甲\nlabels: *cats # 同上\nstage: proposed\nhistory:\n  - stage: proposed\n    date: 2020-03-20\n';
    const out = editPreservingFormat(source, (doc) => {
      setField(doc, 'project', 'stage', 'approved');
      appendItem(doc, 'project', 'history', { stage: 'approved', from: 'proposed', date: '2020-04-10' });
    });
    expect(out).toBe(source.replace('stage: proposed\nhistory', 'stage: approved\nhistory') + '  - stage: approved\n    from: proposed\n    date: 2020-04-10\n');
  });

  it('CRLF and a byte-order mark are kept through a write command', () => {
    const repo = initRepo('shuangling', 2020);
    const file = path.join(repo, 'records/organisations/org-a.yaml');
    fs.writeFileSync(file, '\uFEFFid: org-a\r\nname: 甲支部   # 全称\r\ntype: 党支部\r\n');
    fs.writeFileSync(path.join(repo, 'records/members/m-1.yaml'), 'id: m-1\nname: 张三\norganisation: org-a\n');
    git(repo, ['add', '-A']);
    git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'org']);
    const r = djyc(['task', 'exempt', 'm-1', '--reason', '长期病休'], { cwd: repo, env: { DJYC_TODAY: '2020-04-20' } });
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe('\uFEFFid: org-a\r\nname: 甲支部   # 全称\r\ntype: 党支部\r\n');
  });
});

describe('yamllint: what djyc writes, and what it edits', () => {
  requireTool(HAS_YAMLLINT, 'yamllint');
  it('a new repository of every preset passes the shipped .yamllint, the programme file included', () => {
    for (const preset of ['shuangling', 'dangjian-plus', 'zutuan', 'shuji', 'brand-plan']) {
      const repo = initRepo(preset, 2020);
      expect(fs.readFileSync(path.join(repo, '.yamllint'), 'utf8')).toBe(fs.readFileSync(YAMLLINT_CONFIG, 'utf8'));
      const r = spawnSync('yamllint', ['-f', 'parsable', '.'], { cwd: repo, encoding: 'utf8' });
      expect(`${r.stdout}${r.stderr}`.trim(), preset).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it('acceptance: a yamllint-clean hand-written record stays clean after advance and rate; the diff touches only the changed keys', async () => {
    const repo = await makeRepo('dangjian-plus', 2017, dangjianRecords(), '2017-12-01');
    const rel = 'records/projects/p-dj-anquan.yaml';
    const handWritten = `# yaml-language-server: $schema=../../schemas/project.schema.json
# 党建+安全生产项目（手工录入）
id: p-dj-anquan
programme: dangjian-plus-2017
number: DJ2017-001    # 立项编号
title: "党建+安全生产“党员身边无事故”"
categories: [党员教育管理服务]
proposed_by: org-dj-yizhi
lead: org-dj-yizhi
leader: m-dj-liu
team:
  - {member: m-dj-sun, role: 副组长}
  - {member: m-dj-he, role: 成员}
goals: >-
  全年实现党员责任区零事故，
  隐患整改率100%。
content: |
  划分党员安全责任区，
  开展党员安全示范岗创建。
measures: 一是设立党员安全责任区；二是每月开展隐患排查；三是建立安全积分制度。
schedule:
  - {from: '2017-05-01', to: '2017-06-30', work: 划分责任区，制定积分办法}
  - {from: '2017-07-01', to: '2017-11-30', work: 常态化开展隐患排查与示范岗创建}
branch_opinion: 同意申报。
start: '2017-05-01'
due: '2017-11-30'
# 阶段：由 djyc advance 推进
stage: closing  # 当前阶段
history:  # 只追加
  - {stage: applied, date: '2017-04-20', by: fixture}
  - stage: approved
    date: '2017-05-05'   # 党委会议
    by: fixture
  - {stage: implementing, date: '2017-05-06', by: fixture}
  - {stage: closing, date: '2017-11-28', by: fixture}
`;
    fs.writeFileSync(path.join(repo, rel), handWritten);
    expect(yamllint(rel, repo)).toBe('');
    git(repo, ['add', '-A']);
    git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'hand-written']);
    const env = { DJYC_TODAY: '2017-12-20', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
    for (const name of ['陈明', '李华', '王强']) expect(djyc(['new-expert', '--name', name, '--category', '党员教育管理服务', '--unit', '党校'], { cwd: repo, env }).code).toBe(0);
    for (const args of [['panel', 'p-dj-anquan', '--seed', 'k'], ['accept', 'p-dj-anquan', '--result', 'pass', '--opinion', '资料齐全'], ['advance', 'p-dj-anquan', '--to', 'accepted'], ['rate', 'p-dj-anquan', '--stars', '群众满意率=5,综合效益=4,经验可推广性=4']]) {
      const r = djyc(args, { cwd: repo, env });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const after = fs.readFileSync(path.join(repo, rel), 'utf8');
    expect(yamllint(rel, repo)).toBe('');
    // Every line of the hand-written file is still there but the stage's value; the new lines are the stage and
    // the history's new entries.
    const diff = git(repo, ['diff', '-U0', 'HEAD~6', '--', rel]).split('\n').filter((l) => /^[-+](?![-+])/.test(l));
    expect(diff.filter((l) => l.startsWith('-'))).toEqual(['-stage: closing  # 当前阶段']);
    const added = diff.filter((l) => l.startsWith('+'));
    expect(added[0]).toMatch(/^\+stage: (accepted|evaluated)  # 当前阶段$/);
    expect(added.slice(1).every((l) => /^\+ {2}( {2})?(- )?(stage|from|date|by|note): /.test(l))).toBe(true);
    expect(after.startsWith(handWritten.split('stage: closing')[0]!)).toBe(true);
    // And everything djyc wrote in the repository passes too.
    const all = spawnSync('yamllint', ['-f', 'parsable', '.'], { cwd: repo, encoding: 'utf8' });
    expect(`${all.stdout}${all.stderr}`.trim()).toBe('');
  });
});
