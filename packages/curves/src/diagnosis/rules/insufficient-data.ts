import { defineDiagnosisRule } from '../rule';

const advice: readonly string[] = ['record more iterations before diagnosing'];

/**
 * `insufficient-data` (info): fewer than `minPoints` [20] finite training
 * points; nothing else is reported (the curve is too short to measure).
 */
export const insufficientDataRule = defineDiagnosisRule({
  id: 'insufficient-data',
  title: 'Insufficient data',
  needs: [],
  final: true,
  defaults: {},
  sources: ['trainkit default'],
  advice,
  evaluate({ measured, settings }) {
    if (measured.train !== undefined) return [];
    const { xs } = measured.curves.train;
    const n = xs.length;
    return [
      {
        severity: 'info',
        subject: 'training',
        summary: `Only ${n} finite training points; the diagnosis needs at least ${settings.minPoints}.`,
        range: { start: xs[0] ?? 0, end: xs[n - 1] ?? 0 },
        evidence: { points: n, minPoints: settings.minPoints },
        advice: advice,
      },
    ];
  },
});
