/**
 * The partition plan: what the compiler proposes for one model at one threshold.
 * A task is a contiguous range of the order; its demand is the device memory it needs while it runs
 * (its weights plus its peak live activations, counting the tensors it receives and the ones it hands on).
 * Cut tensors are values produced by one task and read by a later one; they live in the request's pool.
 */
import { ShapedGraph } from '../graph/graph';
import { RuntimeMemoryModel } from '../memory/runtime-memory';

export type Granularity = 'quilt' | 'layer' | 'model';

export interface Task {
  readonly index: number;
  /** Positions [start, end) in the plan's order. */
  readonly start: number;
  readonly end: number;
  /** Node indices of the graph, in execution order. */
  readonly nodes: readonly number[];
  /** Value indices the task receives: graph inputs and cut tensors from earlier tasks (not weights). */
  readonly inputs: readonly number[];
  /** Value indices the task hands on: cut tensors for later tasks and graph outputs. */
  readonly outputs: readonly number[];
  /**
   * Value indices of the weights the task's nodes read (initializers and Constant outputs), each once. A Constant
   * output read by a task that does not hold its Constant node is listed here too: the task model must carry it.
   * Optional so hand-made plans may leave it out; `propose` always fills it.
   */
  readonly weights?: readonly number[];
  /** Bytes of the weights the task's nodes read (initializers, Constant outputs, control-flow subgraph weights). */
  readonly weightBytes: number;
  /** Peak bytes of live activations while the task runs (inputs and outputs included), with the runtime's working memory. */
  readonly peakActivationBytes: number;
  /**
   * The runtime's weight-side terms (layout padding, pre-packed copies, the session's fixed bytes; see
   * `memory/runtime-memory.ts`); 0 or absent when the plan was proposed without a runtime memory model.
   */
  readonly runtimeBytes?: number;
  /** weightBytes + runtimeBytes + peakActivationBytes. */
  readonly demandBytes: number;
}

export interface CutTensor {
  readonly value: number;
  readonly bytes: number;
  readonly producerTask: number;
  /** The last task that reads it; the tensor is dead after that task. */
  readonly lastConsumerTask: number;
}

export interface PoolSlot {
  readonly value: number;
  readonly offset: number;
  readonly size: number;
  /** Live from the end of this task ... */
  readonly fromTask: number;
  /** ... until the end of this task. */
  readonly toTask: number;
}

export interface PoolPlan {
  readonly slots: readonly PoolSlot[];
  /** Size of the one pool buffer with slot reuse. */
  readonly poolBytes: number;
  /** What the pool would need without reuse (the sum of all cut tensors). */
  readonly noReuseBytes: number;
}

export interface PartitionPlan {
  readonly graph: ShapedGraph;
  readonly model: string;
  readonly granularity: Granularity;
  readonly thresholdBytes: number;
  /** The smallest threshold at which a quilt plan exists: the largest single-node demand. */
  readonly minFeasibleThreshold: number;
  /** What a percentage threshold is a share of: the model's demand (propose.ts's `modelDemandBytes`). */
  readonly modelDemandBytes: number;
  /** The node order the tasks cut (a topological order). */
  readonly order: readonly number[];
  readonly tasks: readonly Task[];
  readonly cuts: readonly CutTensor[];
  /** Sum of the bytes of every cut tensor. */
  readonly cutBytes: number;
  readonly pool: PoolPlan;
  /** The runtime memory model the demands include (`memory/runtime-memory.ts`); absent: liveness only. */
  readonly runtime?: RuntimeMemoryModel;
}
