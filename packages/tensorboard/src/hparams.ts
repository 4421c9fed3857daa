/**
 * TensorBoard's HParams plugin data: the experiment (which hyperparameters and
 * metrics exist), and per run ("session") the hyperparameter values at the
 * start and the status at the end.
 *
 * Layout TensorBoard expects: the experiment summary in any run (usually the
 * log directory root); each session in its own run directory with
 * `_hparams_/session_start_info` (and `_hparams_/session_end_info`); a metric
 * `{ group, tag }` of that session is the scalar `tag` in the run
 * `<session>/<group>` (e.g. `trial-1/validation`, tag `epoch_loss`).
 *
 * Messages (TensorBoard `plugins/hparams/plugin_data.proto` and `api.proto`):
 *
 * | message | fields |
 * |---|---|
 * | HParamsPluginData | 1 version int32 (0), oneof data { 2 experiment, 3 session_start_info, 4 session_end_info } |
 * | Experiment | 6 name, 1 description, 2 user, 3 time_created_secs double, 4 hparam_infos, 5 metric_infos |
 * | HParamInfo | 1 name, 2 display_name, 3 description, 4 type (1 string, 2 bool, 3 float64), oneof domain { 5 domain_discrete ListValue, 6 domain_interval { 1 min_value, 2 max_value } } |
 * | MetricInfo | 1 name { 1 group, 2 tag }, 3 display_name, 4 description, 5 dataset_type (1 training, 2 validation) |
 * | SessionStartInfo | 1 hparams map<string, google.protobuf.Value>, 2 model_uri, 3 monitor_url, 4 group_name, 5 start_time_secs |
 * | SessionEndInfo | 1 status (1 success, 2 failure, 3 running), 2 end_time_secs |
 * | google.protobuf.Value | oneof kind { 2 number_value double, 3 string_value, 4 bool_value } |
 */

import { checkArguments } from '@trainkit/core';
import type { SummaryValue, TensorData } from './event-codec';
import { TensorDType } from './event-codec';
import { ProtoReader, ProtoWriter } from './protobuf';
import { validateTag } from './tags';

/** Name of the hparams plugin in `SummaryMetadata.plugin_data`. */
export const hparamsPluginName = 'hparams';
/** Tag of the experiment summary. */
export const experimentTag = '_hparams_/experiment';
/** Tag of a session's start summary. */
export const sessionStartInfoTag = '_hparams_/session_start_info';
/** Tag of a session's end summary. */
export const sessionEndInfoTag = '_hparams_/session_end_info';

/** A hyperparameter value. */
export type HParamValue = number | string | boolean;

/** The type TensorBoard shows for a hyperparameter. */
export type HParamType = 'number' | 'string' | 'boolean';

/** One hyperparameter of the experiment. */
export interface HParamDefinition {
  /** The key used in {@link HParamsSessionStart.hparams}. */
  readonly name: string;
  readonly displayName?: string;
  /** Markdown. */
  readonly description?: string;
  /** Inferred from the domain when left out. */
  readonly type?: HParamType;
  /**
   * The values the UI offers as filters: a list (discrete) or, for numbers,
   * an interval `{ min, max }`.
   */
  readonly domain?: readonly HParamValue[] | { readonly min: number; readonly max: number };
}

/** One metric of the experiment: the scalar `tag` in the run `<session>/<group>`. */
export interface MetricDefinition {
  /** Scalar tag, e.g. `epoch_loss`. */
  readonly tag: string;
  /** Sub-run of the session, e.g. `validation` or `train`; `''` for the session run itself. */
  readonly group?: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly datasetType?: 'training' | 'validation';
}

/** The experiment summary (`_hparams_/experiment`). */
export interface HParamsExperiment {
  readonly hparams: readonly HParamDefinition[];
  readonly metrics: readonly MetricDefinition[];
  readonly name?: string;
  readonly description?: string;
  readonly user?: string;
  /** Seconds since the Unix epoch. */
  readonly timeCreatedSecs?: number;
}

/** A session start (`_hparams_/session_start_info`). */
export interface HParamsSessionStart {
  readonly hparams: Readonly<Record<string, HParamValue>>;
  /** Sessions with the same group name are repeats of one configuration. */
  readonly groupName?: string;
  /** Where the checkpoints are. */
  readonly modelUri?: string;
  readonly monitorUrl?: string;
  /** Seconds since the Unix epoch. */
  readonly startTimeSecs?: number;
}

/** How a session ended. */
export type HParamsSessionStatus = 'unknown' | 'success' | 'failure' | 'running';

/** A session end (`_hparams_/session_end_info`). */
export interface HParamsSessionEnd {
  readonly status: HParamsSessionStatus;
  /** Seconds since the Unix epoch. */
  readonly endTimeSecs?: number;
}

/** The decoded content of an hparams summary. */
export type HParamsPluginContent =
  | { readonly kind: 'experiment'; readonly experiment: HParamsExperiment }
  | { readonly kind: 'session-start'; readonly sessionStart: HParamsSessionStart }
  | { readonly kind: 'session-end'; readonly sessionEnd: HParamsSessionEnd }
  | { readonly kind: 'empty' };

const typeCodes: Record<HParamType, number> = { string: 1, boolean: 2, number: 3 };
const typeNames: (HParamType | undefined)[] = [undefined, 'string', 'boolean', 'number'];
const statusCodes: Record<HParamsSessionStatus, number> = {
  unknown: 0,
  success: 1,
  failure: 2,
  running: 3,
};
const statusNames: HParamsSessionStatus[] = ['unknown', 'success', 'failure', 'running'];

/**
 * The tensor TensorBoard puts in hparams summaries that carry only metadata: an
 * empty float32 vector, shape [0].
 */
const nullTensor: TensorData = { dtype: TensorDType.float32, shape: [0] };

function typeOf(value: HParamValue): HParamType {
  return typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string';
}

function checkValue(functionName: string, argument: string, value: unknown): HParamValue {
  const check = checkArguments(functionName);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return check.fail(
    argument,
    value,
    'a finite number, a string or a boolean',
    'TensorBoard shows hyperparameters as JSON, which has no NaN or Infinity; log such values as strings.',
  );
}

/**
 * Checks a name -> value record of hyperparameters (non-empty names; finite
 * numbers, strings or booleans) for `functionName`'s `argument`.
 *
 * @internal
 */
export function validateHParamValues(
  functionName: string,
  argument: string,
  hparams: unknown,
): Readonly<Record<string, HParamValue>> {
  const check = checkArguments(functionName);
  if (typeof hparams !== 'object' || hparams === null || Array.isArray(hparams)) {
    return check.fail(argument, hparams, 'an object of name -> number | string | boolean');
  }
  for (const [name, value] of Object.entries(hparams)) {
    if (name.length === 0) check.fail(argument, hparams, 'keys that are non-empty names');
    checkValue(functionName, `${argument}.${name}`, value);
  }
  return hparams as Readonly<Record<string, HParamValue>>;
}

function writeProtoValue(writer: ProtoWriter, value: HParamValue): void {
  if (typeof value === 'number') writer.double(2, value);
  else if (typeof value === 'string') writer.string(3, value);
  else writer.bool(4, value);
}

function readProtoValue(reader: ProtoReader): HParamValue | undefined {
  let value: HParamValue | undefined;
  while (reader.next()) {
    switch (reader.field) {
      case 2:
        value = reader.double();
        break;
      case 3:
        value = reader.string();
        break;
      case 4:
        value = reader.varint() !== 0;
        break;
      default:
        reader.skip();
    }
  }
  return value;
}

function pluginData(body: (writer: ProtoWriter) => void): Uint8Array {
  const writer = new ProtoWriter(256);
  // version = 0 is the default and is omitted.
  body(writer);
  return writer.finish();
}

function summaryValue(tag: string, content: Uint8Array): SummaryValue {
  return {
    tag,
    metadata: { pluginName: hparamsPluginName, pluginContent: content, dataClass: 'tensor' },
    content: { kind: 'tensor', tensor: nullTensor },
  };
}

/**
 * Validates an experiment definition (names unique and non-empty, domains
 * consistent with types, metric tags valid).
 *
 * @internal
 */
export function validateExperiment(functionName: string, experiment: HParamsExperiment): void {
  const check = checkArguments(functionName);
  if (typeof experiment !== 'object' || experiment === null) {
    check.fail('experiment', experiment, 'an object { hparams, metrics }');
  }
  if (!Array.isArray(experiment.hparams)) {
    check.fail('experiment.hparams', experiment.hparams, 'an array of { name, type?, domain? }');
  }
  if (!Array.isArray(experiment.metrics)) {
    check.fail('experiment.metrics', experiment.metrics, 'an array of { tag, group? }');
  }
  const names = new Set<string>();
  experiment.hparams.forEach((hparam, i) => {
    const at = `experiment.hparams[${i}]`;
    if (typeof hparam?.name !== 'string' || hparam.name.length === 0) {
      check.fail(`${at}.name`, hparam?.name, 'a non-empty string');
    }
    if (names.has(hparam.name)) {
      check.fail(`${at}.name`, hparam.name, 'unique', 'Each hyperparameter is listed once.');
    }
    names.add(hparam.name);
    if (hparam.type !== undefined)
      check.oneOf(`${at}.type`, hparam.type, ['number', 'string', 'boolean']);
    const domain = hparam.domain;
    if (domain === undefined) return;
    if (Array.isArray(domain)) {
      if (domain.length === 0)
        check.fail(`${at}.domain`, domain, 'a non-empty array or { min, max }');
      const first = typeOf(checkValue(functionName, `${at}.domain[0]`, domain[0]));
      domain.forEach((value, j) => {
        const type = typeOf(checkValue(functionName, `${at}.domain[${j}]`, value));
        if (type !== first || (hparam.type !== undefined && type !== hparam.type)) {
          check.fail(
            `${at}.domain[${j}]`,
            value,
            `a ${hparam.type ?? first} like the other values`,
            'A discrete domain holds values of one type.',
          );
        }
      });
    } else {
      const interval = domain as { min: unknown; max: unknown };
      const min = check.finite(`${at}.domain.min`, interval.min);
      check.number(`${at}.domain.max`, interval.max, { min });
      if (hparam.type !== undefined && hparam.type !== 'number') {
        check.fail(`${at}.type`, hparam.type, "'number' for an interval domain");
      }
    }
  });
  const metricKeys = new Set<string>();
  experiment.metrics.forEach((metric, i) => {
    const at = `experiment.metrics[${i}]`;
    validateTag(functionName, metric?.tag, `${at}.tag`);
    if (metric.group !== undefined && typeof metric.group !== 'string') {
      check.fail(`${at}.group`, metric.group, 'a string (a sub-run such as "validation")');
    }
    if (metric.datasetType !== undefined) {
      check.oneOf(`${at}.datasetType`, metric.datasetType, ['training', 'validation']);
    }
    const key = `${metric.group ?? ''}\u0000${metric.tag}`;
    if (metricKeys.has(key)) {
      check.fail(`${at}`, metric, 'a unique (group, tag) pair');
    }
    metricKeys.add(key);
  });
  if (experiment.timeCreatedSecs !== undefined) {
    check.nonNegative('experiment.timeCreatedSecs', experiment.timeCreatedSecs);
  }
}

/**
 * Builds the `_hparams_/experiment` summary value.
 *
 * @param experiment - Hyperparameters (with optional domains) and metrics.
 * @returns The summary value (hparams plugin metadata + TensorBoard's null tensor).
 * @throws InvalidArgumentError on an invalid definition.
 *
 * @example
 * ```ts
 * hparamsExperimentValue({
 *   hparams: [{ name: 'lr', domain: { min: 1e-4, max: 1e-1 } }, { name: 'optimizer', domain: ['adam', 'sgd'] }],
 *   metrics: [{ tag: 'epoch_loss', group: 'validation' }],
 * });
 * ```
 */
export function hparamsExperimentValue(experiment: HParamsExperiment): SummaryValue {
  validateExperiment('hparamsExperimentValue', experiment);
  const content = pluginData((writer) => {
    writer.message(2, (w) => {
      if (experiment.description) w.string(1, experiment.description);
      if (experiment.user) w.string(2, experiment.user);
      if (experiment.timeCreatedSecs) w.double(3, experiment.timeCreatedSecs);
      for (const hparam of experiment.hparams) {
        w.message(4, (h) => {
          h.string(1, hparam.name);
          if (hparam.displayName) h.string(2, hparam.displayName);
          if (hparam.description) h.string(3, hparam.description);
          const domain = hparam.domain;
          const type =
            hparam.type ??
            (domain === undefined
              ? undefined
              : Array.isArray(domain)
                ? typeOf(domain[0] as HParamValue)
                : 'number');
          if (type !== undefined) h.uint(4, typeCodes[type]);
          if (Array.isArray(domain)) {
            h.message(5, (list) => {
              for (const value of domain as readonly HParamValue[]) {
                list.message(1, (v) => writeProtoValue(v, value));
              }
            });
          } else if (domain !== undefined) {
            const interval = domain as { min: number; max: number };
            h.message(6, (i) => {
              if (interval.min !== 0) i.double(1, interval.min);
              if (interval.max !== 0) i.double(2, interval.max);
            });
          }
        });
      }
      for (const metric of experiment.metrics) {
        w.message(5, (m) => {
          m.message(1, (name) => {
            if (metric.group) name.string(1, metric.group);
            name.string(2, metric.tag);
          });
          if (metric.displayName) m.string(3, metric.displayName);
          if (metric.description) m.string(4, metric.description);
          if (metric.datasetType) m.uint(5, metric.datasetType === 'training' ? 1 : 2);
        });
      }
      if (experiment.name) w.string(6, experiment.name);
    });
  });
  return summaryValue(experimentTag, content);
}

/**
 * Builds the `_hparams_/session_start_info` summary value: this run's
 * hyperparameter values.
 *
 * @param sessionStart - The values (finite numbers, strings, booleans) and options.
 * @returns The summary value.
 * @throws InvalidArgumentError for an empty name or a non-finite number.
 *
 * @example
 * ```ts
 * hparamsSessionStartValue({ hparams: { lr: 0.01, optimizer: 'adam', nesterov: true } });
 * ```
 */
export function hparamsSessionStartValue(sessionStart: HParamsSessionStart): SummaryValue {
  const functionName = 'hparamsSessionStartValue';
  const check = checkArguments(functionName);
  const entries = Object.entries(
    validateHParamValues(functionName, 'hparams', sessionStart?.hparams),
  );
  if (sessionStart.startTimeSecs !== undefined) {
    check.nonNegative('startTimeSecs', sessionStart.startTimeSecs);
  }
  const content = pluginData((writer) => {
    writer.message(3, (w) => {
      for (const [name, value] of entries) {
        // A map entry is a message { 1 key, 2 value }.
        w.message(1, (entry) => {
          entry.string(1, name);
          entry.message(2, (v) => writeProtoValue(v, value));
        });
      }
      if (sessionStart.modelUri) w.string(2, sessionStart.modelUri);
      if (sessionStart.monitorUrl) w.string(3, sessionStart.monitorUrl);
      if (sessionStart.groupName) w.string(4, sessionStart.groupName);
      if (sessionStart.startTimeSecs) w.double(5, sessionStart.startTimeSecs);
    });
  });
  return summaryValue(sessionStartInfoTag, content);
}

/**
 * Builds the `_hparams_/session_end_info` summary value.
 *
 * @param sessionEnd - Status (`success` by default) and end time.
 * @returns The summary value.
 *
 * @example
 * ```ts
 * hparamsSessionEndValue({ status: 'success', endTimeSecs: Date.now() / 1000 });
 * ```
 */
export function hparamsSessionEndValue(sessionEnd: HParamsSessionEnd): SummaryValue {
  const check = checkArguments('hparamsSessionEndValue');
  const status = check.oneOf('status', sessionEnd?.status, [
    'unknown',
    'success',
    'failure',
    'running',
  ]);
  if (sessionEnd.endTimeSecs !== undefined)
    check.nonNegative('endTimeSecs', sessionEnd.endTimeSecs);
  const content = pluginData((writer) => {
    writer.message(4, (w) => {
      if (statusCodes[status] !== 0) w.uint(1, statusCodes[status]);
      if (sessionEnd.endTimeSecs) w.double(2, sessionEnd.endTimeSecs);
    });
  });
  return summaryValue(sessionEndInfoTag, content);
}

function readExperiment(reader: ProtoReader): HParamsExperiment {
  const hparams: HParamDefinition[] = [];
  const metrics: MetricDefinition[] = [];
  let name: string | undefined;
  let description: string | undefined;
  let user: string | undefined;
  let timeCreatedSecs: number | undefined;
  while (reader.next()) {
    switch (reader.field) {
      case 1:
        description = reader.string();
        break;
      case 2:
        user = reader.string();
        break;
      case 3:
        timeCreatedSecs = reader.double();
        break;
      case 4: {
        const h = reader.message();
        let hparamName = '';
        let displayName: string | undefined;
        let hparamDescription: string | undefined;
        let type: HParamType | undefined;
        let domain: HParamDefinition['domain'];
        while (h.next()) {
          switch (h.field) {
            case 1:
              hparamName = h.string();
              break;
            case 2:
              displayName = h.string();
              break;
            case 3:
              hparamDescription = h.string();
              break;
            case 4:
              type = typeNames[h.varint()];
              break;
            case 5: {
              const list = h.message();
              const values: HParamValue[] = [];
              while (list.next()) {
                if (list.field === 1) {
                  const value = readProtoValue(list.message());
                  if (value !== undefined) values.push(value);
                } else list.skip();
              }
              domain = values;
              break;
            }
            case 6: {
              const interval = h.message();
              let min = 0;
              let max = 0;
              while (interval.next()) {
                if (interval.field === 1) min = interval.double();
                else if (interval.field === 2) max = interval.double();
                else interval.skip();
              }
              domain = { min, max };
              break;
            }
            default:
              h.skip();
          }
        }
        hparams.push({
          name: hparamName,
          ...(displayName === undefined ? {} : { displayName }),
          ...(hparamDescription === undefined ? {} : { description: hparamDescription }),
          ...(type === undefined ? {} : { type }),
          ...(domain === undefined ? {} : { domain }),
        });
        break;
      }
      case 5: {
        const m = reader.message();
        let group = '';
        let tag = '';
        let displayName: string | undefined;
        let metricDescription: string | undefined;
        let datasetType: MetricDefinition['datasetType'];
        while (m.next()) {
          switch (m.field) {
            case 1: {
              const metricName = m.message();
              while (metricName.next()) {
                if (metricName.field === 1) group = metricName.string();
                else if (metricName.field === 2) tag = metricName.string();
                else metricName.skip();
              }
              break;
            }
            case 3:
              displayName = m.string();
              break;
            case 4:
              metricDescription = m.string();
              break;
            case 5: {
              const code = m.varint();
              datasetType = code === 1 ? 'training' : code === 2 ? 'validation' : undefined;
              break;
            }
            default:
              m.skip();
          }
        }
        metrics.push({
          tag,
          group,
          ...(displayName === undefined ? {} : { displayName }),
          ...(metricDescription === undefined ? {} : { description: metricDescription }),
          ...(datasetType === undefined ? {} : { datasetType }),
        });
        break;
      }
      case 6:
        name = reader.string();
        break;
      default:
        reader.skip();
    }
  }
  return {
    hparams,
    metrics,
    ...(name === undefined ? {} : { name }),
    ...(description === undefined ? {} : { description }),
    ...(user === undefined ? {} : { user }),
    ...(timeCreatedSecs === undefined ? {} : { timeCreatedSecs }),
  };
}

function readSessionStart(reader: ProtoReader): HParamsSessionStart {
  const hparams: Record<string, HParamValue> = {};
  let groupName: string | undefined;
  let modelUri: string | undefined;
  let monitorUrl: string | undefined;
  let startTimeSecs: number | undefined;
  while (reader.next()) {
    switch (reader.field) {
      case 1: {
        const entry = reader.message();
        let key = '';
        let value: HParamValue | undefined;
        while (entry.next()) {
          if (entry.field === 1) key = entry.string();
          else if (entry.field === 2) value = readProtoValue(entry.message());
          else entry.skip();
        }
        if (value !== undefined) hparams[key] = value;
        break;
      }
      case 2:
        modelUri = reader.string();
        break;
      case 3:
        monitorUrl = reader.string();
        break;
      case 4:
        groupName = reader.string();
        break;
      case 5:
        startTimeSecs = reader.double();
        break;
      default:
        reader.skip();
    }
  }
  return {
    hparams,
    ...(groupName === undefined ? {} : { groupName }),
    ...(modelUri === undefined ? {} : { modelUri }),
    ...(monitorUrl === undefined ? {} : { monitorUrl }),
    ...(startTimeSecs === undefined ? {} : { startTimeSecs }),
  };
}

function readSessionEnd(reader: ProtoReader): HParamsSessionEnd {
  let status: HParamsSessionStatus = 'unknown';
  let endTimeSecs: number | undefined;
  while (reader.next()) {
    if (reader.field === 1) status = statusNames[reader.varint()] ?? 'unknown';
    else if (reader.field === 2) endTimeSecs = reader.double();
    else reader.skip();
  }
  return endTimeSecs === undefined ? { status } : { status, endTimeSecs };
}

/**
 * Decodes `SummaryMetadata.plugin_data.content` of the hparams plugin
 * (an `HParamsPluginData` message).
 *
 * @param content - The plugin content bytes.
 * @returns The experiment, session start or session end it holds.
 * @throws Error (`ProtoDecodeError`) on malformed bytes.
 *
 * @example
 * ```ts
 * const value = hparamsSessionStartValue({ hparams: { lr: 0.1 } });
 * decodeHParamsPluginData(value.metadata!.pluginContent!); // { kind: 'session-start', ... }
 * ```
 */
export function decodeHParamsPluginData(content: Uint8Array): HParamsPluginContent {
  const reader = new ProtoReader(content);
  let result: HParamsPluginContent = { kind: 'empty' };
  while (reader.next()) {
    switch (reader.field) {
      case 2:
        result = { kind: 'experiment', experiment: readExperiment(reader.message()) };
        break;
      case 3:
        result = { kind: 'session-start', sessionStart: readSessionStart(reader.message()) };
        break;
      case 4:
        result = { kind: 'session-end', sessionEnd: readSessionEnd(reader.message()) };
        break;
      default:
        reader.skip();
    }
  }
  return result;
}
