import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../fixtures/merkle/', import.meta.url));

export interface InclusionVector {
  file: string;
  leafIdx: bigint;
  treeSize: bigint;
  root: Buffer;
  leafHash: Buffer;
  proof: Buffer[];
  desc: string;
  wantErr: boolean;
}

export interface ConsistencyVector {
  file: string;
  size1: bigint;
  size2: bigint;
  root1: Buffer;
  root2: Buffer;
  proof: Buffer[];
  desc: string;
  wantErr: boolean;
}

/** JSON.parse keeping integers exact: the malformed vectors use u64 values above 2^53. */
function parseExact(text: string): Record<string, unknown> {
  return JSON.parse(text, (_key, value, context?: { source?: string }) =>
    typeof value === 'number' && Number.isInteger(value) && context?.source !== undefined ? BigInt(context.source) : value,
  ) as Record<string, unknown>;
}

function loadAll(kind: 'inclusion' | 'consistency'): { file: string; json: Record<string, unknown> }[] {
  const base = join(ROOT, kind);
  return readdirSync(base)
    .flatMap((dir) => readdirSync(join(base, dir)).map((name) => join(base, dir, name)))
    .sort()
    .map((path) => ({ file: relative(ROOT, path), json: parseExact(readFileSync(path, 'utf8')) }));
}

const b64 = (value: unknown): Buffer => Buffer.from(String(value), 'base64');
const list = (value: unknown): Buffer[] => ((value as string[] | null) ?? []).map(b64);

export function loadInclusionVectors(): InclusionVector[] {
  return loadAll('inclusion').map(({ file, json }) => ({
    file,
    leafIdx: json.leafIdx as bigint,
    treeSize: json.treeSize as bigint,
    root: b64(json.root),
    leafHash: b64(json.leafHash),
    proof: list(json.proof),
    desc: String(json.desc),
    wantErr: json.wantErr === true,
  }));
}

export function loadConsistencyVectors(): ConsistencyVector[] {
  return loadAll('consistency').map(({ file, json }) => ({
    file,
    size1: json.size1 as bigint,
    size2: json.size2 as bigint,
    root1: b64(json.root1),
    root2: b64(json.root2),
    proof: list(json.proof),
    desc: String(json.desc),
    wantErr: json.wantErr === true,
  }));
}

/** The RFC 6962 reference tree of transparency-dev/merkle (testonly/constants.go). */
export function loadReferenceTree(): { leaves: Buffer[]; roots: Buffer[] } {
  const json = JSON.parse(readFileSync(join(ROOT, 'reference-tree.json'), 'utf8')) as { leafInputsHex: string[]; rootHashesHex: string[] };
  return { leaves: json.leafInputsHex.map((hex) => Buffer.from(hex, 'hex')), roots: json.rootHashesHex.map((hex) => Buffer.from(hex, 'hex')) };
}
