/**
 * The host side of one learning-rate range test (Smith 2017) on a config: a `WorkerJob` whose worker
 * runs `findLearningRate` and reports each stage's (rate, loss) as it is measured.
 */
import { Emitter } from '../dispose';
import type { HostToWorker, WorkerToHost } from '../protocol/worker';
import type { LearningRateSearch } from '../model';
import { WorkerJob, type JobFailure } from './workerJob';

export type RangeTestRequest = Extract<HostToWorker, { type: 'lrFind/start' }>;
export type RangeTestProgress = Extract<WorkerToHost, { type: 'lrFind/didProgress' }>;

/** `stopped`: the user cancelled; the search still reads what was measured. */
export type RangeTestEnd = { readonly state: 'completed' | 'stopped'; readonly search: LearningRateSearch | null };
export type RangeTestOutcome = RangeTestEnd | JobFailure;

export class RangeTestJob extends WorkerJob<RangeTestEnd> {
  private readonly progressEmitter = this._register(new Emitter<RangeTestProgress>());
  /** Fires per measured stage of the sweep. */
  readonly onDidProgress = this.progressEmitter.event;

  constructor(workerPath: string, request: RangeTestRequest) {
    super(workerPath, request);
  }

  protected handle(message: WorkerToHost): void {
    switch (message.type) {
      case 'lrFind/didProgress':
        this.progressEmitter.fire(message);
        return;
      case 'lrFind/didFinish':
        this.end({ state: message.search.result.stopped ? 'stopped' : 'completed', search: message.search });
        return;
      default:
        console.error('[loss-lens] unexpected message from a range-test worker', message.type);
    }
  }

  protected stoppedOutcome(): RangeTestEnd {
    return { state: 'stopped', search: null };
  }
}
