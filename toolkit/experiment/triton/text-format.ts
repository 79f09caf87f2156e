/**
 * Protocol buffers' text format (what Triton reads from config.pbtxt), written and read for a message type of
 * Triton's schema (schema.ts), in the plain-object form schema.ts checks (snake_case names, enums by name, maps as
 * objects).
 *
 * renderTextFormat: the fields the object sets, in the proto's declaration order; a message as `name { ... }`, a
 * repeated message as `name [ { ... }, { ... } ]`, a repeated scalar as `name: [ a, b ]`, a map as one
 * `name { key: k value: v }` per entry, strings double-quoted with C escapes, enums bare.
 *
 * parseTextFormat: the same constructs and their usual variants (`name: { }`, a repeated field written several
 * times, `#` comments, single quotes, `,` or `;` between fields), driven by the type so that enum names, maps and
 * repeated fields come back in the same form; a name the type lacks or a token out of place is a one-line error
 * with the line number. Not read: extensions, `Any`, hexadecimal and octal numbers, `inf`/`nan`.
 */
import * as protobuf from 'protobufjs';

type Plain = Record<string, unknown>;

const INDENT = '  ';

function quote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function scalarText(field: protobuf.Field, value: unknown): string {
  if (field.resolvedType instanceof protobuf.Enum) return String(value);
  if (typeof value === 'string') return quote(value);
  return String(value);
}

function renderMessage(type: protobuf.Type, message: Plain, depth: number): string[] {
  const pad = INDENT.repeat(depth);
  const lines: string[] = [];
  const block = (head: string, body: Plain, t: protobuf.Type, end = '') => {
    lines.push(`${pad}${head}{`, ...renderMessage(t, body, depth + 1), `${pad}}${end}`);
  };
  for (const field of type.fieldsArray) {
    const value = message[field.name];
    if (value === undefined) continue;
    const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    if (field.map) {
      for (const [k, v] of Object.entries(value as Plain)) {
        lines.push(`${pad}${field.name} {`, `${pad}${INDENT}key: ${quote(k)}`);
        if (sub !== undefined) block('value ', v as Plain, sub);
        else lines.push(`${pad}${INDENT}value: ${scalarText(field, v)}`);
        lines.push(`${pad}}`);
      }
    } else if (field.repeated) {
      const items = value as unknown[];
      if (sub === undefined) {
        lines.push(`${pad}${field.name}: [ ${items.map((v) => scalarText(field, v)).join(', ')} ]`);
      } else {
        lines.push(`${pad}${field.name} [`);
        items.forEach((item, i) => {
          lines.push(`${pad}${INDENT}{`, ...renderMessage(sub, item as Plain, depth + 2), `${pad}${INDENT}}${i + 1 < items.length ? ',' : ''}`);
        });
        lines.push(`${pad}]`);
      }
    } else if (sub !== undefined) {
      block(`${field.name} `, value as Plain, sub);
    } else {
      lines.push(`${pad}${field.name}: ${scalarText(field, value)}`);
    }
  }
  return lines;
}

/** The text format of `message` as a `type`. */
export function renderTextFormat(type: protobuf.Type, message: Plain): string {
  return `${renderMessage(type, message, 0).join('\n')}\n`;
}

interface Token {
  readonly kind: 'ident' | 'string' | 'number' | 'punct';
  readonly text: string;
  /** The string's value (strings only). */
  readonly value?: string;
  readonly line: number;
}

export class TextFormatError extends Error {
  constructor(readonly line: number, readonly problem: string) {
    super(`line ${line}: ${problem}`);
    this.name = 'TextFormatError';
  }
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '"': '"', "'": "'", '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v', '?': '?' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\n') { line++; i++; continue; }
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === '#') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if ('{}[]:,;<>'.includes(ch)) { tokens.push({ kind: 'punct', text: ch, line }); i++; continue; }
    if (ch === '"' || ch === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length || text[j] === '\n') throw new TextFormatError(line, 'a string is not closed');
        const c = text[j];
        if (c === ch) break;
        if (c === '\\') {
          const next = text[j + 1];
          const octal = /^[0-7]{1,3}/.exec(text.slice(j + 1, j + 4));
          if (octal !== null) { value += String.fromCharCode(parseInt(octal[0], 8)); j += 1 + octal[0].length; continue; }
          if (next === undefined || ESCAPES[next] === undefined) throw new TextFormatError(line, `unknown escape '\\${next ?? ''}' in a string`);
          value += ESCAPES[next];
          j += 2;
          continue;
        }
        value += c;
        j++;
      }
      tokens.push({ kind: 'string', text: text.slice(i, j + 1), value, line });
      i = j + 1;
      continue;
    }
    const word = /^(-?[0-9][0-9.eE+-]*|-?\.[0-9][0-9eE+-]*|[A-Za-z_][A-Za-z0-9_.]*)/.exec(text.slice(i));
    if (word === null) throw new TextFormatError(line, `unexpected character '${ch}'`);
    tokens.push({ kind: /^[-.0-9]/.test(word[0]) ? 'number' : 'ident', text: word[0], line });
    i += word[0].length;
  }
  return tokens;
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token | undefined { return this.tokens[this.at]; }
  private lastLine(): number { return this.tokens[Math.min(this.at, this.tokens.length - 1)]?.line ?? 1; }
  private next(what: string): Token {
    const t = this.tokens[this.at++];
    if (t === undefined) throw new TextFormatError(this.lastLine(), `the text ends where ${what} should be`);
    return t;
  }
  private isPunct(text: string): boolean { const t = this.peek(); return t?.kind === 'punct' && t.text === text; }
  private expect(text: string): void {
    const t = this.next(`'${text}'`);
    if (t.kind !== 'punct' || t.text !== text) throw new TextFormatError(t.line, `expected '${text}', found '${t.text}'`);
  }
  private skipSeparator(): void { if (this.isPunct(',') || this.isPunct(';')) this.at++; }

  /** Fields until `close` (or the end of the text when `close` is undefined). */
  message(type: protobuf.Type, close: string | undefined): Plain {
    const out: Plain = {};
    for (;;) {
      const t = this.peek();
      if (t === undefined) {
        if (close === undefined) return out;
        throw new TextFormatError(this.lastLine(), `'${close}' missing at the end of ${type.name}`);
      }
      if (close !== undefined && t.kind === 'punct' && t.text === close) { this.at++; return out; }
      this.field(type, out);
      this.skipSeparator();
    }
  }

  private field(type: protobuf.Type, out: Plain): void {
    const name = this.next('a field name');
    if (name.kind !== 'ident') throw new TextFormatError(name.line, `expected a field name, found '${name.text}'`);
    const field = type.fields[name.text];
    if (field === undefined) throw new TextFormatError(name.line, `${type.fullName.slice(1)} has no field '${name.text}'`);
    const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    const colon = this.isPunct(':');
    if (colon) this.at++;
    else if (sub === undefined && !field.map) throw new TextFormatError(name.line, `expected ':' after '${name.text}'`);
    const one = (): unknown => (field.map ? this.mapEntry(field) : sub !== undefined ? this.block(sub) : this.scalar(field));
    if (field.map) {
      const target = (out[field.name] ??= {}) as Plain;
      const add = () => { const [k, v] = one() as [string, unknown]; target[k] = v; };
      this.list(add);
    } else if (field.repeated) {
      const target = (out[field.name] ??= []) as unknown[];
      this.list(() => target.push(one()));
    } else {
      if (this.isPunct('[')) throw new TextFormatError(name.line, `'${name.text}' is not a repeated field`);
      out[field.name] = one();
    }
  }

  /** One element, or `[ a, b, ... ]`. */
  private list(add: () => void): void {
    if (!this.isPunct('[')) { add(); return; }
    this.at++;
    if (this.isPunct(']')) { this.at++; return; }
    for (;;) {
      add();
      if (this.isPunct(',')) { this.at++; continue; }
      this.expect(']');
      return;
    }
  }

  private block(type: protobuf.Type): Plain {
    const open = this.next(`'{' of ${type.name}`);
    if (open.kind !== 'punct' || (open.text !== '{' && open.text !== '<')) throw new TextFormatError(open.line, `expected '{' to open ${type.name}, found '${open.text}'`);
    return this.message(type, open.text === '{' ? '}' : '>');
  }

  private mapEntry(field: protobuf.Field): [string, unknown] {
    const open = this.next(`'{' of a ${field.name} entry`);
    if (open.kind !== 'punct' || open.text !== '{') throw new TextFormatError(open.line, `expected '{' to open a ${field.name} entry, found '${open.text}'`);
    let key: string | undefined;
    let value: unknown;
    while (!this.isPunct('}')) {
      const name = this.next('key or value');
      if (name.text === 'key') { this.expect(':'); key = String(this.scalarOf((field as unknown as protobuf.MapField).keyType, undefined)); }
      else if (name.text === 'value') {
        const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
        if (sub !== undefined) { if (this.isPunct(':')) this.at++; value = this.block(sub); }
        else { this.expect(':'); value = this.scalar(field); }
      } else throw new TextFormatError(name.line, `a ${field.name} entry has only key and value, found '${name.text}'`);
      this.skipSeparator();
    }
    this.at++;
    if (key === undefined || value === undefined) throw new TextFormatError(open.line, `a ${field.name} entry needs a key and a value`);
    return [key, value];
  }

  private scalar(field: protobuf.Field): unknown {
    return this.scalarOf(field.type, field.resolvedType instanceof protobuf.Enum ? field.resolvedType : undefined);
  }

  private scalarOf(type: string, enumType: protobuf.Enum | undefined): unknown {
    const t = this.next(`a ${type} value`);
    if (enumType !== undefined) {
      if (t.kind === 'ident' && t.text in enumType.values) return t.text;
      const byNumber = t.kind === 'number' ? enumType.valuesById[Number(t.text)] : undefined;
      if (byNumber !== undefined) return byNumber;
      throw new TextFormatError(t.line, `'${t.text}' is not a value of enum ${enumType.name}`);
    }
    if (type === 'string' || type === 'bytes') {
      if (t.kind !== 'string') throw new TextFormatError(t.line, `expected a string, found '${t.text}'`);
      let value = t.value!;
      while (this.peek()?.kind === 'string') value += this.next('a string').value!; // adjacent strings concatenate
      return value;
    }
    if (type === 'bool') {
      if (t.text === 'true' || t.text === 'True' || t.text === 't' || t.text === '1') return true;
      if (t.text === 'false' || t.text === 'False' || t.text === 'f' || t.text === '0') return false;
      throw new TextFormatError(t.line, `expected true or false, found '${t.text}'`);
    }
    const x = Number(t.text);
    if (t.kind !== 'number' || !Number.isFinite(x)) throw new TextFormatError(t.line, `expected a number, found '${t.text}'`);
    return x;
  }
}

/** Reads the text format of a `type` into the plain-object form; throws TextFormatError (with the line) when it cannot. */
export function parseTextFormat(type: protobuf.Type, text: string): Plain {
  return new Parser(tokenize(text)).message(type, undefined);
}
