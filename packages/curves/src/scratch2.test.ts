import { it } from 'vitest';
import { diagnose } from './diagnose';
import { robustNoise } from './robust-statistics';
import { trendTest } from './trend-test';
import { buildHistory, scenarios } from './synthetic-curves.test-helper';

it('scratch2', () => {
  for (const seed of [202, 229, 367]) {
    const h = buildHistory(scenarios.overfitting.spec, { seed, extraRelativeNoise: 0.05 });
    const d = diagnose(h);
    const v = d.validation!;
    const after = h.validation.iterations.map((x, i) => [x, h.validation.values[i]!] as const).filter(([x]) => x > v.bestIteration);
    const tt = trendTest(after.map((p) => p[1]), { iterations: after.map((p) => p[0]) });
    console.log(seed, 'best', v.bestLevel, v.bestIteration, 'final', v.finalLevel, 'rise', v.finalLevel - v.bestLevel, 'noise', v.noise, robustNoise(h.validation.values), 'trend p', tt.pValue, tt.direction, 'train final', d.train!.finalLevel);
    console.log(h.validation.values.map((x) => x.toFixed(3)).join(' '));
  }
});
