import { simpleGit, type SimpleGit } from 'simple-git';

// djyc's own git calls never take optional locks: a `git status` killed mid-way (kill -9, power loss) would
// otherwise leave .git/index.lock behind and block every later git command. Every git child inherits this.
process.env.GIT_OPTIONAL_LOCKS ??= '0';

/** A simple-git instance for a repository, with a predictable identity when the machine has none configured. */
export function git(root: string): SimpleGit {
  return simpleGit({ baseDir: root, config: ['core.quotepath=false'] });
}

/** Environment for commits: use the user's identity if set, else a neutral djyc one (CI machines often have none). */
export async function commitEnv(root: string): Promise<Record<string, string>> {
  const g = git(root);
  const name = (await g.raw(['config', '--get', 'user.name']).catch(() => '')).trim();
  const email = (await g.raw(['config', '--get', 'user.email']).catch(() => '')).trim();
  const env: Record<string, string> = {};
  if (!name) env.GIT_AUTHOR_NAME = env.GIT_COMMITTER_NAME = process.env.DJYC_USER || 'djyc';
  if (!email) env.GIT_AUTHOR_EMAIL = env.GIT_COMMITTER_EMAIL = 'djyc@localhost';
  return env;
}

/** Who is acting, for history entries: DJYC_USER, then git's user.name, then the OS user. */
export async function actor(root: string): Promise<string> {
  if (process.env.DJYC_USER) return process.env.DJYC_USER;
  const name = (await git(root).raw(['config', '--get', 'user.name']).catch(() => '')).trim();
  return name || process.env.USER || 'djyc';
}

/**
 * A simple-git instance for committing, with a neutral djyc identity (as `-c` settings) when the machine has none.
 * Never pass the environment through simple-git's `.env()`: it refuses any environment that holds EDITOR, PAGER,
 * GIT_EDITOR, … and many users have those set. Without `.env()`, git inherits the environment as it is.
 */
export async function commitGit(root: string): Promise<SimpleGit> {
  const env = await commitEnv(root);
  const config = ['core.quotepath=false'];
  if (env.GIT_AUTHOR_NAME) config.push(`user.name=${env.GIT_AUTHOR_NAME}`);
  if (env.GIT_AUTHOR_EMAIL) config.push(`user.email=${env.GIT_AUTHOR_EMAIL}`);
  return simpleGit({ baseDir: root, config });
}
