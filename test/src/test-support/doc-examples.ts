/**
 * Reads the runnable examples of a Markdown page: each `sh` block that sends requests with `curl`,
 * followed in the prose by "Answer `<status>`" (optionally ", `<content type>`") and the answer's
 * `json` block. The shell understood is what the page uses: quotes, `$VAR`, line continuations,
 * `curl … | tee <file>` and `NAME=$(node -p 'require("./<file>").<field>')`; anything else throws,
 * so the page can't drift into something this harness silently skips.
 */

export interface Curl {
  method: string;
  url: string;
  headers: Record<string, string>;
  data?: string;
}

export type DocStep =
  | { kind: 'capture'; variable: string; file: string; field: string }
  | { kind: 'curl'; text: string; data?: string; teeFile?: string; expand(variables: Record<string, string>): Curl };

export interface DocExample {
  title: string;
  steps: DocStep[];
  status: number;
  contentType?: string;
  json?: string;
}

const ANSWER = /^Answer `(\d{3})`(?:, `([^`]+)`)?/;
const CAPTURE = /^(\w+)=\$\(node -p 'require\("\.\/([\w.-]+)"\)\.(\w+)'\)$/;
const ASSIGNMENT = /^\w+=\S*$/;

export function parseDocExamples(markdown: string): DocExample[] {
  const lines = markdown.split('\n');
  const examples: DocExample[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (lines[index] !== '```sh') continue;
    const block = fencedBlock(lines, index);
    index = block.end;
    const steps = splitCommands(block.text).flatMap(stepOf);
    if (!steps.some((step) => step.kind === 'curl')) continue;
    const answer = answerAfter(lines, index + 1);
    if (!answer) throw new Error(`the example ending on line ${index + 1} has no "Answer \`<status>\`" after it`);
    index = answer.end;
    const first = steps.find((step) => step.kind === 'curl')!;
    examples.push({
      title: `${examples.length + 1}. ${first.text.replace(/\s+/g, ' ').slice(0, 90)} → ${answer.status}`,
      steps,
      status: answer.status,
      ...(answer.contentType ? { contentType: answer.contentType } : {}),
      ...(answer.json !== undefined ? { json: answer.json } : {}),
    });
  }
  return examples;
}

function fencedBlock(lines: string[], start: number): { text: string; end: number } {
  const end = lines.indexOf('```', start + 1);
  if (end < 0) throw new Error(`the code block on line ${start + 1} is not closed`);
  return { text: lines.slice(start + 1, end).join('\n'), end };
}

/** The "Answer" line after an example, before the next `sh` block, and the `json` block right after it. */
function answerAfter(lines: string[], from: number): { status: number; contentType?: string; json?: string; end: number } | undefined {
  for (let index = from; index < lines.length && lines[index] !== '```sh'; index++) {
    const match = ANSWER.exec(lines[index] ?? '');
    if (!match) continue;
    // The answer's paragraph may run over several lines; a colon at its end announces the json block.
    let next = index;
    while (lines[next + 1] !== undefined && lines[next + 1]!.trim() !== '') next++;
    const announcesJson = lines[next]!.trimEnd().endsWith(':');
    next++;
    while (lines[next] !== undefined && lines[next]!.trim() === '') next++;
    const json = lines[next] === '```json' ? fencedBlock(lines, next) : undefined;
    if (announcesJson !== (json !== undefined))
      throw new Error(
        `the answer on line ${index + 1} ${announcesJson ? 'announces a json block that is not there' : 'is followed by a json block without a colon'}`,
      );
    return {
      status: Number(match[1]),
      ...(match[2] ? { contentType: match[2] } : {}),
      ...(json ? { json: json.text } : {}),
      end: json ? json.end : index,
    };
  }
  return undefined;
}

function stepOf(command: string): DocStep[] {
  const capture = CAPTURE.exec(command);
  if (capture) return [{ kind: 'capture', variable: capture[1]!, file: capture[2]!, field: capture[3]! }];
  // BASE=… and KEY=…: the reader's own values; the test sets its own.
  if (ASSIGNMENT.test(command)) return [];
  const literal = parseCurl(words(command, (name) => `$${name}`));
  return [
    {
      kind: 'curl',
      text: command,
      ...(literal.data === undefined ? {} : { data: literal.data }),
      ...(literal.teeFile ? { teeFile: literal.teeFile } : {}),
      expand: (variables) => parseCurl(words(command, (name) => lookUp(variables, name))).curl,
    },
  ];
}

function lookUp(variables: Record<string, string>, name: string): string {
  const value = variables[name];
  if (value === undefined) throw new Error(`$${name} is used before an example sets it`);
  return value;
}

function parseCurl(tokens: string[]): { curl: Curl; data?: string; teeFile?: string } {
  const pipe = tokens.indexOf('|');
  const command = pipe < 0 ? tokens : tokens.slice(0, pipe);
  const tail = pipe < 0 ? [] : tokens.slice(pipe + 1);
  if (tail.length > 0 && (tail.length !== 2 || tail[0] !== 'tee'))
    throw new Error(`only "| tee <file>" may follow curl, not "${tail.join(' ')}"`);
  if (command[0] !== 'curl') throw new Error(`not a curl command: ${command.join(' ')}`);
  const curl: Curl = { method: 'GET', url: '', headers: {} };
  let explicitMethod = false;
  for (let index = 1; index < command.length; index++) {
    const word = command[index]!;
    const value = () => {
      const next = command[++index];
      if (next === undefined) throw new Error(`${word} needs a value`);
      return next;
    };
    if (word === '-X') {
      curl.method = value();
      explicitMethod = true;
    } else if (word === '-H') {
      const header = value();
      const colon = header.indexOf(':');
      curl.headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
    } else if (word === '-d' || word === '--data' || word === '--data-raw') {
      curl.data = value();
      if (!explicitMethod) curl.method = 'POST';
    } else if (word === '-o') {
      value();
    } else if (word === '-s') {
      continue;
    } else if (word.startsWith('-')) {
      throw new Error(`curl option ${word} is not understood by the doc harness`);
    } else {
      curl.url = word;
    }
  }
  if (!curl.url) throw new Error(`no URL in: ${command.join(' ')}`);
  return { curl, ...(curl.data === undefined ? {} : { data: curl.data }), ...(tail[1] ? { teeFile: tail[1] } : {}) };
}

/** The block's commands: lines, joined across `\` continuations and quoted line breaks. */
function splitCommands(text: string): string[] {
  const commands: string[] = [];
  let current = '';
  let quote: "'" | '"' | null = null;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quote) {
      if (char === '\\' && quote === '"') {
        current += char + (text[++index] ?? '');
        continue;
      }
      if (char === quote) quote = null;
      current += char;
      continue;
    }
    if (char === '\\' && text[index + 1] === '\n') {
      index++;
      current += ' ';
    } else if (char === '\n') {
      if (current.trim()) commands.push(current.trim());
      current = '';
    } else {
      if (char === "'" || char === '"') quote = char;
      current += char;
    }
  }
  if (quote) throw new Error(`an unclosed ${quote} in:\n${text}`);
  if (current.trim()) commands.push(current.trim());
  return commands;
}

/** A command's words: quotes removed, `$NAME` replaced, `|` a word of its own. */
function words(command: string, variable: (name: string) => string): string[] {
  const result: string[] = [];
  let word: string | null = null;
  const append = (text: string) => (word = (word ?? '') + text);
  for (let index = 0; index < command.length; index++) {
    const char = command[index]!;
    if (char === "'") {
      const end = command.indexOf("'", index + 1);
      append(command.slice(index + 1, end));
      index = end;
    } else if (char === '"') {
      let text = '';
      for (index++; command[index] !== '"'; index++) {
        if (command[index] === '\\') text += command[++index];
        else if (command[index] === '$') {
          const name = /^\w+/.exec(command.slice(index + 1))![0];
          text += variable(name);
          index += name.length;
        } else text += command[index];
      }
      append(text);
    } else if (char === '$') {
      const name = /^\w+/.exec(command.slice(index + 1))?.[0];
      if (!name) throw new Error(`a lone $ in: ${command}`);
      append(variable(name));
      index += name.length;
    } else if (char === '|') {
      if (word !== null) result.push(word);
      result.push('|');
      word = null;
    } else if (char === ' ' || char === '\t') {
      if (word !== null) result.push(word);
      word = null;
    } else {
      append(char);
    }
  }
  if (word !== null) result.push(word);
  return result;
}
