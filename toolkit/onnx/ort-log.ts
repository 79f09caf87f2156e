/**
 * onnxruntime's own logging, set in one place: silent (fatal only) unless QUILT_DEBUG is set, so that a
 * failure inside onnxruntime reaches the user as the toolkit's one stderr line, not as onnxruntime's coloured
 * log lines first. Every session the toolkit creates takes `ortSessionLogOptions()`; importing this module also
 * sets the process-wide `ort.env.logLevel` (read when onnxruntime's environment is first created).
 */
import * as ort from 'onnxruntime-node';

export function ortDebug(): boolean {
  const v = process.env.QUILT_DEBUG;
  return v !== undefined && v !== '' && v !== '0';
}

/** onnxruntime severities: 0 verbose, 1 info, 2 warning, 3 error, 4 fatal. */
export function ortLogSeverity(): 2 | 4 {
  return ortDebug() ? 2 : 4;
}

/** Session options that set onnxruntime's log severity (spread into every session's options). */
export function ortSessionLogOptions(): { logSeverityLevel: 2 | 4; logVerbosityLevel: 0 } {
  return { logSeverityLevel: ortLogSeverity(), logVerbosityLevel: 0 };
}

ort.env.logLevel = ortDebug() ? 'warning' : 'fatal';
