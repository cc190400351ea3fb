import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

// Users get the repository and nothing else: every relative link in its Markdown must point at a
// file inside it that exists.
const ROOT = resolve(__dirname, '../..');
const SKIPPED = new Set(['node_modules', 'dist', 'data', '.git', '.turbo', 'artifacts']);

function markdownFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    if (SKIPPED.has(name) || name.startsWith('data-')) return [];
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** The targets of `[text](target)` links that are paths, not web addresses or anchors. */
function relativeLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!.split('#')[0]!)
    .filter((target) => target !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

const files = markdownFiles(ROOT);

test('the repository has its Markdown to check', () => {
  expect(files.map((file) => relative(ROOT, file))).toEqual(expect.arrayContaining(['README.md', join('docs', 'api.md')]));
});

test.each(files.map((file) => [relative(ROOT, file), file]))(
  'every relative link in %s stays inside the repository and exists',
  (_name, file) => {
    const broken = relativeLinks(readFileSync(file, 'utf8')).filter((target) => {
      const path = resolve(dirname(file), decodeURIComponent(target));
      return !(path === ROOT || path.startsWith(ROOT + sep)) || !existsSync(path);
    });
    expect(broken).toEqual([]);
  },
);

test('the README links every page of docs/', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const linked = new Set(relativeLinks(readme).map((target) => target.replace(/^\.\//, '')));
  const pages = readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md'));
  expect(pages.filter((page) => !linked.has(`docs/${page}`))).toEqual([]);
});
