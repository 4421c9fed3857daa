import { describe, expect, it } from 'vitest';
import { formatClock, formatProgressLine, type ProgressPayload } from './progress';

const payload: ProgressPayload = {
  epoch: 2,
  epochs: 10,
  batch: 211,
  batches: 422,
  loss: 0.123456,
  learningRate: 0.0012,
  samplesPerSecond: 23014.2,
  elapsedMs: 72_000,
  remainingMs: 3_723_000,
};

describe('formatProgressLine', () => {
  it('shows everything on a wide terminal', () => {
    expect(formatProgressLine(payload, 0.5, 120)).toBe(
      'epoch 2/10 [###############...............] 50%  loss 0.1235  lr 1.20e-3  211/422  23014 samples/s  1:12<1:02:03',
    );
  });

  it.each([20, 30, 40, 50, 60, 70, 80, 100, 200])(
    'fits %i columns (one line, no wrap)',
    (width) => {
      for (const fraction of [0, 0.37, 1]) {
        const line = formatProgressLine(payload, fraction, width - 1);
        expect(line.length).toBeLessThanOrEqual(width - 1);
        expect(line).not.toContain('\n');
        expect(line.startsWith('epoch 2/10')).toBe(true);
      }
    },
  );

  it('drops the least important fields first', () => {
    expect(formatProgressLine(payload, 0.5, 59)).toBe(
      'epoch 2/10 [########.......] 50%  loss 0.1235  1:12<1:02:03',
    );
  });

  it('formats clocks', () => {
    expect([
      formatClock(0),
      formatClock(7_400),
      formatClock(723_000),
      formatClock(Number.NaN),
    ]).toEqual(['0:00', '0:07', '12:03', '?']);
  });
});
