/** The run folder (docs/run-folder.md): one writer, one reader, its layout and its record formats. */
export { RUN_FILES, DEFAULT_RUNS_FOLDER, createRunDir, folderSafeName, resolveRunsFolder, runFolderTime, runTimestamp } from './layout';
export { diagnosticsContent, RunFolderWriter } from './writer';
export { PARTIAL_LAST_LINE_NOTE, readRunFolder, readRunFolderAsync, type ReadRunFolderOptions, type RunFolder } from './reader';
export { parseMetricsJsonl, readMetricsFrom, type MetricsLog, type MetricsTail } from './metricsJsonl';
export { epochLine, stepLine, toRecord, type MetricsRecord } from './records';
export { csvField, formatProbability, parsePredictionsCsv, predictionsCsv, predictionsToOutputs, PROBABILITY_DIGITS, type PredictionsTable } from './predictions';
export { RunFolderError } from './errors';
