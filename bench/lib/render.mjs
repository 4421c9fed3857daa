// Renders BENCHMARKS.md from the run record (bench/out/run.json) and the sections' JSON
// (bench/out/<section>.json). Pure: no measurement here. Every table says where its figures
// come from; a section that did not run, failed, or had no peer says so in its place.

const TARGETS = [];

// ---------------------------------------------------------------- formatting

function num(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Three significant figures, thousands separated. */
function sig(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const abs = Math.abs(value);
  if (abs >= 100) return num(value, 0);
  if (abs >= 10) return num(value, 1);
  if (abs >= 1) return num(value, 2);
  if (abs >= 0.1) return num(value, 3);
  return value.toPrecision(2);
}

function times(value) {
  return value === null || value === undefined ? '–' : `${sig(value)}x`;
}

/** "4.2x (3.9–4.6)" from a spread; just "4.2x" for one value. */
function ratioSpread(s) {
  if (!s) return '–';
  if (s.n === 1 || s.min === s.max) return times(s.median);
  return `${times(s.median)} (${sig(s.min)}–${sig(s.max)})`;
}

/** "12.3 (11.9–13.0)" from a spread of plain numbers. */
function valueSpread(s, format = sig) {
  if (!s) return '–';
  if (s.n === 1 || s.min === s.max) return format(s.median);
  return `${format(s.median)} (${format(s.min)}–${format(s.max)})`;
}

function pct(value, digits = 1) {
  return value === null || value === undefined ? '–' : `${num(100 * value, digits)}%`;
}

function table(header, rows) {
  // Columns padded to their widest cell (the layout Biome's Markdown formatter keeps).
  const widths = header.map((h, i) =>
    Math.max(
      3,
      [h, ...rows.map((r) => String(r[i] ?? ''))].reduce((w, c) => Math.max(w, [...c].length), 0),
    ),
  );
  const pad = (cell, i) => {
    const text = String(cell ?? '');
    return text + ' '.repeat(widths[i] - [...text].length);
  };
  const line = (cells) => `| ${cells.map(pad).join(' | ')} |`;
  return [
    line(header),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

function met(flag) {
  if (flag === null || flag === undefined) return '–';
  return flag ? '**yes**' : '**no**';
}

function target(area, measure, goal, value, ok, note = '') {
  TARGETS.push({ area, measure, goal, value, ok, note });
  return met(ok);
}

// ---------------------------------------------------------------- availability

function sectionState(ctx, id) {
  const data = ctx.data[id];
  const runInfo = ctx.run.sections?.[id];
  if (runInfo && runInfo.code !== 0 && ctx.run.ranThisTime?.includes(id)) {
    return {
      missing: `Not measured: the section failed in this run (exit ${runInfo.code}): \`${runInfo.error || 'no output'}\`. Log: \`bench/out/${id}${ctx.run.quick ? '.quick' : ''}.log\`.`,
    };
  }
  if (!data) return { missing: 'Not measured: the section did not run.' };
  if (data.error) return { missing: `Not measured: ${data.error}.` };
  const stale = ctx.run.startedAt && data.finishedAt && data.finishedAt < ctx.run.startedAt;
  return {
    data,
    note: stale ? `_From an earlier run (finished ${data.finishedAt}), not this one._` : '',
  };
}

function peerMissing(peer) {
  return peer?.unavailable ? `peer unavailable: ${peer.unavailable}` : null;
}

// ---------------------------------------------------------------- sections

function renderPeers(ctx) {
  const { data, missing, note } = sectionState(ctx, 'peers');
  const out = ['## MNIST training: trainkit against PyTorch', ''];
  if (missing) return [...out, missing, ''].join('\n');
  if (note) out.push(note, '');
  const p = data.protocol;
  out.push(
    `Source: \`bench/peers.mjs\` (the speed helper's harness; protocol in bench/README.md). ${p.epoch}; ${p.optimizer}; ${p.loss}. Timed: ${p.timed}. ${p.order}. ${data.options.runs} run${data.options.runs > 1 ? 's' : ''}. trainkit is a bare TensorFlow.js loop on the \`${data.tfjs.backend}\` backend (SIMD ${data.tfjs.simd ? 'on' : 'off'}, ${data.tfjs.threads} thread) with trainkit's kernels; PyTorch runs at 1 and 2 threads.`,
    '',
  );
  if (data.protocol?.trainer) out.push(`The trainer's rows: ${data.protocol.trainer}.`, '');
  const torchMissing = data.pytorch?.unavailable
    ? `PyTorch unavailable: ${data.pytorch.unavailable}`
    : null;
  if (torchMissing) out.push(`**${torchMissing}** (peer columns empty).`, '');
  const name = (r) =>
    r.framework === 'pytorch'
      ? `PyTorch ${r.threads} thread${r.threads > 1 ? 's' : ''}`
      : r.framework === 'tfjs'
        ? `bare loop, trainkit kernels, ${r.optimizer === 'adam' ? '`tf.train.adam`' : `\`${r.optimizer}\``}${r.loss === 'fusedSoftmaxCrossEntropy' ? ' + `fusedSoftmaxCrossEntropy`' : ''}`
        : r.framework === 'trainer'
          ? '**the trainer** (`apps/trainer` loop)'
          : `${r.framework}${r.optimizer ? `, ${r.optimizer}` : ''}`;
  const workload = (r) =>
    r.row === 'epoch' ? `${r.kind.toUpperCase()} epoch, batch 128` : `MLP step, batch ${r.batch}`;
  const rows = [];
  for (const r of data.summary) {
    const isTarget =
      (r.framework === 'tfjs' && r.optimizer === 'fusedAdam') || r.framework === 'trainer';
    const paired = r.pairedRatioToPytorch1;
    let targetCell = '–';
    let metCell = '–';
    if (isTarget && paired !== null && r.framework !== 'pytorch') {
      targetCell = '≤ 2x';
      const who = r.framework === 'trainer' ? 'trainer' : 'bare loop';
      const label =
        r.row === 'epoch'
          ? `${r.kind.toUpperCase()} epoch time, ${who} / PyTorch 1 thread`
          : `MLP step b${r.batch}, ${who} / PyTorch 1 thread`;
      metCell = target('MNIST training', label, '≤ 2x (issue 17)', times(paired), paired <= 2);
    }
    rows.push([
      workload(r),
      name(r),
      num(r.samplesPerSecond),
      `${sig(r.msPerStep)} (${sig(r.msPerStepRange[0])}–${sig(r.msPerStepRange[1])})`,
      r.testAccuracy === undefined ? '' : `${pct(r.testAccuracy, 2)}`,
      r.framework === 'pytorch' && r.threads === data.options.threads[0]
        ? '1x'
        : paired === null
          ? '–'
          : `${times(paired)}${r.pairedRatioRange ? ` (${sig(r.pairedRatioRange[0])}–${sig(r.pairedRatioRange[1])})` : ''}`,
      times(r.cpuRatioToPytorch1),
      targetCell,
      metCell,
    ]);
  }
  out.push(
    table(
      [
        'workload',
        'framework',
        'samples/s',
        'ms per step, median (min–max)',
        'test accuracy after 1 epoch',
        'time / PyTorch 1 thread, paired median (min–max)',
        'CPU-time ratio',
        'target',
        'met',
      ],
      rows,
    ),
    '',
    "Ratios are trainkit's time over PyTorch 1 thread's (lower is better), the median of the per-run ratios (each run's configurations ran back to back). The CPU-time ratio divides process CPU times (1-thread configurations; less disturbed by other processes). The target applies to the bare loop with trainkit's fused ops (`fusedAdam`) and to the trainer. Test accuracy is after one epoch on the 10,000 test images (median over runs); the models start from different random weights in the two frameworks.",
    '',
  );
  return out.join('\n');
}

function renderTrainerOverhead(ctx) {
  const out = ["## The trainer's overhead against the bare loop", ''];
  const data = ctx.data.peers;
  const blocks = data?.trainerOverhead ?? [];
  const trainerRows = (data?.summary ?? []).filter((r) => r.framework === 'trainer');
  if (!data || (blocks.length === 0 && trainerRows.length === 0)) {
    out.push(
      "Not measured in this run: `bench/peers.mjs` (the speed helper's harness) produced no trainer measurement. Target (issue 17): the trainer's step costs at most 3% more than the bare loop with the same kernels on the same model.",
      '',
    );
    TARGETS.push({
      area: 'trainer',
      measure: 'trainer step / bare loop step',
      goal: '≤ 1.03x (issue 17)',
      value: 'not measured',
      ok: null,
      note: '',
    });
    return out.join('\n');
  }
  out.push(
    `Source: \`bench/peers.mjs\`. ${(data.protocol?.overhead ?? '').replace(/^trainerOverhead: /, '')}. The trainer's loop is \`apps/trainer\`'s own (setupRun + trainEpochs, validation off); the bare loop uses the same kernels and fused ops.`,
    '',
  );
  if (blocks.length > 0) {
    out.push(
      table(
        [
          'model',
          'pairs of blocks',
          'trainer ms/step',
          'bare loop ms/step',
          'paired ratio (quartiles)',
          'CPU-time ratio',
          'target, met',
        ],
        blocks.map((o) => [
          `${o.kind.toUpperCase()}, batch ${o.batch}`,
          `${num(o.pairs)} × ${o.blockSteps} steps`,
          sig(o.trainerMsPerStep),
          sig(o.bareMsPerStep),
          `${times(o.pairedRatio)} (${sig(o.pairedRatioQuartiles[0])}–${sig(o.pairedRatioQuartiles[1])})`,
          times(o.cpuPairedRatio),
          `≤ 1.03x: ${target('trainer', `${o.kind.toUpperCase()} trainer / bare loop (alternating blocks)`, '≤ 1.03x (issue 17)', times(o.pairedRatio), o.pairedRatio <= 1.03)}`,
        ]),
      ),
      '',
    );
  }
  if (trainerRows.length > 0) {
    out.push(
      'The same ratio from the whole-epoch and step rows of the MNIST table (trainer over the fused-ops bare loop, paired per run):',
      '',
      table(
        [
          'workload',
          'trainer ms/step',
          'ratio to the bare loop, paired median (min–max)',
          'CPU-time ratio',
        ],
        trainerRows.map((r) => {
          const range = r.pairedRatioToBareLoopRange;
          const paired = r.pairedRatioToBareLoop ?? r.ratioToBareLoop ?? null;
          return [
            r.row === 'epoch' ? `${r.kind.toUpperCase()} epoch` : `MLP step b${r.batch}`,
            sig(r.msPerStep),
            `${times(paired)}${range ? ` (${sig(range[0])}–${sig(range[1])})` : ''}`,
            times(r.cpuRatioToBareLoop),
          ];
        }),
      ),
      '',
    );
    if (blocks.length === 0) {
      for (const r of trainerRows.filter((x) => x.row === 'epoch')) {
        const paired = r.pairedRatioToBareLoop ?? null;
        TARGETS.push({
          area: 'trainer',
          measure: `${r.kind.toUpperCase()} epoch, trainer / bare loop`,
          goal: '≤ 1.03x (issue 17)',
          value: times(paired),
          ok: paired === null ? null : paired <= 1.03,
          note: '',
        });
      }
    }
  }
  return out.join('\n');
}

function renderTimeToAccuracy(ctx) {
  const { data, missing, note } = sectionState(ctx, 'time-to-accuracy');
  const out = ['## Time to accuracy on MNIST', ''];
  if (missing) return [...out, missing, ''].join('\n');
  if (note) out.push(note, '');
  const p = data.protocol;
  out.push(
    `Source: \`bench/sections/time-to-accuracy.mjs\`. **One run per framework and model (seed 1), not a median**: epochs until the test accuracy (${num(p.testImages)} images, after every epoch, untimed) reaches the threshold, capped. Batch ${p.batch}, ${p.optimizer}; ${p.order}. trainkit: the bare loop with trainkit's kernels and \`fusedAdam\`; PyTorch: 1 thread.${p.stepsCap ? ` Quick mode: ${p.stepsCap} steps per epoch.` : ''}`,
    '',
  );
  const missingPeer = peerMissing(data.peer);
  const rows = [];
  for (const m of data.models) {
    const cell = (s) =>
      s ? (s.reached ? `${s.epochs}` : `not reached in ${s.epochsRun}`) : (missingPeer ?? '–');
    const secs = (s) => (s ? `${sig(s.trainingSeconds)}` : '–');
    const ratio =
      m.trainkit?.reached && m.pytorch?.reached
        ? m.trainkit.trainingSeconds / m.pytorch.trainingSeconds
        : null;
    rows.push([
      `${m.kind.toUpperCase()}`,
      pct(m.threshold, 0),
      cell(m.trainkit),
      secs(m.trainkit),
      cell(m.pytorch),
      secs(m.pytorch),
      times(ratio),
    ]);
  }
  out.push(
    table(
      [
        'model',
        'test accuracy target',
        'trainkit epochs',
        'trainkit training s',
        'PyTorch epochs',
        'PyTorch training s',
        'time ratio trainkit / PyTorch',
      ],
      rows,
    ),
    '',
    'Test accuracy after each epoch (%):',
    '',
  );
  const curveRows = [];
  for (const m of data.models) {
    for (const side of ['trainkit', 'pytorch']) {
      const s = m[side];
      curveRows.push([
        `${m.kind.toUpperCase()} ${side === 'trainkit' ? 'trainkit' : 'PyTorch'}`,
        s ? s.curve.map((e) => num(100 * e.testAccuracy, 2)).join(', ') : (missingPeer ?? '–'),
      ]);
    }
  }
  out.push(table(['run', 'epoch 1, 2, ...'], curveRows), '');
  out.push(
    'No target is set for these rows (informational: the same accuracy within noise, the time follows the per-epoch ratio).',
    '',
  );
  return out.join('\n');
}

function renderAccumulation(ctx) {
  const { data, missing, note } = sectionState(ctx, 'accumulation');
  const out = ['## Gradient accumulation', ''];
  if (missing) return [...out, missing, ''].join('\n');
  if (note) out.push(note, '');
  out.push(
    `Source: \`bench/sections/accumulation.mjs\`. ${data.model}, Adam 1e-3, k = ${data.k} micro-batches of ${data.microBatch} per update against one batch of ${data.batch}; ${data.updatesPerRound} updates per round, ${data.runs} rounds, every setup once per round (order rotated). trainkit: \`AccumulatingOptimizer(fusedAdam(1e-3), { k })\` driven by \`optimizer.minimize\` on the ${data.tfjs.backend} backend with trainkit's kernels; PyTorch (1 thread): \`(loss / k).backward()\` k times, then \`optimizer.step()\`. "Lower bound": the same k micro-batch gradients and one update without accumulating (what small batches cost on the backend). Peak memory of one update above what was alive before it: tfjs \`tf.profile\` peakBytes (tensor bytes); PyTorch: peak of the running sum of the profiler's per-operator allocations (\`profile_memory=True\`), an approximation.`,
    '',
  );
  const rows = [];
  for (const [label, r] of [
    ['trainkit', data.trainkit],
    ['PyTorch', data.pytorch],
  ]) {
    if (!r) {
      rows.push([label, peerMissing(data.peer) ?? '–', '', '', '', '', '', '', '']);
      continue;
    }
    const isTrainkit = label === 'trainkit';
    const ratio = r.accumulationCostRatio?.median ?? null;
    rows.push([
      label,
      num(r.plainSamplesPerSecond.median),
      num(r.accumulatedSamplesPerSecond.median),
      ratioSpread(r.throughputRatio),
      ratioSpread(r.lowerBoundRatio),
      ratioSpread(r.accumulationCostRatio),
      `${sig(r.peakBytes.plain / 2 ** 20)} / ${sig(r.peakBytes.accumulated / 2 ** 20)} MiB`,
      times(r.peakRatio),
      isTrainkit
        ? `≥ 0.9x: ${target('accumulation', "accumulated / lower bound throughput (the accumulation's own cost)", '≥ 0.9x (packages/accumulate bench)', times(ratio), ratio !== null && ratio >= 0.9)}`
        : '–',
    ]);
  }
  out.push(
    table(
      [
        'framework',
        'plain samples/s',
        `k = ${data.k} samples/s`,
        'throughput accumulated / plain, paired median (min–max)',
        'lower bound / plain',
        'accumulated / lower bound',
        'peak memory plain / accumulated',
        'peak ratio',
        'target, met',
      ],
      rows,
    ),
    '',
    "The target is @trainkit/accumulate's own (≥ 0.9x, from its bench on the CPU backend, where accumulated / plain and accumulated / lower bound nearly coincide). On wasm with trainkit's kernels a batch of 32 costs far more per sample than a batch of 128 (the lower-bound column: no accumulation at all, only the smaller matrix products), so the target is judged on what the accumulating optimizer adds: accumulated / lower bound. Accumulated / plain is shown beside PyTorch's for the user's question (what do k small batches cost against one large one).",
    '',
  );
  return out.join('\n');
}

function stepMs(ctx) {
  const r = ctx.data.peers?.summary?.find(
    (s) =>
      s.row === 'step' && s.batch === 128 && s.framework === 'tfjs' && s.optimizer === 'fusedAdam',
  );
  return r ? r.msPerStep : null;
}

function renderSchedules(ctx) {
  const { data, missing, note } = sectionState(ctx, 'schedules');
  const out = ['## Schedules: per-update cost', ''];
  if (missing) return [...out, missing, ''].join('\n');
  if (note) out.push(note, '');
  const step = stepMs(ctx);
  out.push(
    `Source: \`bench/sections/schedules.mjs\`. trainkit: \`setLearningRate(optimizer, schedule(step))\` on a tfjs optimizer (what \`batchLearningRateScheduler\` does before each update; tfjs ${data.tfjs.version}); PyTorch: \`scheduler.step()\` on a \`torch.optim\` optimizer over the MLP's parameters. ${num(data.steps)} steps per measurement, ${data.runs} rounds alternating. Share of a step: trainkit's cost over the MLP's training step at batch 128 (${step ? `${sig(step)} ms, bare loop with \`fusedAdam\`, from the MNIST table` : 'not measured'}).`,
    '',
  );
  const missingPeer = peerMissing(data.peer);
  const rows = data.rows.map((r) => {
    const share = step ? r.trainkitUs.median / 1000 / step : null;
    return [
      r.title,
      r.optimizer === 'adam' ? 'Adam' : 'SGD',
      valueSpread(r.trainkitUs),
      missingPeer ?? valueSpread(r.peerUs),
      missingPeer ? '–' : `\`${r.peerCall}\``,
      ratioSpread(r.speedup),
      share === null ? '–' : `${sig(100 * share)}%`,
      `< 1%: ${target('schedules', `${r.schedule} ${r.optimizer}: adapter / training step`, '< 1% of a step (packages/schedules)', share === null ? '–' : `${sig(100 * share)}%`, share === null ? null : share < 0.01)}`,
    ];
  });
  out.push(
    table(
      [
        'schedule',
        'optimizer',
        'trainkit µs/update, median (min–max)',
        'PyTorch µs/step',
        'PyTorch call',
        'PyTorch / trainkit',
        'trainkit share of a step',
        'target, met',
      ],
      rows,
    ),
    '',
    "With SGD, tfjs keeps the learning rate in a scalar tensor that `setLearningRate` replaces (a tensor allocation per update); Adam's is a plain field.",
    '',
  );
  return out.join('\n');
}

const STRATIFIED = new Set(['stratifiedKFold', 'stratifiedTrainTestSplit']);

function renderSplits(ctx) {
  const { data, missing, note } = sectionState(ctx, 'splits');
  const out = ['## Splits', ''];
  if (missing) return [...out, missing, ''].join('\n');
  if (note) out.push(note, '');
  out.push(
    `Source: \`bench/sections/splits.mjs\`. ${num(data.labels.count)} labels, ${data.labels.classes} classes (${data.labels.distribution}). Each of ${data.runs} rounds runs every operation once in each framework, back to back (the first one alternates); the speedup is scikit-learn's time over trainkit's in the same round, shown as median (min–max) over the rounds. Every fold is built (all index arrays materialized).`,
    '',
  );
  const missingPeer = peerMissing(data.peer);
  const rows = data.rows.map((r) => {
    const s = r.speedup;
    const ok = s ? s.median >= 5 : null;
    const allRounds = s ? (s.min >= 5 ? 'every round' : `min ${times(s.min)}`) : '';
    const hasTarget = STRATIFIED.has(r.id);
    return [
      r.title,
      `\`${r.trainkitCall}\``,
      valueSpread(r.trainkitMs),
      missingPeer ?? `\`${r.peerCall}\``,
      missingPeer ? '–' : valueSpread(r.peerMs),
      ratioSpread(s),
      ratioSpread(r.cpuSpeedup),
      hasTarget
        ? `≥ 5x: ${target('splits', `${r.id} speedup (median of rounds)`, '≥ 5x faster (packages/splits)', ratioSpread(s), ok, allRounds)}${s ? ` (${allRounds})` : ''}`
        : 'none stated',
    ];
  });
  out.push(
    table(
      [
        'operation',
        'trainkit',
        'trainkit ms, median (min–max)',
        'scikit-learn',
        'scikit-learn ms',
        'speedup, median (min–max)',
        'CPU-time speedup',
        'target, met',
      ],
      rows,
    ),
    '',
    "The 5x target is @trainkit/splits' own, stated for its stratified splitters (k-fold and the stratified ratio split). The unstratified rows are a shuffled permutation cut in pieces on both sides (NumPy's `permutation` is compiled code): shown for reference, no target.",
    '',
  );
  return out.join('\n');
}

function renderMetrics(ctx) {
  const { data, missing, note } = sectionState(ctx, 'metrics');
  const out = ['## Confusion matrix and classification report', ''];
  if (missing) return [...out, missing, ''].join('\n');
  if (note) out.push(note, '');
  const a = data.agreement;
  out.push(
    `Source: \`bench/sections/metrics.mjs\`. ${data.classes} classes, ${data.labels}. trainkit: \`createConfusionMatrix\` + \`updateConfusionMatrix\`; the report is timed from the labels (matrix + \`classificationReport\`), like scikit-learn's \`classification_report(y_true, y_pred)\`. scikit-learn's matrix is timed with \`labels=np.arange(${data.classes})\`, its faster form (the default call's median is in the last column). Rounds alternate between the frameworks; speedup = scikit-learn's time / trainkit's, per round.${a ? ` Same results: matrix ${a.matrixIdentical ? 'identical' : '**different**'}, report text ${a.reportIdentical ? 'byte for byte identical' : '**different**'} (checked on ${num(a.labels)} labels).` : ''}`,
    '',
  );
  const missingPeer = peerMissing(data.peer);
  const rows = data.rows.map((r) => {
    const what = r.kind === 'matrix' ? 'confusion matrix' : 'classification report';
    if (r.skipped) {
      return [
        what,
        num(r.labels),
        '–',
        "not measured: scikit-learn's classification_report takes ~40 s per 10M labels here (~7 min per call at 100M)",
        '–',
        '–',
        '–',
        '–',
      ];
    }
    const s = r.speedup;
    const isMatrix = r.kind === 'matrix';
    return [
      what,
      num(r.labels),
      `${valueSpread(r.trainkitMs)} (${sig(r.trainkitLabelsPerSecond / 1e6)} M labels/s)`,
      missingPeer ?? valueSpread(r.peerMs),
      ratioSpread(s),
      ratioSpread(r.cpuSpeedup),
      isMatrix
        ? `≥ 10x: ${target('metrics', `confusion matrix, ${num(r.labels)} labels`, '≥ 10x faster (packages/metrics bench)', ratioSpread(s), s ? s.median >= 10 : null)}`
        : 'none stated',
      isMatrix ? (missingPeer ? '–' : valueSpread(r.peerDefaultMs)) : '–',
    ];
  });
  out.push(
    table(
      [
        'what',
        'labels',
        'trainkit ms, median (min–max)',
        'scikit-learn ms',
        'speedup, median (min–max)',
        'CPU-time speedup',
        'target, met',
        'scikit-learn default call ms',
      ],
      rows,
    ),
    '',
  );
  return out.join('\n');
}

function renderTensorboard(ctx) {
  const { data, missing, note } = sectionState(ctx, 'tensorboard');
  const out = ['## TensorBoard writing', ''];
  if (missing) return [...out, missing, ''].join('\n');
  if (note) out.push(note, '');
  const impl = data.peer?.implementation;
  const peerText =
    impl === 'torch.utils.tensorboard'
      ? "PyTorch's `torch.utils.tensorboard.SummaryWriter.add_scalar` (then `close()`)"
      : "**not PyTorch's writer**: `torch.utils.tensorboard` does not import under /usr/bin/python3 (it needs the `tensorboard` Python package, which Debian does not ship). The peer is a tensorboardX-equivalent encoder written in Python for this benchmark (`bench/tensorboard_peer.py`): the Event/Summary protobuf encoded by hand, TFRecord framing with the masked CRC32C of the length and of the payload in pure Python (the byte-at-a-time table tensorboardX and tensorboard fall back to without a compiled crc32c), a buffered file. It skips protobuf objects, so it is faster than the real writers";
  const check = data.peerReadBack;
  out.push(
    `Source: \`bench/sections/tensorboard.mjs\`. trainkit: \`createSummaryWriter\` from \`@trainkit/tensorboard/node\`, \`writer.scalar('loss', v, step)\` N times, then \`await writer.close()\`. Peer: ${peerText}. Scalars/s include opening and closing the file; rounds alternate.${check ? ` The peer's file read back with trainkit's reader: ${num(check.events)} of ${num(check.expectedEvents)} events, ${check.warnings} warnings, ${num(check.scalarsMatching)} scalars matching.` : ''}`,
    '',
  );
  const missingPeer = peerMissing(data.peer);
  const rows = data.rows.map((r) => [
    num(r.scalars),
    valueSpread(r.trainkitPerSecond, (v) => num(v)),
    missingPeer ?? valueSpread(r.peerPerSecond, (v) => num(v)),
    ratioSpread(r.speedup),
    `${sig(r.trainkitBytesPerScalar)} / ${r.peerBytesPerScalar ? sig(r.peerBytesPerScalar) : '–'}`,
    `≥ 500,000/s: ${target('tensorboard', `${num(r.scalars)} scalars, trainkit scalars/s`, '≥ 500,000/s (packages/tensorboard)', num(r.trainkitPerSecond.median), r.trainkitPerSecond.median >= 500_000)}`,
  ]);
  out.push(
    table(
      [
        'scalars',
        'trainkit scalars/s, median (min–max)',
        'peer scalars/s',
        'trainkit / peer',
        'bytes per scalar (trainkit / peer)',
        'target, met',
      ],
      rows,
    ),
    '',
  );
  return out.join('\n');
}

function renderSanity(ctx) {
  const { data, missing, note } = sectionState(ctx, 'sanity');
  const out = ["## The sanity monitor's overhead", ''];
  if (missing) return [...out, missing, ''].join('\n');
  if (note) out.push(note, '');
  out.push(
    `Source: \`bench/sections/sanity.mjs\` (the measurement of packages/sanity/bench/monitor-overhead.mjs, written as JSON). ${data.model}, ${data.stepsPerEpoch} steps per epoch on the ${data.tfjs.backend} backend with trainkit's kernels; runs of ${data.epochsPerRun ?? 1} epochs${data.epochsPerRun > 1 ? ` (the first untimed: kernels, optimizer slots, the monitor's setup and first check; a callback with only epoch hooks times the rest)` : ''} without a callback, with \`trainingMonitorCallback\` at its default interval (50) and at 10, ${data.rounds} rounds (order rotated), medians. No peer: PyTorch has no built-in training monitor.`,
    '',
  );
  const rows = data.rows.map((r) => {
    const isDefault = r.variant === 'interval 50';
    const overhead = r.cpuRatio ? r.cpuRatio.median - 1 : null;
    return [
      r.variant === 'none'
        ? 'no callback'
        : `monitor, ${r.variant}${isDefault ? ' (default)' : ''}`,
      valueSpread(r.cpuMsPerStep),
      r.cpuRatio
        ? r.cpuRatio.n > 1
          ? `${pct(r.cpuRatio.median - 1)} (${pct(r.cpuRatio.min - 1)}–${pct(r.cpuRatio.max - 1)})`
          : pct(r.cpuRatio.median - 1)
        : '–',
      valueSpread(r.wallMsPerStep),
      r.wallRatio ? `${pct(r.wallRatio.median - 1)}` : '–',
      isDefault
        ? `≤ 5%: ${target('sanity', 'monitor overhead at the default interval (CPU time)', '≤ 5% of the MLP step (issue 14)', pct(overhead), overhead !== null && overhead <= 0.05)}`
        : '–',
    ];
  });
  out.push(
    table(
      [
        'callback',
        'CPU ms/step, median (min–max)',
        'CPU overhead, paired',
        'wall ms/step',
        'wall overhead',
        'target, met',
      ],
      rows,
    ),
    '',
  );
  if (data.direct) {
    const d = data.direct;
    out.push(
      `Measured directly (one check and one training step timed alternately, medians of ${d.samples}): one check ${sig(d.checkMs)} ms against one step ${sig(d.stepMs)} ms, i.e. ${pct(d.amortizedAt50)} of the step time at interval 50 and ${pct(d.amortizedAt10)} at 10. The target is judged on the CPU-time overhead of whole epochs (it includes the per-batch cost of a callback with \`onBatchEnd\`: tfjs resolves the batch logs for it); under load the epoch figures scatter (see the min–max), and wall times on a shared machine drift by more than the overhead.`,
      '',
    );
  }
  return out.join('\n');
}

function renderSearch(ctx) {
  const { data, missing, note } = sectionState(ctx, 'search');
  const out = ['## Search executors', ''];
  if (missing) return [...out, missing, ''].join('\n');
  if (note) out.push(note, '');
  out.push(
    `Source: \`bench/sections/search.mjs\` (the measurement of packages/search/bench/search.mjs, written as JSON). Per-trial overhead of each executor on a trivial objective (what remains is the executor's own cost), ${data.cores} cores. No peer is measured (Optuna and Ray are not Debian packages).${data.redisUnavailable ? ` BullMQ rows missing: ${data.redisUnavailable}.` : ''}`,
    '',
  );
  out.push(
    table(
      ['executor', 'trials', 'ms per trial', 'trials/s', 'load average (1 min)'],
      data.executors.map((e) => [
        e.title,
        num(e.trials),
        sig(e.msPerTrial),
        sig(e.trialsPerSecond),
        sig(e.loadAverage),
      ]),
    ),
    '',
    `Worker-pool scaling on a CPU-bound objective (${data.scalingWork}), medians of interleaved repetitions; efficiency = T(1) / (k · T(k)):`,
    '',
  );
  const cores = data.cores;
  out.push(
    table(
      ['workers', 'seconds, median (min–max)', 'speedup', 'efficiency', 'target, met'],
      data.scaling.map((s) => [
        num(s.workers),
        valueSpread(s.seconds),
        times(s.speedup),
        pct(s.efficiency, 0),
        s.workers === cores && cores > 1
          ? `≥ 85%: ${target('search', `pool efficiency at ${cores} workers`, '≥ 85% (packages/search)', pct(s.efficiency, 0), s.efficiency >= 0.85)}`
          : '–',
      ]),
    ),
    '',
    'Pool efficiency needs idle cores: with the load average above the core count (see the machine section) the pool competes with other processes and the efficiency falls with the share of the cores it gets.',
    '',
  );
  return out.join('\n');
}

// ---------------------------------------------------------------- machine, load, reproduce

function loadSummary(samples) {
  const m1 = samples.map((s) => s.m1).sort((a, b) => a - b);
  if (m1.length === 0) return null;
  return { median: m1[Math.floor(m1.length / 2)], min: m1[0], max: m1.at(-1), n: m1.length };
}

function renderMachine(ctx) {
  const { run, data } = ctx;
  const m = run.machine;
  const v = run.versions;
  const peers = data.peers;
  const sk = data.splits?.peer ?? data.metrics?.peer;
  const torch = data['time-to-accuracy']?.peer ?? data.accumulation?.peer ?? data.schedules?.peer;
  const pool = sk?.threadpools?.find((t) => t.api === 'openblas');
  const torch1 = peers?.pytorch?.perThreads?.['1'];
  const blasLibs = (torch1?.loadedLibraries ?? torch?.loadedLibraries ?? []).filter((l) =>
    /blas|dnnl|gomp/.test(l),
  );
  const rows = [
    [
      'CPU',
      `${m.model}, ${m.cores} cores${m.flags.length ? `; flags: ${m.flags.join(', ')}` : ''}`,
    ],
    [
      'memory, OS',
      `${sig(m.memoryGiB)} GiB; ${m.platform}${m.debian ? `, Debian ${m.debian}` : ''}`,
    ],
    ['Node', `${v.node} (V8 ${v.v8})`],
    [
      'TensorFlow.js',
      `tfjs-core ${v.tfjsCore}, tfjs-backend-wasm ${v.tfjsBackendWasm}, tfjs-layers ${v.tfjsLayers}`,
    ],
    [
      'trainkit backend',
      peers?.tfjs
        ? `${peers.tfjs.backend}, SIMD ${peers.tfjs.simd ? 'on' : 'off'}, ${peers.tfjs.threads} thread, ${peers.tfjs.trainingKernels.length} trainkit kernels, relaxed SIMD in this engine: ${peers.tfjs.relaxedSimdInEngine ? 'yes' : 'no'}`
        : '–',
    ],
    ['Python', sk?.python ?? torch?.python ?? peerMissing(sk) ?? '–'],
    [
      'PyTorch',
      torch?.torch
        ? `${torch.torch} (Debian python3-torch), oneDNN ${torch.mkldnn ? 'available' : 'absent'}`
        : (peerMissing(torch) ?? '–'),
    ],
    [
      'scikit-learn, NumPy',
      sk?.sklearn ? `${sk.sklearn}, NumPy ${sk.numpy}` : (peerMissing(sk) ?? '–'),
    ],
    [
      'BLAS',
      `OpenBLAS ${pool?.version ?? ''} pthread build forced for every peer (\`LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread\`)${peers?.pytorch?.blasAlternative ? `; the system alternative points to \`${peers.pytorch.blasAlternative.libblas}\`` : ''}; libraries mapped by the PyTorch worker: ${blasLibs.map((l) => `\`${l.split('/').pop()}\``).join(', ') || '–'}`,
    ],
    [
      'threads, wait policy',
      "PyTorch: `torch.set_num_threads(N)` with `OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=N`, N = 1 and 2 in the MNIST table, 1 elsewhere; scikit-learn: 1 (threadpoolctl); `OMP_WAIT_POLICY=PASSIVE`; glibc `MALLOC_MMAP_THRESHOLD_=33554432`, `MALLOC_TRIM_THRESHOLD_=1073741824`. trainkit: one thread (Node's main thread).",
    ],
    [
      'source',
      `commit ${run.git?.commit ?? '–'}${run.git?.uncommittedFiles ? ` with ${run.git.uncommittedFiles} uncommitted files under packages/, apps/, bench/, internal/ (other work in progress in the shared tree)` : ''}`,
    ],
  ];
  const out = ['## Machine, versions and load', '', table(['', ''], rows), ''];
  const samples = run.loadSamples ?? [];
  const overall = loadSummary(samples);
  out.push(
    `**Load average (1 minute) during the run: median ${overall ? sig(overall.median) : '–'}, min ${overall ? sig(overall.min) : '–'}, max ${overall ? sig(overall.max) : '–'} on ${m.cores} cores** (${overall?.n ?? 0} samples${run.quick ? ', every second' : ', every 5 s'}). Above the core count, other processes shared the CPU with the measurements: compare ratios measured side by side, not absolute figures.`,
    '',
  );
  const perSection = ctx.sections
    .filter((s) => run.sections?.[s.id])
    .map((s) => {
      const l = loadSummary(samples.filter((x) => x.section === s.id));
      const r = run.sections[s.id];
      return [
        s.title,
        `${num(r.seconds)} s`,
        r.code === 0 ? 'ok' : `failed (${r.code})`,
        l ? sig(l.median) : '–',
        l ? sig(l.max) : '–',
        r.finishedAt ?? ctx.data?.[s.id]?.finishedAt ?? '–',
      ];
    });
  out.push(
    table(['section', 'duration', 'status', 'load median', 'load max', 'finished'], perSection),
    '',
  );
  if (run.peers?.install) {
    const i = run.peers.install;
    out.push(
      `Peers from Debian: ${i.packages.length ? `missing ${i.packages.join(', ')}: ${i.outcome}` : 'python3-torch, python3-sklearn and libopenblas0-pthread were already installed'}.`,
      '',
    );
  }
  return out.join('\n');
}

function renderReproduce(ctx) {
  return [
    '## How to reproduce',
    '',
    '```sh',
    'npm ci',
    'npm run bench          # builds the packages, installs missing peers (root: apt-get), runs everything, writes BENCHMARKS.md',
    'npm run bench:quick    # every script in seconds (CI smoke, not a measurement): bench/out/BENCHMARKS.quick.md',
    'node bench/run.mjs --only splits,metrics   # some sections again; the others are rendered from their last JSON',
    'node bench/run.mjs --render-only           # the page again from bench/out/*.json',
    '```',
    '',
    `This page: \`${ctx.run.command}\`, ${ctx.run.quick ? 'quick mode' : 'full run'}, ${num(ctx.run.seconds / 60, 1)} minutes, started ${ctx.run.startedAt}. Raw results (every run of every measurement) are in \`bench/out/<section>.json\` and the run record in \`bench/out/run.json\` (not committed). Every section script runs alone too: \`node bench/sections/<name>.mjs [--quick] [--runs N]\` and \`node bench/peers.mjs\` (see bench/README.md). Run it on a quiet machine: the load average above tells how quiet this one was.`,
    '',
  ].join('\n');
}

function renderSummary() {
  const rows = TARGETS.map((t) => [
    t.area,
    t.measure,
    t.goal,
    t.value,
    t.ok === null ? 'not measured' : met(t.ok),
  ]);
  const measured = TARGETS.filter((t) => t.ok !== null);
  const metCount = measured.filter((t) => t.ok).length;
  return [
    '## Targets',
    '',
    `${metCount} of ${measured.length} measured targets met in this run${TARGETS.length > measured.length ? ` (${TARGETS.length - measured.length} not measured)` : ''}. Details and peers in the sections below.`,
    '',
    table(['area', 'measure', 'target (source)', 'this run', 'met'], rows),
    '',
  ].join('\n');
}

/** The whole page. */
/**
 * A partial run (`--only`, `--skip`): which sections ran this time; the others are kept from
 * earlier runs (their dates are in the section table). Empty for a full run.
 */
function partialRun(ctx) {
  const run = ctx.run;
  const kept = ctx.sections.filter(
    (s) => run.sections?.[s.id] && !(run.ranThisTime ?? []).includes(s.id),
  );
  if (run.ranThisTime === undefined || kept.length === 0) return '';
  const ran = ctx.sections.filter((s) => run.ranThisTime.includes(s.id)).map((s) => s.title);
  return `> **Partial run.** Rerun this time: ${ran.join(', ')}. Kept from earlier runs: ${kept.map((s) => s.title).join(', ')} (each finished at the time shown in [the section table](#machine-versions-and-load)); every comparison still ran side by side within its own section's run.\n`;
}

export function renderPage({ run, data, sections }) {
  TARGETS.length = 0;
  const ctx = { run, data, sections };
  const body = [
    renderPeers(ctx),
    renderTrainerOverhead(ctx),
    renderTimeToAccuracy(ctx),
    renderAccumulation(ctx),
    renderSchedules(ctx),
    renderSplits(ctx),
    renderMetrics(ctx),
    renderTensorboard(ctx),
    renderSanity(ctx),
    renderSearch(ctx),
  ];
  const overall = loadSummary(run.loadSamples ?? []);
  const head = [
    '# Benchmarks: trainkit against what users would pick instead',
    '',
    '<!-- Generated by `npm run bench` (bench/run.mjs). Do not edit by hand: run it again. -->',
    '',
    run.quick
      ? '> **Quick mode: not a measurement.** Every script ran for seconds to check that it works.\n'
      : '',
    partialRun(ctx),
    `Generated ${run.finishedAt} by \`npm run bench\` in ${num(run.seconds / 60, 1)} minutes on ${run.machine.model} (${run.machine.cores} cores), **load average median ${overall ? sig(overall.median) : '–'} (max ${overall ? sig(overall.max) : '–'})** during the run. ${partialRun(ctx) === '' ? 'Every comparison ran in this one run' : 'Every comparison ran within one section run'} with trainkit's and the peer's measurements alternating; figures are medians, ratios are paired (same round) unless a table says otherwise. Peers: PyTorch and scikit-learn from Debian with OpenBLAS (see [Machine, versions and load](#machine-versions-and-load)).`,
    '',
  ].filter((l) => l !== '');
  return `${[head.join('\n\n'), '', renderSummary(), renderMachine(ctx), ...body, renderReproduce(ctx)].join('\n')}`.replace(
    /\n{3,}/g,
    '\n\n',
  );
}
