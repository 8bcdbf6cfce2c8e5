#!/usr/bin/env node
// Second benchmark city, "offices": records shaped like party offices write them by hand, written independently
// of djyc's own serializer and of the first city's regularities (scripts/bench/gen-city.mjs).
//
//   node scripts/bench/gen-offices.mjs <dir> [--scale 1]      (scale 1 ≈ 111,000 files, ≈ 57 MB)
//
// What differs from the first city:
// - a three-level organisation tree under the 机关工委: 党委 → 党总支 → 党支部 (党委 of very different sizes);
// - projects of ≈ 2.5 KB: several paragraphs of prose (reason, goals, content, measures, feasibility) in block
//   scalars (`|`, `|-`, `>-`, `>`, some with a tab pasted before each paragraph) or, in some offices, wrapped by hand
//   without a block indicator (a plain or double-quoted scalar going on over indented lines), a schedule, a project
//   team, attachments, comments;
// - every member who is not exempt holds one task and signs one member commitment (附件3) for it; a few members
//   are exempt (with a recorded reason) or transferred out;
// - quarterly reports (执行书) for every project and every task (2020Q2 and 2020Q3), with prose;
// - closures for part of the projects and tasks, evaluations (acceptance panels of experts, four-level ratings
//   with public polls) for part of those;
// - each 党委's office has its own way of writing: key order, comments, schema line, `---`, sequence indentation,
//   block-scalar style and wrapping, quoting; dates unquoted (YAML 1.2 strings) except in a few offices; some
//   offices save with CRLF line ends, and a few files carry a UTF-8 byte-order mark.
// The repository is made with `djyc init` (the programme file is the shuangling preset as shipped), then every
// record file is written as text here. Deterministic: the same seed gives the same bytes on every machine.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PKG = path.resolve(HERE, '../..');

/** Bump when the output changes: the benchmark caches cities by profile and this version. */
export const GENERATOR_VERSION = 2;
/** The date the city describes (December: projects closing, acceptance under way). */
export const TODAY = '2020-12-20';
const YEAR = 2020;
const PROGRAMME = `shuangling-${YEAR}`;

// sfc32, seeded from a string: a different generator and seed from the first city's mulberry32.
function rng(seedText) {
  let h = 1779033703 ^ seedText.length;
  for (let i = 0; i < seedText.length; i++) {
    h = Math.imul(h ^ seedText.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const next = () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
  let a = next();
  let b = next();
  let c = next();
  let d = next();
  return () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

// ---- word banks ------------------------------------------------------------------------------------------------
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤华荣浦过缪惠尤';
const GIVEN_1 = '建国志明秀红海丽晓文立伟春玉桂小雪嘉子雨欣佳思宇梓浩俊一梦诗亚永振卫兴德学';
const GIVEN_2 = '华平英军强敏静芳娟燕霞杰涛斌磊峰琳婷颖慧娜洁倩怡瑶涵轩宁辉鹏超勇东明亮清';
// 30 units, each with its own 党委: name, short code (ids use it), departments that host 党总支.
const UNITS = [
  ['区教育局', 'jyj', ['基础教育科', '职成教科', '教育督导室', '学前教育科', '体卫艺科', '人事科']],
  ['区卫生健康委', 'wjw', ['医政医管科', '疾控科', '基层卫生科', '妇幼健康科', '综合监督所', '规划信息科']],
  ['区财政局', 'czj', ['预算科', '国库科', '综合科', '行政政法科', '经济建设科']],
  ['区人力资源和社会保障局', 'rsj', ['就业促进科', '劳动关系科', '社会保险科', '人才开发科', '仲裁院']],
  ['区住房和城乡建设局', 'zjj', ['建筑业管理科', '房地产市场科', '城建科', '质量安全站', '物业管理科']],
  ['区交通运输局', 'jtj', ['运输管理科', '公路管理站', '港航科', '执法大队', '工程建设科']],
  ['区农业农村局', 'nyj', ['种植业科', '畜牧兽医科', '农村经营管理科', '农业执法大队', '乡村建设科']],
  ['区商务局', 'swj', ['外贸科', '内贸流通科', '外资科', '电子商务科']],
  ['区文体旅游局', 'wtl', ['文化科', '体育科', '旅游科', '文物科', '图书馆', '文化馆']],
  ['区民政局', 'mzj', ['社会救助科', '养老服务科', '社会组织科', '区划地名科', '婚姻登记处']],
  ['区司法局', 'sfj', ['法治调研科', '社区矫正科', '公共法律服务科', '人民参与科']],
  ['区统计局', 'tjj', ['综合科', '经济统计科', '普查中心']],
  ['区审计局', 'sjj', ['财政审计科', '经济责任审计科', '投资审计中心']],
  ['区市场监督管理局', 'scj', ['登记注册科', '食品安全科', '特种设备科', '价格监督科', '知识产权科', '综合执法大队']],
  ['区应急管理局', 'yjj', ['安全生产综合科', '危化品监管科', '防汛抗旱科', '执法大队']],
  ['区医疗保障局', 'ybj', ['医药价格科', '待遇保障科', '基金监管科']],
  ['区信访局', 'xfj', ['来访接待科', '督查督办科', '网上信访科']],
  ['区档案馆', 'dag', ['接收征集科', '利用服务科', '技术保护科']],
  ['区行政审批局', 'spj', ['投资建设审批科', '社会事务审批科', '市场准入科', '政务服务中心']],
  ['区水利局', 'slj', ['水资源科', '河湖管理科', '工程建设科', '防汛办']],
  ['区公安分局', 'gaj', ['治安大队', '刑警大队', '交警大队', '户政科', '派出所联合', '指挥中心']],
  ['区自然资源和规划分局', 'zrj', ['规划科', '耕地保护科', '不动产登记中心', '执法监察大队']],
  ['区生态环境局', 'hbj', ['大气环境科', '水环境科', '监测站', '执法大队']],
  ['区发展和改革委员会', 'fgw', ['综合规划科', '投资科', '价格科', '能源科']],
  ['区工业和信息化局', 'gxj', ['产业发展科', '技术改造科', '信息化推进科', '中小企业科']],
  ['区科学技术局', 'kjj', ['高新技术科', '科技合作科', '人才科']],
  ['区退役军人事务局', 'tyj', ['优抚科', '就业创业科', '服务中心']],
  ['区城市管理局', 'cgj', ['市容科', '环卫处', '市政养护处', '综合执法大队', '园林科']],
  ['区委党校', 'dx', ['教务处', '科研处', '培训部']],
  ['区人民医院', 'rmyy', ['内科', '外科', '护理部', '医技科室', '行政后勤', '门急诊']],
];
// Members per 党委 (sum ≈ 19,000 at scale 1): very different sizes, as in a real district.
const UNIT_MEMBERS = [1560, 1420, 450, 600, 740, 650, 770, 320, 580, 510, 370, 150, 170, 1050, 410, 220, 160, 140, 500, 350, 1590, 600, 450, 420, 440, 250, 190, 810, 280, 1650];
const ADMIN = ['科员', '一级科员', '二级主任科员', '四级主任科员', '科长', '副科长', '副主任', '主任', '四级调研员', '办事员', '专技人员', '副局长', '副队长', '中队长', '主治医师', '主管护师', '讲师', '馆员'];
const PARTY = ['党员', '党员', '党员', '党员', '党员', '组织委员', '宣传委员', '纪检委员', '青年委员', '党小组长'];
const CATEGORIES = ['服务“四个区”打造', '服务高质量发展任务', '呼应群众普遍期待', '突出典型示范'];
const SOURCES = ['上级提议', '自行申报', '自行申报', '社会征集'];
const OPEN = ['围绕', '聚焦', '针对', '立足', '紧扣', '对标', '结合', '着眼'];
const THEMES = ['群众反映强烈的急难愁盼问题', '优化营商环境', '基层社会治理', '“放管服”改革', '乡村振兴战略', '安全生产专项整治三年行动', '全国文明城市创建', '清廉机关建设', '数字政府建设', '“我为群众办实事”实践活动', '疫情防控常态化', '老旧小区改造', '垃圾分类', '政务服务“一网通办”', '企业复工复产', '民生实事项目', '长三角一体化发展', '太湖治理', '困难群体帮扶', '青少年思想教育', '退役军人服务保障', '食品药品安全', '法治政府建设', '信访积案化解', '城乡环境整治'];
const ACTIONS = ['建立', '完善', '推行', '开展', '组建', '打造', '梳理', '编制', '落实', '深化', '拓展', '探索', '健全', '优化', '实施'];
const OBJECTS = ['党员先锋岗', '“一站式”服务窗口', '问题清单、任务清单、责任清单', '结对帮扶机制', '党员志愿服务队', '线上服务平台', '工作台账', '“红色网格”', '服务专员制度', '季度督查通报制度', '“党建+业务”融合机制', '首问负责制', '容缺受理机制', '“帮办代办”服务', '联席会议制度', '企业服务专班', '便民服务点', '政策宣讲团', '“三张清单”', '示范点位', '群众评议制度', '“周例会、月通报”制度', '党员积分管理办法', '“书记领衔”攻坚小组'];
const MEASURES = ['每月开展{n}次集中行动', '每季度召开{n}次推进会', '覆盖{n}个社区（村）', '服务群众{n}人次', '解决实际问题{n}个', '走访企业{n}家', '培训业务骨干{n}名', '印发宣传资料{n}份', '组织党员{n}人次参与', '建成示范点{n}个', '办结群众诉求{n}件', '开展专题调研{n}次'];
const RESULTS = ['群众满意率达到{p}%以上', '办理时限平均压缩{p}%', '问题整改完成率{p}%', '重复信访率下降{p}%', '一次办成率提高到{p}%', '网上办理率达到{p}%', '投诉量同比下降{p}%'];
const LINKS = ['，', '，', '；', '，同时', '，并'];
const PROBLEMS = ['部分党员参与积极性不高，存在“等靠要”思想', '跨部门协调难度较大，推进进度不平衡', '宣传发动不够充分，群众知晓率有待提高', '基础数据不够完整，台账更新不及时', '个别任务受疫情影响有所滞后', '经费保障不足，部分措施落实受限', '考核评价办法尚不完善', '与业务工作结合还不够紧密'];
const NEXT = ['对照年度目标查漏补缺，确保按期完成', '加强与相关单位的沟通协调，形成工作合力', '及时总结经验做法，做好结项准备', '加大宣传力度，提高群众知晓率和参与度', '完善工作台账，做好过程资料归档', '开展一次群众满意度回访', '组织党员开展“回头看”'];
const ROLES = ['组长', '副组长', '成员', '成员', '成员', '联络员', '资料员'];
const EXPERT_TITLES = ['副教授', '教授', '研究员', '副研究员', '高级经济师', '高级政工师', '主任科员', '调研员'];
const EXPERT_UNITS = ['区委党校', '区委组织部', '区纪委监委', '市委党校', '江南大学', '区委宣传部', '区委政研室', '区委督查室'];
const OPINIONS = ['项目目标基本实现，资料完整，同意通过验收', '项目实施规范，成效明显，群众认可度高，同意通过验收', '工作扎实，特色鲜明，可作为示范项目推广，同意通过验收'];
const METHODS = ['查阅资料', '听取汇报', '调查走访', '四不两直现场印证'];
const LEVELS = ['好', '较好', '一般', '较差'];

// ---- text ------------------------------------------------------------------------------------------------------
const pick = (r, list) => list[Math.floor(r() * list.length)];
const int = (r, lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
const chance = (r, p) => r() < p;
const fill = (r, s) => s.replace('{n}', () => String(int(r, 2, 60))).replace('{p}', () => String(int(r, 15, 98)));

function clause(r) {
  switch (int(r, 0, 3)) {
    case 0: return `${pick(r, OPEN)}${pick(r, THEMES)}，${pick(r, ACTIONS)}${pick(r, OBJECTS)}`;
    case 1: return `${pick(r, ACTIONS)}${pick(r, OBJECTS)}${pick(r, LINKS)}${fill(r, pick(r, MEASURES))}`;
    case 2: return `${fill(r, pick(r, MEASURES))}，${fill(r, pick(r, RESULTS))}`;
    default: return `${pick(r, ACTIONS)}${pick(r, OBJECTS)}和${pick(r, OBJECTS)}，推动${pick(r, THEMES)}落地见效`;
  }
}
function sentence(r, min = 1, max = 2) {
  const parts = Array.from({ length: int(r, min, max) }, () => clause(r));
  return `${parts.join('；')}。`;
}
const ORDINALS = ['一', '二', '三', '四', '五', '六'];
/** Paragraphs as offices number them: 一是……；二是……。 */
function numbered(r, n) {
  return Array.from({ length: n }, (_, i) => `${ORDINALS[i]}是${sentence(r, 1, 2).slice(0, -1)}${i === n - 1 ? '。' : '；'}`);
}

// ---- YAML text, written by hand --------------------------------------------------------------------------------
const DATE = /^\d{4}-\d{2}-\d{2}$/;
// What a YAML 1.2 core parser or js-yaml 3 (ints with `_`, 0x/0o/0b, base 60) could read as a number.
const NUMBERISH = /^[-+]?(?:[0-9._:]+(?:[eE][-+]?[0-9]+)?|0[xXoObB][0-9a-fA-F_]+|\.(?:inf|Inf|INF|nan|NaN|NAN))$/;
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`\s]/;
function plainOk(s) {
  if (s === '' || s !== s.trim() || INDICATOR.test(s) || /: |:$| #|[\n\r\t]/.test(s)) return false;
  if (/^(?:null|Null|NULL|~|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|no|No|on|On|off|Off)$/.test(s)) return false;
  return !NUMBERISH.test(s); // dates (YYYY-MM-DD), 2020-0001, 2020Q3: strings in YAML 1.2 core and in js-yaml's CORE_SCHEMA
}
const dq = (s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const sq = (s) => `'${s.replace(/'/g, "''")}'`;

/** One office's habits (a 党委 and everything under it is typed by the same clerks). */
function officeStyle(r, i) {
  return {
    crlf: i % 10 === 3 || i % 10 === 7 ? 0.85 : 0.01, // share of files saved with CRLF
    bom: i === 11 ? 0.4 : 0.002,
    schemaLine: chance(r, 0.5),
    docStart: chance(r, 0.2),
    seqIndent: chance(r, 0.5) ? 2 : 0,
    quoteDates: i === 5 || i === 19, // a few offices quote dates
    quoteText: pick(r, ['plain', 'plain', 'plain', 'double', 'single']),
    block: pick(r, ['|', '|-', '>-', '>', '|']),
    wrap: int(r, 24, 48),
    order: int(r, 0, 2),
    headerComment: chance(r, 0.6),
    inlineComments: chance(r, 0.5),
    flowSeq: chance(r, 0.3),
    // Prose wrapped by hand without a block indicator (YAML folds it: a space between lines), and paragraphs pasted
    // from a word processor with a tab in front (kept by literal blocks).
    wrapped: pick(r, [null, null, null, 'plain', 'double']),
    tabs: chance(r, 0.2),
  };
}

class Doc {
  constructor(style, r) {
    this.s = style;
    this.r = r;
    this.lines = [];
  }
  pad(n) {
    return ' '.repeat(n);
  }
  comment(text, indent = 0) {
    this.lines.push(`${this.pad(indent)}# ${text}`);
  }
  blank() {
    this.lines.push('');
  }
  scalar(v, { date = false } = {}) {
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (date) return this.s.quoteDates ? dq(v) : v;
    const q = this.s.quoteText;
    if (q === 'double' && /[\u4e00-\u9fff]/.test(v) && !DATE.test(v)) return dq(v);
    if (q === 'single' && /[\u4e00-\u9fff]/.test(v) && !DATE.test(v)) return sq(v);
    return plainOk(v) ? v : dq(v);
  }
  /** `key: value`, with an occasional trailing comment. */
  kv(key, v, indent = 0, { date = false, comment } = {}) {
    if (v === undefined || v === null) return;
    let line = `${this.pad(indent)}${key}: ${this.scalar(v, { date })}`;
    if (comment && this.s.inlineComments) line += `  # ${comment}`;
    this.lines.push(line);
  }
  date(key, v, indent = 0, comment) {
    this.kv(key, v, indent, { date: true, comment });
  }
  /** Free text: one line when short, else a block scalar in the office's style, wrapped the office's way. */
  text(key, paragraphs, indent = 0, { forceBlock = false } = {}) {
    const paras = Array.isArray(paragraphs) ? paragraphs : [paragraphs];
    const joined = paras.join('');
    if (!forceBlock && paras.length === 1 && [...joined].length <= 60) return this.kv(key, joined, indent);
    const style = this.s.block;
    const inner = this.pad(indent + 2);
    if (this.s.wrapped && this.wrappedText(key, paras, indent)) return;
    this.lines.push(`${this.pad(indent)}${key}: ${style}`);
    if (style.startsWith('|')) {
      // Literal: one line per paragraph, as typed (a tab in front when pasted from a word processor).
      for (const p of paras) this.lines.push(`${inner}${this.s.tabs ? '\t' : ''}${p}`);
    } else {
      // Folded: hard-wrapped lines (folded into spaces by YAML), a blank line between paragraphs.
      paras.forEach((p, i) => {
        if (i > 0) this.lines.push('');
        const chars = [...p];
        for (let k = 0; k < chars.length; k += this.s.wrap) this.lines.push(`${inner}${chars.slice(k, k + this.s.wrap).join('')}`);
      });
    }
  }
  /**
   * Free text wrapped by hand without a block indicator: `key: first part` and the rest on more indented lines, a
   * blank line between paragraphs, plain or in double quotes. False (nothing written) when a plain line would read
   * as something else (an indicator first, `: ` or ` #` in it).
   */
  wrappedText(key, paras, indent) {
    const chunks = paras.map((p) => {
      const chars = [...p];
      const out = [];
      for (let k = 0; k < chars.length; k += this.s.wrap) out.push(chars.slice(k, k + this.s.wrap).join('').trim());
      return out.filter(Boolean);
    });
    const all = chunks.flat();
    const inner = this.pad(indent + 2);
    if (this.s.wrapped === 'plain') {
      if (!plainOk(all[0]) || all.some((c) => INDICATOR.test(c) || /: |:$| #|[\t]/.test(c))) return false;
      const lines = [];
      chunks.forEach((cs, i) => {
        if (i > 0) lines.push('');
        for (const c of cs) lines.push(lines.length ? `${inner}${c}` : `${this.pad(indent)}${key}: ${c}`);
      });
      this.lines.push(...lines);
      return true;
    }
    const esc = (c) => c.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    const lines = [];
    chunks.forEach((cs, i) => {
      if (i > 0) lines.push('');
      for (const c of cs) lines.push(lines.length ? `${inner}${esc(c)}` : `${this.pad(indent)}${key}: "${esc(c)}`);
    });
    lines[lines.length - 1] += '"';
    this.lines.push(...lines);
    return true;
  }
  /** A block sequence of scalars, or a flow one `[a, b]` in offices that like those. */
  list(key, items, indent = 0) {
    if (this.s.flowSeq && items.every((x) => typeof x === 'string' && plainOk(x) && !/[,[\]{}]/.test(x))) {
      this.lines.push(`${this.pad(indent)}${key}: [${items.join(', ')}]`);
      return;
    }
    this.lines.push(`${this.pad(indent)}${key}:`);
    for (const x of items) this.lines.push(`${this.pad(indent + this.s.seqIndent)}- ${this.scalar(x)}`);
  }
  /** A block sequence of mappings; `write(doc, item, indent)` writes each item's keys at `indent`. */
  maps(key, items, indent, write) {
    this.lines.push(`${this.pad(indent)}${key}:`);
    const dash = indent + this.s.seqIndent;
    for (const item of items) {
      const start = this.lines.length;
      write(this, item, dash + 2);
      // The first key goes on the dash line.
      this.lines[start] = `${this.pad(dash)}- ${this.lines[start].slice(dash + 2)}`;
    }
  }
  toString(kind) {
    const head = [];
    if (this.s.schemaLine) head.push(`# yaml-language-server: $schema=../../schemas/${kind}.schema.json`);
    if (this.s.docStart) head.push('---');
    const eol = this.r() < this.s.crlf ? '\r\n' : '\n';
    const bom = this.r() < this.s.bom ? '\ufeff' : '';
    return { text: bom + [...head, ...this.lines].join(eol) + eol, crlf: eol === '\r\n', bom: !!bom };
  }
}

// ---- dates -----------------------------------------------------------------------------------------------------
const pad2 = (n) => String(n).padStart(2, '0');
/** A date in [from, to] (inclusive; YYYY-MM-DD), skipping no days. */
function dateIn(r, from, to) {
  const a = Date.UTC(+from.slice(0, 4), +from.slice(5, 7) - 1, +from.slice(8, 10));
  const b = Date.UTC(+to.slice(0, 4), +to.slice(5, 7) - 1, +to.slice(8, 10));
  const d = new Date(a + Math.floor(r() * ((b - a) / 86400000 + 1)) * 86400000);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}
const later = (a, b) => (a > b ? a : b);

// ---- the city --------------------------------------------------------------------------------------------------
/**
 * Writes the city into `dir` (made with `djyc init`), commits it, and returns counts and what the benchmark
 * needs (an organisation for a batch of forms, records for one form and for a pull request).
 */
export async function generateOffices(dir, { scale = 1, log = () => {} } = {}) {
  const r = rng(`djyc-offices-${GENERATOR_VERSION}`);
  const n = (x) => Math.max(1, Math.round(x * scale));
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  execFileSync(process.execPath, [path.join(PKG, 'bin', 'djyc'), 'init', '--programme', 'shuangling', '--year', String(YEAR), '--name', '某区机关党建“双领一创”台账（基准测试：各单位手写）', dir], {
    stdio: 'ignore',
    env: { ...process.env, ...GIT_ENV },
  });
  configureRepo(dir);

  const files = [];
  const stats = { bytes: 0, crlf: 0, bom: 0, blockScalars: 0, comments: 0, wrapped: 0, tabs: 0 };
  const kindBytes = {};
  const write = (kind, id, doc) => {
    const { text, crlf, bom } = doc.toString(kind);
    const rel = `records/${KIND_DIRS[kind]}/${id}.yaml`;
    fs.writeFileSync(path.join(dir, rel), text);
    files.push(rel);
    const bytes = Buffer.byteLength(text);
    stats.bytes += bytes;
    kindBytes[kind] = (kindBytes[kind] ?? 0) + bytes;
    if (crlf) stats.crlf++;
    if (bom) stats.bom++;
    for (const l of doc.lines) {
      if (/: [|>][-+]?$/.test(l)) stats.blockScalars++;
      if (/^\s*# |  # /.test(l)) stats.comments++;
      if (/^ +\t/.test(l)) stats.tabs++;
    }
    for (let k = 1; k < doc.lines.length; k++) {
      // A wrapped value: a key's line whose value goes on over the next, more indented line (no block indicator).
      const m = /^( *)[a-z_]+: [^|>\s]/.exec(doc.lines[k - 1]);
      if (m && doc.lines[k].startsWith(`${m[1]}  `) && !/^ *(?:- |[a-z_]+:)/.test(doc.lines[k])) stats.wrapped++;
    }
  };
  const name = () => `${pick(r, SURNAMES)}${pick(r, GIVEN_1)}${chance(r, 0.7) ? pick(r, GIVEN_2) : ''}`;

  // Organisations ------------------------------------------------------------------------------------------------
  const top = { id: 'org-qjgw', name: '中共某区区级机关工作委员会', short_name: '区级机关工委', type: '机关工委', unit: '区级机关', external: true };
  const orgs = [top];
  const offices = UNITS.map(([unit, code, depts], i) => {
    const style = officeStyle(r, i);
    const dw = { id: `org-${code}-dw`, name: `中共某区${unit}委员会`, short_name: `${unit}党委`, type: '党委', unit, parent: top.id, office: i, level: 1 };
    orgs.push(dw);
    return { unit, code, depts, style, dw, members: n(UNIT_MEMBERS[i]), index: i };
  });
  // 党总支 per department, 党支部 under each; small units' branches sit straight under the 党委.
  const branches = [];
  for (const o of offices) {
    const perBranch = int(r, 9, 16);
    const nBranches = Math.max(1, Math.round(o.members / perBranch));
    const useZzb = o.members >= 250;
    const zzbs = useZzb ? o.depts.map((d, k) => ({ id: `org-${o.code}-zzb${k + 1}`, name: `中共某区${o.unit}${d}总支部委员会`, short_name: `${d}党总支`, type: '党总支', unit: o.unit, parent: o.dw.id, office: o.index, level: 2 })) : [];
    orgs.push(...zzbs);
    o.zzbs = zzbs;
    o.branches = [];
    for (let b = 0; b < nBranches; b++) {
      const parent = useZzb ? zzbs[b % zzbs.length] : o.dw;
      const seq = useZzb ? Math.floor(b / zzbs.length) + 1 : b + 1;
      const dept = useZzb ? o.depts[b % zzbs.length] : '机关';
      const id = useZzb ? `${parent.id}-zb${seq}` : `org-${o.code}-zb${seq}`;
      const br = { id, name: `中共某区${o.unit}${dept}第${ORDINALS[(seq - 1) % 6]}${seq > 6 ? `（${seq}）` : ''}支部委员会`, short_name: `${dept}第${seq}支部`, type: '党支部', unit: o.unit, parent: parent.id, office: o.index, level: 3 };
      if (chance(r, 0.03)) br.lagging = true;
      orgs.push(br);
      o.branches.push(br);
      branches.push(br);
    }
  }
  const orgById = new Map(orgs.map((o) => [o.id, o]));

  // Members: in branches (党委 and 党总支 officers are members of a branch too) ----------------------------------------
  const members = [];
  const membersOf = new Map(orgs.map((o) => [o.id, []]));
  for (const o of offices) {
    for (let k = 0; k < o.members; k++) {
      const br = o.branches[k % o.branches.length];
      const m = { id: `m-${o.code}-${String(k + 1).padStart(5, '0')}`, name: name(), organisation: br.id, office: o.index };
      const first = membersOf.get(br.id).length === 0;
      m.admin_title = pick(r, ADMIN);
      m.party_title = first ? '支部书记' : pick(r, PARTY);
      const pr = r();
      m.phone = pr < 0.85 ? `1${pick(r, ['33', '35', '36', '38', '39', '50', '51', '52', '58', '59', '77', '80', '81', '86', '87', '88', '89'])}${String(int(r, 0, 99999999)).padStart(8, '0')}` : pr < 0.95 ? `0510-8${String(int(r, 0, 9999999)).padStart(7, '0')}` : undefined;
      const x = r();
      if (x < 0.012) m.exempt = pick(r, ['长期病休', '援疆挂职', '借调市级机关', '产假', '参加脱产学习']);
      else if (x < 0.018) m.active = false;
      members.push(m);
      membersOf.get(br.id).push(m);
    }
  }
  for (const o of orgs) {
    if (o === top) continue;
    // A branch's secretary is its first member; a 党总支's or 党委's is the first member of its first branch.
    let list = membersOf.get(o.id);
    if (!list.length) {
      const under = branches.filter((b) => b.parent === o.id || orgById.get(b.parent)?.parent === o.id);
      list = membersOf.get(under[0]?.id) ?? [];
    }
    const active = list.filter((m) => m.active !== false && !m.exempt);
    if (active.length) {
      // Different people lead the branch, its 党总支 and its 党委.
      o.secretary = active[(3 - o.level) % active.length].id;
      o.contact = active[(4 - o.level + int(r, 0, 2)) % active.length].id;
    }
  }

  // Experts ---------------------------------------------------------------------------------------------------------
  const experts = Array.from({ length: Math.max(6, n(80)) }, (_, i) => ({
    id: `exp-${String(i + 1).padStart(3, '0')}`,
    name: name(),
    categories: CATEGORIES.filter(() => chance(r, 0.55)).concat(CATEGORIES[i % 4]).filter((c, k, a) => a.indexOf(c) === k),
    unit: pick(r, EXPERT_UNITS),
    title: pick(r, EXPERT_TITLES),
  }));
  const expertLoad = new Map(experts.map((e) => [e.id, 0]));

  // Projects --------------------------------------------------------------------------------------------------------
  const projects = [];
  const projectsOf = new Map(orgs.map((o) => [o.id, []]));
  let seq = 0;
  const addProject = (o, lead) => {
    seq++;
    const staff = (membersOf.get(lead.id).length ? membersOf.get(lead.id) : membersOf.get(o.branches[0].id)).filter((m) => m.active !== false && !m.exempt);
    const leader = orgById.get(lead.id).secretary ?? staff[0]?.id;
    const topic = pick(r, THEMES).replace(/[“”]/g, '');
    const fate = r();
    const stage = fate < 0.27 ? 'accepted' : fate < 0.47 ? 'closing' : 'implementing';
    const start = dateIn(r, `${YEAR}-05-01`, `${YEAR}-05-20`);
    const p = {
      id: `p-${YEAR}-${o.code}-${String(projectsOf.get(o.dw.id).length + 1).padStart(3, '0')}`,
      number: `${YEAR}-${String(seq).padStart(4, '0')}`,
      office: o.index,
      lead: lead.id,
      leader,
      contact: staff[Math.min(staff.length - 1, 1)]?.id ?? leader,
      title: `${lead.short_name}“${topic.slice(0, 8)}”${pick(r, ['先锋行动', '提质工程', '暖心服务', '攻坚行动', '示范项目', '品质提升行动', '红色引擎工程'])}`,
      categories: CATEGORIES.filter(() => chance(r, 0.3)),
      source: pick(r, SOURCES),
      reason: [sentence(r, 2, 3), sentence(r, 1, 2)],
      goals: numbered(r, 2),
      content: numbered(r, int(r, 2, 3)),
      measures: numbered(r, int(r, 2, 3)),
      feasibility: chance(r, 0.35) ? [sentence(r, 1, 2)] : undefined,
      start,
      due: dateIn(r, `${YEAR}-10-31`, `${YEAR}-11-30`),
      proposedOn: dateIn(r, `${YEAR}-03-02`, `${YEAR}-03-30`),
      approvedOn: dateIn(r, `${YEAR}-04-01`, `${YEAR}-04-14`),
      claimedOn: dateIn(r, `${YEAR}-04-16`, `${YEAR}-04-29`),
      publishedOn: dateIn(r, `${YEAR}-05-01`, `${YEAR}-05-09`),
      implementingOn: start,
      closingOn: dateIn(r, `${YEAR}-11-01`, `${YEAR}-11-15`),
      acceptedOn: dateIn(r, `${YEAR}-11-20`, `${YEAR}-12-18`),
      stage,
      team: staff.slice(0, int(r, 2, 6)).map((m, k) => ({ member: m.id, role: k === 0 ? '组长' : pick(r, ROLES) })),
      tasks: [],
    };
    if (!p.categories.length) p.categories = [pick(r, CATEGORIES)];
    if (p.implementingOn < p.publishedOn) p.implementingOn = later(p.publishedOn, `${YEAR}-05-11`);
    p.schedule = [
      { from: `${YEAR}-05-01`, to: `${YEAR}-06-30`, work: `动员部署，${pick(r, ACTIONS)}${pick(r, OBJECTS)}` },
      { from: `${YEAR}-07-01`, to: `${YEAR}-09-30`, work: `全面实施，${fill(r, pick(r, MEASURES))}` },
      { from: `${YEAR}-10-01`, to: p.due, work: `总结提升，${fill(r, pick(r, RESULTS))}` },
    ];
    projects.push(p);
    projectsOf.get(lead.id).push(p);
    if (lead.id !== o.dw.id) projectsOf.get(o.dw.id).push(p);
    return p;
  };
  for (const o of offices) {
    // Target ≈ 3,000 projects at scale 1: ≈ one per 6 members, led mostly by branches.
    const count = Math.max(1, Math.round(o.members / 5.9));
    const leads = [o.dw, o.dw, ...o.zzbs, ...o.branches];
    for (let k = 0; k < count; k++) addProject(o, k < leads.length ? leads[k] : pick(r, o.branches));
  }
  // Projects by the organisation that leads them (every branch leads at least one).
  const projectsLedBy = new Map();
  for (const p of projects) (projectsLedBy.get(p.lead) ?? projectsLedBy.set(p.lead, []).get(p.lead)).push(p);

  // Tasks: one per member (not exempt, still registered), in a project of their branch, 党总支 or 党委 --------------
  const tasks = [];
  for (const m of members) {
    if (m.exempt || m.active === false) continue;
    const br = orgById.get(m.organisation);
    const chain = [br, orgById.get(br.parent), orgById.get(orgById.get(br.parent)?.parent)].filter(Boolean);
    let pool = [];
    // Most members take a task in their branch's project, some in their 党总支's or 党委's.
    for (const o of chance(r, 0.15) ? chain.slice(1) : chain) if ((pool = projectsLedBy.get(o.id) ?? []).length) break;
    if (!pool.length) pool = projectsOf.get(offices[m.office].dw.id);
    const p = pool[Math.floor(r() * pool.length)];
    const fate = r();
    // Tasks follow their project: only tasks of closing/accepted projects close; of those, part are rated.
    const closing = p.stage !== 'implementing' ? fate < 0.62 : fate < 0.12;
    const rated = closing && p.stage !== 'implementing' && chance(r, 0.55);
    const t = {
      id: `t-${YEAR}-${m.id.slice(2)}`,
      member: m,
      project: p,
      content: chance(r, 0.4) ? [sentence(r, 2, 3)] : [`${pick(r, ACTIONS)}${pick(r, OBJECTS)}，${fill(r, pick(r, MEASURES))}，${fill(r, pick(r, RESULTS))}`],
      due: dateIn(r, `${YEAR}-10-20`, p.due),
      claimedOn: dateIn(r, later(p.claimedOn, `${YEAR}-04-20`), `${YEAR}-04-30`),
      implementingOn: later(p.implementingOn, dateIn(r, `${YEAR}-05-06`, `${YEAR}-05-15`)),
      closingOn: dateIn(r, `${YEAR}-11-01`, `${YEAR}-11-15`),
      ratedOn: dateIn(r, `${YEAR}-11-25`, `${YEAR}-12-18`),
      stage: rated ? 'rated' : closing ? 'closing' : 'implementing',
    };
    tasks.push(t);
    p.tasks.push(t);
  }

  // Counts for the benchmark's batch of forms: the forms each 党委 would print (djyc render --org).
  const formsOf = new Map(offices.map((o) => [o.dw.id, 0]));

  log(`writing ${orgs.length + members.length + experts.length + projects.length * 6 + tasks.length * 4} records or so…`);
  // ---- writing --------------------------------------------------------------------------------------------------
  const styleOf = (office) => offices[office]?.style ?? offices[0].style;
  const header = (doc, text) => {
    if (doc.s.headerComment) doc.comment(text);
  };

  // Organisations
  for (const o of orgs) {
    const doc = new Doc(styleOf(o.office ?? 0), r);
    header(doc, `${o.short_name}（${o.type}）`);
    doc.kv('id', o.id);
    doc.kv('name', o.name);
    doc.kv('short_name', o.short_name);
    doc.kv('type', o.type);
    doc.kv('unit', o.unit);
    doc.kv('parent', o.parent, 0, { comment: o.parent ? orgById.get(o.parent).short_name : undefined });
    doc.kv('secretary', o.secretary, 0, { comment: '书记' });
    doc.kv('contact', o.contact);
    if (o.external) doc.kv('external', true);
    if (o.lagging) doc.kv('lagging', true, 0, { comment: '后进党组织，结对共建' });
    if (o.level === 1) doc.text('notes', `${o.unit}机关党委，下设${offices[o.office].zzbs.length ? `${offices[o.office].zzbs.length}个党总支、` : ''}${offices[o.office].branches.length}个党支部。`);
    write('organisation', o.id, doc);
  }
  // Members
  for (const m of members) {
    const doc = new Doc(styleOf(m.office), r);
    const order = doc.s.order;
    doc.kv('id', m.id);
    if (order === 1) doc.kv('organisation', m.organisation);
    doc.kv('name', m.name);
    if (order !== 1) doc.kv('organisation', m.organisation);
    doc.kv('admin_title', m.admin_title);
    doc.kv('party_title', m.party_title);
    if (m.phone) doc.lines.push(`phone: ${chance(r, 0.7) ? dq(m.phone) : sq(m.phone)}`);
    if (m.active === false) doc.kv('active', false, 0, { comment: '已转出' });
    if (m.exempt) {
      doc.maps('exemptions', [{ programme: PROGRAMME, reason: m.exempt, approved_by: `${offices[m.office].unit}党委` }], 0, (d, e, ind) => {
        d.kv('programme', e.programme, ind);
        d.kv('reason', e.reason, ind);
        d.kv('approved_by', e.approved_by, ind);
      });
    }
    write('member', m.id, doc);
  }
  // Experts
  for (const e of experts) {
    const doc = new Doc(offices[0].style, r);
    doc.kv('id', e.id);
    doc.kv('name', e.name);
    doc.list('categories', e.categories);
    doc.kv('unit', e.unit);
    doc.kv('title', e.title);
    write('expert', e.id, doc);
  }

  const history = (doc, entries, ind = 0) => {
    doc.maps('history', entries, ind, (d, h, i) => {
      d.kv('stage', h.stage, i);
      if (h.from) d.kv('from', h.from, i);
      d.date('date', h.date, i);
      d.kv('by', h.by, i);
      if (h.note) d.kv('note', h.note, i);
    });
  };
  const memberName = new Map(members.map((m) => [m.id, m.name]));

  // Projects, their closures and evaluations, and the organisations' commitments
  const closures = [];
  const evaluations = [];
  for (const p of projects) {
    const o = offices[p.office];
    const doc = new Doc(o.style, r);
    const leaderName = memberName.get(p.leader) ?? '项目负责人';
    header(doc, `“双领一创”项目 ${p.number}`);
    const idFirst = doc.s.order !== 2;
    if (idFirst) doc.kv('id', p.id);
    doc.kv('title', p.title);
    if (!idFirst) doc.kv('id', p.id);
    doc.kv('programme', PROGRAMME);
    doc.kv('number', p.number, 0, { comment: '立项编号' });
    if (doc.s.order === 1) doc.kv('stage', p.stage, 0, { comment: { implementing: '实施推进', closing: '结项申请', accepted: '验收通过' }[p.stage] });
    doc.list('categories', p.categories);
    doc.kv('source', p.source);
    doc.kv('proposed_by', p.lead);
    doc.kv('lead', p.lead);
    doc.kv('leader', p.leader, 0, { comment: leaderName });
    doc.kv('contact', p.contact);
    doc.maps('team', p.team, 0, (d, t, i) => {
      d.kv('member', t.member, i);
      d.kv('role', t.role, i);
    });
    if (doc.s.headerComment) doc.comment('—— 申报内容 ——');
    doc.text('reason', p.reason, 0, { forceBlock: true });
    if (p.feasibility) doc.text('feasibility', p.feasibility, 0, { forceBlock: true });
    doc.text('goals', p.goals, 0, { forceBlock: true });
    doc.text('content', p.content, 0, { forceBlock: true });
    doc.text('measures', p.measures, 0, { forceBlock: true });
    doc.maps('schedule', p.schedule, 0, (d, s, i) => {
      d.date('from', s.from, i);
      d.date('to', s.to, i);
      d.kv('work', s.work, i);
    });
    doc.date('start', p.start);
    doc.date('due', p.due, 0, '完成时限');
    if (doc.s.headerComment) doc.comment('—— 以下由机关工委填写 ——');
    doc.lines.push('approval:');
    doc.date('date', p.approvedOn, 2);
    doc.kv('by', top.id, 2);
    doc.kv('note', '经区级机关工委审核，予以立项', 2);
    doc.maps('attachments', [{ title: `${p.title.slice(0, 12)}申报依据材料`, path: `attachments/${YEAR}/${p.id}-apply.pdf`, type: '依据性' }], 0, (d, a, i) => {
      d.kv('title', a.title, i);
      d.kv('path', a.path, i);
      d.kv('type', a.type, i);
    });
    if (doc.s.order !== 1) doc.kv('stage', p.stage);
    const h = [
      { stage: 'proposed', date: p.proposedOn, by: leaderName, note: '项目申报' },
      { stage: 'approved', from: 'proposed', date: p.approvedOn, by: '区级机关工委' },
      { stage: 'claimed', from: 'approved', date: p.claimedOn, by: leaderName, note: '签订《党组织领办项目承诺书》' },
      { stage: 'published', from: 'claimed', date: p.publishedOn, by: '区级机关工委', note: '在党务公开栏公示' },
      { stage: 'implementing', from: 'published', date: later(p.implementingOn, p.publishedOn), by: leaderName },
    ];
    if (p.stage !== 'implementing') h.push({ stage: 'closing', from: 'implementing', date: p.closingOn, by: leaderName, note: '申请结项' });
    if (p.stage === 'accepted') h.push({ stage: 'accepted', from: 'closing', date: p.acceptedOn, by: '区级机关工委', note: '验收通过' });
    history(doc, h);
    write('project', p.id, doc);
    formsOf.set(o.dw.id, formsOf.get(o.dw.id) + 1 + (p.stage !== 'implementing' ? 1 : 0));

    if (p.stage !== 'implementing') {
      closures.push({ subject: p, id: `cl-${p.id}`, office: p.office, kind: 'project', on: p.closingOn });
      if (p.stage === 'accepted') evaluations.push({ subject: p, id: `ev-${p.id}`, office: p.office, kind: 'project', on: p.acceptedOn });
    }
  }
  // Organisation commitments (附件2): one per organisation leading projects.
  const orgCommitments = [];
  for (const [lead, list] of projectsLedBy) {
    const o = orgById.get(lead);
    const office = offices[o.office];
    const doc = new Doc(office.style, r);
    const id = `c-${YEAR}-${lead.slice(4)}`;
    header(doc, `${o.short_name}领办项目承诺书`);
    doc.kv('id', id);
    doc.kv('programme', PROGRAMME);
    doc.kv('type', 'organisation');
    doc.kv('organisation', lead);
    doc.maps('items', list, 0, (d, p, i) => {
      d.kv('project', p.id, i);
      if (chance(r, 0.3)) d.kv('text', p.title, i);
    });
    doc.date('complete_by', list.reduce((a, p) => later(a, p.due), `${YEAR}-01-01`));
    doc.date('signed_on', list[0].claimedOn);
    write('commitment', id, doc);
    orgCommitments.push(id);
    formsOf.set(office.dw.id, formsOf.get(office.dw.id) + 1);
  }

  // Tasks, member commitments (附件3), closures and evaluations of tasks
  let memberCommitments = 0;
  for (const t of tasks) {
    const m = t.member;
    const o = offices[m.office];
    const doc = new Doc(o.style, r);
    if (doc.s.order === 2) doc.kv('project', t.project.id);
    doc.kv('id', t.id);
    doc.kv('programme', PROGRAMME);
    if (doc.s.order !== 2) doc.kv('project', t.project.id);
    doc.list('members', [m.id]);
    doc.text('content', t.content);
    doc.date('due', t.due);
    doc.kv('stage', t.stage);
    const h = [
      { stage: 'claimed', date: t.claimedOn, by: m.name, note: chance(r, 0.3) ? '认领任务' : undefined },
      { stage: 'implementing', from: 'claimed', date: t.implementingOn, by: m.name },
    ];
    if (t.stage !== 'implementing') h.push({ stage: 'closing', from: 'implementing', date: t.closingOn, by: m.name, note: '申请结项' });
    if (t.stage === 'rated') h.push({ stage: 'rated', from: 'closing', date: t.ratedOn, by: `${orgById.get(m.organisation).short_name}支委会` });
    history(doc, h);
    write('task', t.id, doc);
    formsOf.set(o.dw.id, formsOf.get(o.dw.id) + (t.stage !== 'implementing' ? 1 : 0));

    const c = new Doc(o.style, r);
    const cid = `c-${YEAR}-${m.id.slice(2)}`;
    header(c, `党员领办任务承诺书：${m.name}`);
    c.kv('id', cid);
    c.kv('programme', PROGRAMME);
    c.kv('type', 'member');
    c.kv('organisation', m.organisation);
    c.kv('member', m.id, 0, { comment: m.name });
    c.kv('position', `${o.unit}${m.admin_title}`);
    c.maps('items', [t], 0, (d, x, i) => {
      d.kv('task', x.id, i);
      d.text('text', x.content, i);
    });
    c.date('complete_by', t.due);
    c.date('signed_on', t.claimedOn);
    write('commitment', cid, c);
    memberCommitments++;
    formsOf.set(o.dw.id, formsOf.get(o.dw.id) + 1);
    if (t.stage !== 'implementing') {
      closures.push({ subject: t, id: `cl-${t.id}`, office: m.office, kind: 'task', on: t.closingOn });
      if (t.stage === 'rated') evaluations.push({ subject: t, id: `ev-${t.id}`, office: m.office, kind: 'task', on: t.ratedOn });
    }
  }

  // Quarterly reports for every project and task: 2020Q2 (filed early July) and 2020Q3 (early October).
  let reports = 0;
  const subjects = [...projects.map((p) => ({ kind: 'project', x: p, office: p.office, responsible: p.leader })), ...tasks.map((t) => ({ kind: 'task', x: t, office: t.member.office, responsible: t.member.id }))];
  for (const s of subjects) {
    for (const q of [2, 3]) {
      const o = offices[s.office];
      const doc = new Doc(o.style, r);
      const id = `r-${s.x.id.replace(/^[pt]-/, `${s.kind[0]}`)}-q${q}`;
      header(doc, `${s.kind === 'project' ? '党组织领办项目' : '党员领办任务'}执行书 ${YEAR}年第${q === 2 ? '二' : '三'}季度`);
      doc.kv('id', id);
      if (doc.s.order === 0) doc.kv('programme', PROGRAMME);
      doc.kv('subject', s.x.id);
      doc.kv('quarter', `${YEAR}Q${q}`);
      if (doc.s.order !== 0) doc.kv('programme', PROGRAMME);
      const long = s.kind === 'project' || chance(r, 0.5);
      doc.text('progress', long ? [sentence(r, 2, 3), sentence(r, 1, 2)] : [sentence(r, 1, 3)]);
      if (chance(r, 0.7)) doc.text('problems', `${pick(r, PROBLEMS)}。`);
      doc.text('next_steps', chance(r, 0.5) ? `${pick(r, NEXT)}。` : [`${pick(r, NEXT)}；${pick(r, NEXT)}。`]);
      doc.kv('responsible', s.responsible);
      doc.date('submitted_on', dateIn(r, `${YEAR}-${pad2(q * 3 + 1)}-01`, `${YEAR}-${pad2(q * 3 + 1)}-10`));
      write('report', id, doc);
      reports++;
      formsOf.set(o.dw.id, formsOf.get(o.dw.id) + 1);
    }
  }

  // Closures (结项书) and evaluations (验收 / 评议)
  for (const c of closures) {
    const o = offices[c.office];
    const doc = new Doc(o.style, r);
    header(doc, c.kind === 'project' ? '党组织领办项目结项书' : '党员领办任务结项书');
    doc.kv('id', c.id);
    doc.kv('programme', PROGRAMME);
    doc.kv('subject', c.subject.id);
    doc.text('results', c.kind === 'project' ? numbered(r, int(r, 2, 4)) : chance(r, 0.5) ? [sentence(r, 1, 2), sentence(r, 1, 2)] : [sentence(r, 1, 2)], 0, { forceBlock: c.kind === 'project' });
    doc.text('self_assessment', c.kind === 'project' ? [sentence(r, 2, 3)] : [`${pick(r, ['履职尽责，完成质效较好', '按承诺时限完成任务', '任务完成，群众反映良好', '基本完成，仍有提升空间'])}。`]);
    if (c.kind === 'project' && chance(r, 0.4)) doc.text('summary_report', [sentence(r, 2, 3), sentence(r, 2, 3)], 0, { forceBlock: true });
    doc.date('submitted_on', c.on);
    if (c.kind === 'project') {
      doc.maps('attachments', [{ title: '项目实施印证材料', path: `attachments/${YEAR}/${c.subject.id}-closure.pdf`, type: '印证性' }], 0, (d, a, i) => {
        d.kv('title', a.title, i);
        d.kv('path', a.path, i);
        d.kv('type', a.type, i);
      });
    }
    write('closure', c.id, doc);
  }
  for (const e of evaluations) {
    const o = offices[e.office];
    const doc = new Doc(o.style, r);
    doc.kv('id', e.id);
    doc.kv('programme', PROGRAMME);
    doc.kv('subject', e.subject.id);
    if (e.kind === 'project') {
      const p = e.subject;
      const candidates = experts.filter((x) => x.categories.some((c) => p.categories.includes(c))).slice(0, 40);
      const pool = [...candidates].sort((a, b) => expertLoad.get(a.id) - expertLoad.get(b.id) || (r() < 0.5 ? -1 : 1));
      const panel = pool.slice(0, 3);
      const drawnOn = dateIn(r, `${YEAR}-11-16`, later(`${YEAR}-11-16`, p.acceptedOn));
      const withCandidates = chance(r, 0.5);
      doc.lines.push('panel:');
      doc.kv('seed', `${p.id}-panel`, 2);
      doc.date('drawn_on', drawnOn, 2);
      doc.list('experts', panel.map((x) => x.id), 2);
      doc.kv('algorithm', 'djyc-draw-v1', 2);
      if (withCandidates) {
        doc.maps('candidates', candidates.slice(0, 8).sort((a, b) => (a.id < b.id ? -1 : 1)), 2, (d, x, i) => {
          d.kv('expert', x.id, i);
          d.kv('load', expertLoad.get(x.id), i);
        });
      }
      for (const x of panel) expertLoad.set(x.id, expertLoad.get(x.id) + 1);
      doc.lines.push('acceptance:');
      doc.date('date', p.acceptedOn, 2);
      doc.kv('result', 'pass', 2);
      doc.text('opinion', pick(r, OPINIONS), 2);
      doc.list('methods', METHODS.filter((_, k) => k < 2 || chance(r, 0.5)), 2);
    } else {
      const participants = int(r, 12, 60);
      const good = int(r, Math.floor(participants / 2), participants);
      const fair = int(r, 0, participants - good);
      const avg = int(r, 0, participants - good - fair);
      doc.kv('branch_rating', pick(r, ['好', '好', '较好', '较好', '一般']));
      doc.kv('committee_rating', pick(r, ['好', '较好', '较好', '一般']));
      doc.text('committee_opinion', pick(r, ['同意支委会意见', '同意，评为较好', '任务完成较好，同意支委会评议等次']));
      doc.lines.push('poll:');
      doc.kv('participants', participants, 2, { comment: '参与测评人数' });
      doc.lines.push('  votes:');
      [good, fair, avg, participants - good - fair - avg].forEach((v, k) => doc.kv(LEVELS[k], v, 4));
    }
    doc.date('rated_on', e.on);
    write('evaluation', e.id, doc);
  }

  // ---- commit ---------------------------------------------------------------------------------------------------
  log(`committing ${files.length} files…`);
  execFileSync('git', ['add', '--', 'records'], { cwd: dir, env: { ...process.env, ...GIT_ENV }, stdio: 'ignore' });
  execFileSync('git', ['commit', '-q', '-m', 'bench: offices city (hand-written records)'], { cwd: dir, env: { ...process.env, ...GIT_ENV }, stdio: 'ignore' });

  // The 党委 for the batch of forms: the smallest one with at least 1,000 forms.
  const batch = [...formsOf].filter(([, k]) => k >= 1000).sort((a, b) => a[1] - b[1])[0] ?? [...formsOf].sort((a, b) => b[1] - a[1])[0];
  const sampleProject = projects.find((p) => p.stage === 'implementing') ?? projects[0];
  const counts = {
    organisations: orgs.length, members: members.length, experts: experts.length, projects: projects.length, tasks: tasks.length,
    commitments: orgCommitments.length + memberCommitments, reports, closures: closures.length, evaluations: evaluations.length,
  };
  return {
    profile: 'offices',
    version: GENERATOR_VERSION,
    today: TODAY,
    programme: PROGRAMME,
    files: files.length,
    bytes: stats.bytes,
    counts,
    kindBytes,
    crlfFiles: stats.crlf,
    bomFiles: stats.bom,
    blockScalars: stats.blockScalars,
    commentLines: stats.comments,
    wrappedValues: stats.wrapped,
    tabLines: stats.tabs,
    tree: { 党委: offices.length, 党总支: offices.reduce((a, o) => a + o.zzbs.length, 0), 党支部: branches.length },
    exemptMembers: members.filter((m) => m.exempt).length,
    inactiveMembers: members.filter((m) => m.active === false).length,
    batchOrg: { id: batch[0], name: orgById.get(batch[0]).short_name, forms: batch[1] },
    formRecord: { id: sampleProject.id, form: 'apply' },
  };
}

const KIND_DIRS = { organisation: 'organisations', member: 'members', expert: 'experts', project: 'projects', task: 'tasks', commitment: 'commitments', report: 'reports', closure: 'closures', evaluation: 'evaluations' };
export const GIT_ENV = { GIT_AUTHOR_NAME: 'djyc bench', GIT_AUTHOR_EMAIL: 'bench@localhost', GIT_COMMITTER_NAME: 'djyc bench', GIT_COMMITTER_EMAIL: 'bench@localhost', GIT_AUTHOR_DATE: '2020-12-20T09:00:00+08:00', GIT_COMMITTER_DATE: '2020-12-20T09:00:00+08:00' };

/** No automatic gc or maintenance in a benchmark repository: a detached repack would slow whatever runs next. */
export function configureRepo(dir) {
  for (const [k, v] of [['gc.auto', '0'], ['maintenance.auto', 'false'], ['gc.autoDetach', 'false']]) execFileSync('git', ['config', k, v], { cwd: dir });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const si = args.indexOf('--scale');
  const dir = args.find((a, i) => !a.startsWith('--') && !(si >= 0 && i === si + 1));
  const scale = si >= 0 ? Number(args[si + 1]) : 1;
  if (!dir) {
    process.stderr.write('usage: node scripts/bench/gen-offices.mjs <dir> [--scale 1]\n');
    process.exit(2);
  }
  if (fs.existsSync(dir) && fs.readdirSync(dir).length) {
    process.stderr.write(`${dir} is not empty\n`);
    process.exit(2);
  }
  const t0 = Date.now();
  const info = await generateOffices(path.resolve(dir), { scale, log: (s) => process.stderr.write(`${s}\n`) });
  process.stdout.write(`${JSON.stringify({ ...info, meanBytes: Math.round(info.bytes / info.files), seconds: (Date.now() - t0) / 1000 }, null, 2)}\n`);
}
