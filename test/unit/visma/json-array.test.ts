import fc from 'fast-check';
import { jsonArrayElements } from '../../../src/visma/json-array';

describe('jsonArrayElements', () => {
  it.each<[string, string, string[]]>([
    ['an empty array', '[]', []],
    ['an empty array with whitespace', ' \r\n\t[ \n ] \n', []],
    ['objects', '[{"a":1},{"b":[2,3]}]', ['{"a":1}', '{"b":[2,3]}']],
    ['scalars of every kind', '[1,-2.5e3,"x",true,false,null]', ['1', '-2.5e3', '"x"', 'true', 'false', 'null']],
    ['whitespace around elements, kept with them', '[ {"a":1} ,\n {"b":2}\n]', ['{"a":1} ', '{"b":2}\n']],
    ['brackets, braces and commas inside strings', '[{"s":"],}{[,"},"[{"]', ['{"s":"],}{[,"}', '"[{"']],
    ['escaped quotes and backslashes', '[{"s":"a\\"b"},"c\\\\","d\\\\\\"e"]', ['{"s":"a\\"b"}', '"c\\\\"', '"d\\\\\\"e"']],
    ['nested arrays', '[[1,[2]],[]]', ['[1,[2]]', '[]']],
    ['non-ASCII text', '[{"name":"Bjørn Ærø ✓"}]', ['{"name":"Bjørn Ærø ✓"}']],
  ])('splits %s', (_case, text, expected) => {
    expect(jsonArrayElements(text)).toEqual(expected);
  });

  it.each([
    ['an object', '{"value":[1,2]}'],
    ['a wrapped list', '{"value":[{"a":1}]}'],
    ['an empty body', ''],
    ['a string', '"[1]"'],
    ['an unclosed array', '[{"a":1}'],
    ['an unterminated string', '[{"a":"1}]'],
    ['a trailing comma', '[1,]'],
    ['a missing element', '[1,,2]'],
    ['a leading comma', '[,1]'],
    ['an extra closing brace', '[1}]'],
    ['text after the array', '[1] x'],
    ['two arrays', '[1][2]'],
  ])('gives null for %s', (_case, text) => {
    expect(jsonArrayElements(text)).toBeNull();
  });

  it('gives elements that parse to the elements of any JSON array', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), fc.constantFrom(undefined, 2), (array, indent) => {
        const elements = jsonArrayElements(JSON.stringify(array, null, indent));
        expect(elements?.map((element) => JSON.parse(element))).toEqual(JSON.parse(JSON.stringify(array)));
      }),
    );
  });
});
