/**
 * What really happened, per input event, for the accuracy checks. KMS calls are kept under the scenario's
 * input id `kms:<provider>:<call eventId>`; records name them by the id keytrail derived from the raw
 * record, which ingest reports (`registerKmsId`). App events are `app:<eventId>` on both sides.
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
  /** Event deliveries: every copy of every KMS call and app event (a Vault request/response pair is one). */
  deliveries: number;
  /** Raw records handed to ingest: Vault entries count one each, Azure Authentication challenges too. */
  records: number;
  /** Vault request entries that ingest folds into their response entry's event. */
  merged: number;
  /** Records ingest must count as out of scope (Azure Authentication challenges). */
  filtered: number;
  /** Vault request entries whose response entry no device logged (published alone after the pairing timeout). */
  responseMissing: number;
  /** Second copies sent to the ingest process that already published the first (its state drops them). */
  ingestDuplicates: number;
  /** Second copies sent to the other ingest process (the correlator drops them). */
  crossDuplicates: number;
  /** Second copies per `<source> <first input>><second input> <same|other> ingest`. */
  duplicatePaths: Map<string, number>;
  /** keytrail's input id → the scenario's, where they differ. */
  aliases: Map<string, string>;
  /** The scenario's input id → keytrail's, where they differ. */
  keytrailIds: Map<string, string>;
  /** Calls that reached keytrail under two different ids (one call must keep one id whatever its path and form). */
  idConflicts: string[];
  /** Published KMS events compared with the call they came from, and what differed. */
  eventsChecked: number;
  fieldMismatches: string[];
}

export function createTruth(): ScenarioTruth {
  return { kms: new Map(), app: new Map(), deliveries: 0, records: 0, merged: 0, filtered: 0, responseMissing: 0, ingestDuplicates: 0, crossDuplicates: 0, duplicatePaths: new Map(), aliases: new Map(), keytrailIds: new Map(), idConflicts: [], eventsChecked: 0, fieldMismatches: [] };
}

/** Ingest derived `keytrailId` for the call the scenario knows as `scenarioId`. */
export function registerKmsId(truth: ScenarioTruth, scenarioId: string, keytrailId: string): void {
  if (keytrailId === scenarioId) return;
  const known = truth.aliases.get(keytrailId);
  if (known !== undefined && known !== scenarioId) truth.idConflicts.push(`${keytrailId} names both ${known} and ${scenarioId}`);
  const previous = truth.keytrailIds.get(scenarioId);
  if (previous !== undefined && previous !== keytrailId) truth.idConflicts.push(`${scenarioId} reached keytrail as ${previous} and as ${keytrailId}`);
  truth.aliases.set(keytrailId, scenarioId);
  truth.keytrailIds.set(scenarioId, keytrailId);
}

/** The scenario's id of an input id found in a record. */
export function scenarioInputId(truth: ScenarioTruth, inputId: string): string {
  return truth.aliases.get(inputId) ?? inputId;
}
