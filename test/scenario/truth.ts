/**
 * What really happened, per input event, for the accuracy checks. Input ids are the ones records use:
 * `kms:<provider>:<eventId>` and `app:<eventId>`.
 */
export interface KmsTruth {
  cause: 'app' | 'service' | 'lifecycle' | 'unreported';
  /** The app event that reported this call (cause app). */
  appInputId?: string;
  user?: string;
  /** How keytrail can know: a join key, or only principal, key and time. */
  joinable?: 'exact' | 'heuristic';
  /** Both this call's record and its app event were first delivered within their allowed lateness. */
  onTime: boolean;
}

export interface AppTruth {
  cause: 'exact' | 'cached' | 'heuristic' | 'missing-kms';
  /** The KMS call this event reported (exact, heuristic) or whose data key it used (cached). */
  kmsInputId?: string;
  user: string;
  onTime: boolean;
}

export interface ScenarioTruth {
  kms: Map<string, KmsTruth>;
  app: Map<string, AppTruth>;
  /** Deliveries that repeat an event already delivered (same native id, same bytes). */
  duplicateDeliveries: number;
  deliveries: number;
}

export function createTruth(): ScenarioTruth {
  return { kms: new Map(), app: new Map(), duplicateDeliveries: 0, deliveries: 0 };
}
