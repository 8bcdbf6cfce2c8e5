/** Today, from the outside world: `DJYC_TODAY` (or an explicit value) fixes it, else the Asia/Shanghai calendar day. */
import { UsageError } from '../domain/errors.js';
import { isIsoDate, todayIn } from '../domain/dates.js';

export function today(explicit?: string): string {
  const fixed = explicit ?? process.env.DJYC_TODAY;
  if (fixed) {
    if (!isIsoDate(fixed)) throw new UsageError(`日期“${fixed}”无效，格式应为 YYYY-MM-DD`, `invalid date "${fixed}": use YYYY-MM-DD`);
    return fixed;
  }
  return todayIn(new Date());
}
