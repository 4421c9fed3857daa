import { it } from 'vitest';
import { diagnose } from './diagnose';
import { buildHistory, scenarios } from './synthetic-curves.test-helper';

it('scratch', () => {
  for (const [name, scenario] of Object.entries(scenarios)) {
    let bad = 0;
    const examples: string[] = [];
    for (let seed = 1; seed <= 150; seed++) {
      for (const extra of [0.01, 0.05]) {
        const d = diagnose(buildHistory(scenario.spec, { seed, extraRelativeNoise: extra }));
        const kinds = d.verdicts.map((v) => v.kind).sort();
        const ok = JSON.stringify(kinds) === JSON.stringify([...scenario.expected].sort());
        if (!ok) { bad++; if (examples.length < 3) examples.push(`${seed} ${extra} ${kinds.join(',')} | ${d.verdicts.map((v) => v.message).join(' | ')} ${JSON.stringify(d.train?.endTrend)} ${JSON.stringify(d.validation?.endTrend)}`); }
      }
    }
    console.log(`${name}: ${bad}/300 bad`);
    for (const e of examples) console.log('    ', e);
  }
});
