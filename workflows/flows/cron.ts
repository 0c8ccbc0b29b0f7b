/**
 * Five-field cron expressions (`minute hour day-of-month month day-of-week`), as a schedule
 * trigger takes them: `*`, numbers, ranges `a-b`, steps (`/n` after `*` or a range), lists `a,b`,
 * and month and weekday names (`JAN`, `MON`). Pure.
 */

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  // 7 is Sunday too, as in most crons.
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** Why `expression` is not a five-field cron expression, or null when it is one. */
export function cronProblem(expression: string): string | null {
  const parts = expression.trim().split(/\s+/).filter(Boolean);
  if (parts.length !== FIELDS.length) return `needs 5 fields (minute hour day-of-month month day-of-week), not ${parts.length}`;
  for (const [i, part] of parts.entries()) {
    const problem = fieldProblem(part, FIELDS[i]);
    if (problem) return `${FIELDS[i].name} "${part}": ${problem}`;
  }
  return null;
}

function fieldProblem(part: string, field: CronField): string | null {
  for (const item of part.split(',')) {
    const [range, step, extra] = item.split('/');
    if (extra !== undefined) return 'has more than one step';
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) return 'a step must be a whole number from 1';
    if (range === '*') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) return `"${range}" is not a value or a range`;
    const values = bounds.map((bound) => value(bound, field));
    if (values.some((v) => v === null)) return `must be ${field.min}-${field.max}${field.names ? ' or a name' : ''}`;
    if (values.length === 2 && values[0]! > values[1]!) return `the range ${range} runs backwards`;
  }
  return null;
}

function value(text: string, field: CronField): number | null {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= field.min && n <= field.max ? n : null;
  }
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  return index < 0 ? null : index + (field.name === 'month' ? 1 : 0);
}
