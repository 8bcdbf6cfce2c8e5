#!/usr/bin/env node
// Builds examples/<name>/: one records repository per seed, driven through the built CLI (bin/djyc) from `djyc init`
// to the programme's last stage, in a temporary git repository, with DJYC_TODAY set to dates of the programme's
// calendar. Along the way every guard of the programme is tried once the wrong way: the step must be refused
// (exit 1, a reason on stderr) and leave the repository untouched (`git status --porcelain` empty, HEAD unchanged).
// At the end `djyc validate` must pass; then djyc.yaml, records/ and attachments/ (not .git) are copied out.
//
//   node scripts/make-examples.mjs                       # all five into examples/
//   node scripts/make-examples.mjs --only jinhua-2017    # one of them
//   node scripts/make-examples.mjs --quick --out /tmp/x  # fewer organisations and projects (used by the tests)
//   options: --jobs N (examples built at once, default 2), --keep (keep the temporary repositories), --verbose,
//            --threads (each step runs the built CLI in a worker thread of this process, scripts/cli-thread.mjs —
//            the same code as bin/djyc with the step's argv, folder and environment — not in a new node process)
//
// Organisations, people and results are invented (the seeds do not name them), except seed 002's 18 projects and
// their lead units, which come from the seed's 附1 table (test/fixtures/zutuan-2017-tasks.csv, via `djyc import`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// DJYC_BIN: run another build of the CLI (e.g. a private copy while others rebuild dist/).
const BIN = process.env.DJYC_BIN ? path.resolve(process.env.DJYC_BIN) : path.join(ROOT, 'bin', 'djyc');
const FIXTURE_002 = path.join(ROOT, 'test', 'fixtures', 'zutuan-2017-tasks.csv');

// ------------------------------------------------------------------------------------------------------------
// Command line
// ------------------------------------------------------------------------------------------------------------
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const value = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const QUICK = flag('--quick');
const KEEP = flag('--keep');
const VERBOSE = flag('--verbose');
const THREADS = flag('--threads');
// --hook pre-commit: install djyc's pre-commit hook right after `djyc init`, so that every later step commits through it.
const HOOK = value('--hook', '');
const OUT = path.resolve(value('--out', path.join(ROOT, 'examples')));
const JOBS = Number(value('--jobs', '2'));
const ONLY = value('--only', '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

/** Items marked `q` are the quick subset. */
const pick = (list) => (QUICK ? list.filter((x) => x.q || x.quickOnly) : list.filter((x) => !x.quickOnly));

// ------------------------------------------------------------------------------------------------------------
// Driving the CLI
// ------------------------------------------------------------------------------------------------------------
// With --threads: one CLI thread per example being built (each runs one step at a time).
const idleThreads = [];
function cliThread() {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./cli-thread.mjs', import.meta.url), { workerData: { root: path.resolve(path.dirname(BIN), '..'), port: port2 }, transferList: [port2] });
  worker.unref();
  port1.unref();
  return {
    call: (req) =>
      new Promise((resolve, reject) => {
        port1.once('message', (reply) => (reply.error ? reject(new Error(reply.error)) : resolve(reply)));
        port1.postMessage(req);
      }),
  };
}

async function exec(args, { cwd, env }) {
  if (THREADS) {
    const thread = idleThreads.pop() ?? cliThread();
    try {
      return await thread.call({ kind: 'run', args, cwd, env: { ...process.env, NO_COLOR: '1', CI: '1', DJYC_LANG: 'zh', ...env } });
    } finally {
      idleThreads.push(thread);
    }
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', CI: '1', DJYC_LANG: 'zh', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function gitOut(cwd, args) {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

class StepError extends Error {}

class Driver {
  constructor(name, dir, user) {
    this.name = name;
    this.dir = dir;
    this.user = user;
    this.steps = 0;
    this.refusals = [];
    this.warnings = 0;
    this.date = '2000-01-01';
  }

  log(text) {
    if (VERBOSE) process.stderr.write(`[${this.name}] ${text}\n`);
  }

  /** Runs a step that must succeed; returns stdout (parsed when `--json` is among the args). */
  async run(date, args, { by, warn } = {}) {
    this.date = date;
    // Every member has a phone (forms print it for the contact, the liaison, the person responsible): an invented one.
    if (args[0] === 'new-member' && !args.includes('--phone')) args = [...args, '--phone', this.phone()];
    const r = await exec(args, { cwd: this.dir, env: { DJYC_TODAY: date, DJYC_USER: by ?? this.user } });
    this.steps++;
    this.log(`${date} djyc ${args.join(' ')} → ${r.code}`);
    if (r.code !== 0) throw new StepError(`[${this.name}] ${date} djyc ${args.join(' ')}\nexit ${r.code}\n${r.stderr}${r.stdout}`);
    const out = args.includes('--json') ? JSON.parse(r.stdout) : r.stdout;
    if (warn) {
      const text = typeof out === 'string' ? r.stderr : JSON.stringify(out.warnings ?? []);
      if (!warn.test(text)) throw new StepError(`[${this.name}] expected a warning ${warn} from djyc ${args.join(' ')}\n${r.stderr}${r.stdout}`);
      this.warnings++;
    }
    return out;
  }

  /** Runs a step that must be refused with `pattern` on stderr, leaving the repository exactly as it was. */
  async refuse(date, args, pattern, { code = 1, what } = {}) {
    const head = gitOut(this.dir, ['rev-parse', 'HEAD']);
    const r = await exec(args, { cwd: this.dir, env: { DJYC_TODAY: date, DJYC_USER: this.user } });
    this.steps++;
    this.log(`${date} djyc ${args.join(' ')} → ${r.code} (refusal expected)`);
    const fail = (why) => {
      throw new StepError(`[${this.name}] ${date} djyc ${args.join(' ')}: ${why}\nexit ${r.code}\nstderr: ${r.stderr}\nstdout: ${r.stdout}`);
    };
    if (r.code !== code) fail(`expected exit ${code}`);
    if (!pattern.test(r.stderr)) fail(`expected the reason ${pattern}`);
    if (/internal error|内部错误|\n\s+at /.test(r.stderr)) fail('stack trace or internal error');
    const status = gitOut(this.dir, ['status', '--porcelain', '--untracked-files=all']);
    if (status) fail(`the refused step left changes:\n${status}`);
    if (gitOut(this.dir, ['rev-parse', 'HEAD']) !== head) fail('the refused step made a commit');
    this.refusals.push(what ?? args.slice(0, 2).join(' '));
  }

  /** An invented mobile number, the same on every run (13900 + the example's and the member's number). */
  phone() {
    this.phones = (this.phones ?? 0) + 1;
    let h = 0;
    for (const ch of this.name) h = (h * 31 + ch.charCodeAt(0)) % 100;
    return `13900${String(h).padStart(2, '0')}${String(this.phones).padStart(4, '0')}`;
  }

  write(rel, content) {
    const file = path.join(path.dirname(this.dir), 'inputs', rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
  }
}

/**
 * A year-end selection as an office makes it: djyc's ranked suggestion goes to the committee, which decides; the
 * decision is recorded with its basis (here the committee takes the suggestion as it stands).
 */
async function decide(d, date, basis, award) {
  const which = award ? ['--award', award] : [];
  const suggestion = await d.run(date, ['select', ...which, '--json']);
  const ids = suggestion.entries.map((e) => e.subject);
  if (ids.length) await d.run(date, ['select', ...which, '--pick', ids.join(','), ...basis]);
}

/** A simple emblem: a disc, a five-pointed star and a ring (no text, so it renders the same everywhere). */
function logoSvg(fill, accent, rays = 0) {
  const star = [];
  for (let i = 0; i < 10; i++) {
    const r = i % 2 === 0 ? 46 : 19;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    star.push(`${(100 + r * Math.cos(a)).toFixed(1)},${(92 + r * Math.sin(a)).toFixed(1)}`);
  }
  const lines = [];
  for (let i = 0; i < rays; i++) {
    const a = Math.PI + (i * Math.PI) / (rays - 1 || 1);
    lines.push(`<line x1="${(100 + 58 * Math.cos(a)).toFixed(1)}" y1="${(150 + 58 * Math.sin(a)).toFixed(1)}" x2="${(100 + 74 * Math.cos(a)).toFixed(1)}" y2="${(150 + 74 * Math.sin(a)).toFixed(1)}" stroke="${accent}" stroke-width="5" stroke-linecap="round"/>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" viewBox="0 0 200 200">
  <circle cx="100" cy="100" r="96" fill="${fill}"/>
  <circle cx="100" cy="100" r="84" fill="none" stroke="${accent}" stroke-width="6"/>
  <polygon points="${star.join(' ')}" fill="${accent}"/>
  <path d="M48 146 Q100 118 152 146" fill="none" stroke="${accent}" stroke-width="7" stroke-linecap="round"/>
  ${lines.join('\n  ')}
</svg>
`;
}

// ------------------------------------------------------------------------------------------------------------
// 000 惠山区 “双领一创” 2020
// ------------------------------------------------------------------------------------------------------------
async function huishan(d) {
  const y = 2020;
  await d.run(`${y}-03-02`, ['new-org', '--id', 'org-hs-gw', '--name', '中共无锡市惠山区委区级机关工作委员会', '--short-name', '区级机关工委', '--type', '机关工委', '--external']);
  const orgs = pick([
    { id: 'org-hs-jyj', name: '中共无锡市惠山区教育局机关支部委员会', short: '区教育局机关支部', type: '党支部', unit: '区教育局', q: true },
    { id: 'org-hs-zjj', name: '中共无锡市惠山区住房和城乡建设局机关总支部委员会', short: '区住建局机关党总支', type: '党总支', unit: '区住建局', q: true },
    { id: 'org-hs-zjj-1', name: '中共无锡市惠山区住房和城乡建设局机关第一支部委员会', short: '区住建局机关第一支部', type: '党支部', unit: '区住建局', parent: 'org-hs-zjj', q: true },
    { id: 'org-hs-mzj', name: '中共无锡市惠山区民政局机关支部委员会', short: '区民政局机关支部', type: '党支部', unit: '区民政局' },
    { id: 'org-hs-scj', name: '中共无锡市惠山区市场监督管理局机关支部委员会', short: '区市场监管局机关支部', type: '党支部', unit: '区市场监管局' },
  ]);
  for (const o of orgs) await d.run(`${y}-03-02`, ['new-org', '--id', o.id, '--name', o.name, '--short-name', o.short, '--type', o.type, '--unit', o.unit, '--parent', o.parent ?? 'org-hs-gw']);
  const members = pick([
    { id: 'm-hs-zhou-li', name: '周立', org: 'org-hs-jyj', admin: '副局长', party: '支部书记', q: true },
    { id: 'm-hs-xu-jing', name: '徐静', org: 'org-hs-jyj', admin: '安全管理科科长', party: '组织委员', q: true },
    { id: 'm-hs-qian-hao', name: '钱浩', org: 'org-hs-jyj', admin: '科员', party: '党员' },
    { id: 'm-hs-gu-wei', name: '顾伟', org: 'org-hs-zjj', admin: '局长', party: '总支书记', q: true },
    { id: 'm-hs-tang-min', name: '唐敏', org: 'org-hs-zjj-1', admin: '物业管理科科长', party: '支部书记', q: true },
    { id: 'm-hs-lu-yang', name: '陆洋', org: 'org-hs-zjj-1', admin: '科员', party: '党员', q: true },
    { id: 'm-hs-shen-hua', name: '沈华', org: 'org-hs-zjj-1', admin: '调研员', party: '党员', q: true },
    { id: 'm-hs-jiang-yan', name: '蒋燕', org: 'org-hs-mzj', admin: '副局长', party: '支部书记' },
    { id: 'm-hs-hua-jun', name: '华军', org: 'org-hs-mzj', admin: '养老服务科科长', party: '宣传委员' },
    { id: 'm-hs-pan-lei', name: '潘磊', org: 'org-hs-scj', admin: '副局长', party: '支部书记' },
    { id: 'm-hs-ding-ning', name: '丁宁', org: 'org-hs-scj', admin: '登记注册科科长', party: '纪检委员' },
  ]);
  for (const m of members) await d.run(`${y}-03-03`, ['new-member', '--id', m.id, '--name', m.name, '--org', m.org, '--admin-title', m.admin, '--party-title', m.party]);
  const experts = [
    ['exp-hs-wang', '王建国', '区委组织部', '组织科科长', '服务“四个区”打造,突出典型示范'],
    ['exp-hs-chen', '陈雅琴', '区委党校', '副教授', '呼应群众普遍期待,突出典型示范,服务高质量发展任务'],
    ['exp-hs-zhang', '张卫东', '区发展和改革委员会', '副主任', '服务高质量发展任务,服务“四个区”打造'],
    ['exp-hs-li', '李秀英', '区人大常委会办公室', '副主任', '呼应群众普遍期待,服务“四个区”打造'],
    ['exp-hs-zhao', '赵明', '区财政局', '四级调研员', '服务高质量发展任务,呼应群众普遍期待'],
    ['exp-hs-sun', '孙丽', '区教育局', '督导室主任', '呼应群众普遍期待,突出典型示范', 'org-hs-jyj'],
  ];
  for (const [id, name, unit, title, cats, org] of experts) {
    await d.run(`${y}-03-04`, ['new-expert', '--id', id, '--name', name, '--unit', unit, '--title', title, '--category', cats, ...(org ? ['--org', org] : [])]);
  }

  // 项目申报 (03-01 – 03-31)
  const projects = pick([
    {
      id: 'p-2020-hs-jiaotong', q: true, org: 'org-hs-jyj', leader: 'm-hs-zhou-li', source: '社会征集', cats: '呼应群众普遍期待',
      title: '校园周边交通安全综合治理',
      reason: '区人大代表建议和“寒山闻钟”平台群众反映：全区中小学上下学高峰时段校门口车辆拥堵、人车混行，存在安全隐患。',
      goals: '年底前全区 32 所中小学校门口实现“一校一方案”，高峰时段平均通行时间缩短三分之一，护学岗全覆盖。',
      content: '会同公安交警、城管和属地街道，开展校园周边交通秩序集中整治；设置党员护学岗；推广错峰放学和“即停即走”接送区。',
      measures: '支部书记牵头，党员分片包校；每月一次联合执法；每季度开展家长满意度调查。',
    },
    {
      id: 'p-2020-hs-wuye', q: true, org: 'org-hs-zjj', leader: 'm-hs-gu-wei', source: '上级提议', cats: '服务高质量发展任务,呼应群众普遍期待', assignedBy: 'org-hs-gw',
      title: '老旧小区“红色物业”提升行动',
      reason: '区委“4331”工作部署要求推进老旧小区改造；群众对物业服务质量反映集中。',
      goals: '完成 12 个老旧小区改造，组建小区党支部（党小组）与物业企业联建，物业服务满意度达到 90% 以上。',
      content: '推行“小区党组织 + 业委会 + 物业企业”三方协同机制，党员干部下沉小区认领难题清单。',
      measures: '建立问题清单、责任清单、销号清单；每季度召开联席会议；纳入物业企业信用评价。',
    },
    {
      id: 'p-2020-hs-zhucan', org: 'org-hs-mzj', leader: 'm-hs-jiang-yan', source: '自行申报', cats: '呼应群众普遍期待',
      title: '“银发助餐”社区养老服务点建设',
      reason: '全区 60 周岁以上老年人口占比超过 25%，社区助餐需求迫切。',
      goals: '新建社区助餐点 20 个，覆盖 80% 以上城市社区，困难老人助餐补贴应享尽享。',
      content: '统筹社区用房和社会力量，建设助餐点；党员志愿者结对高龄独居老人开展送餐服务。',
      measures: '分片包干，月度通报；引入第三方评估；接受群众监督。',
    },
    {
      id: 'p-2020-hs-kaiban', org: 'org-hs-scj', leader: 'm-hs-pan-lei', source: '自行申报', cats: '服务高质量发展任务',
      title: '小微企业“一站式”开办帮办服务',
      reason: '优化营商环境，落实企业开办“一窗受理、一日办结”要求。',
      goals: '企业开办全流程压缩至 1 个工作日内，帮办服务满意率 95% 以上。',
      content: '设立党员帮办岗，为小微企业提供登记注册、刻章、税务登记等全流程代办帮办。',
      measures: '党员先锋岗挂牌上岗；每周分析办件数据；建立企业回访制度。',
    },
  ]);
  for (const p of projects) {
    await d.run(`${y}-03-16`, ['new-project', '--id', p.id, '--title', p.title, '--category', p.cats, '--source', p.source, '--org', p.org, '--leader', p.leader, '--contact', p.leader,
      '--reason', p.reason, '--goals', p.goals, '--content', p.content, '--measures', p.measures, '--start', `${y}-05-01`, '--due', `${y}-11-30`], { by: '区级机关工委 周晓燕' });
  }
  await d.run(`${y}-03-20`, ['new-project', '--id', 'p-2020-hs-dangan', '--title', '机关档案数字化管理', '--category', '突出典型示范', '--source', '自行申报', '--org', orgs[0].id,
    '--reason', '档案管理规范化需要', '--goals', '完成机关档案数字化'], { by: '区级机关工委 周晓燕' });
  const [p1, p2] = projects;
  await d.refuse(`${y}-03-25`, ['claim', p1.id, '--org', p1.org], /立项之后/, { what: 'claim before approval' });

  // 项目认定 (04-01 – 04-15): numbers given at approval
  await d.refuse(`${y}-04-08`, ['advance', p1.id, '--to', 'claimed'], /不是方案允许的下一阶段/, { what: 'illegal stage' });
  await d.run(`${y}-04-08`, ['advance', p1.id, '--to', 'approved', '--number', '2020-001', '--approved-by', 'org-hs-gw', '--note', '经区级机关工委审核，予以立项']);
  await d.refuse(`${y}-04-08`, ['advance', p2.id, '--to', 'approved', '--number', '2020-001'], /已被使用/, { what: 'duplicate project number' });
  for (const p of projects.slice(1)) await d.run(`${y}-04-08`, ['advance', p.id, '--to', 'approved', '--approved-by', 'org-hs-gw']);
  await d.run(`${y}-04-10`, ['advance', 'p-2020-hs-dangan', '--to', 'rejected', '--note', '属于日常业务工作，不纳入“双领一创”项目']);

  // 项目认领 (04-15 – 04-30): organisations claim, members take tasks
  await d.refuse(`${y}-04-16`, ['advance', p1.id], /承诺书/, { what: 'has-org-commitment' });
  // The claim signs the organisation's commitment and moves the project into 项目认领 in the same commit.
  for (const p of projects) {
    await d.run(`${y}-04-16`, ['claim', p.id, '--org', p.org, ...(p.assignedBy ? ['--assigned-by', p.assignedBy] : []), '--note', '签订《党组织领办项目承诺书》'], { by: p.leader === 'm-hs-gu-wei' ? '顾伟' : '周立' });
  }
  await d.refuse(`${y}-04-20`, ['advance', p1.id], /领办任务/, { what: 'has-tasks / member-commitments' });
  const tasks = pick([
    // quick runs: one group task per project (组团认领) covers every member
    { quickOnly: true, project: p1.id, members: ['m-hs-zhou-li', 'm-hs-xu-jing'], position: '区教育局机关支部', content: '组团推进校园周边交通秩序联合整治和“一校一方案”', due: `${y}-11-10` },
    { quickOnly: true, project: p2.id, members: ['m-hs-gu-wei', 'm-hs-tang-min', 'm-hs-lu-yang'], position: '区住建局机关党总支', content: '组团推动 12 个老旧小区改造和小区党支部、业委会、物业企业三方联建', due: `${y}-11-10` },
    { project: p1.id, members: ['m-hs-zhou-li'], position: '区教育局副局长、机关支部书记', content: '牵头协调公安交警、城管和属地街道，每月组织一次校园周边交通秩序联合整治', due: `${y}-11-10` },
    { project: p1.id, members: ['m-hs-xu-jing'], position: '区教育局安全管理科科长', content: '编制“一校一方案”，指导 32 所学校设置即停即走接送区', due: `${y}-10-31` },
    { project: p1.id, members: ['m-hs-qian-hao'], position: '区教育局科员', content: '组织党员志愿者护学岗排班，每季度开展家长满意度调查', due: `${y}-11-10` },
    { project: p2.id, members: ['m-hs-gu-wei'], position: '区住建局局长、机关党总支书记', content: '统筹 12 个老旧小区改造计划，协调资金和施工进度', due: `${y}-11-10` },
    { project: p2.id, members: ['m-hs-tang-min', 'm-hs-lu-yang'], position: '区住建局物业管理科', content: '组团推动小区党支部、业委会、物业企业三方联建，建立问题清单和销号台账', due: `${y}-11-10` },
    { project: 'p-2020-hs-zhucan', members: ['m-hs-jiang-yan'], position: '区民政局副局长、机关支部书记', content: '统筹社区用房，推进 20 个助餐点建设', due: `${y}-11-10` },
    { project: 'p-2020-hs-zhucan', members: ['m-hs-hua-jun'], position: '区民政局养老服务科科长', content: '组织党员志愿者结对高龄独居老人送餐上门', due: `${y}-11-10` },
    { project: 'p-2020-hs-kaiban', members: ['m-hs-pan-lei', 'm-hs-ding-ning'], position: '区市场监管局', content: '设立党员帮办岗，压缩企业开办时间至 1 个工作日', due: `${y}-11-10` },
  ]);
  for (const t of tasks) {
    const r = await d.run(`${y}-04-22`, ['task', 'add', t.project, ...t.members.flatMap((m) => ['--member', m]), '--content', t.content, '--due', t.due, '--position', t.position, '--json'], { by: '支部组织委员' });
    t.id = r.task;
  }
  // 原则上每名党员必须领办任务: an exemption needs a recorded reason
  await d.run(`${y}-04-24`, ['task', 'exempt', 'm-hs-shen-hua', '--reason', '长期病休（区人民医院诊断证明），经支委会研究暂不领办任务', '--approved-by', '区住建局机关党总支委员会']);
  await d.refuse(`${y}-04-25`, ['task', 'exempt', 'm-hs-lu-yang', '--reason', '工作繁忙'], /已领办任务/, { what: 'exemption of a member holding a task' });

  // 领办公示 (05-01 – 05-10), then 实施推进
  for (const p of projects) await d.run(`${y}-05-06`, ['advance', p.id, '--note', '在党务公开栏公示领办项目和党员承诺']);
  await d.refuse(`${y}-05-11`, ['advance', p1.id, '--to', 'closing'], /不是方案允许的下一阶段/, { what: 'illegal stage (skipping implementation)' });
  for (const p of projects) await d.run(`${y}-05-11`, ['advance', p.id]);
  for (const t of tasks) await d.run(`${y}-05-11`, ['advance', t.id]);

  // 品牌命名 (05-01 – 05-15)
  const logo1 = d.write('logos/hubu.svg', logoSvg('#c8102e', '#ffd200', 5));
  const logo2 = d.write('logos/hongse-wuye.svg', logoSvg('#b71c1c', '#ffe082', 0));
  const b1 = (await d.run(`${y}-05-12`, ['brand', 'new', '--org', 'org-hs-jyj', '--name', '护苗先锋', '--concept', '守护每一名学生平安成长，党员站在护学第一线', '--philosophy', '党员在岗，家长放心',
    '--carrier', '党员护学岗、“一校一方案”联合整治', '--results', '全区 20 所学校设立党员护学岗，上下学高峰时段校门口交通事故零发生', '--contact', 'm-hs-xu-jing', '--logo', logo1, '--json'])).brand;
  // 一般不超过10个字: a longer name is a warning, not a refusal
  const b2 = (await d.run(`${y}-05-13`, ['brand', 'new', '--org', 'org-hs-zjj', '--name', '红色物业暖民心幸福家园共建', '--carrier', '小区党支部 + 业委会 + 物业企业三方联建', '--json'], { warn: /不超过 10 个字/ })).brand;
  await d.refuse(`${y}-06-01`, ['advance', b2], /品牌标识|品牌内涵/, { what: 'has-logo-and-concept' });
  await d.run(`${y}-06-01`, ['brand', 'set', b2, '--logo', logo2, '--name', '红色物业暖民心', '--concept', '以党建引领物业服务，把党组织建在小区里，让群众在家门口感受党的温暖',
    '--results', '12 个住宅小区建立党支部和三方联席会议，物业投诉同比下降三成', '--contact', 'm-hs-tang-min']);
  for (const b of [b1, b2]) await d.run(`${y}-06-02`, ['advance', b]);

  // 实施推进: quarterly reports of projects and tasks
  const q2 = '完成现状调研和问题清单梳理，制定实施方案并召开推进会';
  // Due 07-10 (quarter end + 10 days): 区民政局 and 区市场监管局 file theirs late, after a reminder on 07-12
  // (`djyc todo --today 2020-07-12` lists them per organisation).
  const late = (projectId) => projectId === 'p-2020-hs-zhucan' || projectId === 'p-2020-hs-kaiban';
  for (const p of projects) await d.run(late(p.id) ? `${y}-07-15` : `${y}-07-08`, ['report', p.id, '--quarter', `${y}Q2`, '--progress', q2, '--problems', '部门之间协调机制尚在磨合', '--next', '按方案分片推进，开展第一轮集中行动', '--responsible', p.leader]);
  for (const t of tasks) await d.run(late(t.project) ? `${y}-07-16` : `${y}-07-09`, ['report', t.id, '--quarter', `${y}Q2`, '--progress', '已制定个人工作计划并开始实施', '--next', '按计划推进', '--responsible', t.members[0]]);
  const q3file = d.write('reports/jiaotong-2020Q3.txt', '进展情况：\n开展联合整治 6 次，劝导违停车辆 1200 余辆。\n32 所学校全部完成“一校一方案”，设置即停即走接送区 18 处。\n存在问题：\n部分学校周边道路条件限制，接送区设置困难。\n下步打算：\n推广错峰放学，协调属地增设临时停车泊位。\n');
  for (const p of projects.slice(1)) await d.run(`${y}-10-09`, ['report', p.id, '--quarter', `${y}Q3`, '--progress', '主要任务完成 80%，阶段性成效明显', '--problems', '个别点位进度滞后', '--next', '集中攻坚，准备结项自评', '--responsible', p.leader]);
  for (const t of tasks) await d.run(`${y}-10-09`, ['report', t.id, '--quarter', `${y}Q3`, '--progress', '任务完成过半，形成阶段性成果', '--next', '对照承诺查漏补缺', '--responsible', t.members[0]]);
  await d.refuse(`${y}-10-12`, ['close', p1.id, '--results', '校门口拥堵明显缓解'], /2020Q3 的执行书/, { what: 'reports-due-filed' });
  await d.run(`${y}-10-12`, ['report', p1.id, '--quarter', `${y}Q3`, '--from-file', q3file, '--responsible', p1.leader]);
  await d.refuse(`${y}-10-12`, ['report', p1.id, '--quarter', `${y + 1}Q1`, '--progress', '提前填报'], /尚未开始/, { what: 'report for a future quarter' });

  // 结项申请及品牌申报 (11-01 – 11-15)
  const evidence = d.write('evidence/家长满意度调查汇总.csv', '学校,调查人数,满意,基本满意,不满意\n惠山实验小学,420,368,45,7\n堰桥中学,380,322,49,9\n');
  await d.run(`${y}-11-05`, ['close', p1.id, '--results', '32 所学校全部落实“一校一方案”，高峰时段平均通行时间由 18 分钟缩短至 11 分钟，家长满意率 87.6%。',
    '--self-assessment', '达到立项目标，形成“党员护学岗 + 联合整治”工作机制', '--attach', evidence]);
  for (const p of projects.slice(1)) await d.run(`${y}-11-05`, ['close', p.id, '--results', '各项目标任务全部完成，群众满意度明显提升', '--self-assessment', '较好完成承诺事项']);
  for (const t of tasks) await d.run(`${y}-11-06`, ['close', t.id, '--results', '按承诺时限完成领办任务，形成工作台账', '--self-assessment', '履职尽责，完成质效较好']);
  for (const b of [b1, b2]) await d.run(`${y}-11-10`, ['advance', b]);

  // 项目验收 (11-16 – 12-30): panel, acceptance (one project round-trips through rework)
  await d.refuse(`${y}-11-18`, ['accept', p1.id, '--result', 'pass'], /验收组/, { what: 'acceptance without a panel' });
  await d.refuse(`${y}-11-18`, ['advance', p1.id, '--to', 'accepted'], /验收组/, { what: 'has-panel' });
  for (const p of projects) await d.run(`${y}-11-18`, ['panel', p.id, '--seed', `huishan-${p.id.slice(10)}`]);
  await d.run(`${y}-11-18`, ['panel', p1.id, '--verify']);
  await d.refuse(`${y}-11-19`, ['advance', p1.id, '--to', 'accepted'], /验收结论/, { what: 'acceptance-pass' });
  await d.run(`${y}-11-25`, ['accept', p1.id, '--result', 'rework', '--opinion', '整治成效明显，但部分学校接送区未落地，台账资料不完整，需整改后再验收', '--method', '查阅资料', '--method', '四不两直现场印证']);
  await d.refuse(`${y}-11-26`, ['advance', p1.id, '--to', 'rework'], /督促措施/, { what: 'has-intervention' });
  await d.refuse(`${y}-11-26`, ['rate', tasks[0].id, '--branch', '好'], /验收通过/, { what: 'rating before acceptance' });
  await d.run(`${y}-11-26`, ['intervene', p1.id, '--type', '约谈', '--who', '区级机关工委分管领导', '--note', '约谈支部书记，明确 12 月 5 日前完成接送区设置和台账补正']);
  await d.run(`${y}-11-26`, ['advance', p1.id, '--to', 'rework']);
  await d.run(`${y}-12-04`, ['advance', p1.id, '--to', 'closing', '--note', '整改完成，重新申请验收']);
  await d.run(`${y}-12-08`, ['accept', p1.id, '--result', 'pass', '--opinion', '整改到位，资料齐全，现场印证情况属实，同意通过验收', '--method', '查阅资料', '--method', '四不两直现场印证']);
  await d.refuse(`${y}-12-08`, ['advance', p1.id, '--to', 'rework'], /不是“整改”|本轮验收/, { what: 'acceptance-rework' });
  // The round is concluded: a second conclusion would replace it (the rework round before it stays in the record).
  await d.refuse(`${y}-12-08`, ['accept', p1.id, '--result', 'rework', '--opinion', '再议'], /本轮验收已有结论/, { what: 'a second conclusion of one round' });
  for (const p of projects.slice(1)) await d.run(`${y}-11-27`, ['accept', p.id, '--result', 'pass', '--opinion', '项目目标全部实现，群众认可度高，同意通过验收', '--method', '查阅资料', '--method', '听取汇报', '--method', '四不两直现场印证']);
  for (const p of projects) await d.run(`${y}-12-08`, ['advance', p.id, '--to', 'accepted']);

  // 党员领办任务评议 (附件5): 支委会意见, 党委意见, 群众测评
  await d.refuse(`${y}-12-10`, ['advance', tasks[0].id], /尚未评价/, { what: 'has-rating (task)' });
  await d.refuse(`${y}-12-10`, ['rate', tasks[0].id, '--branch', '好', '--committee', '好', '--participants', '40', '--votes', '好=30,较好=8,一般=1,较差=0'], /不一致/, { what: 'poll votes must add up' });
  const levels = ['好', '较好', '好', '较好', '好', '好', '较好', '好'];
  for (const [i, t] of tasks.entries()) {
    const a = 26 + ((i * 7) % 9);
    const b = 12 - (i % 4);
    const c = i % 3;
    await d.run(`${y}-12-10`, ['rate', t.id, '--branch', levels[i % levels.length], '--committee', levels[(i + 1) % levels.length], '--participants', String(a + b + c), '--votes', `好=${a},较好=${b},一般=${c},较差=0`, '--committee-opinion', '同意支委会意见']);
    await d.run(`${y}-12-10`, ['advance', t.id]);
  }

  // 品牌认定
  await d.refuse(`${y}-12-15`, ['advance', b1, '--to', 'recognised'], /尚未评价/, { what: 'has-rating (brand)' });
  for (const b of [b1, b2]) {
    await d.run(`${y}-12-15`, ['rate', b, '--opinion', '品牌名称凝练、标识独创，创建载体与中心工作结合紧密，同意认定为区级机关党建品牌']);
    await d.run(`${y}-12-16`, ['advance', b, '--to', 'recognised']);
  }

  // 交流展示 (2021-01 – 02) and 十佳基层党组织
  for (const p of projects) await d.run(`${y + 1}-01-20`, ['advance', p.id, '--note', '在“双领一创”经验交流会上展示']);
  await decide(d, `${y + 1}-01-22`, ['--meeting', `${y + 1}年1月22日区级机关工委会议`, '--document', `惠机工委〔${y + 1}〕2号`]);
}

// ------------------------------------------------------------------------------------------------------------
// 001 XX 公司 “党建+” 2017
// ------------------------------------------------------------------------------------------------------------
async function dangjianPlus(d) {
  const y = 2017;
  await d.run(`${y}-04-12`, ['new-org', '--id', 'org-dj-dw', '--name', '中共XX公司委员会', '--short-name', '公司党委', '--type', '党委', '--unit', 'XX公司']);
  const branches = pick([
    { id: 'org-dj-jg1', name: '中共XX公司机关第一支部委员会', short: '机关第一党支部', unit: '综合管理部', sec: ['m-dj-liu-fang', '刘芳', '综合管理部主任'] },
    { q: true, id: 'org-dj-kf', name: '中共XX公司客户服务中心支部委员会', short: '客户服务中心党支部', unit: '客户服务中心', sec: ['m-dj-he-ping', '何平', '客户服务中心主任'] },
    { q: true, id: 'org-dj-yj', name: '中共XX公司运维检修部支部委员会', short: '运维检修党支部', unit: '运维检修部', sec: ['m-dj-lin-tao', '林涛', '运维检修部副主任'] },
    { id: 'org-dj-sc', name: '中共XX公司生产技术部支部委员会', short: '生产技术党支部', unit: '生产技术部', sec: ['m-dj-guo-qiang', '郭强', '生产技术部主任'] },
  ]);
  // 项目组成员 of each branch's project: two members with their posts and their roles in the team.
  const TEAM = {
    'org-dj-jg1': [['m-dj-sun-yan', '孙燕', '综合管理部副主任', '支部组织委员', '副组长'], ['m-dj-he-qiang', '何强', '综合管理部专责', '党员', '组员']],
    'org-dj-kf': [['m-dj-zhou-li', '周丽', '客户服务中心副主任', '支部宣传委员', '副组长'], ['m-dj-wu-bin', '吴斌', '95598 班班长', '党员', '组员']],
    'org-dj-yj': [['m-dj-xu-gang', '许刚', '运维检修部安全专责', '支部组织委员', '副组长'], ['m-dj-ma-jun', '马俊', '变电运维班班长', '党员', '组员']],
    'org-dj-sc': [['m-dj-tang-hui', '唐辉', '生产技术部副主任', '支部纪检委员', '副组长'], ['m-dj-luo-ming', '罗明', '技术攻关组组长', '党员', '组员']],
  };
  for (const b of branches) {
    await d.run(`${y}-04-12`, ['new-org', '--id', b.id, '--name', b.name, '--short-name', b.short, '--type', '党支部', '--unit', b.unit, '--parent', 'org-dj-dw']);
    await d.run(`${y}-04-12`, ['new-member', '--id', b.sec[0], '--name', b.sec[1], '--org', b.id, '--admin-title', b.sec[2], '--party-title', '党支部书记']);
    for (const [id, name, admin, party] of TEAM[b.id]) await d.run(`${y}-04-12`, ['new-member', '--id', id, '--name', name, '--org', b.id, '--admin-title', admin, '--party-title', party]);
  }
  const experts = [
    ['exp-dj-song', '宋志刚', '公司党群工作部', '主任', '基层组织建设,党员教育管理服务,创新党建活动载体'],
    ['exp-dj-yao', '姚敏', '公司人力资源部', '副主任', '党员教育管理服务,单位内涵发展'],
    ['exp-dj-cao', '曹国华', '公司安全监察部', '主任', '基层组织建设,单位内涵发展'],
    ['exp-dj-feng', '冯丽萍', '公司工会', '副主席', '健全党内关爱机制,创新党建活动载体'],
    ['exp-dj-wu', '吴振宇', '公司思想政治工作部', '高级政工师', '创新党建活动载体,基层组织建设,健全党内关爱机制,单位内涵发展,党员教育管理服务'],
    ['exp-dj-jin', '金晓东', '客户服务中心', '副主任', '创新党建活动载体,健全党内关爱机制', 'org-dj-kf'],
  ];
  for (const [id, name, unit, title, cats, org] of experts) await d.run(`${y}-04-12`, ['new-expert', '--id', id, '--name', name, '--unit', unit, '--title', title, '--category', cats, ...(org ? ['--org', org] : [])]);

  const projects = pick([
    { q: true, id: 'p-2017-dj-anquan', org: 'org-dj-yj', cat: '基层组织建设', title: '党建+安全生产：党员身边无违章', goals: '全年党员责任区“零违章、零事故”，培育 10 个党员安全示范岗。', content: '划分党员安全责任区，党员带头开展反违章、隐患排查和安全讲堂。', measures: '每月安全主题党日；违章“曝光台”；季度评比党员安全示范岗。' },
    { q: true, id: 'p-2017-dj-fuwu', org: 'org-dj-kf', cat: '创新党建活动载体', title: '党建+优质服务：95598 党员服务示范岗', goals: '客户满意率提升至 98%，投诉工单同比下降 20%。', content: '设立党员服务示范岗和党员突击队，推行首问负责和“一次办好”。', measures: '党员亮身份、亮承诺、亮服务；月度服务之星评选；投诉闭环分析。' },
    { id: 'p-2017-dj-guanai', org: 'org-dj-jg1', cat: '健全党内关爱机制', title: '党建+关爱：一线员工“暖心驿站”', goals: '建成 6 个班组暖心驿站，困难党员、员工帮扶全覆盖。', content: '在一线班组建设暖心驿站，建立困难党员员工档案和“必访必助”制度。', measures: '支部委员结对走访；节日慰问；心理疏导讲座。' },
    { id: 'p-2017-dj-jineng', org: 'org-dj-sc', cat: '党员教育管理服务', title: '党建+技能提升：党员技术攻关工作室', goals: '完成 5 项技术攻关课题，培养 15 名党员技术骨干。', content: '组建党员技术攻关工作室，围绕生产难题开展课题攻关和师带徒。', measures: '课题揭榜挂帅；季度成果发布；攻关成果纳入绩效。' },
  ]);
  const secOf = (org) => branches.find((b) => b.id === org).sec[0];
  for (const p of projects) {
    await d.run(`${y}-04-14`, ['new-project', '--id', p.id, '--title', p.title, '--category', p.cat, '--org', p.org, '--leader', secOf(p.org), '--contact', secOf(p.org), '--goals', p.goals, '--content', p.content, '--measures', p.measures, '--start', `${y}-05-01`, '--due', `${y}-11-30`,
      ...TEAM[p.org].flatMap(([id, , , , role]) => ['--team', `${id}:${role}`])], { by: '党支部书记' });
  }
  await d.run(`${y}-04-14`, ['new-project', '--id', 'p-2017-dj-wenhua', '--title', '党建+文化：职工书屋建设', '--category', '创新党建活动载体', '--org', projects[0].org, '--goals', '建设职工书屋'], { by: '党支部书记' });
  const [p1, p2] = projects;
  await d.refuse(`${y}-04-15`, ['advance', p1.id, '--to', 'applied'], /不是方案允许的下一阶段/, { what: 'illegal stage (skipping 论证)' });
  for (const p of [...projects, { id: 'p-2017-dj-wenhua' }]) {
    await d.run(`${y}-04-18`, ['advance', p.id, '--note', '召开座谈会、发放征求意见表，完成可行性论证']);
    await d.run(`${y}-04-26`, ['advance', p.id, '--note', '经支部会议研究，立项申请书一式两份以书面和电子邮件报党群工作部']);
  }
  await d.run(`${y}-05-04`, ['advance', 'p-2017-dj-wenhua', '--to', 'rejected', '--note', '与工会职工书屋项目重复，不予立项']);
  for (const p of projects) await d.run(`${y}-05-04`, ['advance', p.id, '--to', 'approved', '--approved-by', 'org-dj-dw', '--note', '经审批立项，纳入“党建+”项目库']);
  for (const p of projects) await d.run(`${y}-05-08`, ['advance', p.id, '--note', '成立项目组，制定实施方案']);

  for (const p of projects) {
    await d.run(`${y}-07-05`, ['report', p.id, '--quarter', `${y}Q2`, '--progress', '项目组已组建，实施方案已印发，完成第一阶段任务', '--next', '全面推进，开展中期督查', '--responsible', secOf(p.org)]);
    await d.run(`${y}-10-09`, ['report', p.id, '--quarter', `${y}Q3`, '--progress', '主要措施全面落实，阶段目标基本实现', '--problems', '基层班组参与不平衡', '--next', '总结提炼，形成总结报告', '--responsible', secOf(p.org)]);
  }
  await d.refuse(`${y}-11-08`, ['advance', p1.id, '--to', 'closing'], /结项书/, { what: 'has-closure' });
  const summary = d.write('summary/anquan.md', '一、项目实施情况\n划分党员安全责任区 36 个，开展反违章检查 128 次。\n二、取得成效\n全年党员责任区零违章、零事故，培育党员安全示范岗 12 个。\n三、经验做法\n“责任区 + 示范岗 + 曝光台”三位一体。\n');
  for (const p of projects) {
    await d.run(`${y}-11-10`, ['close', p.id, '--results', '对照项目方案逐一自查，目标任务全部完成', '--self-assessment', '项目实施规范，成效明显', ...(p === p1 ? ['--summary-file', summary] : ['--summary', `${p.title}实施总结：完成全部目标任务，形成可复制的工作机制。`])]);
  }
  await d.refuse(`${y}-11-12`, ['rate', p1.id, '--stars', '群众满意率=5,综合效益=5,经验可推广性=4'], /验收通过/, { what: 'rating before acceptance' });
  await d.refuse(`${y}-11-12`, ['advance', p1.id, '--to', 'accepted'], /验收组/, { what: 'has-panel' });
  for (const p of projects) await d.run(`${y}-12-01`, ['panel', p.id, '--seed', `dangjian-${p.id.slice(10)}`]);
  await d.run(`${y}-12-01`, ['panel', p2.id, '--verify']);
  await d.run(`${y}-12-05`, ['accept', p2.id, '--result', 'rework', '--opinion', '示范岗运行时间短，客户满意率提升未达预期，基层干部群众反映效果一般', '--method', '听取汇报', '--method', '调查走访']);
  await d.refuse(`${y}-12-05`, ['advance', p2.id, '--to', 'rework'], /督促措施/, { what: 'has-intervention' });
  await d.run(`${y}-12-06`, ['intervene', p2.id, '--type', '挂牌帮扶', '--who', '公司党群工作部', '--note', '党群工作部挂牌帮扶，调整服务考核指标']);
  await d.run(`${y}-12-06`, ['advance', p2.id, '--to', 'rework']);
  await d.run(`${y}-12-07`, ['advance', p2.id, '--to', 'implementing', '--note', '重新研究可行性，调整实施方案后继续实施']);
  await d.run(`${y}-12-18`, ['close', p2.id, '--results', '调整后客户满意率达 98.3%，投诉工单同比下降 22%', '--summary', '整改后实施总结：完成全部目标任务。']);
  await d.run(`${y}-12-21`, ['accept', p2.id, '--result', 'pass', '--opinion', '整改到位，目标实现', '--method', '听取汇报', '--method', '查阅资料']);
  for (const p of projects.filter((x) => x !== p2)) await d.run(`${y}-12-05`, ['accept', p.id, '--result', 'pass', '--opinion', '项目完成，目标预期实现，出具验收报告', '--method', '听取汇报', '--method', '调查走访', '--method', '查阅资料']);
  for (const p of projects) await d.run(`${y}-12-21`, ['advance', p.id, '--to', 'accepted']);
  await d.refuse(`${y}-12-22`, ['advance', p1.id], /尚未评价/, { what: 'has-rating' });
  await d.refuse(`${y}-12-22`, ['rate', p1.id, '--stars', '群众满意率=6,综合效益=5,经验可推广性=4'], /1–5/, { code: 2, what: 'stars out of range' });
  const stars = [[5, 5, 4], [4, 4, 3], [4, 5, 4], [3, 3, 2]];
  for (const [i, p] of projects.entries()) {
    const [a, b, c] = stars[i % stars.length];
    await d.run(`${y}-12-22`, ['rate', p.id, '--stars', `群众满意率=${a},综合效益=${b},经验可推广性=${c}`, '--opinion', '组织基层党员干部和群众代表评估']);
    await d.run(`${y}-12-22`, ['advance', p.id]);
  }
  // Recorded results are never silently replaced: a second rating is refused unless it is a correction (--correct --reason).
  await d.refuse(`${y}-12-23`, ['rate', p1.id, '--stars', '群众满意率=4,综合效益=4,经验可推广性=4'], /已记录为.*--correct/, { what: 'a second rating without --correct' });
  await decide(d, `${y}-12-28`, ['--meeting', `${y}年12月28日公司党委会`, '--document', `思政〔${y}〕15号`]);
}

// ------------------------------------------------------------------------------------------------------------
// 002 金华市直机关 组团式领办 2017 (the seed's 18 projects and lead units)
// ------------------------------------------------------------------------------------------------------------
async function jinhua(d) {
  const y = 2017;
  await d.run(`${y}-04-20`, ['new-org', '--id', 'org-jh-gw', '--name', '中共金华市直属机关工作委员会', '--short-name', '市直机关工委', '--type', '机关工委', '--external']);
  // The lead units exactly as the seed's 附1 names them, imported first so the project import finds them.
  const leads = [
    ['org-jh-xzzf', '市行政执法局直属机关党委'], ['org-jh-zj', '市质监局直属机关党委'], ['org-jh-js', '市建设局直属机关党委'], ['org-jh-jzy', '金华职业技术学院党委'],
    ['org-jh-rs', '市人力社保局直属机关党委'], ['org-jh-cs', '市财税系统直属机关党委'], ['org-jh-gs', '市国税局直属机关党委'], ['org-jh-gzw', '市国资委直属机关党委'],
    ['org-jh-scjg', '市市场监管局直属机关党委'], ['org-jh-mz', '市民政系统直属机关党委'], ['org-jh-jt', '市交通局直属机关党委'], ['org-jh-fb', '市府办直属机关党委（市科技局）'],
    ['org-jh-sl', '市水利局直属机关党委'], ['org-jh-jx', '市经信委直属机关党委'], ['org-jh-fg', '市发改委系统直属机关党委'], ['org-jh-wj', '市卫计委直属机关党委'],
    ['org-jh-xc', '市宣传系统直属机关党委（体育局）'], ['org-jh-ga', '市公安局机关党委'],
  ];
  // Units that only join (联办): invented, each joins at least one project.
  const joiners = pick([
    { q: true, id: 'org-jh-jy', name: '市教育局直属机关党委', joins: [[16, '组织“卫生知识进校园”，在中小学开展健康大讲堂']] },
    { q: true, id: 'org-jh-sj', name: '市审计局机关党委', joins: [[1, '提供学分制管理办法的制度审查意见'], [5, '参与党内监督机制研究，提供审计监督经验']] },
    { id: 'org-jh-nl', name: '市农业局直属机关党委', joins: [[13, '在生态廊道沿线开展农业面源污染治理党员先锋行动']] },
    { id: 'org-jh-wg', name: '市文广新局机关党委', joins: [[17, '承办机关运动会宣传报道和文体活动策划']] },
    { id: 'org-jh-gt', name: '市国土资源局直属机关党委', joins: [[11, '保障综合交通廊道项目用地审批']] },
    { id: 'org-jh-sw', name: '市商务局机关党委', joins: [[15, '对接创新创业企业，开展“最多跑一次”帮办']] },
  ]);
  const orgCsv = ['编号,党组织名称,组织类型,所在单位,上级党组织'];
  for (const [id, name] of leads) orgCsv.push(`${id},${name},党委,${name.replace(/(直属)?机关党委.*$|党委$/, '')},org-jh-gw`);
  for (const j of joiners) orgCsv.push(`${j.id},${j.name},党委,${j.name.replace(/(直属)?机关党委$/, '')},org-jh-gw`);
  await d.run(`${y}-04-20`, ['import', d.write('orgs.csv', `${orgCsv.join('\n')}\n`), '--kind', 'org']);
  const members = [
    ['m-jh-zheng-yu', '郑宇', 'org-jh-xzzf', '副局长', '直属机关党委书记'], ['m-jh-fang-lin', '方琳', 'org-jh-xzzf', '机关党委专职副书记', '专职副书记'],
    ['m-jh-ye-jun', '叶军', 'org-jh-jt', '副局长', '直属机关党委书记'], ['m-jh-hu-xiao', '胡晓', 'org-jh-jt', '组织人事科科长', '组织委员'],
    ['m-jh-shi-lei', '施磊', 'org-jh-ga', '政治部副主任', '机关党委副书记'], ['m-jh-mao-qian', '毛倩', 'org-jh-ga', '政治部干部', '党员'],
  ];
  // Every lead unit names a 直接责任人 (a member of its leadership) and a 联络员; every joiner a person responsible.
  const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
  const GIVEN = ['建华', '志刚', '海燕', '文斌', '丽娟', '国强', '晓东', '春梅', '永明', '秀英', '立新', '红霞', '卫东', '玉兰', '振华', '淑芬', '伟', '敏', '静', '磊'];
  const people = new Map([['org-jh-xzzf', ['m-jh-zheng-yu', 'm-jh-fang-lin']], ['org-jh-jt', ['m-jh-ye-jun', 'm-jh-hu-xiao']], ['org-jh-ga', ['m-jh-shi-lei', 'm-jh-mao-qian']]]);
  leads.forEach(([id], k) => {
    if (people.has(id)) return;
    const key = id.slice('org-jh-'.length);
    members.push([`m-jh-${key}-zr`, `${SURNAMES[k]}${GIVEN[k]}`, id, '党委委员、副局长', '直属机关党委副书记'], [`m-jh-${key}-ll`, `${SURNAMES[(k + 7) % 20]}${GIVEN[(k + 11) % 20]}`, id, '机关党委专职副书记', '党委委员']);
    people.set(id, [`m-jh-${key}-zr`, `m-jh-${key}-ll`]);
  });
  joiners.forEach((j, k) => {
    const key = j.id.slice('org-jh-'.length);
    members.push([`m-jh-${key}-fz`, `${SURNAMES[(k + 3) % 20]}${GIVEN[(k + 15) % 20]}`, j.id, '办公室主任', '机关党委委员']);
    j.responsible = `m-jh-${key}-fz`;
  });
  let phone = 0;
  const memberCsv = ['编号,姓名,所在党组织,行政职务,党内职务,联系电话', ...members.map((m) => [...m, `1390579${String(++phone).padStart(4, '0')}`].join(','))];
  await d.run(`${y}-04-20`, ['import', d.write('members.csv', `${memberCsv.join('\n')}\n`), '--kind', 'member']);
  const experts = [
    ['exp-jh-lou', '楼建平', '市委组织部', '组织二处处长'], ['exp-jh-xu', '徐丽华', '市委党校', '党建教研室主任'], ['exp-jh-jiang', '蒋国庆', '市委宣传部', '副部长'],
    ['exp-jh-zhu', '朱晓燕', '浙江师范大学', '马克思主义学院教授'], ['exp-jh-wang', '王志强', '市纪委市监委', '党风政风监督室主任'], ['exp-jh-shao', '邵勇', '市公安局', '政治部主任', 'org-jh-ga'],
  ];
  for (const [id, name, unit, title, org] of experts) await d.run(`${y}-04-21`, ['new-expert', '--id', id, '--name', name, '--unit', unit, '--title', title, '--category', '制度机制,铁军+服务中心,党建+活动', ...(org ? ['--org', org] : [])]);

  // The seed's 附1 table, imported as it is (序号, 项目名称, 项目内容及目标要求, 牵头单位, 申报参与单位)
  const imported = await d.run(`${y}-04-25`, ['import', FIXTURE_002, '--kind', 'project', '--json'], { by: '市直机关工委组宣处' });
  const byRow = new Map(imported.records.filter((r) => r.kind === 'project').map((r) => [r.line - 1, r.id]));
  if (byRow.size !== 18) throw new StepError(`expected 18 projects from the seed table, got ${byRow.size}`);
  const rows = QUICK ? [1, 16] : [...byRow.keys()].sort((a, b) => a - b);
  for (const j of joiners) j.joins = j.joins.filter(([row]) => rows.includes(row));
  const pid = (row) => byRow.get(row);
  const lead = (row) => leads[row - 1][0];

  // 申报 (by 05-10): lead units confirm, some designated by the 工委
  for (const row of rows) {
    const designated = row >= 11 && row <= 15;
    const [responsible, liaison] = people.get(lead(row));
    const extra = ['--leader', responsible, '--direct-responsible', responsible, '--liaison', liaison];
    // The claim moves the project into 牵头领办申报 in the same commit.
    await d.run(`${y}-05-08`, ['claim', pid(row), '--org', lead(row), ...(designated ? ['--assigned-by', 'org-jh-gw'] : []), ...extra, '--note', '向市直机关工委申报牵头领办'], { by: '市直机关工委组宣处' });
    // 工作计划 of the lead unit's 申报表
    await d.run(`${y}-05-08`, ['set', pid(row), `measures=5 月底前制定实施方案，明确联办单位分工；6—9 月组团推进，每季度向市直机关工委报送进度；10—11 月总结提炼成果，11 月底前报送。`]);
  }
  // 联办单位 apply (by 05-10) and hand their work plans to the lead (by 05-15)
  const first = joiners.find((j) => j.joins.length);
  for (const j of joiners) {
    for (const [row, entry] of j.joins) {
      if (j === first && row === j.joins[0][0]) {
        await d.run(`${y}-05-09`, ['claim', pid(row), '--org', j.id, '--co-organiser', '--entry-point', entry, '--responsible', j.responsible]);
        await d.refuse(`${y}-05-12`, ['advance', pid(row)], /工作计划/, { what: 'co-organiser-plans' });
        await d.run(`${y}-05-13`, ['claim', pid(row), '--org', j.id, '--co-organiser', '--plan', `${entry}；5 月底前制定具体方案，6 月起每月向牵头单位报送进展`]);
      } else {
        await d.run(`${y}-05-10`, ['claim', pid(row), '--org', j.id, '--co-organiser', '--entry-point', entry, '--responsible', j.responsible, '--plan', `${entry}；明确专人负责，按牵头单位安排完成交办任务`]);
      }
    }
  }
  for (const row of rows) await d.run(`${y}-05-16`, ['advance', pid(row), '--note', '牵头单位印发工作方案，组团实施']);
  await d.refuse(`${y}-05-20`, ['claim', pid(rows[0]), '--org', joiners[0].id, '--co-organiser', '--plan', '补报计划'], /联办申报和工作计划须在/, { what: 'co-organiser after implementation started' });

  // 实施: 每季度向市直机关工委书面反馈一次进度情况
  for (const row of rows) {
    await d.run(`${y}-07-06`, ['report', pid(row), '--quarter', `${y}Q2`, '--progress', '召开组团推进会，明确分工，完成调研和方案制定', '--next', '按计划组织实施，报送信息', ...(row === 1 ? ['--responsible', 'm-jh-fang-lin'] : [])]);
  }
  await d.refuse(`${y}-11-20`, ['close', pid(rows[0]), '--results', '成果'], /2017Q3 的执行书/, { what: 'reports-due-filed' });
  for (const row of rows) {
    await d.run(`${y}-10-10`, ['report', pid(row), '--quarter', `${y}Q3`, '--progress', '主要任务基本完成，台账资料整理中，创新成果初步形成', '--problems', '联办单位参与深度不一', '--next', '总结提炼创新成果，11 月底前报送']);
  }
  // 成果报送 (by end of November)
  for (const row of rows) {
    await d.run(`${y}-11-24`, ['close', pid(row), '--results', '完成项目内容及目标要求，形成制度文本、工作台账和创新成果总结', '--self-assessment', '组团协同到位，成果可复制可推广']);
  }
  // 评审
  for (const row of rows) await d.run(`${y}-12-04`, ['panel', pid(row), '--seed', `jinhua-${row}`]);
  await d.run(`${y}-12-04`, ['panel', pid(rows[rows.length - 1]), '--verify']);
  await d.refuse(`${y}-12-06`, ['advance', pid(rows[0]), '--to', 'reviewed'], /验收结论|尚未评价/, { what: 'acceptance-pass / has-rating' });
  for (const row of rows) await d.run(`${y}-12-08`, ['accept', pid(row), '--result', 'pass', '--opinion', '创新成果规范管用，组团实施成效明显，评审通过', '--method', '查阅资料', '--method', '听取汇报']);
  await d.refuse(`${y}-12-09`, ['advance', pid(rows[0]), '--to', 'failed'], /不是“整改”/, { what: 'acceptance-rework' });
  await d.refuse(`${y}-12-09`, ['advance', pid(rows[0]), '--to', 'reviewed'], /尚未评价/, { what: 'has-rating' });
  await d.refuse(`${y}-12-10`, ['rate', pid(rows[0]), '--bonus', '25'], /最高不超过 20 分/, { what: 'bonus cap' });
  for (const [i, row] of rows.entries()) {
    const bonus = [20, 18, 15, 16, 12, 15, 14, 18, 13, 16, 20, 17, 15, 16, 18, 14, 12, 15][(row - 1) % 18];
    await d.run(`${y}-12-12`, ['rate', pid(row), '--bonus', String(bonus), '--opinion', i % 3 === 0 ? '成果突出，予以通报表彰' : '评审通过，予以通报表彰']);
    await d.run(`${y}-12-12`, ['advance', pid(row), '--to', 'reviewed']);
  }
  await decide(d, `${y}-12-20`, ['--meeting', `${y}年12月20日市直机关工委评审小组会议`, '--document', `金直委发〔${y}〕45号`]);
}

// ------------------------------------------------------------------------------------------------------------
// 003 无锡职业技术学院 书记项目 2017
// ------------------------------------------------------------------------------------------------------------
async function wxit(d) {
  const y = 2017;
  await d.run(`${y}-01-05`, ['new-org', '--id', 'org-wx-jgw', '--name', '中共江苏省委教育工作委员会', '--short-name', '省委教育工委', '--type', '党工委', '--external']);
  await d.run(`${y}-01-05`, ['new-org', '--id', 'org-wx-dw', '--name', '中共无锡职业技术学院委员会', '--short-name', '学校党委', '--type', '党委', '--unit', '无锡职业技术学院']);
  const units = pick([
    { q: true, id: 'org-wx-jx', name: '中共无锡职业技术学院机械技术学院总支部委员会', short: '机械技术学院党总支', sec: ['m-wx-zhu-hong', '朱红', '机械技术学院党总支书记'] },
    { q: true, id: 'org-wx-kz', name: '中共无锡职业技术学院控制技术学院总支部委员会', short: '控制技术学院党总支', sec: ['m-wx-qin-yu', '秦宇', '控制技术学院党总支书记'] },
    { q: true, id: 'org-wx-wlw', name: '中共无锡职业技术学院物联网技术学院总支部委员会', short: '物联网技术学院党总支', sec: ['m-wx-xie-bo', '谢波', '物联网技术学院党总支书记'] },
    { q: true, id: 'org-wx-gl', name: '中共无锡职业技术学院管理学院总支部委员会', short: '管理学院党总支', sec: ['m-wx-han-mei', '韩梅', '管理学院党总支书记'] },
    { id: 'org-wx-qc', name: '中共无锡职业技术学院汽车与交通学院总支部委员会', short: '汽车与交通学院党总支', sec: ['m-wx-yu-gang', '于刚', '汽车与交通学院党总支书记'] },
    { id: 'org-wx-jg', name: '中共无锡职业技术学院机关总支部委员会', short: '机关党总支', sec: ['m-wx-du-juan', '杜娟', '机关党总支书记'] },
  ]);
  await d.run(`${y}-01-05`, ['new-member', '--id', 'm-wx-luo-jian', '--name', '罗健', '--org', 'org-wx-dw', '--admin-title', '学院党委书记', '--party-title', '党委书记']);
  for (const u of units) {
    await d.run(`${y}-01-05`, ['new-org', '--id', u.id, '--name', u.name, '--short-name', u.short, '--type', '党总支', '--unit', '无锡职业技术学院', '--parent', 'org-wx-dw']);
    await d.run(`${y}-01-05`, ['new-member', '--id', u.sec[0], '--name', u.sec[1], '--org', u.id, '--party-title', u.sec[2]]);
  }
  const projects = [
    { id: 'p-2017-wx-biaozhun', org: 'org-wx-dw', leader: 'm-wx-luo-jian', upper: 'org-wx-jgw', cats: '标准化建设,制度执行', title: '高职院校基层党建工作标准化建设', feasibility: '学校已完成党支部换届和“三会一课”台账规范，具备标准化推进基础。', content: '制定基层党组织建设标准和考核细则，建设党建工作信息化平台。', goals: '年底前全校党支部达标率 100%，创建 5 个标准化示范党支部。', measures: '书记领办、组织部协办、二级党组织承办；季度督查通报。' },
    { q: true, id: 'p-2017-wx-mingshi', org: 'org-wx-jx', cats: '教师党员先锋工程', title: '教师党员“先锋工程”：党员名师工作室建设', feasibility: '学院有省级教学名师 3 名、教授党员 12 名，具备组建名师工作室条件。', content: '组建 4 个党员名师工作室，开展青年教师传帮带和教学改革攻关。', goals: '培养青年骨干教师 12 名，立项教改课题 4 项。', measures: '工作室挂牌、年度考核；党员教师公开课月月讲。' },
    { q: true, id: 'p-2017-wx-shixun', org: 'org-wx-kz', cats: '大学生党员素质工程', title: '“大学生党员素质工程”：党员先锋岗进实训车间', feasibility: '学院实训中心年接待学生 4000 人次，学生党员 86 名。', content: '在实训车间设立学生党员先锋岗，开展安全示范、技能帮扶。', goals: '学生党员技能等级证书获取率 100%，实训安全零事故。', measures: '先锋岗星级评定；党员与困难学生结对。' },
    { q: true, id: 'p-2017-wx-zhuanye', org: 'org-wx-wlw', cats: '组织建设', title: '支部建在专业上：学生党支部与专业教研室联动', feasibility: '学院按专业设置 6 个学生党支部，与教研室对应关系清晰。', content: '学生党支部与专业教研室联建，教师党员担任支部指导员。', goals: '联建支部 6 个，学生党员专业竞赛获奖 10 项以上。', measures: '联建协议；月度联合主题党日。' },
    { q: true, id: 'p-2017-wx-zoufang', org: 'org-wx-gl', cats: '制度执行,保障落实', title: '“双抓双促”大走访问题清单销号管理', feasibility: '大走访中收集师生意见建议 73 条，需建立闭环管理。', content: '建立问题清单、责任清单、销号清单，定期公开办理情况。', goals: '问题办结率 95% 以上，师生满意率 90% 以上。', measures: '书记督办；每月通报；年底回访。' },
    { id: 'p-2017-wx-yinqing', org: 'org-wx-qc', cats: '特色品牌创建', title: '“一院一品”：汽车与交通学院“红色引擎”党建品牌创建', feasibility: '学院党建工作已有“汽修义诊”志愿服务基础。', content: '提炼“红色引擎”品牌内涵，打造党员志愿服务、技能服务社会两大载体。', goals: '形成品牌手册，开展汽修义诊 20 场。', measures: '品牌培育方案；季度活动展示。' },
    { id: 'p-2017-wx-zuiqiang', org: 'org-wx-jg', cats: '阵地建设,组织建设', title: '机关党支部“最强党支部”创建', feasibility: '机关 8 个党支部中 3 个已达到“最强党支部”基本要求。', content: '对照“最强党支部”标准，开展阵地建设和服务师生承诺践诺。', goals: '机关党支部全部达标，2 个创成校级“最强党支部”。', measures: '支部书记述职评议；服务质量测评。' },
  ].filter((p) => !QUICK || p.q);
  const leaderOf = (p) => p.leader ?? units.find((u) => u.id === p.org).sec[0];
  for (const p of projects) {
    await d.run(`${y}-02-20`, ['new-project', '--id', p.id, '--title', p.title, '--category', p.cats, '--org', p.org, '--leader', leaderOf(p), '--upper', p.upper ?? 'org-wx-dw',
      '--feasibility', p.feasibility, '--content', p.content, '--goals', p.goals, '--measures', p.measures, '--start', `${y}-03-01`, '--due', `${y}-12-20`,
      '--schedule', `${y}-03-01~${y}-04-30:调研论证，制定实施方案`, '--schedule', `${y}-05-01~${y}-10-31:${p.content.replace(/。$/, '')}`, '--schedule', `${y}-11-01~${y}-12-20:自查考评，总结提炼成果`], { by: '党委组织部' });
  }
  // 每年 1 个: a second project for the same secretary is refused (validate rule secretary-limit)
  await d.refuse(`${y}-02-22`, ['new-project', '--title', '第二个书记项目', '--category', '组织建设', '--org', projects[1].org, '--leader', leaderOf(projects[1]), '--start', `${y}-03-01`, '--due', `${y}-12-20`], /书记项目/, { what: 'one project per secretary per year' });
  for (const p of projects) await d.run(`${y}-03-10`, ['advance', p.id, '--note', '形成立项书，报送审核']);
  for (const p of projects) await d.run(`${y}-03-28`, ['advance', p.id, '--to', 'approved', '--note', p.upper ? '报省委教育工委' : '经学校党委审核确定为二级党组织“书记项目”']);
  for (const p of projects) await d.run(`${y}-04-05`, ['advance', p.id, '--note', '制定实施方案，列出时间表和路线图']);
  const byKey = (id) => projects.find((p) => p.id === id);
  const [pa, pb, pc, pd] = ['p-2017-wx-mingshi', 'p-2017-wx-shixun', 'p-2017-wx-zhuanye', 'p-2017-wx-zoufang'].map(byKey);
  await d.refuse(`${y}-11-30`, ['recheck', '--sample', '3', '--seed', 'wxit-2017'], /自查考评/, { what: 're-check before self-checks' });
  await d.refuse(`${y}-12-02`, ['advance', pa.id], /结项书/, { what: 'has-closure' });
  await d.refuse(`${y}-12-02`, ['accept', pa.id, '--result', 'pass'], /验收在/, { what: 'acceptance before the self-check' });
  for (const p of projects) {
    await d.run(`${y}-12-08`, ['close', p.id, '--results', '对照立项目标逐项自查，主要目标全部达到', '--self-assessment', '完成情况良好', '--summary', `${p.title}总结报告：项目按时间表推进，形成了一批务实成果和管用经验。`]);
  }
  await d.run(`${y}-12-12`, ['recheck', '--sample', '3', '--seed', 'wxit-2017']);
  await d.run(`${y}-12-12`, ['recheck', '--verify']);
  await d.refuse(`${y}-12-12`, ['recheck', '--sample', '3'], /已抽查复核/, { what: 're-check drawn twice' });
  // 工作不力、进展缓慢的项目，督促按期完成
  await d.run(`${y}-12-15`, ['accept', pd.id, '--result', 'rework', '--opinion', '销号台账不完整，部分问题未回访', '--method', '查阅资料', '--method', '调查走访']);
  await d.refuse(`${y}-12-15`, ['advance', pd.id, '--to', 'rework'], /督促措施/, { what: 'has-intervention' });
  await d.run(`${y}-12-15`, ['intervene', pd.id, '--type', '约谈', '--who', '学校党委组织部', '--note', '督促 12 月 25 日前完成剩余问题销号和回访']);
  await d.run(`${y}-12-15`, ['advance', pd.id, '--to', 'rework']);
  await d.run(`${y}-12-18`, ['advance', pd.id, '--to', 'implementing']);
  await d.run(`${y}-12-26`, ['close', pd.id, '--results', '73 条问题全部销号，回访满意率 93%', '--summary', '整改后总结报告：问题清单全部销号。']);
  await d.run(`${y}-12-27`, ['accept', pd.id, '--result', 'pass', '--opinion', '整改到位', '--method', '查阅资料', '--method', '调查走访']);
  for (const p of projects.filter((x) => x !== pd)) await d.run(`${y}-12-20`, ['accept', p.id, '--result', 'pass', '--opinion', '达到立项时确定的目标，同意验收', '--method', '查阅资料', '--method', '听取汇报', '--method', '调查走访']);
  for (const p of projects) await d.run(`${y}-12-27`, ['advance', p.id, '--to', 'accepted']);
  await d.refuse(`${y}-12-28`, ['select', '--pick', pa.id], /--meeting|--document/, { code: 2, what: 'a decision without its basis' });
  await d.refuse(`${y}-12-28`, ['select', '--pick', pa.id, '--pick', pb.id, '--meeting', '学校党委会'], /至少需要 3 个/, { what: 'model projects: at least 3' });
  await d.run(`${y}-12-28`, ['select', '--pick', [pa.id, pb.id, pc.id, ...(QUICK ? [] : ['p-2017-wx-yinqing'])].join(','), '--meeting', `${y}年12月28日学校党委会`, '--document', `院党〔${y}〕30号`]);
  for (const p of projects) await d.run(`${y + 1}-01-16`, ['advance', p.id, '--note', '参加党建“书记项目”成果展评']);
}

// ------------------------------------------------------------------------------------------------------------
// 004 根河市直机关 党建品牌三年规划 2020–2022
// ------------------------------------------------------------------------------------------------------------
async function genhe(d) {
  await d.run('2020-01-06', ['new-org', '--id', 'org-gh-gw', '--name', '中共根河市直属机关工作委员会', '--short-name', '市直属机关工委', '--type', '机关工委', '--external']);
  const orgs = pick([
    { q: true, id: 'org-gh-lc', name: '中共根河市林业和草原局支部委员会', short: '市林草局党支部', unit: '市林业和草原局' },
    { q: true, id: 'org-gh-sw', name: '中共国家税务总局根河市税务局委员会', short: '市税务局党委', unit: '市税务局', type: '党委' },
    { q: true, id: 'org-gh-mz', name: '中共根河市民政局支部委员会', short: '市民政局党支部', unit: '市民政局' },
    { id: 'org-gh-wj', name: '中共根河市卫生健康委员会支部委员会', short: '市卫健委党支部', unit: '市卫生健康委员会' },
    { id: 'org-gh-jy', name: '中共根河市教育局委员会', short: '市教育局党委', unit: '市教育局', type: '党委' },
    { id: 'org-gh-sc', name: '中共根河市市场监督管理局支部委员会', short: '市市场监管局党支部', unit: '市市场监督管理局' },
  ]);
  // 联系人 of each brand: a member of the organisation, with the post and the phone the 申报表 prints.
  const CONTACTS = { lc: ['白雪', '办公室主任'], sw: ['乌兰', '机关党委专职副书记'], mz: ['孟繁荣', '办公室副主任'], wj: ['赵静', '党建办主任'], jy: ['刘晓梅', '组织人事股股长'], sc: ['高峰', '办公室主任'] };
  for (const o of orgs) {
    await d.run('2020-01-06', ['new-org', '--id', o.id, '--name', o.name, '--short-name', o.short, '--type', o.type ?? '党支部', '--unit', o.unit, '--parent', 'org-gh-gw']);
    const key = o.id.slice('org-gh-'.length);
    await d.run('2020-01-06', ['new-member', '--id', `m-gh-${key}`, '--name', CONTACTS[key][0], '--org', o.id, '--admin-title', CONTACTS[key][1], '--party-title', '党支部委员']);
  }
  const brands = pick([
    { q: true, key: 'lc', org: 'org-gh-lc', name: '林海先锋', concept: '守护大兴安岭林海，党员冲在护林防火第一线', philosophy: '绿水青山就是金山银山', carrier: '党员护林防火突击队、森林草原“网格员”', colors: ['#1b5e20', '#ffd54f', 7], outcome: '精品' },
    { q: true, key: 'sw', org: 'org-gh-sw', name: '冷极税心', concept: '冷极不冷，税心暖企：以党建引领优化税收营商环境', philosophy: '为国聚财，为民收税', carrier: '党员先锋岗、“税企直通车”', colors: ['#0d47a1', '#ffeb3b', 5], outcome: '督导提升' },
    { q: true, key: 'mz', org: 'org-gh-mz', name: '暖心驿站', concept: '服务困难群众', carrier: '社区活动', colors: ['#c62828', '#ffffff', 0], outcome: '重新申报' },
    { key: 'wj', org: 'org-gh-wj', name: '健康守门人', concept: '党员医生守护林区群众健康', philosophy: '病人至上，生命第一', carrier: '党员医疗队下林场、家庭医生签约', colors: ['#00838f', '#fff59d', 3], outcome: '督导提升' },
    { key: 'jy', org: 'org-gh-jy', name: '冷极烛光', concept: '扎根冷极育桃李，党员教师做学生成长引路人', philosophy: '立德树人，为党育人', carrier: '党员教师示范课堂、留守儿童结对', colors: ['#6a1b9a', '#ffcc80', 4], outcome: '精品' },
    { key: 'sc', org: 'org-gh-sc', name: '放心消费在根河', concept: '党员守护舌尖安全和放心消费', philosophy: '监管为民', carrier: '党员执法先锋岗、“放心消费”示范店', colors: ['#e65100', '#fff8e1', 6], outcome: '督导提升' },
  ]);
  // 确定品牌 (phase 1): one brand per organisation
  for (const b of brands) {
    const logo = b.key === 'mz' ? [] : ['--logo', d.write(`logos/${b.key}.svg`, logoSvg(...b.colors))];
    const results = `${b.carrier}常态开展，年内服务群众 ${200 + 37 * b.key.length} 人次，群众满意度明显提升`;
    b.id = (await d.run('2020-03-16', ['brand', 'new', '--org', b.org, '--name', b.name, '--concept', b.concept, ...(b.philosophy ? ['--philosophy', b.philosophy] : []), '--carrier', b.carrier, '--results', results, '--contact', `m-gh-${b.key}`, ...logo, '--json'], { by: '党组织书记' })).brand;
  }
  const [lc, sw, mz] = brands;
  await d.refuse('2020-03-18', ['brand', 'new', '--org', lc.org, '--name', '第二个品牌'], /至多 1 个/, { what: 'one brand per organisation' });
  await d.refuse('2020-06-10', ['advance', mz.id], /品牌标识/, { what: 'has-logo-and-concept' });
  await d.run('2020-06-12', ['brand', 'set', mz.id, '--logo', d.write('logos/mz.svg', logoSvg(...mz.colors))]);
  for (const b of brands) await d.run('2020-06-15', ['advance', b.id, '--note', '填写《市直机关党建品牌申报表》，经机关党委审核后报送']);
  for (const b of brands) await d.run('2020-07-01', ['advance', b.id, '--note', '制定品牌培育方案']);
  await d.refuse('2020-10-01', ['brand', 'goal', lc.id, '--year', '2021', '--goals', '目标'], /已命名的品牌/, { what: 'annual goals before naming' });
  await d.refuse('2020-10-01', ['brand', 'pair', lc.id, '--with', mz.org], /已认定命名/, { what: 'pairing before recognition' });
  // 评选和命名 (year end): 初选 → 征求意见 → 命名文件; the vague brand stays in cultivation
  const firstRound = brands.filter((b) => b !== mz);
  for (const b of firstRound) {
    await d.run('2020-12-04', ['advance', b.id, '--to', 'preselected', '--note', '市直属机关工委集中评审，确定为初选对象']);
    await d.run('2020-12-10', ['advance', b.id, '--note', '在市直机关范围内征求意见']);
    await d.run('2020-12-10', ['brand', 'set', b.id, '--consultation-until', '2020-12-20']);
  }
  await d.refuse('2020-12-22', ['advance', lc.id], /尚未评价/, { what: 'has-rating' });
  for (const b of firstRound) {
    await d.run('2020-12-22', ['rate', b.id, '--opinion', '品牌主题鲜明、载体贴近实际，党员群众满意，同意命名']);
    await d.run('2020-12-25', ['brand', 'set', b.id, '--document', '根直工委发〔2020〕21号']);
    await d.run('2020-12-25', ['advance', b.id, '--to', 'named']);
  }
  await decide(d, '2020-12-28', ['--meeting', '2020年12月28日市直属机关工委会议', '--document', '根直工委发〔2020〕22号']);

  // Phase 2 (2021): goals at the start of the year, outcomes, re-application, pairing
  for (const b of firstRound.filter((x) => x.outcome === '精品')) {
    await d.run('2021-03-20', ['brand', 'goal', b.id, '--year', '2021', '--goals', `深化“${b.name}”品牌内涵，年内开展品牌活动 12 场以上`, '--measures', '增加建设投入，完善品牌创建档案，每季度总结一次']);
  }
  for (const b of brands) await d.run('2021-06-30', ['brand', 'outcome', b.id, b.outcome, '--note', `品牌提升阶段督导：${b.outcome}`]);
  await d.refuse('2021-07-05', ['brand', 'pair', lc.id, '--with', mz.org], /后进党组织/, { what: 'pairing with an organisation not marked lagging' });
  await d.run('2021-07-05', ['brand', 'pair', lc.id, '--with', mz.org, '--mark-lagging', '--note', '帮助指导市民政局党支部重新确定品牌定位']);
  const supervised = firstRound.find((b) => b.outcome === '督导提升');
  if (supervised) await d.refuse('2021-09-01', ['advance', supervised.id, '--to', 'model'], /年度目标/, { what: 'has-annual-goals' });
  await d.run('2021-09-10', ['brand', 'set', mz.id, '--concept', '“北疆暖心”：党员干部当好困难群众和孤寡老人的贴心人，救助帮扶“零距离”', '--carrier', '党员“暖心包联”、冬季取暖困难户走访', '--philosophy', '民政为民，民政爱民']);
  await d.run('2021-09-15', ['advance', mz.id, '--note', '重新申报']);
  await d.run('2021-09-20', ['advance', mz.id]);
  await d.run('2021-12-06', ['advance', mz.id, '--to', 'preselected']);
  await d.run('2021-12-10', ['advance', mz.id]);
  await d.run('2021-12-10', ['brand', 'set', mz.id, '--consultation-until', '2021-12-20']);
  await d.run('2021-12-22', ['rate', mz.id, '--opinion', '重新申报后定位准确，特色鲜明，同意命名']);
  await d.run('2021-12-23', ['brand', 'set', mz.id, '--document', '根直工委发〔2021〕18号']);
  await d.run('2021-12-24', ['advance', mz.id, '--to', 'named']);
  for (const b of firstRound.filter((x) => x.outcome === '精品')) await d.run('2021-12-28', ['advance', b.id, '--to', 'model', '--note', '打造成精品，确定为示范品牌']);

  // Phase 3 (2022): every named brand reports its goals; all reach the model stage
  for (const b of brands) {
    await d.run('2022-03-18', ['brand', 'goal', b.id, '--year', '2022', '--goals', `巩固“${b.name}”创建成果，形成可复制经验`, '--measures', '在办公场所和服务窗口展示品牌名称、内容和标识']);
  }
  for (const b of brands.filter((x) => x.outcome === '督导提升')) await d.run('2022-03-25', ['brand', 'goal', b.id, '--year', '2021', '--goals', '补报：对照督导意见整改提升', '--measures', '跟进督导']);
  for (const b of brands.filter((x) => x.outcome !== '精品')) await d.run('2022-12-20', ['advance', b.id, '--to', 'model', '--note', '完成党建品牌创建工作']);
  const archive = await d.run('2022-12-28', ['brand', 'archive', lc.id, '--json']);
  if (archive.pairings.length !== 1 || archive.annualGoals.length !== 2) throw new StepError('brand archive is incomplete');
}

// ------------------------------------------------------------------------------------------------------------

const EXAMPLES = [
  { name: 'huishan-2020', preset: 'shuangling', year: 2020, title: '惠山区区级机关“双领一创”（示例）', user: '区级机关工委 周晓燕', build: huishan, last: { kind: 'projects', stage: 'showcased' } },
  { name: 'dangjian-plus-2017', preset: 'dangjian-plus', year: 2017, title: 'XX公司“党建+”项目（示例）', user: '公司党群工作部 宋志刚', build: dangjianPlus, last: { kind: 'projects', stage: 'evaluated' } },
  { name: 'jinhua-2017', preset: 'zutuan', year: 2017, title: '金华市直机关党建创新项目组团式领办（示例）', user: '市直机关工委组宣处', build: jinhua, last: { kind: 'projects', stage: 'reviewed' } },
  { name: 'wxit-shuji-2017', preset: 'shuji', year: 2017, title: '无锡职业技术学院基层党建“书记项目”（示例）', user: '党委组织部 陈静', build: wxit, last: { kind: 'projects', stage: 'promoted' } },
  { name: 'genhe-brands-2020', preset: 'brand-plan', year: 2020, title: '根河市直机关党建品牌三年规划（示例）', user: '市直属机关工委 赵丽', build: genhe, last: { kind: 'brands', stage: 'model' } },
];

function copyDir(from, to) {
  if (!fs.existsSync(from)) return;
  fs.cpSync(from, to, { recursive: true });
}

async function buildOne(ex) {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), `djyc-example-${ex.name}-`));
  const repo = path.join(base, 'repo');
  const d = new Driver(ex.name, base, ex.user);
  const started = Date.now();
  await d.run(`${ex.year}-01-02`, ['init', repo, '--programme', ex.preset, '--year', String(ex.year), '--name', ex.title]);
  d.dir = repo;
  if (HOOK) await d.run(`${ex.year}-01-02`, ['hook', 'install', `--${HOOK}`]);
  await ex.build(d);
  const validate = await exec(['validate'], { cwd: repo, env: {} });
  if (validate.code !== 0) throw new StepError(`[${ex.name}] djyc validate failed:\n${validate.stdout}${validate.stderr}`);
  // Everything of the main track reached the last stage (projects dropped before approval excepted).
  const dir = path.join(repo, 'records', ex.last.kind);
  const stages = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => /^stage: (.+)$/m.exec(fs.readFileSync(path.join(dir, f), 'utf8'))?.[1]);
  const reached = stages.filter((s) => s === ex.last.stage).length;
  if (!reached) throw new StepError(`[${ex.name}] nothing reached the last stage ${ex.last.stage}`);
  const target = path.join(OUT, ex.name);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  fs.copyFileSync(path.join(repo, 'djyc.yaml'), path.join(target, 'djyc.yaml'));
  copyDir(path.join(repo, 'records'), path.join(target, 'records'));
  copyDir(path.join(repo, 'attachments'), path.join(target, 'attachments'));
  const commits = Number(gitOut(repo, ['rev-list', '--count', 'HEAD']));
  if (!KEEP) fs.rmSync(base, { recursive: true, force: true });
  return { name: ex.name, steps: d.steps, commits, refusals: d.refusals, warnings: d.warnings, reached: `${reached}/${stages.length} ${ex.last.kind} at ${ex.last.stage}`, seconds: Math.round((Date.now() - started) / 1000), repo: KEEP ? repo : undefined };
}

async function main() {
  if (!process.env.DJYC_BIN && !fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) {
    process.stderr.write('dist/ is missing: build first (npx tsc -p .)\n');
    process.exit(2);
  }
  const unknown = ONLY.filter((n) => !EXAMPLES.some((e) => e.name === n));
  if (unknown.length) {
    process.stderr.write(`unknown example(s): ${unknown.join(', ')} (known: ${EXAMPLES.map((e) => e.name).join(', ')})\n`);
    process.exit(2);
  }
  const todo = EXAMPLES.filter((e) => !ONLY.length || ONLY.includes(e.name));
  const results = [];
  let failed = false;
  const queue = [...todo];
  const worker = async () => {
    for (let ex = queue.shift(); ex; ex = queue.shift()) {
      try {
        const r = await buildOne(ex);
        results.push(r);
        process.stdout.write(`✓ ${r.name}: ${r.steps} CLI steps, ${r.commits} commits, ${r.refusals.length} refusals checked, ${r.warnings} warnings, ${r.reached} (${r.seconds}s)${r.repo ? ` repo kept at ${r.repo}` : ''}\n`);
        if (VERBOSE) process.stdout.write(`  refused: ${r.refusals.join('; ')}\n`);
      } catch (err) {
        failed = true;
        process.stderr.write(`✖ ${ex.name}: ${err instanceof StepError ? err.message : err?.stack ?? err}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, JOBS) }, worker));
  if (!failed) process.stdout.write(`${results.length} example(s) written to ${OUT}\n`);
  process.exit(failed ? 1 : 0);
}

main();
