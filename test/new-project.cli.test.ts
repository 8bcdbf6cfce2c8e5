/**
 * `djyc new-project`: with flags and no terminal it never asks (a missing field names its flag, exit 2);
 * in a real terminal (tmux) it asks every question in Chinese and commits one valid record.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, TestRunner } from 'vitest';
import { parse } from 'yaml';
import { BIN, djyc, git, initRepo, tempDir } from './helpers.js';

const TODAY = '2020-03-05';
let repo: string;

const commits = (dir: string) => git(dir, ['rev-list', '--count', 'HEAD']).trim();

beforeAll(() => {
  repo = initRepo('shuangling', 2020);
  const run = (args: string[]) => {
    const r = djyc(args, { cwd: repo });
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  };
  run(['new-org', '--id', 'org-a', '--name', '中共某局机关第一支部委员会', '--short-name', '第一支部', '--type', '党支部']);
  run(['new-org', '--id', 'org-b', '--name', '中共某局机关第二支部委员会', '--short-name', '第二支部', '--type', '党支部']);
  run(['new-member', '--id', 'm-a', '--name', '张三', '--org', 'org-a', '--party-title', '支部书记']);
  run(['new-member', '--id', 'm-b', '--name', '李四', '--org', 'org-a', '--party-title', '组织委员']);
  run(['new-member', '--id', 'm-c', '--name', '王五', '--org', 'org-b']);
});

describe('new-project without a terminal', () => {
  const full = ['new-project', '--title', '党员先锋岗', '--category', '呼应群众普遍期待', '--source', '自行申报', '--org', 'org-a', '--leader', 'm-a', '--due', '2020-11-30'];

  it('with every flag and stdin closed: never prompts, commits one record (also when CI is not set)', () => {
    for (const env of [{ CI: '1' }, { CI: '' }]) {
      const before = Number(commits(repo));
      const r = djyc([...full, '--json'], { cwd: repo, env: { ...env, DJYC_TODAY: TODAY } });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain('?');
      const out = JSON.parse(r.stdout);
      expect(Number(commits(repo))).toBe(before + 1);
      expect(git(repo, ['show', '--name-only', '--format=', 'HEAD']).trim()).toBe(out.path);
      const rec = parse(fs.readFileSync(path.join(repo, out.path), 'utf8'));
      expect(rec).toMatchObject({ title: '党员先锋岗', categories: ['呼应群众普遍期待'], source: '自行申报', lead: 'org-a', proposed_by: 'org-a', leader: 'm-a', due: '2020-11-30', stage: 'proposed' });
      expect(rec.history).toEqual([{ stage: 'proposed', date: TODAY, by: expect.any(String), note: '创建' }]);
    }
  });

  it('a missing required field names its flag: exit 2, nothing written', () => {
    const drop = (flag: string) => {
      const i = full.indexOf(flag);
      return [...full.slice(0, i), ...full.slice(i + 2)];
    };
    const before = commits(repo);
    for (const flag of ['--title', '--category', '--source', '--org']) {
      const r = djyc(drop(flag), { cwd: repo });
      expect(r.code, flag).toBe(2);
      expect(r.stderr, flag).toContain(`缺少必填项 ${flag}`);
      expect(r.stderr).not.toContain('    at ');
      expect(r.stdout).toBe('');
    }
    const en = djyc([...drop('--title'), '--lang', 'en'], { cwd: repo });
    expect(en.code).toBe(2);
    expect(en.stderr).toContain('missing required --title (no prompts without a terminal)');
    expect(commits(repo)).toBe(before);
    expect(git(repo, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
  });

  it('a flag value the programme does not know is refused (exit 1), nothing written', () => {
    const before = commits(repo);
    const r = djyc(['new-project', '--title', 'x', '--category', '不存在的类别', '--source', '自行申报', '--org', 'org-a'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('项目类别“不存在的类别”不在方案的类别中');
    expect(r.stderr).toContain('未写入任何文件');
    expect(commits(repo)).toBe(before);
  });
});

// --- In a real terminal, driven through tmux ---------------------------------------------------------------

// Our own tmux server on a private socket: never touches anyone else's sessions.
const SOCKET = path.join(tempDir('djyc-tmux-'), 'tmux.sock');
let tmuxStarted = false;

function tmux(args: string[]): string {
  const r = spawnSync('tmux', ['-S', SOCKET, ...args], { encoding: 'utf8', env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' } });
  if (r.error) throw new Error(`tmux is required for this test (scripts/setup.sh installs it): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const screen = (s: string) => tmux(['capture-pane', '-p', '-t', s]);

/** Polls the screen until `text` shows; gives up no sooner than the test itself would (a busy machine is slow). */
async function waitFor(session: string, text: string | RegExp, timeoutMs = TestRunner.getCurrentTest()?.timeout ?? 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = screen(session);
    if (typeof text === 'string' ? s.includes(text) : text.test(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; screen:\n${s}`);
    await new Promise((r) => setTimeout(r, 80));
  }
}

/** Starts `djyc new-project` in a fresh tmux session (200×50), in the test repository, as a person would. */
function startSession(name: string): string {
  const script = path.join(tempDir(), 'run.sh');
  fs.writeFileSync(script, `cd '${repo}' && env -u CI NO_COLOR=1 DJYC_LANG=zh DJYC_TODAY=${TODAY} '${process.execPath}' '${BIN}' new-project; echo "EXIT:$?"; sleep 600\n`);
  tmux(['new-session', '-d', '-s', name, '-x', '200', '-y', '50', `sh '${script}'`]);
  tmuxStarted = true;
  return name;
}

const keys = (s: string, ...k: string[]) => tmux(['send-keys', '-t', s, ...k]);
const type = (s: string, text: string) => {
  tmux(['send-keys', '-t', s, '-l', text]);
  keys(s, 'Enter');
};

afterAll(() => {
  if (tmuxStarted) spawnSync('tmux', ['-S', SOCKET, 'kill-server']);
});

describe('new-project in a terminal (tmux)', () => {
  it('asks every question in Chinese and commits one valid record', async () => {
    const before = Number(commits(repo));
    const s = startSession('ask');
    await waitFor(s, '? 项目名称');
    type(s, '社区党员志愿服务站');

    const cats = await waitFor(s, '? 项目类别（可多选）');
    expect(cats).toContain('服务“四个区”打造');
    expect(cats).toContain('空格 选择'); // key hints in Chinese too
    keys(s, 'Space', 'Down', 'Down', 'Space');
    await waitFor(s, /◉ 服务“四个区”打造[\s\S]*◉ 呼应群众普遍期待/);
    keys(s, 'Enter');

    await waitFor(s, '? 项目来源');
    keys(s, 'Down', 'Enter'); // 自行申报
    const org = await waitFor(s, '? 领办（申报）党组织');
    expect(org).toContain('第一支部（org-a）');
    expect(org).toContain('第二支部（org-b）');
    keys(s, 'Enter'); // 第一支部
    const leader = await waitFor(s, '? 项目负责人');
    expect(leader).toContain('张三，支部书记（m-a）');
    expect(leader).not.toContain('王五'); // only members of the lead organisation
    keys(s, 'Down', 'Enter'); // 李四

    await waitFor(s, '? 理由依据');
    type(s, '群众反映社区缺少便民服务点');
    await waitFor(s, '? 目标要求');
    type(s, '年内建成志愿服务站1个');
    await waitFor(s, '? 主要内容');
    type(s, '组织党员每周轮值');
    await waitFor(s, '? 推进措施');
    type(s, '每月公示服务情况');

    await waitFor(s, '? 完成时限');
    type(s, '2020-13-45');
    await waitFor(s, '日期格式为 YYYY-MM-DD');
    keys(s, 'C-u');
    type(s, '2020-11-30');

    await waitFor(s, '? 新建项目“社区党员志愿服务站”并提交？');
    keys(s, 'Enter');
    const done = await waitFor(s, /EXIT:\d+/);
    expect(done).toContain('✔ 新建项目“社区党员志愿服务站”并提交？ 是');
    expect(done).toContain('已新建项目：');
    expect(done).toContain('EXIT:0');
    expect(done).not.toContain('    at ');

    expect(Number(commits(repo))).toBe(before + 1);
    const file = git(repo, ['show', '--name-only', '--format=', 'HEAD']).trim();
    expect(file).toMatch(/^records\/projects\/p-2020-[a-z0-9]+-[a-z0-9]{5}\.yaml$/);
    expect(done).toContain(`文件：${file}`);
    const rec = parse(fs.readFileSync(path.join(repo, file), 'utf8'));
    expect(rec).toMatchObject({
      programme: 'shuangling-2020', title: '社区党员志愿服务站', categories: ['服务“四个区”打造', '呼应群众普遍期待'], source: '自行申报',
      lead: 'org-a', leader: 'm-b', reason: '群众反映社区缺少便民服务点', goals: '年内建成志愿服务站1个', content: '组织党员每周轮值',
      measures: '每月公示服务情况', due: '2020-11-30', stage: 'proposed',
    });
    expect(git(repo, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
    const v = djyc(['validate', '--today', TODAY], { cwd: repo });
    expect(v.code).toBe(0);
  });

  it('Ctrl-C cancels cleanly: nothing written, exit 1', async () => {
    const before = commits(repo);
    const s = startSession('cancel');
    await waitFor(s, '? 项目名称');
    type(s, '不会保存的项目');
    await waitFor(s, '? 项目类别');
    keys(s, 'C-c');
    const done = await waitFor(s, /EXIT:\d+/);
    expect(done).toContain('已取消，未写入任何文件');
    expect(done).toContain('EXIT:1');
    expect(done).not.toContain('    at ');
    expect(commits(repo)).toBe(before);
    expect(git(repo, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
  });
});
