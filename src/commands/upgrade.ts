/**
 * `djyc upgrade`: after djyc itself was upgraded, refreshes what `init` copied into the records repository — the
 * schemas, the editor settings, the CI workflows, the yamllint settings, a registry version pinned in djyc.yaml's
 * `package:` — in one commit, and rewrites the git hooks djyc installed (they live in .git, outside the commit).
 * Records and the programme file are never touched: they are the repository's own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE } from '../domain/kinds.js';
import { packageVersion } from '../assets/paths.js';
import { requireRoot } from '../store/repo.js';
import { commitChanges, type FileChange } from '../store/transaction.js';
import { inspectHooks, installHook, type HookType } from '../store/hooks.js';
import { lineDiff, type ChangeSummary } from './workspace.js';
import { packageKind, setupFiles } from './init.js';

export interface UpgradeOptions {
  cwd: string;
  dryRun?: boolean;
}

export interface UpgradeResult {
  version: string;
  dryRun: boolean;
  /** '' when nothing was committed (nothing to change, or a dry run). */
  commit: string;
  changes: ChangeSummary[];
  /** Hooks rewritten (or, for a dry run, to be rewritten). */
  hooks: { type: HookType; file: string }[];
}

/** djyc.yaml with a registry version in `package:` moved to this djyc's version (only that line changes). */
export function upgradedConfig(text: string, version = packageVersion()): string {
  return text.replace(/^(package:[ \t]*)(["']?)([^\s"'#]+)\2/m, (line, key: string, quote: string, spec: string) => {
    try {
      if (packageKind(spec) !== 'registry') return line;
    } catch {
      return line;
    }
    return `${key}${quote}${spec.replace(/@\d+\.\d+\.\d+(-[\w.]+)?$/, `@${version}`)}${quote}`;
  });
}

export async function upgradeRepository(opts: UpgradeOptions): Promise<UpgradeResult> {
  const root = requireRoot(opts.cwd);
  const changes: FileChange[] = [];
  const summaries: ChangeSummary[] = [];
  const wanted = setupFiles();
  const configText = fs.readFileSync(path.join(root, CONFIG_FILE), 'utf8');
  const config = upgradedConfig(configText);
  if (config !== configText) wanted.set(CONFIG_FILE, config);
  for (const [rel, content] of wanted) {
    const abs = path.join(root, rel);
    const before = fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : null;
    if (before === content) continue;
    changes.push({ path: rel, content, expected: before });
    summaries.push({ path: rel, action: before === null ? 'create' : 'edit', diff: lineDiff(before ?? '', content) });
  }
  const hooks = inspectHooks(root)
    .filter((h) => (h.kind === 'outdated' || h.kind === 'current') && h.file)
    .map((h) => ({ type: h.type, file: h.file!, stale: h.kind === 'outdated' }));
  const stale = hooks.filter((h) => h.stale).map(({ type, file }) => ({ type, file }));
  if (opts.dryRun) return { version: packageVersion(), dryRun: true, commit: '', changes: summaries, hooks: stale };
  let commit = '';
  if (changes.length) {
    const r = await commitChanges(root, changes, `djyc upgrade: set-up files of djyc ${packageVersion()}`, { setupFiles: new Set(changes.map((c) => c.path)) });
    commit = r.commit;
  }
  for (const h of stale) installHook(root, h.type);
  return { version: packageVersion(), dryRun: false, commit, changes: summaries, hooks: stale };
}
