#!/usr/bin/env node
// Generates a synthetic city-scale records repository of the 双领一创 (shuangling) programme: organisations,
// members, projects, tasks, organisation commitments and quarterly reports, all valid, committed to git.
// Deterministic (seeded), so every machine benchmarks the same data. Needs the built dist/ (npm run build).
//
//   node scripts/bench/gen-city.mjs <dir> [--scale 1]     (scale 1 ≈ 99,000 files; 0.01 ≈ 1,000)
//
// Also importable: `generateCity(dir, { scale })` (the test suite builds small cities with it).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { configureRepo } from './gen-offices.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PKG = path.resolve(HERE, '../..');

/**
 * Bump when the output changes: the benchmark caches cities by profile and this version. v2: same records as v1;
 * the repository no longer runs git's automatic gc or maintenance (see configureRepo in gen-offices.mjs).
 */
export const GENERATOR_VERSION = 2;
/** The date the city describes (claims done, implementation started). */
export const TODAY = '2020-06-01';

/** Full-scale counts (scale 1). */
export const CITY = { organisations: 2000, members: 40000, projects: 5000, tasks: 40000, reportsPerProject: 2 };

export function rng(seed) {
  // mulberry32: small, fast, deterministic.
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强文静晓东海燕丹婷玉兰红梅春梅子涵浩然思远欣怡雨泽嘉怡俊杰';
const UNITS = ['区教育局', '区卫健委', '区财政局', '区人社局', '区住建局', '区交通局', '区农业农村局', '区商务局', '区文体旅局', '区民政局', '区司法局', '区统计局', '区审计局', '区市场监管局', '区应急管理局', '区医保局', '区信访局', '区档案馆', '区行政审批局', '区水利局'];
const ADMIN = ['科员', '科长', '副科长', '主任科员', '副主任', '主任', '办事员', '四级调研员', '一级科员'];
const PARTY = ['党员', '党员', '党员', '党员', '组织委员', '宣传委员', '纪检委员'];
const CATEGORIES = ['服务“四个区”打造', '服务高质量发展任务', '呼应群众普遍期待', '突出典型示范'];
const SOURCES = ['上级提议', '自行申报', '社会征集'];
const TOPICS = ['便民服务', '政务公开', '志愿服务', '结对帮扶', '营商环境', '基层治理', '红色教育', '数字党建', '乡村振兴', '安全生产', '文明创建', '清廉机关'];
const VERBS = ['开展', '推进', '组织', '落实', '完善', '建立', '深化', '提升'];
const OBJECTS = ['走访调研', '专题学习', '现场服务', '问题清单整改', '制度汇编', '服务台账', '宣传活动', '结对共建', '群众座谈会', '线上服务平台'];

function pick(r, list) {
  return list[Math.floor(r() * list.length)];
}

function idPart(r, n = 5) {
  const ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

function sentence(r, min = 2, max = 3) {
  const parts = [];
  const n = min + Math.floor(r() * (max - min + 1));
  for (let i = 0; i < n; i++) parts.push(`${pick(r, VERBS)}${pick(r, TOPICS)}${pick(r, OBJECTS)}`);
  return `${parts.join('，')}。`;
}

/**
 * Writes a city into `dir` (created with `djyc init`), commits it, and returns counts.
 * `scale` multiplies every count (at least one of each).
 */
export async function generateCity(dir, { scale = 1, year = 2020, log = () => {} } = {}) {
  const { initRepository } = await import(pathToFileURL(path.join(PKG, 'dist/commands/init.js')).href);
  const { serializeRecord } = await import(pathToFileURL(path.join(PKG, 'dist/store/records.js')).href);
  const { recordPath } = await import(pathToFileURL(path.join(PKG, 'dist/domain/kinds.js')).href);
  const n = (x) => Math.max(1, Math.round(x * scale));
  const counts = { organisations: n(CITY.organisations), members: n(CITY.members), projects: n(CITY.projects), tasks: n(CITY.tasks) };
  counts.projects = Math.max(counts.projects, counts.organisations);
  counts.tasks = Math.max(counts.tasks, counts.members);
  const r = rng(20200301);
  const { programme } = await initRepository({ dir, preset: 'shuangling', year, name: '某市机关党建“双领一创”台账（基准测试）' });
  const files = [];
  const write = (kind, data) => {
    const rel = recordPath(kind, data.id);
    // Dates quoted ("2020-05-01"), as many people write them: YAML 1.2 reads both forms as the same string, and
    // ajv-cli (js-yaml 3, YAML 1.1) would otherwise turn unquoted dates into timestamps and call every file invalid.
    fs.writeFileSync(path.join(dir, rel), serializeRecord(kind, data).replace(/^(\s*(?:- )?[a-z_]+: )([0-9]{4}-[0-9]{2}-[0-9]{2})$/gm, '$1"$2"'));
    files.push(rel);
  };

  // Organisations: one 机关工委 on top, the rest 党支部/党总支 under it.
  const top = { id: `org-gongwei-${idPart(r)}`, name: '中共某市区级机关工作委员会', short_name: '机关工委', type: '机关工委', unit: '区级机关' };
  const orgs = [top];
  for (let i = 1; i < counts.organisations; i++) {
    const unit = pick(r, UNITS);
    const branch = `第${1 + (i % 9)}`;
    orgs.push({ id: `org-${idPart(r, 6)}`, name: `中共某市${unit}机关${branch}支部委员会`, short_name: `${unit}${branch}支部`, type: i % 10 === 0 ? '党总支' : '党支部', unit, parent: top.id });
  }
  // Members: spread over the organisations; each organisation's first member is its secretary.
  const members = [];
  const membersOf = new Map(orgs.map((o) => [o.id, []]));
  for (let i = 0; i < counts.members; i++) {
    const org = orgs[i % orgs.length];
    const first = membersOf.get(org.id).length === 0;
    const m = {
      id: `m-${idPart(r, 7)}`,
      name: `${pick(r, SURNAMES)}${pick(r, GIVEN)}${r() < 0.5 ? pick(r, GIVEN) : ''}`,
      organisation: org.id,
      admin_title: pick(r, ADMIN),
      party_title: first ? '支部书记' : pick(r, PARTY),
      phone: `1${3 + Math.floor(r() * 7)}${String(Math.floor(r() * 1e9)).padStart(9, '0')}`,
    };
    members.push(m);
    membersOf.get(org.id).push(m);
  }
  for (const o of orgs) {
    const list = membersOf.get(o.id);
    if (list.length) {
      o.secretary = list[0].id;
      o.contact = list[Math.min(1, list.length - 1)].id;
    }
  }
  // Projects: every organisation leads at least one; approved and claimed, now being carried out.
  const projects = [];
  const projectsOf = new Map(orgs.map((o) => [o.id, []]));
  for (let i = 0; i < counts.projects; i++) {
    const org = orgs[i % orgs.length];
    const staff = membersOf.get(org.id);
    const leader = staff[0];
    const topic = pick(r, TOPICS);
    const p = {
      id: `p-${year}-${idPart(r, 6)}`,
      programme,
      number: `${year}-${String(i + 1).padStart(4, '0')}`,
      title: `${org.short_name}“${topic}”${pick(r, ['先锋行动', '提质工程', '暖心服务', '攻坚行动'])}`,
      categories: [pick(r, CATEGORIES)],
      source: pick(r, SOURCES),
      proposed_by: org.id,
      lead: org.id,
      leader: leader?.id,
      contact: staff[Math.min(1, staff.length - 1)]?.id,
      reason: sentence(r, 1, 2),
      goals: sentence(r, 1, 2),
      start: `${year}-05-01`,
      due: `${year}-11-15`,
      approval: { date: `${year}-04-10`, by: top.id },
      stage: 'implementing',
      history: [
        { stage: 'proposed', date: `${year}-03-15`, by: leader?.name ?? 'djyc' },
        { stage: 'approved', from: 'proposed', date: `${year}-04-10`, by: '机关工委' },
        { stage: 'claimed', from: 'approved', date: `${year}-04-20`, by: leader?.name ?? 'djyc' },
        { stage: 'published', from: 'claimed', date: `${year}-05-05`, by: '机关工委' },
        { stage: 'implementing', from: 'published', date: `${year}-05-11`, by: leader?.name ?? 'djyc' },
      ],
    };
    projects.push(p);
    projectsOf.get(org.id).push(p);
  }
  // Tasks: every member holds one, in a project of their own organisation.
  const tasks = [];
  for (let i = 0; i < counts.tasks; i++) {
    const m = members[i % members.length];
    const mine = projectsOf.get(m.organisation);
    const p = mine[i % mine.length];
    tasks.push({
      id: `t-${year}-${idPart(r, 7)}`,
      programme,
      project: p.id,
      members: [m.id],
      content: sentence(r, 2, 4),
      due: `${year}-10-31`,
      stage: 'implementing',
      history: [
        { stage: 'claimed', date: `${year}-04-25`, by: m.name },
        { stage: 'implementing', from: 'claimed', date: `${year}-05-11`, by: m.name },
      ],
    });
  }
  const commitments = orgs
    .filter((o) => projectsOf.get(o.id).length)
    .map((o) => ({
      id: `c-${year}-${idPart(r, 7)}`,
      programme,
      type: 'organisation',
      organisation: o.id,
      items: projectsOf.get(o.id).map((p) => ({ project: p.id })),
      signed_on: `${year}-04-22`,
    }));
  const reports = [];
  for (const p of projects) {
    for (let q = 2; q < 2 + CITY.reportsPerProject; q++) {
      reports.push({
        id: `r-${year}q${q}-${idPart(r, 7)}`,
        programme,
        subject: p.id,
        quarter: `${year}Q${q}`,
        progress: sentence(r, 2, 3),
        problems: r() < 0.5 ? sentence(r, 1, 1) : undefined,
        next_steps: sentence(r, 1, 2),
        responsible: p.leader,
        submitted_on: `${year}-${String(q * 3 + 1).padStart(2, '0')}-05`,
      });
    }
  }

  log(`writing ${orgs.length + members.length + projects.length + tasks.length + commitments.length + reports.length} records…`);
  for (const o of orgs) write('organisation', o);
  for (const m of members) write('member', m);
  for (const p of projects) write('project', p);
  for (const t of tasks) write('task', t);
  for (const c of commitments) write('commitment', c);
  for (const x of reports) write('report', x);
  log('committing…');
  configureRepo(dir);
  const env = { ...process.env, GIT_AUTHOR_NAME: 'djyc bench', GIT_AUTHOR_EMAIL: 'bench@localhost', GIT_COMMITTER_NAME: 'djyc bench', GIT_COMMITTER_EMAIL: 'bench@localhost' };
  execFileSync('git', ['add', '--', 'records'], { cwd: dir, env, stdio: 'ignore' });
  execFileSync('git', ['commit', '-q', '-m', 'bench: synthetic city'], { cwd: dir, env, stdio: 'ignore' });
  let bytes = 0;
  for (const f of files) bytes += fs.statSync(path.join(dir, f)).size;
  return {
    profile: 'city',
    version: GENERATOR_VERSION,
    today: TODAY,
    programme,
    files: files.length,
    bytes,
    counts: { organisations: orgs.length, members: members.length, projects: projects.length, tasks: tasks.length, commitments: commitments.length, reports: reports.length },
    tree: { 机关工委: 1, 党总支: orgs.filter((o) => o.type === '党总支').length, 党支部: orgs.filter((o) => o.type === '党支部').length },
    // Flat tree: no organisation between one branch (≈ 50 forms) and the whole city (≈ 99,000 forms).
    batchOrg: null,
    formRecord: { id: projects[0].id, form: 'apply' },
    sample: { organisations: orgs.map((o) => o.id), members: members.map((m) => m.id), projects: projects.map((p) => p.id), tasks: tasks.map((t) => t.id) },
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  const si = args.indexOf('--scale');
  const scale = si >= 0 ? Number(args[si + 1]) : 1;
  if (!dir) {
    process.stderr.write('usage: node scripts/bench/gen-city.mjs <dir> [--scale 1]\n');
    process.exit(2);
  }
  const t0 = Date.now();
  const info = await generateCity(path.resolve(dir), { scale, log: (s) => process.stderr.write(`${s}\n`) });
  const { sample, ...rest } = info;
  process.stdout.write(`${JSON.stringify({ ...rest, meanBytes: Math.round(info.bytes / info.files), seconds: (Date.now() - t0) / 1000 }, null, 2)}\n`);
}
