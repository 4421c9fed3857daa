// The README examples (examples/*.ts, shown verbatim) run as a user writes them, and print
// exactly the output blocks of the README (the runs found, the hparams sessions, the values).
import { describeReadmeExamples } from '../../../examples.shared';

describeReadmeExamples(import.meta.url, {}, { timeout: 120_000 });
