import { describe, expect, it } from 'vitest';
import { findJoinToken, joinTokenOf } from './join-token.ts';

describe('GCP join tokens', () => {
  it('finds a keytrail product token anywhere in a user agent', () => {
    expect(findJoinToken('keytrail/abc-1 grpc-node-js/1.14.7,gzip(gfe)')).toBe('abc-1');
    expect(findJoinToken('gl-node/24 gccl/5.2.0 keytrail/Z9_x.y gax/5')).toBe('Z9_x.y');
    expect(findJoinToken('my-keytrail/abc gax/5')).toBeUndefined();
    expect(findJoinToken('keytrail/ gax/5')).toBeUndefined();
  });

  it('prefers the per-call reason, then the user agent, then a reason without the prefix', () => {
    expect(joinTokenOf('keytrail/ua', 'keytrail/reason')).toBe('reason');
    expect(joinTokenOf('keytrail/ua', 'ticket 123')).toBe('ua');
    expect(joinTokenOf('gax/5', ' req-42 ')).toBe('req-42');
    expect(joinTokenOf(undefined, '   ')).toBeUndefined();
  });
});
