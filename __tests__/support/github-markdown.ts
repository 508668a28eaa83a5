/**
 * A CommonMark-faithful view of where code fences open and close, so tests can check what GitHub
 * would treat as markup (outside fences) versus inert code (inside).
 */
export interface MarkdownParts {
  /** Lines GitHub parses as markdown/HTML. */
  markup: string[];
  /** Lines inside fenced code blocks. */
  code: string[];
  /** True when every fence that opened also closed. */
  balanced: boolean;
}

export function splitFences(markdown: string): MarkdownParts {
  const markup: string[] = [];
  const code: string[] = [];
  let open: { char: string; length: number } | null = null;
  for (const line of markdown.split('\n')) {
    if (open) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close && close[1][0] === open.char && close[1].length >= open.length) open = null;
      else code.push(line);
      continue;
    }
    const start = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (start) {
      open = { char: start[1][0], length: start[1].length };
      continue;
    }
    markup.push(line);
  }
  return { markup, code, balanced: open === null };
}

/**
 * The text of a markdown line outside its code spans (a backtick run closes only on a run of the
 * same length), i.e. what GitHub would parse for HTML and mentions.
 */
export function outsideCodeSpans(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    if (line[i] === '\\') {
      out += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (line[i] !== '`') {
      out += line[i++];
      continue;
    }
    let run = 0;
    while (line[i + run] === '`') run++;
    const fence = '`'.repeat(run);
    let close = -1;
    for (let j = line.indexOf(fence, i + run); j !== -1; j = line.indexOf(fence, j + 1)) {
      if (line[j - 1] !== '`' && line[j + run] !== '`') {
        close = j;
        break;
      }
    }
    if (close === -1) {
      out += fence;
      i += run;
    } else {
      i = close + run;
    }
  }
  return out;
}
