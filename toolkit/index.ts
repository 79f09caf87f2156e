/**
 * The Quilt toolkit's public API: what notebooks import (`require('../dist/toolkit')`) and what the CLI uses.
 * Data flow: model file -> Graph -> order -> MemoryProfile -> PartitionPlan -> task models -> Sessions on a
 * Backend -> scheduler (Policy + device ledger) -> rows -> DataFrame -> CSV / plot.
 */
export * from './graph/graph';
export { DType } from './graph/dtype';
export { GraphBuilder, floatAttr, floatsAttr, tensorAttr } from './graph/builder';
export { fileOrder, isTopologicalOrder, assertTopologicalOrder } from './graph/order';
export { extractSubgraph } from './graph/subgraph';
export { loadModel } from './onnx/load';
export { writeModel } from './onnx/write';
export { resolveShapes, ResolvedGraph } from './shapes';
export { analyzeMemory, MemoryProfile, StepMemory } from './memory/profile';
export { reduceMemoryOrder } from './memory/reorder';
export { propose } from './partition/propose';
export { validate } from './partition/validate';
export { build, TaskModel } from './partition/build';
export { parseThreshold } from './partition/threshold';
export { tasksFrame, profileFrame } from './partition/frame';
export * from './partition/plan';
export { ZOO_MODELS, buildZooModel, zooModelFile, zooInputShapes } from './zoo';
export { Backend, Session, BackendName } from './runtime/backend';
export { openBackend, checkBackend, defaultConcurrency, BackendChoice } from './runtime/ort-backend';
export { randomFeeds } from './runtime/feeds';
export { loadChain, runChain } from './runtime/chain';
export { LaneCrashError } from './runtime/lane';
export { POLICY_NAMES, createPolicy } from './schedule/policies';
export { runSchedule } from './schedule/scheduler';
export { loadWorkloadSpec, parseWorkloadSpec, generateWorkload, WorkloadSpec } from './workload';
export { openModel, OpenedModel, ModelOptions } from './experiment/model-source';
export { profileModel, ProfileSummary } from './experiment/profile';
export { openAndPartition, partitionModel, describePartition, writePartition } from './experiment/partition';
export { verifyPlan, Verification } from './experiment/verify';
export { runWorkload, parseBudget, ExperimentResult, WorkloadRunOptions } from './experiment/run';
export * from './experiment/schema';
export { toFrame, fromFrame, requestFrame, timelineFrame, summaryFrame } from './experiment/frames';
export { writeResults, readResults, readRequestResults, readTimelineResults, readSummaryResults } from './experiment/results-io';
export { QuiltError } from './errors';
export { parseBytes, formatBytes } from './units';
export * as plot from './plot';
export * as notebook from './notebook';
