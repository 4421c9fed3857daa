import { type DiagnosisFinding, defineDiagnosisRule, formatNumber } from '../rule';
import type { Verdict } from '../verdict';

/** Evidence key of a divergence verdict: the first non-finite iteration of `curve`. */
function nonFiniteEvidenceKey(curve: string): string {
  return `${curve}FirstNonFiniteIteration`;
}

/**
 * Whether a divergence verdict comes from NaN or infinite losses (rather than
 * finite values growing): it carries a first-non-finite-iteration evidence.
 *
 * @internal
 */
export function isNonFiniteDivergence(verdict: Verdict): boolean {
  return (
    verdict.kind === 'divergence' &&
    ['training', 'validation'].some((curve) => nonFiniteEvidenceKey(curve) in verdict.evidence)
  );
}

const advice: readonly string[] = [
  'lower the learning rate (3-10x) or add a warmup',
  'clip gradients by global norm',
  'check for log(0), division by zero or exp overflow in the loss (use losses that take logits)',
  'normalize the inputs',
];

/**
 * `divergence` (critical): a NaN/infinite training or validation loss (one
 * finding naming the first non-finite value of each curve, the earliest
 * first), or a final training level above `divergenceFactor` [1.5] x the
 * lower of the first training loss and the best bucket median, by more than
 * `noiseSigmas` noise sd (assumes a non-negative loss). When found, nothing
 * else is reported.
 */
export const divergenceRule = defineDiagnosisRule({
  id: 'divergence',
  title: 'Divergence',
  needs: [],
  final: true,
  defaults: { divergenceFactor: 1.5 },
  limits: { divergenceFactor: { min: 1, minInclusive: false } },
  sources: [
    'trainkit default (a final level 1.5x the best, beyond the noise); Lightning EarlyStopping also stops on non-finite losses (check_finite) and at a divergence_threshold',
  ],
  advice,
  evaluate({ measured, settings, thresholds }) {
    const findings: DiagnosisFinding[] = [];
    const { train, validation } = measured.curves;
    const brokenCurves = (
      [
        ['training', train],
        ['validation', validation],
      ] as const
    )
      .filter(([, curve]) => curve.broken !== undefined)
      .sort(([, a], [, b]) => a.broken!.iteration - b.broken!.iteration);
    if (brokenCurves.length > 0) {
      const evidence: Record<string, number> = {};
      const sentences = brokenCurves.map(([name, curve]) => {
        const broken = curve.broken!;
        const lastFinite = curve.ys[curve.ys.length - 1];
        evidence[nonFiniteEvidenceKey(name)] = broken.iteration;
        evidence[`${name}NonFiniteCount`] = broken.count;
        if (lastFinite !== undefined) evidence[`${name}LastFiniteValue`] = lastFinite;
        return `the ${name} loss became ${broken.value} at iteration ${broken.iteration}${lastFinite === undefined ? '' : ` (last finite value ${formatNumber(lastFinite)} at iteration ${curve.xs[curve.xs.length - 1]})`}, ${broken.count} non-finite values in all`;
      });
      const [, firstBroken] = brokenCurves[0]!;
      findings.push({
        severity: 'critical',
        subject: brokenCurves[0]![0],
        summary: `Diverged: ${sentences.join('; ')}.`,
        range: { start: firstBroken.broken!.iteration, end: measured.lastIteration },
        evidence,
        advice,
      });
    }
    const t = measured.train;
    if (t === undefined) return findings;
    // The reference is the lower of the very first loss and the best smoothed level, so that
    // an explosion in the first iterations and a late blow-up after a good fall both count; the
    // rise must also exceed the noise (a single first value can be low by chance).
    const reference = Math.min(train.ys[0]!, t.bestLevel);
    if (
      reference > 0 &&
      t.finalLevel > thresholds.divergenceFactor * reference &&
      t.finalLevel - reference > settings.noiseSigmas * t.noise
    ) {
      const ratio = t.finalLevel / reference;
      const fromBest = reference === t.bestLevel;
      findings.push({
        severity: 'critical',
        subject: 'training',
        summary: `The training loss rose to ${formatNumber(t.finalLevel)} at the end, ${formatNumber(ratio)}x its ${fromBest ? `best level ${formatNumber(reference)} (iteration ${t.bestIteration})` : `first value ${formatNumber(reference)}`} (limit ${thresholds.divergenceFactor}x).`,
        range: { start: fromBest ? t.bestIteration : train.xs[0]!, end: t.range.end },
        evidence: {
          firstValue: train.ys[0]!,
          bestLevel: t.bestLevel,
          bestIteration: t.bestIteration,
          finalLevel: t.finalLevel,
          ratio,
        },
        advice,
      });
    }
    return findings;
  },
});
