/**
 * Issue 12 item 2: one definition of what counts (domain/participation.ts).
 * - A rejected project (000's 机关档案数字化管理, 未予立项) is led by nobody: it is in no printed 领办公示, no
 *   领办项目数, no coverage, no status figure, no dashboard and no page of the public site.
 * - On every example, at five dates of its year, `validate`, `deadlines`, `ledger`, `status` and `publish` (the
 *   site's dashboard) find the same members without a task and the same organisations short of projects;
 *   members of an organisation that has claimed no project are flagged too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers.js';
import { loadRepository } from '../src/store/repo.js';
import { validateRepository } from '../src/store/validate.js';
import { computeLedger } from '../src/domain/ledger.js';
import { computeDeadlines } from '../src/domain/deadlines.js';
import { RecordIndex } from '../src/domain/records.js';
import { buildDashboard } from '../src/output/dashboard.js';
import { claimsNoticeView } from '../src/output/forms/views.js';
import { buildSite } from '../src/commands/publish.js';
import type { ProgrammeRecord } from '../src/domain/types.generated.js';

const HUISHAN = path.join(ROOT, 'examples', 'huishan-2020');
const REJECTED = { id: 'p-2020-hs-dangan', title: '机关档案数字化管理', lead: 'org-hs-jyj' };

const examples = fs
  .readdirSync(path.join(ROOT, 'examples'))
  .sort()
  .map((n) => path.join(ROOT, 'examples', n))
  .filter((d) => fs.existsSync(path.join(d, 'djyc.yaml')));

const text = (body: string) => body;

describe('a rejected project counts nowhere', () => {
  it('is in no printed 领办公示, no count, no status figure and no public page', () => {
    const repo = loadRepository(HUISHAN);
    const index = new RecordIndex(repo);
    const p = index.all('programme')[0]!.data as ProgrammeRecord;
    expect(index.get('project', REJECTED.id)?.data.stage).toBe('rejected');

    // The printed notice: the rejected project is on no organisation's (its lead also leads another project).
    for (const o of index.all('organisation')) {
      const view = claimsNoticeView({ index, programme: p, public: true, today: '2020-05-05' }, o.id);
      expect(JSON.stringify(view ?? {})).not.toContain(REJECTED.title);
    }

    // 领办项目数 and the totals.
    const ledger = computeLedger(repo, { today: '2020-12-15' });
    const row = ledger.projects.find((r) => r.id === REJECTED.id)!;
    expect(row).toMatchObject({ dropped: true, coOrganisers: [] });
    expect(row.lead).toBeUndefined();
    const ledElsewhere = index.all('project').filter((r) => r.data.lead === REJECTED.lead && r.id !== REJECTED.id).length;
    expect(ledger.coverage.find((c) => c.organisation.id === REJECTED.lead)).toMatchObject({ projectsLed: ledElsewhere });
    expect(ledger.totals.projects).toBe(ledger.projects.length - 1);
    expect(ledger.totals.dropped).toBe(1);
    expect(ledger.totals.projectStages.rejected ?? 0).toBe(0);

    // Status and dashboard: not in the stage counts, not among organisations with a project.
    const d = buildDashboard(repo, { today: '2020-12-15' });
    const projects = d.tracks.find((t) => t.track === 'project')!;
    expect(projects.total).toBe(ledger.totals.projects);
    expect(projects.stages.map((s) => s.id)).not.toContain('rejected');
    expect(d.coverage.rows.find((r) => r.id === REJECTED.lead)).toMatchObject({ led: ledElsewhere });
    expect(d.dropped).toEqual([{ id: 'rejected', label: '未予立项', count: 1 }]);

    // The public site: no page names it, not even the lead organisation's page; it is no "hidden project" either.
    const site = buildSite(repo, { out: '/nonexistent', today: '2020-12-15' });
    for (const [name, file] of site.files) {
      if (typeof file !== 'string') continue; // images and fonts
      expect(text(file), name).not.toContain(REJECTED.title);
    }
  });

  it('members of an organisation without a counted project are flagged, by validate and deadlines alike; the 工委 owes nothing', () => {
    const root = path.join(tempDir('djyc-participation-'), 'repo');
    fs.cpSync(HUISHAN, root, { recursive: true });
    // An organisation whose only project was rejected: its member holds no task because it leads nothing.
    fs.writeFileSync(path.join(root, 'records/organisations/org-x.yaml'), 'id: org-x\nname: 区档案局支部\ntype: 党支部\nparent: org-hs-gw\n');
    fs.writeFileSync(path.join(root, 'records/members/m-x.yaml'), 'id: m-x\nname: 丁宁\norganisation: org-x\n');
    const rejected = path.join(root, 'records/projects', `${REJECTED.id}.yaml`);
    fs.writeFileSync(rejected, fs.readFileSync(rejected, 'utf8').replace(/^(proposed_by|lead): org-hs-jyj$/gm, '$1: org-x'));
    const repo = loadRepository(root);
    const problems = validateRepository(repo, { today: '2020-07-15' });
    expect(problems.filter((x) => x.rule === 'member-no-task-org').map((x) => x.file)).toEqual(['records/members/m-x.yaml']);
    const dl = computeDeadlines(repo, { today: '2020-07-15' });
    expect(dl.items.find((i) => i.uid.startsWith('coverage-every-member-') && i.organisation?.id === 'org-x')?.people.map((m) => m.id)).toEqual(['m-x']);
    const row = computeLedger(repo, { today: '2020-07-15' }).coverage.find((c) => c.organisation.id === 'org-x')!;
    expect(row).toMatchObject({ members: 1, holders: 0, projectsLed: 0, without: ['丁宁'] });
    // The 工委 (external) owes no project, no brand, no task, and is no coverage row.
    expect(problems.filter((x) => x.file === 'records/organisations/org-hs-gw.yaml').map((x) => x.rule)).toEqual([]);
    expect(computeLedger(repo, { today: '2020-07-15' }).coverage.map((c) => c.organisation.id)).not.toContain('org-hs-gw');
    fiveViews(root, '2020-07-15');
  });
});

/** The five commands' view of coverage on one day: members without a task and organisations short of projects, by organisation. */
function fiveViews(root: string, today: string) {
  const repo = loadRepository(root);
  const index = new RecordIndex(repo);
  const byFile = new Map(repo.records.map((r) => [r.file, r]));
  type View = { members: Record<string, number>; shortOfProjects: string[] };
  const out: Record<string, Record<string, View>> = {};
  const problems = validateRepository(repo, { today });
  for (const prog of index.all('programme')) {
    const p = prog.data as ProgrammeRecord;
    const views: Record<string, View> = {};
    const add = (who: string, org: string, n = 1) => ((views[who]!.members[org] = (views[who]!.members[org] ?? 0) + n));
    for (const who of ['validate', 'deadlines', 'ledger', 'status', 'publish']) views[who] = { members: {}, shortOfProjects: [] };

    // validate (one repository-wide run; problems of this programme's rules)
    const many = index.all('programme').length > 1;
    for (const x of problems) {
      const rec = byFile.get(x.file);
      if ((x.rule === 'member-no-task' || x.rule === 'member-no-task-org') && rec?.kind === 'member' && !many) add('validate', (rec.data as { organisation: string }).organisation);
      if (x.rule === 'org-min-projects' && rec && !many) views.validate!.shortOfProjects.push(rec.id);
    }
    // deadlines (items exist where the rule has a window)
    const dl = computeDeadlines(repo, { programme: p.id, today });
    for (const i of dl.items) {
      if (i.kind !== 'coverage') continue;
      if (i.uid.startsWith('coverage-every-member-')) add('deadlines', i.organisation!.id, i.people.length);
      if (i.uid.startsWith('coverage-projects-')) views.deadlines!.shortOfProjects.push(i.organisation!.id);
    }
    // ledger, status and the published site's dashboard
    const ledger = computeLedger(repo, { programme: p.id, today });
    const every = !!p.task?.every_member && p.task.enabled !== false;
    const per = p.project?.per_organisation;
    const short = (org: string, type: string | undefined, led: number, joined: number) =>
      !!per && p.project?.enabled !== false && (!(per.organisation_types ?? []).length || per.organisation_types!.includes(type ?? '')) &&
      led + (per.counts === 'lead-or-co-organiser' ? joined : 0) < per.min;
    for (const c of ledger.coverage) {
      if (every && c.members - c.holders - c.exempt > 0) add('ledger', c.organisation.id, c.members - c.holders - c.exempt);
      if (short(c.organisation.id, c.organisation.type, c.projectsLed, c.projectsJoined)) views.ledger!.shortOfProjects.push(c.organisation.id);
    }
    const types = new Map(ledger.coverage.map((c) => [c.organisation.id, c.organisation.type]));
    for (const [who, publicOnly] of [['status', false], ['publish', true]] as const) {
      const d = buildDashboard(repo, { programme: p.id, today, publicOnly });
      for (const r of d.coverage.rows) {
        if (every && r.members - r.holders - r.exempt > 0) add(who, r.id, r.members - r.holders - r.exempt);
        if (short(r.id, types.get(r.id), r.led, r.joined)) views[who]!.shortOfProjects.push(r.id);
      }
    }
    const hasWindow = (id: string | undefined) => !!id && (p.calendar ?? []).some((c) => c.id === id);
    if (!hasWindow(p.task?.every_member?.window)) views.deadlines!.members = views.ledger!.members;
    if (!hasWindow(per?.window)) views.deadlines!.shortOfProjects = views.ledger!.shortOfProjects;
    if (many) views.validate = views.ledger!;
    for (const v of Object.values(views)) v.shortOfProjects.sort();
    out[p.id] = views;
    for (const who of ['validate', 'deadlines', 'status', 'publish']) expect(views[who], `${root} ${p.id} ${today}: ${who} vs ledger`).toEqual(views.ledger);
  }
  return out;
}

describe('validate, deadlines, ledger, status and publish agree on coverage', () => {
  for (const root of examples) {
    it(`${path.basename(root)} at five dates`, () => {
      const year = Number(/(\d{4})/.exec(path.basename(root))?.[1] ?? 2020);
      for (const md of ['03-15', '04-20', '05-05', '07-15', '12-15']) fiveViews(root, `${year}-${md}`);
    });
  }

});
