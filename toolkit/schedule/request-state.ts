/**
 * A request's state in the scheduler loop (scheduler.ts): its progress, its tensors, and where its time went; and the
 * two rules that read it: the ready task it hands the policy, and the feeds of its task k (by name, from its inputs
 * and its earlier tasks' outputs).
 */
import { TensorHandle } from '../runtime/backend';
import { Deployment } from './deployment';
import { ReadyTask } from './policy';
import { Feeds, ScheduledRequest } from './schedule-options';

export interface RequestState {
  readonly request: ScheduledRequest;
  readonly deployment: Deployment;
  arrivalMs: number;
  startMs: number;
  executionMs: number;
  transferBytes: number;
  tasksRun: number;
  readonly tensors: Map<string, TensorHandle>;
  /** Names of the request's own inputs (the caller's tensors: never released here). */
  readonly inputNames: Set<string>;
  uploadWaitMs: number;
  memoryWaitMs: number;
  uploadBytes: number;
}

export function newRequestState(request: ScheduledRequest, deployment: Deployment): RequestState {
  return {
    request, deployment, arrivalMs: request.arrivalMs, startMs: -1, executionMs: 0, transferBytes: 0,
    tasksRun: 0, tensors: new Map(), inputNames: new Set(), uploadWaitMs: 0, memoryWaitMs: 0, uploadBytes: 0,
  };
}

/** The request's task `taskIndex`, ready to run, as the policy sees it. */
export function readyTask(state: RequestState, taskIndex: number): ReadyTask {
  return {
    requestId: state.request.id,
    model: state.request.model,
    arrivalMs: state.arrivalMs,
    taskIndex,
    task: state.deployment.tasks[taskIndex],
    deployment: state.deployment,
  };
}

/** The feeds of the request's task `taskIndex`; an Error when one of its inputs is nowhere. */
export function feedsFor(state: RequestState, taskIndex: number): Feeds {
  const feeds: Feeds = {};
  for (const name of state.deployment.tasks[taskIndex].inputNames) {
    const handle = state.tensors.get(name);
    if (handle === undefined) {
      throw new Error(`task ${taskIndex} of '${state.request.model}' reads '${name}', which neither the ` +
        `request's inputs nor an earlier task provide`);
    }
    feeds[name] = handle;
  }
  return feeds;
}
