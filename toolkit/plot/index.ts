/** The plot module: figure builders, and ways to show and save figures. */
export { Figure, Trace, toMiB, BYTES_PER_MIB } from './figure';
export { RowsOrFrame } from './input';
export { latencyByPolicy, LatencyByPolicyOptions, LatencyRow } from './latency-by-policy';
export { latencyCdf, LatencyCdfOptions } from './latency-cdf';
export { memoryTimeline, MemoryTimelineOptions } from './memory-timeline';
export { thresholdSweep, ThresholdSweepOptions } from './threshold-sweep';
export { memoryProfile, MemoryProfileOptions } from './memory-profile';
export { budgetSweep, BudgetSweepOptions, BudgetSweepRow } from './budget-sweep';
export { tritonEnsembleSvg } from './triton-ensemble';
export { regimeHeatmap, regimeLabel, RegimeHeatmapOptions, RegimeRatioRow } from './regime-heatmap';
export { show, describeFigure } from './show';
export { showTable, tableHtml, TableOptions } from './table';
export { writeHtml, standaloneHtml } from './html';
export { writeImage, renderImage, ImageFormat, ImageOptions } from './image';
export { saveFigure, saveComparisonFigures, saveReproduceFigures, SavedFiles } from './save';
export { simVsMeasured, SimVsMeasuredRow } from './sim-vs-measured';
