// Planted errors: 20 problems of different kinds written into a copy of a benchmark city, each with the file and
// line where a reader would look for it. scripts/bench/run.mjs commits them on a branch of the copy, runs
// `djyc validate` (and `--changed main`) and checks that every one is reported with its file, line and column.
//
// The edits work on the record text as people write it (top-level `key: value` lines, block scalars, CRLF line
// ends, byte-order marks are kept as they are), not through djyc: nothing here knows how djyc parses.
import fs from 'node:fs';
import path from 'node:path';

function readRecord(abs) {
  let text = fs.readFileSync(abs, 'utf8');
  const bom = text.charCodeAt(0) === 0xfeff;
  if (bom) text = text.slice(1);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return { lines, eol, bom, crlf: eol === '\r\n' };
}
function writeRecord(abs, { lines, eol, bom }) {
  fs.writeFileSync(abs, (bom ? '\ufeff' : '') + lines.join(eol) + eol);
}
/** 0-based index of the top-level `key:` line. */
const keyLine = (lines, key) => lines.findIndex((l) => l.startsWith(`${key}:`) && (l.length === key.length + 1 || l[key.length + 1] === ' '));

/**
 * Plants the errors into the checked-out repository `root` and returns what was planted:
 * `{ what, rules, at: [{ file, line|null }] }` (line null: any line will do, e.g. a key that is missing).
 */
export function plantErrors(root) {
  const dirOf = (d) => path.join(root, 'records', d);
  const listing = new Map();
  const list = (d) => {
    if (!listing.has(d)) listing.set(d, fs.readdirSync(dirOf(d)).filter((f) => f.endsWith('.yaml')).sort());
    return listing.get(d);
  };
  const used = new Set();
  /** A record file of folder `d` not used yet, whose text passes `ok` (preferring `prefer`, e.g. CRLF files). */
  const take = (d, ok = () => true, prefer = () => false) => {
    const files = list(d);
    let fallback;
    // Spread the picks over the folder instead of always taking the first files.
    for (let k = 0; k < files.length; k++) {
      const f = files[(k * 7919 + 101) % files.length];
      const rel = `records/${d}/${f}`;
      if (used.has(rel)) continue;
      const rec = readRecord(path.join(root, rel));
      if (!ok(rec)) continue;
      if (prefer(rec)) {
        used.add(rel);
        return { rel, rec, id: f.slice(0, -5) };
      }
      fallback ??= { rel, rec, id: f.slice(0, -5) };
      if (k > 3000) break;
    }
    if (!fallback) throw new Error(`plant: no suitable file in records/${d}`);
    used.add(fallback.rel);
    return fallback;
  };
  const has = (...keys) => (rec) => keys.every((k) => keyLine(rec.lines, k) >= 0);
  const crlf = (rec) => rec.crlf;
  const save = (t) => writeRecord(path.join(root, t.rel), t.rec);
  /** Replaces a top-level key's one-line value; returns its 1-based line. */
  const setKey = (t, key, value) => {
    const i = keyLine(t.rec.lines, key);
    if (i < 0) throw new Error(`plant: ${t.rel} has no ${key}`);
    t.rec.lines[i] = `${key}: ${value}`;
    save(t);
    return i + 1;
  };
  const plants = [];
  const add = (what, rules, at) => plants.push({ what, rules, at });
  const oneLine = (key) => (rec) => {
    const i = keyLine(rec.lines, key);
    return i >= 0 && !/: [|>]/.test(rec.lines[i]);
  };

  // ---- schema ----
  {
    const t = take('projects', has('source'));
    const i = keyLine(t.rec.lines, 'source');
    t.rec.lines.splice(i + 1, 0, 'remarks: 补充说明：本项目与上年度项目合并实施');
    save(t);
    add('schema: unknown key in a project', ['schema-unknown-key'], [{ file: t.rel, line: i + 2 }]);
  }
  {
    const t = take('tasks', has('stage'));
    t.rec.lines.splice(keyLine(t.rec.lines, 'stage'), 1);
    save(t);
    add('schema: required key (stage) removed from a task', ['schema-missing-key'], [{ file: t.rel, line: null }]);
  }
  {
    const t = take('members', has('phone'), crlf);
    add(`schema: phone number unquoted (a number) in a member${t.rec.crlf ? ' (CRLF file)' : ''}`, ['schema-type'], [{ file: t.rel, line: setKey(t, 'phone', '13912345678') }]);
  }
  {
    const t = take('organisations', has('type'));
    add('schema: organisation type not in the enum', ['schema-enum'], [{ file: t.rel, line: setKey(t, 'type', '支部') }]);
  }
  {
    const t = take('reports', has('submitted_on'), crlf);
    add(`schema: impossible date 2020-02-30 in a report${t.rec.crlf ? ' (CRLF file)' : ''}`, ['schema-format'], [{ file: t.rel, line: setKey(t, 'submitted_on', '2020-02-30') }]);
  }
  {
    const t = take('reports', has('quarter'));
    add('schema: quarter 2020Q5 (pattern)', ['schema-pattern'], [{ file: t.rel, line: setKey(t, 'quarter', '2020Q5') }]);
  }
  // ---- references ----
  {
    const t = take('tasks', has('project'), crlf);
    add(`reference: task of a project that does not exist${t.rec.crlf ? ' (CRLF file)' : ''}`, ['ref-missing'], [{ file: t.rel, line: setKey(t, 'project', 'p-2020-nowhere-999') }]);
  }
  {
    const member = take('members').id;
    const t = take('reports', oneLine('subject'));
    add('reference: report whose subject is a member (wrong kind)', ['ref-wrong-kind'], [{ file: t.rel, line: setKey(t, 'subject', member) }]);
  }
  // ---- dates ----
  {
    const t = take('projects', has('start', 'due'));
    add('date order: project due before its start', ['date-order'], [{ file: t.rel, line: setKey(t, 'due', '2020-04-01') }]);
  }
  {
    const t = take('tasks', (rec) => rec.lines.filter((l) => /^\s*(- )?date: /.test(l)).length >= 2, crlf);
    const idx = t.rec.lines.map((l, k) => (/^\s*(- )?date: /.test(l) ? k : -1)).filter((k) => k >= 0)[1];
    t.rec.lines[idx] = t.rec.lines[idx].replace(/date: .*/, 'date: 2020-01-15');
    save(t);
    add(`date order: task history entry dated before the one above it${t.rec.crlf ? ' (CRLF file)' : ''}`, ['history-order'], [{ file: t.rel, line: idx + 1 }]);
  }
  // ---- duplicate id ----
  {
    const member = take('members');
    const rel = `records/experts/${member.id}.yaml`;
    fs.writeFileSync(path.join(root, rel), `id: ${member.id}\nname: 重名专家\ncategories:\n  - 服务高质量发展任务\nunit: 区委党校\n`);
    add('duplicate id: an expert file named like an existing member', ['duplicate-id'], [{ file: rel, line: 1 }, { file: member.rel, line: keyLine(member.rec.lines, 'id') + 1 }]);
  }
  // ---- programme rules and cross-record rules ----
  {
    const t = take('projects', oneLine('source'));
    add('rule: project source not in the programme', ['source-unknown'], [{ file: t.rel, line: setKey(t, 'source', '上级指派') }]);
  }
  {
    const t = take('projects', has('categories'), crlf);
    const i = keyLine(t.rec.lines, 'categories');
    let line;
    if (t.rec.lines[i].includes('[')) {
      t.rec.lines[i] = 'categories: [创新驱动]';
      line = i + 1;
    } else {
      t.rec.lines[i + 1] = t.rec.lines[i + 1].replace(/- .*/, '- 创新驱动');
      line = i + 2;
    }
    save(t);
    add(`rule: project category not in the programme${t.rec.crlf ? ' (CRLF file)' : ''}`, ['category-unknown'], [{ file: t.rel, line }]);
  }
  {
    const t = take('evaluations', (rec) => rec.lines.some((l) => /^\s+participants: \d+/.test(l)));
    const idx = t.rec.lines.findIndex((l) => /^\s+participants: \d+/.test(l));
    t.rec.lines[idx] = t.rec.lines[idx].replace(/participants: (\d+)/, (_, v) => `participants: ${Number(v) + 7}`);
    save(t);
    add('rule: poll votes do not add up to the participants', ['votes-sum'], [{ file: t.rel, line: idx + 1 }]);
  }
  {
    const t = take('reports', has('id', 'quarter'));
    const copy = `${t.id}-dup`;
    const lines = t.rec.lines.map((l) => (l.startsWith('id:') ? `id: ${copy}` : l));
    writeRecord(path.join(root, `records/reports/${copy}.yaml`), { ...t.rec, lines });
    add('rule: a second report for the same subject and quarter', ['report-duplicate'], [{ file: `records/reports/${copy}.yaml`, line: keyLine(lines, 'quarter') + 1 }]);
  }
  {
    const t = take('closures', has('id', 'subject'));
    const copy = `${t.id}-again`;
    const lines = t.rec.lines.map((l) => (l.startsWith('id:') ? `id: ${copy}` : l));
    writeRecord(path.join(root, `records/closures/${copy}.yaml`), { ...t.rec, lines });
    add('rule: a second closure for the same subject', ['subject-duplicate'], [{ file: `records/closures/${copy}.yaml`, line: keyLine(lines, 'subject') + 1 }]);
  }
  {
    const other = take('projects', has('number')).rec;
    const number = other.lines[keyLine(other.lines, 'number')].replace(/^number: /, '').replace(/\s+#.*$/, '');
    const t = take('projects', has('number'));
    add('rule: project number already used by another project', ['number-duplicate'], [{ file: t.rel, line: setKey(t, 'number', number) }]);
  }
  {
    const branchOf = take('members', has('organisation')).rec;
    const org = branchOf.lines[keyLine(branchOf.lines, 'organisation')].replace(/^organisation: /, '').replace(/\s+#.*$/, '');
    const rel = 'records/members/m-bench-planted-newcomer.yaml';
    fs.writeFileSync(path.join(root, rel), `id: m-bench-planted-newcomer\nname: 新党员\norganisation: ${org}\nparty_title: 党员\n`);
    add('rule: a member who holds no task and has no exemption', ['member-no-task'], [{ file: rel, line: 3 }]);
  }
  // ---- YAML ----
  {
    const t = take('members', has('name'), (rec) => rec.bom && rec.crlf);
    const i = keyLine(t.rec.lines, 'name');
    t.rec.lines[i] = t.rec.lines[i].replace(/^name: ["']?([^"'\s]+)["']?.*$/, 'name: "$1');
    save(t);
    add(`YAML syntax: unclosed quote${t.rec.bom ? ' (byte-order mark' : ' ('}${t.rec.crlf ? ', CRLF)' : ')'}`, ['yaml-syntax'], [{ file: t.rel, line: i + 1 }]);
  }
  {
    const t = take('tasks', has('stage'));
    t.rec.lines.push('stage: implementing');
    save(t);
    add('YAML: duplicate key (stage twice in a task)', ['duplicate-key'], [{ file: t.rel, line: t.rec.lines.length }]);
  }
  return plants;
}

/** `file:line:col  severity  message  [rule]` lines of `djyc validate --format stylish`. */
export function parseStylish(text) {
  const out = [];
  for (const l of text.split('\n')) {
    const m = /^(\S.*?):(\d+):(\d+)\s{2}(\S+)\s{2}(.*?)\s{2}\[([\w-]+)\]\s*$/.exec(l);
    if (m) out.push({ file: m[1], line: Number(m[2]), col: Number(m[3]), severity: m[4], message: m[5], rule: m[6] });
  }
  return out;
}

/** Which plants the problems report, at the planted file and line with a column; and the problems nobody planted. */
export function checkPlants(plants, problems) {
  const results = plants.map((p) => {
    const hit = problems.find((x) => p.rules.includes(x.rule) && x.col >= 1 && p.at.some((a) => a.file === x.file && (a.line === null || a.line === x.line)));
    const near = hit ? undefined : problems.filter((x) => p.at.some((a) => a.file === x.file));
    return { ...p, found: !!hit, hit, near };
  });
  const plantedFiles = new Set(plants.flatMap((p) => p.at.map((a) => a.file)));
  const others = problems.filter((x) => !plantedFiles.has(x.file));
  return { results, found: results.filter((r) => r.found).length, others };
}
