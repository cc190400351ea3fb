/**
 * A generated block in a Markdown file sits between `<!-- generated:<name> -->` and
 * `<!-- /generated:<name> -->`; everything else in the file is written by hand.
 */
export function replaceGeneratedBlock(markdown: string, name: string, content: string): string {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const from = markdown.indexOf(start);
  const to = markdown.indexOf(end);
  if (from < 0 || to < from) throw new Error(`no ${start} … ${end} block`);
  if (markdown.indexOf(start, from + 1) >= 0) throw new Error(`${start} appears twice`);
  return `${markdown.slice(0, from + start.length)}\n${content}\n${markdown.slice(to)}`;
}
