import { cronProblem } from './cron';

test('accepts five-field expressions with ranges, steps, lists and names', () => {
  for (const cron of ['* * * * *', '0 9 * * MON-FRI', '*/15 8-18 * * 1-5', '0 0 1,15 * *', '30 6 * JAN,jul 0', '0 12 * * 7', '0-30/10 * * * *']) expect(cronProblem(cron)).toBeNull();
});

test('says what is wrong with the rest', () => {
  expect(cronProblem('')).toBe('needs 5 fields (minute hour day-of-month month day-of-week), not 0');
  expect(cronProblem('0 9 * * * *')).toBe('needs 5 fields (minute hour day-of-month month day-of-week), not 6');
  expect(cronProblem('0 24 * * *')).toBe('hour "24": must be 0-23');
  expect(cronProblem('0 9 0 * *')).toBe('day of month "0": must be 1-31');
  expect(cronProblem('0 9 * 13 *')).toBe('month "13": must be 1-12 or a name');
  expect(cronProblem('0 9 * * FUN')).toBe('day of week "FUN": must be 0-7 or a name');
  expect(cronProblem('*/0 * * * *')).toBe('minute "*/0": a step must be a whole number from 1');
  expect(cronProblem('30-10 * * * *')).toBe('minute "30-10": the range 30-10 runs backwards');
  expect(cronProblem('1-2-3 * * * *')).toBe('minute "1-2-3": "1-2-3" is not a value or a range');
});
