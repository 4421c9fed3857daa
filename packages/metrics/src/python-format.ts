/**
 * Number formatting that reproduces Python's `format()` output, so that text
 * reports match scikit-learn's byte for byte.
 */

/**
 * Python's `'{:.{digits}f}'.format(x)`: fixed notation, rounded half to even on
 * the exact binary value (JavaScript's `toFixed` rounds exact ties up, so
 * `(0.125).toFixed(2)` is `"0.13"` where Python prints `"0.12"`).
 */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  const negative = x < 0 || Object.is(x, -0);
  const magnitude = Math.abs(x);
  // Exact decimal expansion of the double. toFixed is exact; 100 digits cover
  // every fraction bit of doubles >= 2^-47, and smaller ones round to zero.
  const exact = magnitude >= 1e21 ? `${BigInt(magnitude).toString()}.0` : magnitude.toFixed(100);
  const point = exact.indexOf('.');
  const integerPart = exact.slice(0, point);
  const fraction = exact.slice(point + 1);
  let kept = integerPart + fraction.slice(0, digits).padEnd(digits, '0');
  const next = fraction.charCodeAt(digits) - 48;
  const rest = fraction.slice(digits + 1);
  let roundUp = false;
  if (next > 5) roundUp = true;
  else if (next === 5) {
    const exactTie = !/[1-9]/.test(rest);
    const lastDigit = kept.charCodeAt(kept.length - 1) - 48;
    roundUp = !exactTie || lastDigit % 2 === 1;
  }
  if (roundUp) kept = incrementDecimal(kept);
  const integerLength = kept.length - digits;
  const body = digits === 0 ? kept : `${kept.slice(0, integerLength)}.${kept.slice(integerLength)}`;
  return negative ? `-${body}` : body;
}

function incrementDecimal(digits: string): string {
  const chars = digits.split('');
  let i = chars.length - 1;
  while (i >= 0) {
    if (chars[i] === '9') {
      chars[i] = '0';
      i--;
    } else {
      chars[i] = String.fromCharCode(chars[i]!.charCodeAt(0) + 1);
      return chars.join('');
    }
  }
  return `1${chars.join('')}`;
}

/**
 * Python's `str()` of a number as scikit-learn prints a support value: an
 * integer count prints as an integer (`12`); any other value as Python's
 * `repr` of a float (`12.5`, `1e-05`, `1e+16`, `nan`).
 */
export function formatPythonNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return String(x);
  return pythonFloatRepr(x);
}

/** Python's `repr(float)`: shortest round-trip digits, Python's exponent rules. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest round-trip digits.
  const [mantissa, exponentText] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  const decimalPoint = exponent + 1; // position of the point after the first digit
  if (decimalPoint > -4 && decimalPoint <= 16) {
    if (decimalPoint <= 0) return `${sign}0.${'0'.repeat(-decimalPoint)}${digits}`;
    if (decimalPoint >= digits.length) {
      return `${sign}${digits}${'0'.repeat(decimalPoint - digits.length)}.0`;
    }
    return `${sign}${digits.slice(0, decimalPoint)}.${digits.slice(decimalPoint)}`;
  }
  const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const exponentSign = exponent < 0 ? '-' : '+';
  return `${sign}${head}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}
