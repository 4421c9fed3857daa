import { describe, expect, it } from 'vitest';
import { consoleProgress, formatClock, formatProgressLine, type ProgressPayload } from './progress';

/** Terminal control sequences (cursor moves, colours, line clears). */
const ansiEscape = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

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

/** A terminal of `columns` columns that records what is written. */
function fakeTerminal(columns: number) {
  const chunks: string[] = [];
  const stream = {
    isTTY: true,
    columns,
    rows: 24,
    write(chunk: string) {
      chunks.push(String(chunk));
      return true;
    },
    // readline's cursor functions call these on a TTY stream.
    cursorTo: undefined,
    on: () => stream,
    once: () => stream,
    removeListener: () => stream,
  };
  return { stream: stream as unknown as NodeJS.WriteStream, chunks };
}

describe('consoleProgress', () => {
  it('draws one line that fits the terminal and prints library messages above it', () => {
    const { stream, chunks } = fakeTerminal(60);
    const original = console.warn;
    const display = consoleProgress(true, stream);
    expect(display.live).toBe(true);
    display.start(100, 0);
    for (let done = 1; done <= 40; done++)
      display.update(done, { ...payload, batch: done, batches: 100 });
    console.warn('a library says something');
    display.log('epoch 1/10  train loss 0.1000');
    display.update(41, { ...payload, batch: 41, batches: 100 });
    display.stop();
    const text = chunks.join('');
    // The message and the line arrive whole, each on its own line.
    expect(text).toContain('a library says something\n');
    expect(text).toContain('epoch 1/10  train loss 0.1000\n');
    // Every drawn bar fits in 59 columns (no wrap, no new line per update).
    const visible = text
      .replace(ansiEscape, '\n')
      .split(/[\r\n]/)
      .filter((line) => line.startsWith('epoch 2/10 ['));
    expect(visible.length).toBeGreaterThan(0);
    for (const line of visible) expect(line.length).toBeLessThanOrEqual(59);
    expect(console.warn).toBe(original);
  });

  it('prints lines wider than the terminal whole: line wrapping is on for them, off for the bar', () => {
    // cli-progress turns the terminal's autowrap off (ESC[?7l) while the bar is drawn; a line
    // printed above the bar in that mode is clipped at the last column by the terminal
    // ("val acc 96.10% (best)  3.8s" showed as "val acc 96.1s" at 60 columns).
    const { stream, chunks } = fakeTerminal(60);
    const display = consoleProgress(true, stream);
    display.start(100, 0);
    display.update(1, { ...payload, batch: 1, batches: 100 });
    const wide = 'epoch 1/6  train loss 0.3686  val loss 0.1321  val acc 96.10% (best)  3.8s';
    display.log(wide);
    display.update(2, { ...payload, batch: 2, batches: 100 });
    display.stop();
    const text = chunks.join('');
    const at = text.indexOf(wide);
    expect(at).toBeGreaterThan(-1);
    const wrapMode = new RegExp(`${String.fromCharCode(27)}\\[\\?7([hl])`, 'g');
    const wrapModes = (part: string) => [...part.matchAll(wrapMode)].map((m) => m[1]);
    // Autowrap is on when the line is written ...
    expect(wrapModes(text.slice(0, at)).at(-1)).toBe('h');
    // ... and off again for the bar drawn after it.
    const after = text.slice(at + wide.length);
    expect(wrapModes(after)[0]).toBe('l');
    expect(after.replace(ansiEscape, '\n')).toMatch(/epoch 2\/10 \[/);
  });

  it('prints plain lines and no bar without a terminal', () => {
    const { stream, chunks } = fakeTerminal(80);
    (stream as { isTTY: boolean }).isTTY = false;
    const display = consoleProgress(true, stream);
    expect(display.live).toBe(false);
    display.start(100, 0);
    display.update(10, payload);
    display.log('epoch 1/10  train loss 0.1000');
    display.stop();
    expect(chunks).toEqual(['epoch 1/10  train loss 0.1000\n']);
  });
});
