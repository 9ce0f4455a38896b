/**
 * The error function to double precision, for the exact GELU (x·Φ(x), Φ(x) = ½(1 + erf(x/√2)),
 * torch.nn.GELU's default approximate='none'). JavaScript has no Math.erf.
 *
 * - |x| < ERF_SERIES_LIMIT: erf(x) = (2/√π)·e^(-x²)·Σ_{n≥0} (2x²)^n·x / (1·3·5···(2n+1))
 *   (Abramowitz & Stegun 7.1.6). Every term is positive, so nothing cancels.
 * - otherwise: erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
 *   (A&S 7.1.14), evaluated with the modified Lentz method; it converges fast for large x.
 */

/** Below this |x| the series is used; above it the continued fraction. */
const ERF_SERIES_LIMIT = 2.5;
const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
const TERM_TOLERANCE = 1e-17;
const MAX_TERMS = 200;
const LENTZ_TINY = 1e-300;

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < ERF_SERIES_LIMIT) return erfSeries(x);
  const tail = erfcContinuedFraction(ax);
  return x > 0 ? 1 - tail : tail - 1;
}

/** erfc(x) = 1 - erf(x), accurate in relative terms in the far tail too. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= ERF_SERIES_LIMIT) return erfcContinuedFraction(x);
  if (x <= -ERF_SERIES_LIMIT) return 2 - erfcContinuedFraction(-x);
  return 1 - erfSeries(x);
}

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < MAX_TERMS; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < TERM_TOLERANCE * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** x > 0. Continued fraction x + (1/2)/(x + 1/(x + (3/2)/(x + …))): partial numerators a_n = n/2. */
function erfcContinuedFraction(x: number): number {
  if (x === Infinity) return 0;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < MAX_TERMS; n++) {
    const a = n / 2;
    d = x + a * d;
    if (Math.abs(d) < LENTZ_TINY) d = LENTZ_TINY;
    c = x + a / c;
    if (Math.abs(c) < LENTZ_TINY) c = LENTZ_TINY;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < TERM_TOLERANCE) break;
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
}
