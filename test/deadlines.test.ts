import { beforeAll, describe, expect, it } from 'vitest';
import { djyc, initRepo, readJson } from './helpers.js';
import { buildFixture, commitAll, writeRecordFiles, PROGRAMME } from './ledger-fixture.js';
import { loadRepository } from '../src/store/repo.js';
import { addMonths, computeDeadlines, currentItems, failsOn, isCurrent, parseWithin, type DeadlineItem } from '../src/domain/deadlines.js';
import { escapeText, foldLine, toIcs } from '../src/output/ics.js';

type Json = { today: string; counts: Record<string, number>; items: DeadlineItem[] };

function run(cwd: string, args: string[], env?: Record<string, string>) {
  return djyc(['deadlines', ...args], { cwd, env });
}

function windows(cwd: string, today: string, extra: string[] = []): Record<string, DeadlineItem> {
  const r = run(cwd, ['--today', today, '--format', 'json', '--all', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  const out = readJson<Json>(r.stdout);
  return Object.fromEntries(out.items.filter((i) => i.kind === 'window').map((i) => [i.window, i]));
}

describe('djyc deadlines: the 000 calendar (seed 四、时间安排)', () => {
  let bare: string;
  let repo: string;
  beforeAll(() => {
    bare = initRepo('shuangling', 2020);
    repo = initRepo('shuangling', 2020);
    writeRecordFiles(repo, [
      ['organisation', { id: 'org-wj', name: '中共无锡市惠山区卫健委机关支部委员会', short_name: '卫健委支部', type: '党支部' }],
      ['member', { id: 'm-zhao', name: '赵强', organisation: 'org-wj', party_title: '支部书记' }],
      ['project', { id: 'p-b', programme: PROGRAMME, title: '健康社区行动', proposed_by: 'org-wj', leader: 'm-zhao', stage: 'proposed', history: [{ stage: 'proposed', date: '2020-03-15' }] }],
    ]);
    commitAll(repo, 'one proposed project');
  });

  it('gives the seed windows their dates', () => {
    const w = windows(bare, '2020-03-20');
    const dates = Object.fromEntries(Object.entries(w).map(([id, i]) => [id, `${i.start}~${i.due}`]));
    expect(dates).toEqual({
      apply: '2020-03-01~2020-03-31', approve: '2020-04-01~2020-04-15', claim: '2020-04-15~2020-04-30',
      publicise: '2020-05-01~2020-05-10', 'brand-naming': '2020-05-01~2020-05-15', implement: '2020-05-01~2020-11-30',
      closure: '2020-11-01~2020-11-15', acceptance: '2020-11-16~2020-12-30', showcase: '2021-01-01~2021-02-28',
    });
    expect(w.apply!.title).toBe('项目申报');
    expect(w.acceptance!.title).toBe('项目验收及品牌认定');
  });

  it('2020-03-20: 项目申报 open and due soon, nothing overdue', () => {
    const w = windows(repo, '2020-03-20');
    expect(w.apply!.status).toBe('due-soon');
    expect(w.approve!.status).toBe('upcoming');
    expect(Object.values(w).filter((i) => i.status === 'overdue')).toEqual([]);
    expect(windows(repo, '2020-03-20', ['--within', '7d']).apply!.status).toBe('open');
    const r = run(repo, ['--today', '2020-03-20']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('项目申报');
    expect(r.stdout).toContain('即将到期');
    expect(run(repo, ['--today', '2020-03-20', '--fail-on', 'overdue']).code).toBe(0);
    expect(run(repo, ['--today', '2020-03-20', '--fail-on', 'due-soon']).code).toBe(1);
  });

  it('2020-04-28: 项目认定 overdue for the unapproved project, 项目认领 due soon', () => {
    const w = windows(repo, '2020-04-28');
    expect(w.apply!.status).toBe('closed');
    expect(w.approve!.status).toBe('overdue');
    expect(w.approve!.lagging).toBe(1);
    expect(w.claim!.status).toBe('due-soon');
    expect(w.publicise!.status).toBe('upcoming');
    expect(windows(bare, '2020-04-28').approve!.status).toBe('closed');
    const out = readJson<Json>(run(repo, ['--today', '2020-04-28', '--format', 'json']).stdout);
    const stage = out.items.find((i) => i.kind === 'stage')!;
    expect(stage).toMatchObject({ status: 'overdue', stage: 'approved', due: '2020-04-15', days: -13, organisation: { id: 'org-wj', name: '卫健委支部' }, people: [{ id: 'm-zhao', name: '赵强' }] });
    expect(run(repo, ['--today', '2020-04-28', '--fail-on', 'overdue']).code).toBe(1);
    // The table names the organisation and the person in charge.
    const table = run(repo, ['--today', '2020-04-28']).stdout;
    expect(table).toMatch(/已逾期.*项目认定（立项）：健康社区行动.*卫健委支部.*赵强/);
  });

  it('2020-11-10: 结项申请及品牌申报 due soon, 实施 open, 验收 upcoming', () => {
    const w = windows(repo, '2020-11-10');
    expect(w.closure!.status).toBe('due-soon');
    expect(w.implement!.status).toBe('open');
    expect(w.acceptance!.status).toBe('upcoming');
    expect(w.claim!.status).toBe('overdue');
    expect(w['brand-naming']!.status).toBe('closed');
  });

  it('2020-12-31: 项目验收及品牌认定 has ended, 交流展示 is next', () => {
    const w = windows(repo, '2020-12-31');
    expect(w.acceptance!.status).toBe('overdue');
    expect(windows(bare, '2020-12-31').acceptance!.status).toBe('closed');
    expect(w.showcase!.status).toBe('upcoming');
    const current = readJson<Json>(run(bare, ['--today', '2020-12-31', '--format', 'json']).stdout).items.map((i) => i.window);
    expect(current).toEqual(['showcase']);
  });

  it('reads DJYC_TODAY and rejects bad input as usage errors', () => {
    const r = run(repo, ['--format', 'json'], { DJYC_TODAY: '2020-04-28' });
    expect(readJson<Json>(r.stdout).today).toBe('2020-04-28');
    expect(run(repo, ['--today', '2020-02-30']).code).toBe(2);
    expect(run(repo, ['--within', 'soon']).code).toBe(2);
    expect(run(repo, ['--format', 'pdf']).code).toBe(2);
    expect(run(repo, ['--fail-on', 'late']).code).toBe(2);
    expect(run(repo, ['--org', 'org-none']).code).toBe(2);
  });
});

describe('deadlines from records: reports, finish dates, organisations', () => {
  let root: string;
  beforeAll(() => {
    root = buildFixture();
  });

  it('lists quarterly reports due and overdue, and finish dates from tasks and commitments', () => {
    const r = computeDeadlines(loadRepository(root), { today: '2020-10-05' });
    const by = (uid: string) => r.items.find((i) => i.uid === uid);
    // t-a1 (张明) entered 实施 on 2020-05-11; its Q3 report is due ten days after the quarter.
    expect(by('report-t-a1-2020Q3')).toMatchObject({ status: 'due-soon', due: '2020-10-10', days: 5, people: [{ name: '张明' }], organisation: { name: '教育局支部' } });
    expect(r.items.some((i) => i.uid.startsWith('report-t-a2-'))).toBe(false); // claimed, not yet implementing
    expect(by('report-t-a1-2020Q2')).toBeUndefined(); // filed (late, but filed)
    expect(by('report-p-a-2020Q2')).toBeUndefined();
    expect(by('report-p-a-2020Q4')).toMatchObject({ status: 'upcoming', due: '2021-01-10' });
    // Finish dates: the task's own due date, else its member commitment's complete_by.
    expect(by('task-due-t-a2')).toMatchObject({ status: 'overdue', due: '2020-09-30' });
    expect(by('task-due-t-a1')).toMatchObject({ status: 'upcoming', due: '2020-10-31' });
    expect(by('project-due-p-a')).toMatchObject({ status: 'upcoming', due: '2020-11-15' });
    // The unapproved project owes its approval; the brand owes cultivation by the end of 实施.
    expect(by('stage-p-b-approved')).toMatchObject({ status: 'overdue' });
    expect(by('stage-b-jy-cultivating')).toMatchObject({ status: 'upcoming', due: '2020-11-30' });
    expect(r.counts.overdue).toBeGreaterThan(0);
    const later = computeDeadlines(loadRepository(root), { today: '2021-01-20' });
    expect(later.items.find((i) => i.uid === 'report-p-a-2020Q4')).toMatchObject({ status: 'overdue', due: '2021-01-10', days: -10, people: [{ name: '张明' }] });
    expect(later.items.find((i) => i.uid === 'report-t-a1-2020Q3')).toMatchObject({ status: 'overdue' });
  });

  it('makes only the items `keep` accepts, counting them all, with the same content and order as the whole list', () => {
    const repo = loadRepository(root);
    for (const today of ['2020-10-05', '2021-01-20']) {
      const whole = computeDeadlines(repo, { today });
      const current = computeDeadlines(repo, { today, keep: (i) => isCurrent(i, today, 14) });
      expect(current.counts).toEqual(whole.counts);
      expect(current.items).toEqual(currentItems(whole));
      expect(current.items.length).toBeGreaterThan(0);
      expect(current.items.length).toBeLessThan(whole.items.length);
      const none = computeDeadlines(repo, { today, keep: () => false });
      expect(none.items).toEqual([]);
      expect(none.counts).toEqual(whole.counts);
      // --fail-on reads the counts, listed or not.
      expect(failsOn(none, 'overdue')).toBe(whole.items.some((i) => i.status === 'overdue'));
    }
  });

  it('filters by organisation (and those under it), keeping the programme windows', () => {
    const wj = computeDeadlines(loadRepository(root), { today: '2020-10-05', org: 'org-wj' });
    const subjects = new Set(wj.items.filter((i) => i.subject).map((i) => i.subject!.id));
    expect([...subjects]).toEqual(['p-b']);
    expect(wj.items.filter((i) => i.kind === 'window')).toHaveLength(9);
    const all = computeDeadlines(loadRepository(root), { today: '2020-10-05', org: 'org-gw' });
    expect(all.items.length).toBe(computeDeadlines(loadRepository(root), { today: '2020-10-05' }).items.length);
  });

  it('closing a task ends its finish-date reminder', () => {
    const before = computeDeadlines(loadRepository(root), { today: '2020-11-20' }).items.find((i) => i.uid === 'task-due-t-a1')!;
    expect(before.status).toBe('overdue');
    writeRecordFiles(root, [['closure', { id: 'cl-t-a1', programme: PROGRAMME, subject: 't-a1', results: '送教 10 次', submitted_on: '2020-10-30' }]]);
    commitAll(root, 'closure t-a1');
    const after = computeDeadlines(loadRepository(root), { today: '2020-11-20' }).items.find((i) => i.uid === 'task-due-t-a1')!;
    expect(after.status).toBe('done');
  });
});

describe('durations and annual brand goals (driven by the programme file)', () => {
  it('书记项目: a warning after 12 months, the maximum at 24', () => {
    const root = initRepo('shuji', 2017);
    writeRecordFiles(root, [
      ['organisation', { id: 'org-a', name: '机电学院党总支', type: '党总支' }],
      ['project', { id: 'p-s', programme: 'shuji-2017', title: '书记项目', lead: 'org-a', start: '2017-03-01', stage: 'implementing', history: [{ stage: 'implementing', date: '2017-04-01' }] }],
    ]);
    commitAll(root, 'shuji project');
    const r = computeDeadlines(loadRepository(root), { today: '2018-02-20' });
    expect(r.items.find((i) => i.uid === 'duration-warning-p-s')).toMatchObject({ due: '2018-03-01', status: 'due-soon', severity: 'warning' });
    expect(r.items.find((i) => i.uid === 'duration-error-p-s')).toMatchObject({ due: '2019-03-01', status: 'upcoming', severity: 'error' });
    expect(r.items.some((i) => i.kind === 'report')).toBe(false); // 书记项目 has no quarterly reports
  });

  it('品牌三年规划: goals due every year after naming', () => {
    const root = initRepo('brand-plan', 2020);
    writeRecordFiles(root, [
      ['organisation', { id: 'org-b', name: '市林业局机关党支部', type: '党支部' }],
      ['brand', { id: 'b-1', programme: 'brand-plan-2020', organisation: 'org-b', name: '林海先锋', stage: 'named', history: [{ stage: 'chosen', date: '2020-03-01' }, { stage: 'named', date: '2020-12-20' }] }],
    ]);
    commitAll(root, 'named brand');
    const at = (today: string) => computeDeadlines(loadRepository(root), { today }).items.filter((i) => i.kind === 'annual-goals');
    expect(at('2021-03-25').map((i) => [i.uid, i.due, i.status])).toEqual([
      ['annual-goals-b-1-2021', '2021-03-31', 'due-soon'],
      ['annual-goals-b-1-2022', '2022-03-31', 'upcoming'],
    ]);
    writeRecordFiles(root, [['brand', { id: 'b-1', programme: 'brand-plan-2020', organisation: 'org-b', name: '林海先锋', stage: 'named', history: [{ stage: 'chosen', date: '2020-03-01' }, { stage: 'named', date: '2020-12-20' }], annual_goals: [{ year: 2021, goals: '深化创建', submitted_on: '2021-03-20' }] }]]);
    commitAll(root, 'goals 2021');
    expect(at('2022-04-05').map((i) => [i.uid, i.status])).toEqual([
      ['annual-goals-b-1-2022', 'overdue'],
      ['annual-goals-b-1-2021', 'done'],
    ]);
  });
});

describe('coverage reminders before the rule deadlines', () => {
  it('组团式领办: every unit leads or joins a project by the end of 申报; the reminder ends once it does', () => {
    const root = initRepo('zutuan', 2017);
    writeRecordFiles(root, [
      ['organisation', { id: 'org-a', name: '市委组织部机关党委', type: '党委' }],
      ['organisation', { id: 'org-b', name: '市财政局机关党委', type: '党委' }],
      ['project', { id: 'p-z', programme: 'zutuan-2017', title: '组团式项目', lead: 'org-a', stage: 'applied', history: [{ stage: 'applied', date: '2017-04-25' }] }],
    ]);
    commitAll(root, 'one project');
    const items = (today: string) => computeDeadlines(loadRepository(root), { today }).items.filter((i) => i.kind === 'coverage');
    expect(items('2017-05-01')).toMatchObject([{ uid: 'coverage-projects-zutuan-2017-org-b', due: '2017-05-10', status: 'due-soon', organisation: { id: 'org-b', name: '市财政局机关党委' }, title: '领办或参与联办项目 0 个，至少 1 个' }]);
    expect(items('2017-05-11')[0]!.status).toBe('overdue');
    writeRecordFiles(root, [['project', { id: 'p-z', programme: 'zutuan-2017', title: '组团式项目', lead: 'org-a', co_organisers: [{ organisation: 'org-b' }], stage: 'applied', history: [{ stage: 'applied', date: '2017-04-25' }] }]]);
    commitAll(root, 'org-b joins');
    expect(items('2017-05-11')).toEqual([]);
  });

  it('双领一创: members without a task are named per organisation by the end of 项目认领', () => {
    const root = buildFixture();
    writeRecordFiles(root, [['member', { id: 'm-sun', name: '孙丽', organisation: 'org-jy', party_title: '党员' }]]);
    commitAll(root, 'a new member');
    const item = computeDeadlines(loadRepository(root), { today: '2020-04-20' }).items.find((i) => i.kind === 'coverage')!;
    expect(item).toMatchObject({ uid: 'coverage-every-member-shuangling-2020-org-jy', due: '2020-04-30', status: 'due-soon', people: [{ id: 'm-sun', name: '孙丽' }], title: '1 名党员尚未领办任务' });
  });
});

describe('iCalendar output (RFC 5545)', () => {
  it('escapes text and folds at 75 octets without splitting a character', () => {
    expect(escapeText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
    const line = `SUMMARY:${'组织领项目、党员领任务、党建创品牌'.repeat(4)}`;
    const folded = foldLine(line).split('\r\n');
    expect(folded.length).toBeGreaterThan(1);
    for (const [i, l] of folded.entries()) {
      expect(Buffer.byteLength(l)).toBeLessThanOrEqual(75);
      if (i > 0) expect(l.startsWith(' ')).toBe(true);
      expect(Buffer.from(l, 'utf8').toString('utf8')).toBe(l);
    }
    expect(folded.map((l, i) => (i ? l.slice(1) : l)).join('')).toBe(line);
  });

  it('writes a calendar with CRLF, all-day events and stable UIDs', () => {
    const root = buildFixture();
    const a = djyc(['deadlines', '--today', '2020-04-28', '--format', 'ics'], { cwd: root });
    const b = djyc(['deadlines', '--today', '2020-10-05', '--format', 'ics'], { cwd: root });
    expect(a.code, a.stderr).toBe(0);
    const text = a.stdout;
    expect(text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const l of text.split('\r\n')) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(75);
    const unfolded = text.replace(/\r\n /g, '');
    expect(unfolded).toContain('UID:window-shuangling-2020-apply@djyc');
    expect(unfolded).toMatch(/UID:window-shuangling-2020-apply@djyc\r\nDTSTAMP:20200428T000000Z\r\nDTSTART;VALUE=DATE:20200301\r\nDTEND;VALUE=DATE:20200401\r\nSUMMARY:项目申报/);
    expect(unfolded).toContain('DTSTART;VALUE=DATE:20210101'); // 交流展示 in the next year
    expect((unfolded.match(/BEGIN:VEVENT/g) ?? []).length).toBe((unfolded.match(/END:VEVENT/g) ?? []).length);
    const uids = (s: string) => new Set([...s.replace(/\r\n /g, '').matchAll(/^UID:(.*)$/gm)].map((m) => m[1]));
    const ua = uids(a.stdout);
    const ub = uids(b.stdout);
    expect(ua.size).toBeGreaterThan(10);
    for (const u of ['window-shuangling-2020-claim@djyc', 'report-t-a1-2020Q4@djyc', 'task-due-t-a2@djyc']) {
      expect(ua.has(u)).toBe(true);
      expect(ub.has(u)).toBe(true);
    }
    expect(text).not.toContain('13800138000');
  });

  it('escapes commas and semicolons in titles', () => {
    const ics = toIcs({ today: '2020-05-01', items: [{ uid: 'x', kind: 'window', programme: 'p', title: '申报,认定;公示', titleEn: 'a', start: '2020-05-01', due: '2020-05-02', status: 'open', days: 1, people: [] }] }, { lang: 'zh' });
    expect(ics).toContain('SUMMARY:申报\\,认定\\;公示\r\n');
    expect(ics).toContain('DTEND;VALUE=DATE:20200503\r\n');
  });
});

describe('helpers', () => {
  it('parses durations and adds months', () => {
    expect(parseWithin('14d')).toBe(14);
    expect(parseWithin('2w')).toBe(14);
    expect(parseWithin('30')).toBe(30);
    expect(addMonths('2020-01-31', 1)).toBe('2020-02-29');
    expect(addMonths('2017-03-01', 24)).toBe('2019-03-01');
  });
});
