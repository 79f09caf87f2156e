/**
 * The Quilt toolkit's public API: what notebooks import (`require('../dist/toolkit')`) and what the CLI uses.
 * Data flow: model file -> Graph -> order -> MemoryProfile -> PartitionPlan -> task models -> Sessions on a
 * Backend -> scheduler (Policy + device ledger) -> rows -> DataFrame -> CSV / plot.
 */
export * from './graph/graph';
export { DType } from './core/dtype';
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
export { tasksFrame, profileFrame, profileRows, taskRows } from './partition/frame';
export * from './partition/plan';
export { ZOO_MODELS, buildZooModel, zooModelFile, zooInputShapes } from './zoo';
export { Backend, Session, BackendName } from './runtime/backend';
export { checkBackend, BackendChoice } from './runtime/ort-backend';
export { openBackend, OpenBackendOptions } from './sim/open';
export { randomFeeds } from './runtime/feeds';
export { loadChain, runChain } from './runtime/chain';
export { LaneCrashError } from './runtime/lane';
export { POLICY_NAMES, createPolicy, isManagedPolicy } from './schedule/policies';
export { parseBudget, budgetNeed, BudgetNeed, UNLIMITED_BUDGET } from './schedule/budget';
export { runSchedule } from './schedule/scheduler';
export { loadWorkloadSpec, parseWorkloadSpec, generateWorkload, WorkloadSpec } from './workload';
export { openModel, OpenedModel, ModelOptions } from './experiment/model-source';
export { profileModel, ProfileSummary } from './experiment/profile';
export { openAndPartition, partitionModel, describePartition, writePartition } from './experiment/partition';
export { verifyPlan, Verification } from './experiment/verify';
export { exportTriton, TritonExport, TritonExportOptions, ExportedModel, ExportedTask } from './experiment/triton/export';
export { verifyTritonRepository, TritonModelCheck } from './experiment/triton/verify';
export { measurePlanMemory, calibrateSessionBytes, memoryTruthRows, MemoryTruth, TaskMemory, MemoryTruthRow } from './experiment/measure-memory';
export { RuntimeMemoryModel, LIVENESS_ONLY } from './memory/runtime-memory';
export { cpuRuntimeMemory, calibratedCpuRuntimeMemory } from './runtime/cpu-memory-model';
export { runWorkload, ExperimentResult, WorkloadRunOptions, NotRun, RunModelInfo } from './experiment/run';
export { Workspace, WorkspaceOptions, ModelInfo } from './experiment/workspace';
export { h200Report, H200Report, Prediction } from './experiment/calibration/h200-report';
export { gpuRuntimeMemory } from './memory/gpu-runtime-memory';
export {
  modelLimits, ModelLimits, thresholdSweep, ThresholdSweepPoint, granularityTable, GranularityRow, poolSavings, PoolSavingsRow,
  poolComparison, PoolComparison, sweepBudgets, BudgetSweepPoint, CannotRunRow, BudgetSweepResult,
} from './experiment/sweeps';
export { regimeSweep, ratioSummary, RegimeSweepOptions, RegimeSweepResult, RegimeRow, RatioSummaryRow } from './experiment/regime-sweep';
export { autoThresholdBytes } from './experiment/auto-threshold';
export * from './core/rows';
export { toFrame, fromFrame, requestFrame, timelineFrame, summaryFrame } from './core/frames';
export { writeResults, readResults, readRequestResults, readTimelineResults, readSummaryResults } from './experiment/results-io';
export { QuiltError } from './core/errors';
export { BudgetTooSmallError, PolicyCannotStartError } from './core/memory-errors';
export { parseBytes, formatBytes } from './core/units';
export { percentile } from './core/percentile';
export { median } from './core/median';
export * as plot from './plot';
export * as notebook from './notebook';
export * as sim from './sim';
export { checkAnchors } from './experiment/calibration/anchors';
export { validateSim, compareRuns } from './experiment/calibration/validate';
