import fc from 'fast-check';
import { JsonArraySplitter, jsonArrayElements } from '../../../src/visma/json-array';

/** The splitter fed `bytes` in the given chunks: the elements it handed on and its verdict. */
function split(bytes: Buffer, cuts: readonly number[]): { elements: string[]; verdict: string } {
  const elements: string[] = [];
  const splitter = new JsonArraySplitter((element) => elements.push(element));
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    splitter.write(bytes.subarray(from, cut));
    from = cut;
  }
  splitter.write(bytes.subarray(from));
  return { elements, verdict: splitter.end() };
}

describe('JsonArraySplitter', () => {
  const body = Buffer.from('[ {"s":"a\\"b],}{","n":"Bjørn ✓ \\\\"} ,\n[1,[2]], "x\\u00e9" ,null]', 'utf8');

  it('gives the same elements whichever byte each chunk ends at, inside characters, strings and escapes too', () => {
    const whole = split(body, []);
    expect(whole.verdict).toBe('array');
    expect(whole.elements.map((element) => JSON.parse(element) as unknown)).toEqual(JSON.parse(body.toString('utf8')));
    for (let cut = 0; cut <= body.length; cut += 1) {
      expect(split(body, [cut])).toEqual(whole);
    }
    const oneByteAtATime = Array.from({ length: body.length }, (_, i) => i);
    expect(split(body, oneByteAtATime)).toEqual(whole);
  });

  it('hands each element on as soon as its closing comma or bracket arrives, not at the end', () => {
    const seen: string[] = [];
    const splitter = new JsonArraySplitter((element) => seen.push(element));
    splitter.write(Buffer.from('[{"a":1},{"b"'));
    expect(seen).toEqual(['{"a":1}']);
    splitter.write(Buffer.from(':2}]'));
    expect(seen).toEqual(['{"a":1}', '{"b":2}']);
    expect(splitter.end()).toBe('array');
  });

  it('knows from the first byte that is not whitespace whether the body is an array', () => {
    const splitter = new JsonArraySplitter(() => undefined);
    splitter.write(Buffer.from(' \n'));
    expect(splitter.state).toBe('undecided');
    splitter.write(Buffer.from('{"value":[]}'));
    expect(splitter.state).toBe('not-array');
    expect(splitter.end()).toBe('not-array');
  });

  it.each([
    ['an empty body', '', 'not-array'],
    ['whitespace only', ' \r\n', 'not-array'],
    ['a wrapped list', '{"value":[{"a":1}]}', 'not-array'],
    ['an array cut short', '[{"a":1},{"b":', 'broken'],
    ['a string cut short', '[{"a":"1', 'broken'],
    ['text after the array', '[1] x', 'broken'],
    ['a missing element', '[1,,2]', 'broken'],
    ['an extra closing brace', '[1}]', 'broken'],
  ])('calls %s %s, at every chunk boundary', (_case, text, verdict) => {
    const bytes = Buffer.from(text, 'utf8');
    for (let cut = 0; cut <= bytes.length; cut += 1) {
      expect(split(bytes, [cut]).verdict).toBe(verdict);
    }
  });

  it('splits any JSON array into its elements, cut into chunks anywhere', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), fc.constantFrom(undefined, 2), fc.array(fc.nat(), { maxLength: 8 }), (array, indent, cuts) => {
        const bytes = Buffer.from(JSON.stringify(array, null, indent), 'utf8');
        const { elements, verdict } = split(
          bytes,
          cuts.map((cut) => cut % (bytes.length + 1)),
        );
        expect(verdict).toBe('array');
        expect(elements.map((element) => JSON.parse(element) as unknown)).toEqual(JSON.parse(JSON.stringify(array)));
        expect(jsonArrayElements(bytes.toString('utf8'))).toEqual(elements);
      }),
    );
  });
});
