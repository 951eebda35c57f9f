export { verifyConsistency, type ConsistencyProof } from './consistency.ts';
export { verifyInclusion, type InclusionProof } from './inclusion.ts';
export type { ProofCheck } from './common.ts';
