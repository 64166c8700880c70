/**
 * Diagnosis of a training run: findings from telemetry and the remedies of
 * docs/domain.md as pure, undoable design edits. Shared by the training view and
 * any tool that reads telemetry files.
 */
export { diagnose } from './diagnose';
export type { DiagnosisContext, DivergenceInfo, Finding, FindingKind, Remedy, Severity } from './types';
export { decade, decadeRange, layerList, percent } from './format';
export { median, runWindow, RECENT_WINDOW } from './stats';
export type { RunWindow } from './stats';
export { swapActivation, matchInitializers, initializerFor } from './remedies/activation';
export { insertBatchNorm, addSkipConnections, removeLayers, skipCandidates } from './remedies/structure';
export { scaleLearningRate, enableClipping } from './remedies/training';
export {
  swapToReluHeRemedy,
  leakyReluRemedy,
  initializerRemedy,
  batchNormRemedy,
  skipRemedy,
  removeLayersRemedy,
  lowerLearningRateRemedy,
  raiseLearningRateRemedy,
  clippingRemedy,
} from './remedies/catalogue';
export {
  closedFormText,
  derivativeSquare,
  describeInitFlow,
  fanInVariance,
  geometricMean,
  layerDecays,
} from './decay';
export type { InitFlow, LayerDecay } from './decay';
export { VANISHING_RATIO, FROZEN_RATIO, EXPLODING_RATIO, EXPLODING_GROWTH } from './rules/gradient';
export { UNITS_WARNING, UNITS_INFO } from './rules/units';
export { LARGE_UPDATE, SMALL_UPDATE } from './rules/updates';
