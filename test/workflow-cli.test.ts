/**
 * The workflow commands through the built CLI (run `npx tsc -p .` first): Chinese by default and English with
 * --lang en, --json, --dry-run writing nothing, refusals with exit 1 and nothing written, uncommitted edits
 * protected, a brand's logo copied into attachments/logos/ in the same commit, and panel --verify.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { djyc, git, initRepo, tempDir } from './helpers.js';

const at = (date: string) => ({ DJYC_TODAY: date, DJYC_USER: '测试员' });
const head = (repo: string) => git(repo, ['rev-parse', 'HEAD']).trim();
const porcelain = (repo: string) => git(repo, ['status', '--porcelain', '--untracked-files=all']);

function ok(repo: string, date: string, args: string[]) {
  const r = djyc(args, { cwd: repo, env: at(date) });
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}

describe('workflow commands (shuangling)', () => {
  let repo: string;
  beforeAll(() => {
    repo = initRepo('shuangling', 2020);
    ok(repo, '2020-03-05', ['new-org', '--id', 'org-a', '--name', '中共无锡市惠山区教育局机关支部委员会', '--short-name', '区教育局机关支部', '--type', '党支部', '--unit', '区教育局']);
    ok(repo, '2020-03-05', ['new-member', '--id', 'm-a', '--name', '周立', '--org', 'org-a']);
    ok(repo, '2020-03-10', ['new-project', '--id', 'p-1', '--title', '校园周边交通安全综合治理', '--category', '呼应群众普遍期待', '--source', '社会征集', '--org', 'org-a']);
  });

  it('refuses an illegal move in Chinese by default and in English with --lang en; exit 1, nothing written', () => {
    const before = head(repo);
    const zh = djyc(['advance', 'p-1', '--to', 'implementing'], { cwd: repo, env: at('2020-04-08') });
    expect(zh.code).toBe(1);
    expect(zh.stderr).toContain('不是方案允许的下一阶段');
    expect(zh.stderr).toContain('可转入：项目认定（立项）、未予立项');
    const en = djyc(['advance', 'p-1', '--to', 'implementing', '--lang', 'en'], { cwd: repo, env: at('2020-04-08') });
    expect(en.code).toBe(1);
    expect(en.stderr).toContain('not a legal next stage');
    expect(en.stderr).toContain('Legal next stages: approved, rejected');
    expect(en.stderr).not.toMatch(/\n\s+at /);
    expect(porcelain(repo)).toBe('');
    expect(head(repo)).toBe(before);
  });

  it('--dry-run shows the change and writes nothing; --json reports what was done', () => {
    const before = head(repo);
    const dry = ok(repo, '2020-04-08', ['advance', 'p-1', '--dry-run']);
    expect(dry.stdout).toContain('试运行');
    expect(dry.stdout).toContain('+ number: 2020-001');
    expect(dry.stdout).toContain('- stage: proposed');
    expect(dry.stdout).toContain('+ stage: approved');
    expect(head(repo)).toBe(before);
    expect(porcelain(repo)).toBe('');
    const done = JSON.parse(ok(repo, '2020-04-08', ['advance', 'p-1', '--json', '--by', '区级机关工委 周晓燕', '--note', '予以立项']).stdout);
    expect(done).toMatchObject({ id: 'p-1', from: 'proposed', to: 'approved', number: '2020-001', dryRun: false });
    expect(git(repo, ['log', '-1', '--format=%s'])).toContain('djyc advance: p-1 proposed → approved');
    const text = fs.readFileSync(path.join(repo, 'records/projects/p-1.yaml'), 'utf8');
    expect(text).toMatch(/- stage: approved\n {4}from: proposed\n {4}date: 2020-04-08\n {4}by: 区级机关工委 周晓燕\n {4}note: 予以立项/);
  });

  it('refuses to overwrite a file with uncommitted edits', () => {
    const file = path.join(repo, 'records/projects/p-1.yaml');
    const original = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, `${original}# 手工备注\n`);
    const r = djyc(['claim', 'p-1', '--org', 'org-a'], { cwd: repo, env: at('2020-04-16') });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('尚未提交的修改');
    expect(fs.readFileSync(file, 'utf8')).toBe(`${original}# 手工备注\n`);
    fs.writeFileSync(file, original);
    expect(porcelain(repo)).toBe('');
  });

  it('help is Chinese by default, English with --lang en', () => {
    expect(djyc(['advance', '--help']).stdout).toContain('推进项目、任务或品牌到下一阶段');
    expect(djyc(['rate', '--help', '--lang', 'en']).stdout).toContain('only after acceptance');
    expect(djyc(['brand', '--help']).stdout).toContain('结对共建');
  });

  it('brand new copies the logo into attachments/logos/ in the same commit; a long name is a warning; a fake image is refused', () => {
    const dir = tempDir();
    const logo = path.join(dir, 'logo.svg');
    fs.writeFileSync(logo, '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle cx="5" cy="5" r="4" fill="red"/></svg>\n');
    const r = ok(repo, '2020-05-10', ['brand', 'new', '--org', 'org-a', '--name', '护苗先锋平安校园共建护学行动', '--concept', '守护学生平安', '--logo', logo]);
    expect(r.stderr).toContain('不超过 10 个字');
    const id = /已新建品牌 (b-2020-[a-z0-9-]+)/.exec(r.stdout)![1]!;
    const copied = `attachments/logos/${id}.svg`;
    expect(fs.readFileSync(path.join(repo, copied), 'utf8')).toContain('<circle');
    expect(git(repo, ['show', '--name-only', '--format=', 'HEAD']).split('\n')).toEqual(expect.arrayContaining([copied, `records/brands/${id}.yaml`]));
    const fake = path.join(dir, 'fake.png');
    fs.writeFileSync(fake, 'not an image');
    const before = head(repo);
    const bad = djyc(['brand', 'new', '--org', 'org-a', '--name', '另一个', '--logo', fake], { cwd: repo, env: at('2020-05-10') });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('不是 PNG、JPEG 或 SVG 图片');
    expect(head(repo)).toBe(before);
    expect(porcelain(repo)).toBe('');
    const archive = JSON.parse(ok(repo, '2020-05-11', ['brand', 'archive', id, '--json']).stdout);
    expect(archive).toMatchObject({ brand: { id, logo: copied }, organisation: { id: 'org-a' }, stage: { id: 'naming' } });
  });
});

describe('panel --verify through the CLI', () => {
  it('re-runs the recorded draw: exit 0 when it matches, exit 1 after the panel was tampered with', () => {
    const repo = initRepo('zutuan', 2017);
    ok(repo, '2017-04-25', ['new-org', '--id', 'org-a', '--name', '市交通局直属机关党委', '--type', '党委']);
    for (const e of ['exp-1', 'exp-2', 'exp-3', 'exp-4']) ok(repo, '2017-04-25', ['new-expert', '--id', e, '--name', e, '--category', '制度机制']);
    ok(repo, '2017-04-25', ['new-project', '--id', 'p-1', '--title', '铁军+综合交通廊道建设', '--category', '制度机制', '--source', '自行申报', '--org', 'org-a']);
    ok(repo, '2017-05-09', ['advance', 'p-1']);
    ok(repo, '2017-05-16', ['advance', 'p-1']);
    ok(repo, '2017-07-06', ['report', 'p-1', '--quarter', '2017Q2', '--progress', '推进']);
    const file = path.join(tempDir(), 'q3.yaml');
    fs.writeFileSync(file, '进展情况: |\n  主要任务基本完成\n存在问题: 联办单位参与深度不一\n下步打算: 总结提炼\n');
    ok(repo, '2017-10-09', ['report', 'p-1', '--quarter', '2017Q3', '--from-file', file]);
    ok(repo, '2017-11-24', ['close', 'p-1', '--results', '完成']);
    const drawn = JSON.parse(ok(repo, '2017-12-04', ['panel', 'p-1', '--seed', 'jinhua', '--json']).stdout);
    expect(drawn.experts).toHaveLength(3);
    expect(ok(repo, '2017-12-04', ['panel', 'p-1', '--verify']).stdout).toContain('复核一致');
    const ev = path.join(repo, 'records/evaluations', fs.readdirSync(path.join(repo, 'records/evaluations')).find((f) => f.endsWith('.yaml'))!);
    const left = ['exp-1', 'exp-2', 'exp-3', 'exp-4'].find((x) => !drawn.experts.some((e: { id: string }) => e.id === x))!;
    fs.writeFileSync(ev, fs.readFileSync(ev, 'utf8').replace(`    - ${drawn.experts[0].id}\n`, `    - ${left}\n`));
    git(repo, ['commit', '-qam', 'tamper']);
    const v = djyc(['panel', 'p-1', '--verify'], { cwd: repo, env: at('2017-12-05') });
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('复核不一致');
  });
});
