/**
 * `djyc doctor`: is this machine (and this records repository) ready for djyc? One line per check, each failing
 * line with its fix. A check is `fail` when something djyc needs is missing or broken (exit 1), `warn` when
 * something optional is missing or stale, `ok`, or `skip` when it does not apply here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { T, type Text } from '../domain/i18n.js';
import { CONFIG_FILE, recordPath } from '../domain/kinds.js';
import { packageVersion, PACKAGE_ROOT } from '../assets/paths.js';
import { shippedFaces, FONTS_DIR } from '../assets/fonts.js';
import { gitSync } from '../store/git.js';
import { findRoot } from '../store/repo.js';
import { parseRecordBytes } from '../store/yaml.js';
import { checkSchema } from '../store/schemas.js';
import { inspectHooks, resolveDjycForHook, type HookState } from '../store/hooks.js';
import { BROWSER_INSTALL, discoverBrowser, realHost, type DiscoveryHost } from '../pdf/discovery.js';
import { GITEA_WORKFLOW, GITHUB_WORKFLOW, packageKind, setupFiles } from './init.js';
import type { ConfigRecord } from '../domain/types.generated.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface Check {
  id: string;
  label: Text;
  status: CheckStatus;
  /** What was found. */
  detail: Text;
  /** How to put it right (failing and warning lines). */
  fix?: Text;
}

export interface DoctorOptions {
  cwd: string;
  /** Start the browser and print a one-page test PDF (default true). */
  launch?: boolean;
  /** Where to keep the test PDF (default: a temporary file, removed). */
  output?: string;
  /** The machine the browser is looked for on (tests: another platform's file system). */
  browserHost?: DiscoveryHost;
  env?: NodeJS.ProcessEnv;
}

export interface DoctorReport {
  version: string;
  ok: boolean;
  checks: Check[];
}

const t = (zh: string, en = zh): Text => T(zh, en);

function nodeCheck(): Check {
  const floor = ((JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node ?? '>=20.19').replace(/^>=\s*/, '');
  const [maj, min] = process.versions.node.split('.').map(Number) as [number, number];
  const [fmaj, fmin = 0] = floor.split('.').map(Number) as [number, number?];
  const ok = maj > fmaj || (maj === fmaj && min >= fmin);
  return {
    id: 'node',
    label: t('Node.js'),
    status: ok ? 'ok' : 'fail',
    detail: t(`${process.version}（需要 ≥ ${floor}）`, `${process.version} (needs ≥ ${floor})`),
    fix: ok ? undefined : t(`安装 Node.js ${floor} 或更新的长期支持版（推荐 22 或 24）`, `install Node.js ${floor} or a newer LTS (22 or 24 recommended)`),
  };
}

function gitChecks(cwd: string): Check[] {
  let version = '';
  try {
    version = gitSync(cwd, ['--version']).trim();
  } catch {
    return [
      {
        id: 'git',
        label: t('git'),
        status: 'fail',
        detail: t('找不到 git 命令', 'the git command was not found'),
        fix: t('安装 git（Debian/统信/麒麟：sudo apt-get install git；Windows：Git for Windows；macOS：xcode-select --install）', 'install git (Debian/UOS/Kylin: sudo apt-get install git; Windows: Git for Windows; macOS: xcode-select --install)'),
      },
    ];
  }
  const get = (key: string) => {
    try {
      return gitSync(cwd, ['config', '--get', key]).trim();
    } catch {
      return '';
    }
  };
  const name = get('user.name');
  const email = get('user.email');
  return [
    { id: 'git', label: t('git'), status: 'ok', detail: t(version) },
    {
      id: 'git-identity',
      label: t('git 身份', 'git identity'),
      status: name && email ? 'ok' : 'warn',
      detail: name && email ? t(`${name} <${email}>`) : t('未设置 user.name / user.email：提交记为“djyc”，历史记录的操作人需用 --by 给出', 'user.name / user.email not set: commits are made as "djyc", and history entries need --by'),
      fix: name && email ? undefined : t('git config --global user.name "姓名"；git config --global user.email "地址"', 'git config --global user.name "Name"; git config --global user.email "address"'),
    },
  ];
}

async function browserCheck(opts: DoctorOptions): Promise<Check> {
  const host = opts.browserHost ?? realHost(opts.env ?? process.env);
  const found = discoverBrowser(host);
  const install = BROWSER_INSTALL[host.platform];
  if (!found.ok) {
    const how = found.fromEnv
      ? t(`${found.fromEnv.variable}=${found.fromEnv.value} 不存在或不可执行：改为已安装浏览器的可执行文件，或删除这个变量`, `${found.fromEnv.variable}=${found.fromEnv.value} does not exist or is not executable: point it at an installed browser, or unset it`)
      : t(`${install.zh.join('；')}；或设置 DJYC_BROWSER 指向浏览器的可执行文件`, `${install.en.join('; ')}; or set DJYC_BROWSER to the browser's executable`);
    return {
      id: 'browser',
      label: t('浏览器（生成 PDF）', 'browser (PDFs)'),
      status: 'fail',
      detail: t(`找不到 Chromium、Chrome 或 Edge；已查找：${found.searched.join('、')}`, `no Chromium, Chrome or Edge found; searched: ${found.searched.join(', ')}`),
      fix: how,
    };
  }
  const where = t(`${found.name}：${found.file}`, `${found.name}: ${found.file}`);
  if (opts.launch === false) return { id: 'browser', label: t('浏览器（生成 PDF）', 'browser (PDFs)'), status: 'ok', detail: t(`${where.zh}（未启动）`, `${where.en} (not started)`) };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-doctor-'));
  const out = opts.output ? path.resolve(opts.cwd, opts.output) : path.join(tmp, 'djyc-doctor.pdf');
  try {
    const { printTestPage } = await import('./doctor-pdf.js');
    const r = await printTestPage(out, found.file);
    if (!r.ok) {
      return {
        id: 'browser',
        label: t('浏览器（生成 PDF）', 'browser (PDFs)'),
        status: 'fail',
        detail: t(`${where.zh}，但打印测试页失败：${r.error}`, `${where.en}, but printing the test page failed: ${r.error}`),
        fix: t(`换用另一个浏览器（DJYC_BROWSER=可执行文件），或重新安装：${install.zh.join('；')}`, `use another browser (DJYC_BROWSER=executable), or reinstall: ${install.en.join('; ')}`),
      };
    }
    const kept = opts.output ? t(`，已保存 ${out}`, `, kept at ${out}`) : t('');
    return {
      id: 'browser',
      label: t('浏览器（生成 PDF）', 'browser (PDFs)'),
      status: 'ok',
      detail: t(`${where.zh}；测试页 ${r.pages} 页、${Math.round(r.bytes / 1024)} KB，中文字体已嵌入${kept.zh}`, `${where.en}; test page: ${r.pages} page, ${Math.round(r.bytes / 1024)} KB, Chinese fonts embedded${kept.en}`),
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function fontsCheck(): Check {
  let faces: ReturnType<typeof shippedFaces> = [];
  try {
    faces = shippedFaces();
  } catch {
    faces = [];
  }
  const missing = faces.length ? faces.flatMap((f) => f.files.map((x) => x.file)).filter((file) => !fs.existsSync(path.join(FONTS_DIR, file))) : ['fonts.json'];
  const extB = ['/usr/share/fonts/truetype/hanazono/HanaMinB.ttf', process.env.DJYC_EXTB_FONT].filter((f): f is string => !!f).some((f) => fs.existsSync(f));
  if (missing.length) {
    return {
      id: 'fonts',
      label: t('中文字体', 'Chinese fonts'),
      status: 'fail',
      detail: t(`djyc 自带的字体文件缺失：${missing.slice(0, 3).join('、')}${missing.length > 3 ? ` 等 ${missing.length} 个` : ''}`, `djyc's own font files are missing: ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''}`),
      fix: t('重新安装 djyc', 'reinstall djyc'),
    };
  }
  return {
    id: 'fonts',
    label: t('中文字体', 'Chinese fonts'),
    status: extB ? 'ok' : 'warn',
    detail: extB
      ? t(`随 djyc 提供的 ${faces.length} 种字体齐全；扩展 B 区生僻字字体已安装`, `the ${faces.length} faces shipped with djyc are there; the CJK Ext-B font is installed`)
      : t(`随 djyc 提供的 ${faces.length} 种字体齐全；未安装扩展 B 区生僻字字体（如 𠀀 会显示为方框）`, `the ${faces.length} faces shipped with djyc are there; no CJK Ext-B font (characters such as 𠀀 print as boxes)`),
    fix: extB ? undefined : t('sudo apt-get install fonts-hanazono（或设置 DJYC_EXTB_FONT 指向 HanaMinB.ttf）', 'sudo apt-get install fonts-hanazono (or set DJYC_EXTB_FONT to HanaMinB.ttf)'),
  };
}

/** LibreOffice, for turning .docx forms into PDF: optional. */
function libreOfficeCheck(env: NodeJS.ProcessEnv): Check {
  const names = process.platform === 'win32' ? ['soffice.exe', 'soffice.com'] : ['soffice', 'libreoffice'];
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  if (process.platform === 'darwin') dirs.push('/Applications/LibreOffice.app/Contents/MacOS');
  if (process.platform === 'win32') for (const v of ['ProgramFiles', 'ProgramFiles(x86)']) if (env[v]) dirs.push(path.join(env[v]!, 'LibreOffice', 'program'));
  const found = dirs.flatMap((d) => names.map((n) => path.join(d, n))).find((f) => {
    try {
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  });
  return {
    id: 'libreoffice',
    label: t('LibreOffice（.docx 转 PDF）', 'LibreOffice (.docx to PDF)'),
    status: found ? 'ok' : 'warn',
    detail: found ? t(found) : t('未安装：只在把 Word（.docx）表单转为 PDF 时需要', 'not installed: only needed to turn Word (.docx) forms into PDF'),
    fix: found ? undefined : t('sudo apt-get install libreoffice-writer-nogui（Windows/macOS：安装 LibreOffice）', 'sudo apt-get install libreoffice-writer-nogui (Windows/macOS: install LibreOffice)'),
  };
}

function writeCheck(dir: string): Check {
  const probe = path.join(dir, `.djyc-doctor-${process.pid}`);
  try {
    fs.writeFileSync(probe, 'ok', { flag: 'wx' });
    fs.rmSync(probe, { force: true });
    return { id: 'write', label: t('写入权限', 'write access'), status: 'ok', detail: t(dir) };
  } catch (err) {
    return {
      id: 'write',
      label: t('写入权限', 'write access'),
      status: 'fail',
      detail: t(`不能在 ${dir} 中写入（${(err as NodeJS.ErrnoException).code ?? 'error'}）`, `cannot write in ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'})`),
      fix: t('在有写权限的文件夹中运行，或请管理员开放写权限', 'run in a folder you may write to, or ask for write permission'),
    };
  }
}

function readYaml(file: string): { ok: true; data: Record<string, unknown> } | { ok: false; why: string } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return { ok: false, why: 'missing' };
  }
  const r = parseRecordBytes(path.basename(file), bytes);
  if (!r.ok) return { ok: false, why: r.problems.map((p) => `${p.line}:${p.col} ${p.rule}`).join('; ') };
  return { ok: true, data: r.parsed.data as Record<string, unknown> };
}

function repositoryChecks(root: string): Check[] {
  const checks: Check[] = [];
  const config = readYaml(path.join(root, CONFIG_FILE));
  const configIssues = config.ok ? checkSchema('config', config.data) : [];
  if (!config.ok || configIssues.length) {
    checks.push({
      id: 'config',
      label: t('记录库配置 djyc.yaml', 'repository config djyc.yaml'),
      status: 'fail',
      detail: t(`djyc.yaml 有错误：${config.ok ? configIssues.map((i) => `${i.pointer || '/'} ${i.rule}`).join('；') : config.why}`, `djyc.yaml has errors: ${config.ok ? configIssues.map((i) => `${i.pointer || '/'} ${i.rule}`).join('; ') : config.why}`),
      fix: t('djyc validate 显示具体位置', 'djyc validate shows where'),
    });
    return checks;
  }
  const cfg = config.data as unknown as ConfigRecord;
  checks.push({ id: 'config', label: t('记录库配置 djyc.yaml', 'repository config djyc.yaml'), status: 'ok', detail: t(root) });

  const programme = cfg.default_programme;
  if (programme) {
    const file = recordPath('programme', programme);
    const p = readYaml(path.join(root, file));
    const issues = p.ok ? checkSchema('programme', p.data) : [];
    checks.push(
      p.ok && !issues.length
        ? { id: 'programme', label: t('方案', 'programme'), status: 'ok', detail: t(`${programme}（${file}）`, `${programme} (${file})`) }
        : {
            id: 'programme',
            label: t('方案', 'programme'),
            status: 'fail',
            detail: t(p.ok ? `${file} 不符合 schema：${issues.length} 处` : `${file}：${p.why === 'missing' ? '文件不存在' : p.why}`, p.ok ? `${file} does not match its schema: ${issues.length} issue(s)` : `${file}: ${p.why === 'missing' ? 'no such file' : p.why}`),
            fix: t('djyc validate 显示具体位置；或修正 djyc.yaml 的 default_programme', 'djyc validate shows where; or correct default_programme in djyc.yaml'),
          },
    );
  }

  // What init copied, against this djyc's versions.
  const stale: string[] = [];
  const missing: string[] = [];
  for (const [rel, content] of setupFiles()) {
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) missing.push(rel);
    else if (fs.readFileSync(abs, 'utf8') !== content) stale.push(rel);
  }
  const schemaStale = [...stale, ...missing].filter((f) => f.startsWith('schemas/'));
  const others = [...stale, ...missing].filter((f) => !f.startsWith('schemas/'));
  checks.push({
    id: 'schemas',
    label: t('记录库的 schema', "repository's schemas"),
    status: schemaStale.length ? 'warn' : 'ok',
    detail: schemaStale.length ? t(`与 djyc ${packageVersion()} 不同：${schemaStale.join('、')}`, `differ from djyc ${packageVersion()}: ${schemaStale.join(', ')}`) : t(`与 djyc ${packageVersion()} 一致`, `same as djyc ${packageVersion()}`),
    fix: schemaStale.length ? t('djyc upgrade（先用 --dry-run 查看差异）', 'djyc upgrade (see the diff first with --dry-run)') : undefined,
  });
  checks.push({
    id: 'setup-files',
    label: t('工作流与编辑器设置', 'workflows and editor settings'),
    status: others.length ? 'warn' : 'ok',
    detail: others.length ? t(`与 djyc ${packageVersion()} 不同或缺失：${others.join('、')}`, `differ from djyc ${packageVersion()} or missing: ${others.join(', ')}`) : t(`${GITHUB_WORKFLOW}、${GITEA_WORKFLOW}、.vscode/settings.json、.yamllint 为最新`, `${GITHUB_WORKFLOW}, ${GITEA_WORKFLOW}, .vscode/settings.json, .yamllint are current`),
    fix: others.length ? t('djyc upgrade', 'djyc upgrade') : undefined,
  });

  // How CI installs djyc.
  const pkgJson = path.join(root, 'package.json');
  const fromPackageJson = fs.existsSync(pkgJson) && /"djyc"/.test(fs.readFileSync(pkgJson, 'utf8'));
  const spec = (cfg as { package?: string }).package;
  let kind: string | undefined;
  let problem: Text | undefined;
  if (!fromPackageJson && !spec) problem = t('djyc.yaml 没有 package:，记录库的 package.json 也没有列出 djyc：持续集成无法安装 djyc', 'djyc.yaml has no package: and the repository has no package.json listing djyc: CI cannot install djyc');
  else if (spec) {
    try {
      kind = packageKind(spec);
      if (kind === 'tarball' && !fs.existsSync(path.resolve(root, spec))) problem = t(`package: ${spec} 指向的 tarball 不在记录库中`, `package: ${spec} names a tarball that is not in the repository`);
    } catch {
      problem = t(`package: ${spec} 不是确定的版本、git 地址或 tarball 路径`, `package: ${spec} is not an exact version, a git URL or a tarball path`);
    }
  }
  const versionHint = spec && /(\d+\.\d+\.\d+)/.exec(spec)?.[1];
  const behind = versionHint && versionHint !== packageVersion();
  checks.push({
    id: 'ci-package',
    label: t('持续集成中的 djyc', 'djyc in CI'),
    status: problem ? 'warn' : behind ? 'warn' : 'ok',
    detail: problem ?? (fromPackageJson ? t('由记录库的 package.json 安装（npm ci）', "installed from the repository's package.json (npm ci)") : t(`package: ${spec}（${kind}）${behind ? `，而本机 djyc 为 ${packageVersion()}` : ''}`, `package: ${spec} (${kind})${behind ? `, while this djyc is ${packageVersion()}` : ''}`)),
    fix: problem
      ? t('在 djyc.yaml 中写 package:（如 vendor/djyc-版本.tgz，把 npm pack 得到的文件提交到记录库；或本单位的 git 地址），见 README', 'set package: in djyc.yaml (e.g. vendor/djyc-<version>.tgz, committing the file npm pack makes; or your git URL), see README')
      : behind
        ? t(`把 package: 更新为 ${packageVersion()} 版（djyc upgrade 会更新注册表版本）`, `update package: to ${packageVersion()} (djyc upgrade updates a registry version)`)
        : undefined,
  });
  return checks;
}

function hooksCheck(repo: string, env: NodeJS.ProcessEnv): Check | undefined {
  let states: HookState[];
  try {
    states = inspectHooks(repo);
  } catch {
    return undefined;
  }
  const installed = states.filter((s) => s.kind !== 'none' && s.kind !== 'foreign');
  const label = t('git 钩子', 'git hooks');
  if (!installed.length) return { id: 'hooks', label, status: 'skip', detail: t('未安装 djyc 的钩子', "no djyc hook installed") };
  const outdated = installed.filter((s) => s.kind === 'outdated');
  if (outdated.length) {
    const paths = outdated.flatMap((s) => s.missing);
    return {
      id: 'hooks',
      label,
      status: 'fail',
      detail: t(
        `${outdated.map((s) => s.file).join('、')} 由旧版 djyc 安装${paths.length ? `，指向已不存在的 ${paths.join('、')}` : '，写死了安装时的路径'}`,
        `${outdated.map((s) => s.file).join(', ')} installed by an older djyc${paths.length ? `, runs ${paths.join(', ')}, which no longer exist(s)` : ', with the paths of the machine that installed it'}`,
      ),
      fix: t('djyc upgrade（或 djyc hook install --pre-commit 重新安装）', 'djyc upgrade (or reinstall: djyc hook install --pre-commit)'),
    };
  }
  const resolved = resolveDjycForHook(repo, env);
  if (!resolved) {
    return {
      id: 'hooks',
      label,
      status: 'fail',
      detail: t(`${installed.map((s) => s.file).join('、')} 运行时找不到 djyc（记录库的 node_modules/.bin 和 PATH 中都没有）`, `${installed.map((s) => s.file).join(', ')} cannot find djyc when they run (neither in the repository's node_modules/.bin nor on the PATH)`),
      fix: t('在记录库中 npm install --save-dev djyc，或全局安装 djyc', 'npm install --save-dev djyc in the records repository, or install djyc globally'),
    };
  }
  return { id: 'hooks', label, status: 'ok', detail: t(`${installed.map((s) => `${s.type}（${s.file}）`).join('、')}；运行时使用 ${resolved}`, `${installed.map((s) => `${s.type} (${s.file})`).join(', ')}; they run ${resolved}`) };
}

/** Runs every check. */
export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const env = opts.env ?? process.env;
  const root = findRoot(opts.cwd);
  const checks: Check[] = [nodeCheck(), ...gitChecks(opts.cwd), await browserCheck(opts), fontsCheck(), libreOfficeCheck(env), writeCheck(root ?? opts.cwd)];
  if (root) {
    checks.push(...repositoryChecks(root));
    const hooks = hooksCheck(root, env);
    if (hooks) checks.push(hooks);
  } else {
    checks.push({ id: 'config', label: t('记录库', 'records repository'), status: 'skip', detail: t(`${opts.cwd} 不在记录库中（没有 djyc.yaml）`, `${opts.cwd} is not in a records repository (no djyc.yaml)`), fix: t('djyc init 新建记录库', 'djyc init creates one') });
  }
  return { version: packageVersion(), ok: !checks.some((c) => c.status === 'fail'), checks };
}
