import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { outputsMatch, tokenize, tokensMatch } from '../../../src/exec/compare.ts';

const token = fc.oneof(
  fc.stringMatching(/^[a-zA-Z]{1,6}$/),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }).map((x) => x.toFixed(6)),
);
const whitespace = fc.stringMatching(/^[ \t\n\r]{1,4}$/);

function join(tokens: readonly string[], separators: readonly string[]): string {
  return tokens.map((t, i) => t + (separators[i % separators.length] ?? ' ')).join('');
}

describe('the output comparator', () => {
  test('ignores how tokens are separated and trailing whitespace', () => {
    assert.ok(outputsMatch('1 2\n3\n', '1\t2 3'));
    assert.ok(outputsMatch('YES\n', '  YES  \n\n'));
    assert.ok(!outputsMatch('1 2', '12'));
    assert.ok(!outputsMatch('1 2', '1 2 3'));
  });

  test('compares floats within 1e-5, absolute or relative', () => {
    assert.ok(outputsMatch('0.333333', '0.3333333333'));
    assert.ok(outputsMatch('1.0', '1'));
    assert.ok(outputsMatch('1e10', '10000000001.0'));
    assert.ok(!outputsMatch('0.5', '0.5001'));
    assert.ok(!outputsMatch('1.5', 'abc'));
  });

  test('compares integers exactly, even beyond 2^53', () => {
    assert.ok(!outputsMatch('9007199254740993', '9007199254740992'));
    assert.ok(outputsMatch('9007199254740993', '9007199254740993'));
    assert.ok(outputsMatch('007', '7'));
    assert.ok(!tokensMatch('123456789012345678901234567890', '123456789012345678901234567891'));
  });

  test('compares words exactly, case included', () => {
    assert.ok(!outputsMatch('Yes', 'YES'));
    assert.ok(!outputsMatch('nan', 'nan0'));
  });

  test('property: any re-spacing of the same tokens matches', () => {
    fc.assert(fc.property(fc.array(token, { maxLength: 20 }), fc.array(whitespace, { minLength: 1 }), fc.array(whitespace, { minLength: 1 }), (tokens, a, b) => {
      assert.ok(outputsMatch(join(tokens, a), join(tokens, b)));
      assert.deepEqual(tokenize(join(tokens, a)), tokens);
    }));
  });

  test('property: matching is symmetric', () => {
    fc.assert(fc.property(fc.array(token, { maxLength: 6 }), fc.array(token, { maxLength: 6 }), (x, y) => {
      assert.equal(outputsMatch(x.join(' '), y.join(' ')), outputsMatch(y.join(' '), x.join(' ')));
    }));
  });

  test('property: floats within tolerance match and floats far apart do not', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), fc.double({ min: 0, max: 0.9, noNaN: true }), (x, fraction) => {
      const near = x + fraction * 1e-5 * Math.max(1, Math.abs(x)) * 0.9;
      assert.ok(tokensMatch(x.toPrecision(17), `${near.toPrecision(17)}`));
      const far = x + 1e-3 * Math.max(1, Math.abs(x));
      assert.ok(!tokensMatch(x.toFixed(6), far.toFixed(6)));
    }));
  });

  test('property: distinct integers never match, however large', () => {
    fc.assert(fc.property(fc.bigInt({ min: 2n ** 53n, max: 2n ** 70n }), fc.bigInt({ min: 1n, max: 1000n }), (n, d) => {
      assert.ok(!tokensMatch(String(n), String(n + d)));
      assert.ok(tokensMatch(String(n), String(n)));
    }));
  });
});
