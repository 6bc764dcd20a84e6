export { normalisePlan, policyDocument, stripIndexes, truePaths, maskSensitive, SENSITIVE } from './normalize.js';
export type { BucketView, ChangeKind, NormalisedResource, PolicyDocument, PolicyInput } from './normalize.js';
