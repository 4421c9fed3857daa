import { cosineDecay, join, linear, previewSchedule } from '@trainkit/schedules';

const warmupSteps = 500;
const totalSteps = 10_000;
const schedule = join(
  [
    linear({ initialValue: 0, endValue: 0.1, transitionSteps: warmupSteps }),
    cosineDecay({ initialValue: 0.1, decaySteps: totalSteps - warmupSteps, alpha: 0.01 }),
  ],
  [warmupSteps],
);
console.log(schedule(0)); // 0
console.log(schedule(250)); // 0.05
console.log(schedule(500)); // 0.1: the cosine's own step 0
console.log(schedule(20_000).toFixed(6)); // 0.001: clamped past the horizon

console.log(previewSchedule(schedule, { steps: totalSteps, title: 'warmup + cosine' }));
