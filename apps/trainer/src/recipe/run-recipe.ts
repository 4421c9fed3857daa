import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CheckResult, CheckStatus } from '@trainkit/sanity';
import { sanityReport, worstStatus } from '@trainkit/sanity';
import { resultsToJson, type SearchResult, type TrialView } from '@trainkit/search';
import {
  artifactFiles,
  type RecipeStepRecord,
  writeRecipe,
  writeSanity,
  writeSearch,
} from '../artifacts';
import { formatRate } from '../command-run';
import { exitCodes, TrainerError } from '../errors';
import type { StopSignal } from '../interrupt';
import { findLearningRate, writeLearningRateFiles } from '../lr-finder';
import type { TrainOptions } from '../options';
import type { PlantedBug } from '../planted-bugs';
import type { Output, ProgressDisplay } from '../progress';
import { formatSeconds } from '../progress';
import { writeReport } from '../report/write-report';
import { runTraining } from '../run-training';
import {
  dataChecks,
  gradientFreshness,
  initialChecks,
  overfitCheck,
  prepareSanity,
  type SanitySetup,
} from '../sanity-checks';
import {
  runTrainerSearch,
  type SearchExecutorChoice,
  type SearchPlan,
  searchMetric,
} from '../search-run';
import type { RecipeBudget } from './budgets';
import { runCrossValidation } from './cross-validation';
import { createTestGuard, evaluateOnTest, testGuardFile } from './test-evaluation';

/** What the recipe runs with. */
export interface RecipeSettings {
  /** The training options (the budget's limit already applied; `model` is where the recipe ends up). */
  readonly options: TrainOptions;
  readonly budget: RecipeBudget;
  /** Epochs of the final training. */
  readonly finalEpochs: number;
  /** K of the cross-validation, or undefined for none. */
  readonly cv: number | undefined;
  readonly plants: readonly PlantedBug[];
  readonly executor: SearchExecutorChoice;
  /** `--warmup-steps` was given: keep it (else at most a tenth of the final training). */
  readonly warmupExplicit: boolean;
}

/** Where the recipe writes and prints. */
export interface RecipeIO {
  /** The recipe's run directory. */
  readonly directory: string;
  /** Paths as the user sees them. */
  readonly display: (target: string) => string;
  readonly backend: string;
  readonly output: Output;
  /** The live display for the final training. */
  readonly progress: ProgressDisplay;
  readonly stop: StopSignal;
  /** Aborted on Ctrl-C (the search listens to it). */
  readonly signal: AbortSignal;
}

/** How the recipe ended. */
export interface RecipeOutcome {
  readonly steps: readonly RecipeStepRecord[];
  /** The step it stopped at (a fail), or undefined when it ran to the end. */
  readonly stoppedAt: string | undefined;
  readonly exitCode: number;
  readonly testAccuracy: number | undefined;
  readonly validationAccuracy: number | undefined;
  readonly chosen: { readonly learningRate: number; readonly weightDecay: number } | undefined;
  readonly seconds: number;
}

/** The artifacts of the final training copied into the recipe's directory (for its report). */
const finalArtifacts = [
  artifactFiles.result,
  artifactFiles.history,
  artifactFiles.profile,
  artifactFiles.schedule,
  artifactFiles.evaluation,
  artifactFiles.misclassified,
];

class Stopped extends Error {}

function percent(value: number): string {
  return `${(value * 100).toFixed(2)}%`;
}

function parameterCount(setup: SanitySetup): number {
  return setup.target.variables.reduce((sum, variable) => sum + variable.size, 0);
}

/** The worst status of some results. */
function statusOf(results: readonly CheckResult[]): CheckStatus {
  return results.length === 0 ? 'pass' : worstStatus(results.map((r) => r.status));
}

function adviceOf(results: readonly CheckResult[]): string[] {
  return results
    .filter((r) => r.status === 'fail' || r.status === 'warn')
    .flatMap((r) => r.advice.map((advice) => `${r.name}: ${advice}`));
}

function summaryOf(results: readonly CheckResult[]): string {
  const bad = results.filter((r) => r.status === 'fail' || r.status === 'warn');
  const shown = bad.length > 0 ? bad : results;
  return shown.map((r) => `${r.name} ${r.status}: ${r.summary}`).join('; ');
}

/**
 * The learning rates of the coarse grid, decided by the learning-rate
 * finder: the discrete test's rates that made the loss drop, best end loss
 * first, plus the range test's suggestion when it is more than 0.3 decades
 * from all of them, at most `max` (the suggestion is always kept).
 */
export function coarseRates(
  runs: readonly { learningRate: number; verdict: string; endLoss: number; configured: boolean }[],
  suggestion: number | undefined,
  max: number,
): number[] {
  const dropping = runs
    .filter((run) => run.verdict === 'drops' && !run.configured)
    .sort((a, b) => a.endLoss - b.endLoss)
    .map((run) => run.learningRate);
  const rates: number[] = [];
  const rounded = suggestion === undefined ? undefined : Number(suggestion.toPrecision(2));
  if (rounded !== undefined) rates.push(rounded);
  for (const rate of dropping) {
    if (rates.length >= max) break;
    if (rates.every((other) => Math.abs(Math.log10(other) - Math.log10(rate)) > 0.3)) {
      rates.push(rate);
    }
  }
  return rates.sort((a, b) => b - a);
}

function describeTrial(trial: TrialView): string {
  const wd = (trial.config.weightDecay as number | undefined) ?? 0;
  return `trial ${trial.trial} (lr ${formatRate(trial.config.learningRate as number)}, weight decay ${formatRate(wd)}: ${percent(trial.value ?? Number.NaN)})`;
}

function bestOf(trials: readonly TrialView[]): TrialView | undefined {
  return trials
    .filter((t) => t.state === 'finished' && t.value !== undefined)
    .sort((a, b) => b.value! - a.value! || a.trial - b.trial)[0];
}

function stageSeconds(trials: readonly TrialView[]): number {
  const started = trials.map((t) => t.startedAt ?? t.createdAt);
  const ended = trials.map((t) => t.endedAt ?? t.createdAt);
  return started.length === 0 ? 0 : (Math.max(...ended) - Math.min(...started)) / 1000;
}

/**
 * Runs the recipe in order, each step's outcome deciding the next: data and
 * leakage checks; start simple (the MLP first, the debug-cycle time of one
 * sanity pass); initial loss; overfit one sample / one batch / growing sets;
 * (with `--model cnn`, the CNN's own pass: add complexity one step at a time);
 * learning-rate finder (its rates make the coarse grid); coarse grid; refined
 * grid trained longer without decay (its best is the chosen configuration);
 * final training with decay; optional k-fold cross-validation; the test set,
 * opened once at the very end through the test-split guard. A failing step
 * stops the recipe with its advice. Every step is recorded in `recipe.json`
 * as it ends; the report is written at the end (also after a stop).
 */
export async function runRecipe(settings: RecipeSettings, io: RecipeIO): Promise<RecipeOutcome> {
  const { options, budget } = settings;
  const { output, directory } = io;
  const started = performance.now();
  const steps: RecipeStepRecord[] = [];
  const sanityResults: CheckResult[] = [];
  let stoppedAt: string | undefined;
  let chosen: RecipeOutcome['chosen'];
  let validationAccuracy: number | undefined;
  let testAccuracy: number | undefined;
  let exitCode: number = exitCodes.done;
  const total = 9 + (options.model === 'mlp' ? 0 : 1) + 1;

  const record = async (step: Omit<RecipeStepRecord, 'seconds'>, seconds: number) => {
    const full: RecipeStepRecord = { ...step, seconds };
    steps.push(full);
    await writeRecipe(directory, { budget: budget.name, steps, stoppedAt: null });
    const mark = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skipped: 'SKIP' }[step.status];
    output.log(
      `[${steps.length}/${total}] ${mark}  ${step.title} (${formatSeconds(seconds)}): ${step.summary}`,
    );
    if (step.decision !== null) output.log(`        decision: ${step.decision}`);
    if (step.status === 'warn' || step.status === 'fail') {
      for (const advice of step.advice) output.log(`        -> ${advice}`);
    }
    if (step.status === 'fail') {
      stoppedAt = step.name;
      exitCode = exitCodes.checkFailed;
      await writeRecipe(directory, { budget: budget.name, steps, stoppedAt: step.name });
      throw new Stopped();
    }
  };
  const checkStop = () => {
    if (io.stop.requested) {
      throw new TrainerError(
        'trainkit recipe: interrupted; the steps so far are in recipe.json (the recipe starts over when run again).',
        {
          exitCode: io.stop.signal === 'SIGTERM' ? exitCodes.terminated : exitCodes.interrupted,
        },
      );
    }
  };
  const saveSanity = () => writeSanity(directory, sanityReport(sanityResults));

  let mlp: SanitySetup | undefined;
  let complex: SanitySetup | undefined;
  try {
    // 1. Data and leakage checks (no model).
    let t = performance.now();
    mlp = await prepareSanity(
      { ...options, model: 'mlp' },
      { rows: budget.sanityRows, plants: settings.plants },
    );
    const data = await dataChecks(mlp);
    sanityResults.push(...data);
    await saveSanity();
    createTestGuard(directory, mlp.testFingerprint);
    await record(
      {
        name: 'data-checks',
        title: 'Data and leakage checks',
        status: statusOf(data),
        summary: `${mlp.data.train.length} train / ${mlp.data.validation.length} validation images (stratified); ${summaryOf(data)}`,
        advice: adviceOf(data),
        decision: `the test split (${mlp.test.count} images, fingerprint ${mlp.testFingerprint}) stays closed until the last step (${testGuardFile})`,
        directory: null,
      },
      (performance.now() - t) / 1000,
    );
    checkStop();

    // 2-4. Start simple: one sanity pass on the smallest model, timed (the debug cycle).
    t = performance.now();
    const initial = await initialChecks(mlp);
    const freshness = await gradientFreshness(mlp);
    const afterInitial = performance.now();
    const ladder = await overfitCheck(mlp, {
      sizes: budget.ladderSizes,
      maxSteps: budget.ladderSteps,
    });
    const cycle = (performance.now() - t) / 1000;
    sanityResults.push(...initial, freshness, ladder);
    await saveSanity();
    const slow = cycle > budget.debugCycleWarning;
    await record(
      {
        name: 'start-simple',
        title: 'Start simple: the smallest model first',
        status: slow ? 'warn' : 'pass',
        summary: `the MLP (784-256-128-10, ${parameterCount(mlp).toLocaleString('en-US')} parameters) on ${mlp.sample.x.shape[0]} training rows: one sanity pass (initial loss, common mistakes, gradient freshness, overfit ladder) takes ${formatSeconds(cycle)}: that is the debug cycle`,
        advice: slow
          ? [
              `A debug cycle of ${formatSeconds(cycle)} is slow: iterate on a smaller slice (--limit) or fewer sanity rows until the checks pass.`,
            ]
          : [],
        decision:
          options.model === 'mlp'
            ? 'the MLP for every next step'
            : `the MLP first; the ${options.model.toUpperCase()} once the MLP passes`,
        directory: null,
      },
      0,
    );
    const initialResults = [...initial, freshness];
    await record(
      {
        name: 'initial-loss',
        title: 'Initial loss and common mistakes',
        status: statusOf(initialResults),
        summary: summaryOf(initialResults),
        advice: adviceOf(initialResults),
        decision: null,
        directory: null,
      },
      (afterInitial - t) / 1000,
    );
    await record(
      {
        name: 'overfit',
        title: 'Overfit one sample, one batch, growing sets',
        status: ladder.status,
        summary: ladder.summary,
        advice: ladder.status === 'pass' ? [] : ladder.advice,
        decision:
          ladder.status === 'fail' ? null : 'the model and the training step can learn: go on',
        directory: null,
      },
      (performance.now() - afterInitial) / 1000,
    );
    checkStop();

    // 4b. Add complexity one step at a time: the CNN's own pass.
    let setup = mlp;
    if (options.model !== 'mlp') {
      t = performance.now();
      complex = await prepareSanity(options, {
        rows: budget.sanityRows,
        plants: settings.plants,
      });
      const results = [
        ...(await initialChecks(complex)),
        await gradientFreshness(complex),
        await overfitCheck(complex, { sizes: budget.ladderSizes, maxSteps: budget.ladderSteps }),
      ];
      sanityResults.push(...results.map((r) => ({ ...r, name: `${options.model}: ${r.name}` })));
      await saveSanity();
      await record(
        {
          name: 'add-complexity',
          title: `Add complexity: the ${options.model.toUpperCase()}`,
          status: statusOf(results),
          summary: `the ${options.model.toUpperCase()} (${parameterCount(complex).toLocaleString('en-US')} parameters, dropout ${options.dropout}): ${summaryOf(results)}`,
          advice: adviceOf(results),
          decision: `the ${options.model.toUpperCase()} for every next step`,
          directory: null,
        },
        (performance.now() - t) / 1000,
      );
      setup = complex;
      checkStop();
    }

    // 5. Learning-rate finder: its rates make the coarse grid.
    t = performance.now();
    const finding = await findLearningRate(setup, { iterations: budget.rangeIterations });
    sanityResults.push(finding.discrete.result, finding.rangeResult);
    await saveSanity();
    await writeLearningRateFiles(directory, finding, {
      title: `learning-rate range test (${options.model}, ${options.optimizer})`,
    });
    const rates = coarseRates(finding.discrete.runs, finding.suggestion, budget.maxCoarseRates);
    const configured = finding.discrete.runs.find((run) => run.configured);
    await record(
      {
        name: 'lr-finder',
        title: 'Learning-rate finder',
        status: rates.length === 0 ? 'fail' : configured?.verdict === 'drops' ? 'pass' : 'warn',
        summary: `range test: ${finding.rangeResult.summary}; discrete test: ${finding.discrete.result.summary}`,
        advice:
          rates.length === 0
            ? [...finding.rangeResult.advice, ...finding.discrete.result.advice]
            : configured !== undefined && configured.verdict !== 'drops'
              ? [
                  `The configured --lr ${formatRate(configured.learningRate)} ${configured.verdict === 'diverged' ? 'diverges' : 'does not make the loss drop'}; the search below uses the rates that work.`,
                ]
              : [],
        decision:
          rates.length === 0
            ? null
            : `coarse grid learning rates ${rates.map(formatRate).join(', ')}`,
        directory: null,
      },
      (performance.now() - t) / 1000,
    );
    mlp.dispose();
    mlp = undefined;
    complex?.dispose();
    complex = undefined;
    checkStop();

    // 6-7. Coarse grid, then the refined grid trained longer without decay.
    const plan: SearchPlan = { ...budget.search, learningRates: rates };
    const searchDirectory = path.join(directory, 'search');
    output.log(
      `        search: ${rates.length} learning rates x ${plan.weightDecays.length} weight decays for ${plan.coarseEpochs} epochs, then around the best ${plan.topK} for ${plan.fineEpochs} epochs (no decay); trials in ${io.display(searchDirectory)}/trials`,
    );
    await mkdir(searchDirectory, { recursive: true });
    const search = await runTrainerSearch(options, plan, settings.executor, searchDirectory, {
      output: { log: (line) => output.log(`        ${line}`), warn: output.warn },
      signal: io.signal,
    });
    checkStop();
    await writeSearch(directory, {
      results: resultsToJson(search.result),
      trialDirectories: Object.fromEntries(
        Object.entries(search.trialDirectories).map(([trial, where]) => [trial, `search/${where}`]),
      ),
      metric: searchMetric,
    });
    const result: SearchResult = search.result;
    const coarse = result.trials.filter((trial) => trial.stage === 1);
    const fine = result.trials.filter((trial) => trial.stage === 2);
    const bestCoarse = bestOf(coarse);
    const count = (trials: readonly TrialView[], state: string) =>
      trials.filter((trial) => trial.state === state).length;
    await record(
      {
        name: 'coarse-grid',
        title: 'Coarse grid',
        status: bestCoarse === undefined ? 'fail' : 'pass',
        summary: `${coarse.length} trials of ${plan.coarseEpochs} epochs without decay (lr ${rates.map(formatRate).join(', ')} x weight decay ${plan.weightDecays.map(formatRate).join(', ')}): ${count(coarse, 'finished')} finished, ${count(coarse, 'pruned')} pruned, ${count(coarse, 'failed')} failed; best ${bestCoarse === undefined ? 'none' : describeTrial(bestCoarse)}`,
        advice:
          bestCoarse === undefined
            ? [
                'No coarse trial finished: look at the failures in the search table (divergence: lower rates), then run the recipe again.',
              ]
            : [],
        decision:
          bestCoarse === undefined
            ? null
            : `refine around the best ${plan.topK} (${bestCoarse === undefined ? '' : `trial ${bestCoarse.trial} first`})`,
        directory: 'search',
      },
      stageSeconds(coarse),
    );
    const bestFine = bestOf(fine);
    const winner = bestFine ?? bestCoarse!;
    chosen = {
      learningRate: winner.config.learningRate as number,
      weightDecay: (winner.config.weightDecay as number | undefined) ?? 0,
    };
    await record(
      {
        name: 'refined-grid',
        title: 'Refined grid, trained longer without decay',
        status: fine.length === 0 ? 'skipped' : bestFine === undefined ? 'warn' : 'pass',
        summary:
          fine.length === 0
            ? 'no refined stage'
            : `${fine.length} trials of ${plan.fineEpochs} epochs around the best coarse trials: ${count(fine, 'finished')} finished, ${count(fine, 'pruned')} pruned, ${count(fine, 'failed')} failed; best ${bestFine === undefined ? 'none' : describeTrial(bestFine)}`,
        advice:
          bestFine === undefined && fine.length > 0
            ? ['No refined trial finished: the best coarse configuration is used.']
            : [],
        decision: `chosen: lr ${formatRate(chosen.learningRate)}, weight decay ${formatRate(chosen.weightDecay)} (trial ${winner.trial})`,
        directory:
          search.trialDirectories[String(winner.trial)] === undefined
            ? 'search'
            : `search/${search.trialDirectories[String(winner.trial)]}`,
      },
      stageSeconds(fine),
    );
    checkStop();

    // 8. The final training with the chosen configuration (with decay).
    t = performance.now();
    // A warmup of at most a tenth of the final training (100 updates would be most of a quick one).
    const updatesPerEpoch = Math.ceil(
      ((options.limit ?? 60_000) * (1 - options.validationFraction)) /
        (options.batchSize * options.accumulate),
    );
    const finalOptions: TrainOptions = {
      ...options,
      warmupSteps: settings.warmupExplicit
        ? options.warmupSteps
        : Math.min(options.warmupSteps, Math.floor((settings.finalEpochs * updatesPerEpoch) / 10)),
      learningRate: chosen.learningRate,
      weightDecay: chosen.weightDecay,
      epochs: settings.finalEpochs,
      schedule: 'cosine',
      logdir: directory,
      name: 'final',
      resume: false,
      extend: false,
      overwrite: true,
      test: false,
    };
    output.log(
      `        final training: ${finalOptions.model}, lr ${formatRate(chosen.learningRate)} with ${finalOptions.warmupSteps} warmup updates and cosine decay, weight decay ${formatRate(chosen.weightDecay)}, ${settings.finalEpochs} epochs into ${io.display(path.join(directory, 'final'))}`,
    );
    const trained = await runTraining(finalOptions, {
      display: epochsOnly(io.progress, output),
      stop: io.stop,
      cwd: directory,
    });
    checkStop();
    if (trained.outcome !== 'completed' || trained.best === null) {
      throw new TrainerError('trainkit recipe: the final training did not complete.', {
        exitCode: trained.exitCode,
      });
    }
    validationAccuracy = trained.best.accuracy;
    const verdicts = trained.diagnosis?.verdicts ?? [];
    const worst =
      verdicts.find((v) => v.severity === 'critical') ??
      verdicts.find((v) => v.severity !== 'info');
    await record(
      {
        name: 'final-training',
        title: 'Final training with the chosen configuration',
        status: verdicts.some((v) => v.severity === 'critical') ? 'warn' : 'pass',
        summary: `${settings.finalEpochs} epochs (${trained.updates} updates) with decay: best validation accuracy ${percent(trained.best.accuracy)} at epoch ${trained.best.epoch} (the model kept)${worst === undefined ? '' : `; curves: ${worst.message}`}`,
        advice: verdicts.filter((v) => v.severity !== 'info').flatMap((v) => v.advice.slice(0, 1)),
        decision: `the model to test: final/, epoch ${trained.best.epoch}`,
        directory: 'final',
      },
      (performance.now() - t) / 1000,
    );

    // 9. Optional k-fold cross-validation of the chosen configuration.
    t = performance.now();
    if (settings.cv === undefined) {
      await record(
        {
          name: 'cross-validation',
          title: 'Cross-validation of the chosen configuration',
          status: 'skipped',
          summary: 'not asked for (--cv K trains the chosen configuration on K folds)',
          advice: [],
          decision: null,
          directory: null,
        },
        0,
      );
    } else {
      const cv = await runCrossValidation(
        { ...finalOptions, overwrite: true },
        settings.cv,
        directory,
        {
          backend: io.backend,
          display: quietDisplay(output),
          stop: io.stop,
          onFold: (fold, outcome) =>
            output.log(
              `        fold ${fold}: ${outcome.trainSize} train / ${outcome.validationSize} held out: best validation accuracy ${percent(outcome.accuracy)}`,
            ),
        },
      );
      const unstable = cv.std > 0.02;
      await record(
        {
          name: 'cross-validation',
          title: `${settings.cv}-fold cross-validation of the chosen configuration`,
          status: unstable ? 'warn' : 'pass',
          summary: `validation accuracy ${percent(cv.mean)} ± ${percent(cv.std)} (sample std) over ${settings.cv} folds (${cv.folds.map((f) => percent(f.accuracy)).join(', ')}); the single split gave ${percent(validationAccuracy)}`,
          advice: unstable
            ? [
                'The folds disagree by more than 2 points: the score depends on the split; use more data or report the cross-validated mean.',
              ]
            : [],
          decision: null,
          directory: 'cv',
        },
        (performance.now() - t) / 1000,
      );
    }
    checkStop();

    // 10. The test set, opened once, at the very end.
    t = performance.now();
    const finalDirectory = path.join(directory, 'final');
    const test = await evaluateOnTest(
      finalDirectory,
      directory,
      `recipe ${path.basename(directory)}: final evaluation of final/ (lr ${formatRate(chosen.learningRate)}, weight decay ${formatRate(chosen.weightDecay)})`,
    );
    testAccuracy = test.accuracy;
    for (const file of finalArtifacts) {
      await copyFile(path.join(finalDirectory, file), path.join(directory, file)).catch(
        () => undefined,
      );
    }
    const gap = validationAccuracy - test.accuracy;
    await record(
      {
        name: 'test',
        title: 'Test set, opened once',
        status: gap > 0.02 ? 'warn' : 'pass',
        summary: `test accuracy ${percent(test.accuracy)} (loss ${test.loss.toFixed(4)}) on ${test.count} images; validation ${percent(validationAccuracy)} (${gap >= 0 ? `${(gap * 100).toFixed(2)} points above` : `${(-gap * 100).toFixed(2)} points below`} the test)`,
        advice:
          gap > 0.02
            ? [
                'The validation accuracy overstates the test accuracy by more than 2 points: the search may have fitted the validation set; hold out a larger validation set or cross-validate.',
              ]
            : [],
        decision: null,
        directory: 'final',
      },
      (performance.now() - t) / 1000,
    );
  } catch (error) {
    if (!(error instanceof Stopped)) throw error;
  } finally {
    mlp?.dispose();
    complex?.dispose();
  }
  await writeRecipe(directory, { budget: budget.name, steps, stoppedAt: stoppedAt ?? null });
  return {
    steps,
    stoppedAt,
    exitCode,
    testAccuracy,
    validationAccuracy,
    chosen,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Writes the recipe's report page (the report helper's writeReport). */
export async function writeRecipeReport(directory: string): Promise<string> {
  const written = await writeReport(directory);
  return written.html;
}

/** The live bar of `progress` with only the epoch lines of the training (the step's summary says the rest). */
function epochsOnly(progress: ProgressDisplay, output: Output): ProgressDisplay {
  return {
    get live() {
      return progress.live;
    },
    log(line) {
      if (line.startsWith('epoch ')) progress.log(`        ${line}`);
    },
    warn(line) {
      if (!line.startsWith('profiler: ')) output.warn(line);
    },
    start: (totalBatches, done) => progress.start(totalBatches, done),
    update: (done, payload) => progress.update(done, payload),
    stop: () => progress.stop(),
  };
}

/** A display that prints only the epoch lines of background trainings (cross-validation folds). */
function quietDisplay(output: Output): ProgressDisplay {
  return {
    live: false,
    log(line) {
      if (line.startsWith('epoch ')) output.log(`          ${line}`);
    },
    warn(line) {
      if (!line.startsWith('profiler: ')) output.warn(line);
    },
    start() {},
    update() {},
    stop() {},
  };
}
