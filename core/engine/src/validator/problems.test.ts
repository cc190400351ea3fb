import { MAX_PROBLEMS_PER_SEVERITY, Problems } from './problems';

test('errors come before warnings, each in discovery order', () => {
  const problems = new Problems();
  problems.warning('w_one', 'first warning');
  problems.error('e_one', 'first error');
  problems.warning('w_two', 'second warning');
  problems.error('e_two', 'second error', { file: 'pass.json', path: 'a.b' });
  expect(problems.sorted().map((problem) => problem.code)).toEqual(['e_one', 'e_two', 'w_one', 'w_two']);
  expect(problems.sorted()[1]).toEqual({ severity: 'error', code: 'e_two', message: 'second error', file: 'pass.json', path: 'a.b' });
});

test('the report is capped but an error past the cap still counts', () => {
  const problems = new Problems();
  for (let index = 0; index < MAX_PROBLEMS_PER_SEVERITY + 5; index += 1) problems.warning('noise', 'a warning');
  expect(problems.hasErrors()).toBe(false);
  for (let index = 0; index < MAX_PROBLEMS_PER_SEVERITY + 1; index += 1) problems.error('bad', 'an error');
  const sorted = problems.sorted();
  expect(problems.hasErrors()).toBe(true);
  expect(sorted).toHaveLength(2 * MAX_PROBLEMS_PER_SEVERITY + 1);
  expect(sorted.at(-1)).toMatchObject({ code: 'problems_truncated', message: '6 further problems were found but left out of the report.' });
});
