import type { Command } from 'commander';
import type { Runner } from '../main.js';
import type { Lang } from '../../core/i18n.js';

// Placeholder: replaced by the work on this command.
export function register(_program: Command, _run: Runner, _lang: Lang): void {}
