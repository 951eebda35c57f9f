import { describe, expect, it } from 'vitest';
import { canonicalClaimName, claimsFromColumns, principalFromClaims, serviceOfManagedIdentity } from './claims.ts';
import { parseKeyUri, subscriptionOf } from './key-uri.ts';

describe('Key Vault identifiers', () => {
  it('splits key identifiers into the versionless key and its version, on any Key Vault host', () => {
    expect(parseKeyUri('https://kv1.vault.azure.net/keys/dek-wrap/3F9A1C0E5B7D4E2A8C6F0B1D9E4A7C35/unwrapkey?api-version=7.6')).toEqual({ keyId: 'https://kv1.vault.azure.net/keys/dek-wrap', keyVersion: '3f9a1c0e5b7d4e2a8c6f0b1d9e4a7c35' });
    expect(parseKeyUri('https://hsm1.managedhsm.azure.net/keys/k1/rotate?api-version=7.6')).toEqual({ keyId: 'https://hsm1.managedhsm.azure.net/keys/k1', keyVersion: null });
    expect(parseKeyUri('https://kv1.vault.azure.cn/deletedkeys/old')).toEqual({ keyId: 'https://kv1.vault.azure.cn/keys/old', keyVersion: null });
    expect(parseKeyUri('https://kv1.vault.azure.net/secrets/s1/0123456789abcdef0123456789abcdef')).toBeUndefined();
    expect(parseKeyUri('not a url')).toBeUndefined();
    expect(subscriptionOf('/SUBSCRIPTIONS/B5F0C8E2-7A1D/RESOURCEGROUPS/RG')).toBe('b5f0c8e2-7a1d');
  });

  it('reduces short, URI and AzureDiagnostics claim names to one name', () => {
    expect(canonicalClaimName('http://schemas.microsoft.com/identity/claims/objectidentifier')).toBe('oid');
    expect(canonicalClaimName('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn')).toBe('upn');
    expect(claimsFromColumns({ identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g: 'o1', identity_claim_upn_s: 'u@x', identity_claim_appid_g: 'a1', id_s: 'ignored' })).toEqual({ oid: 'o1', upn: 'u@x', appid: 'a1' });
    expect(principalFromClaims({ upn: 'u@x' })).toEqual({ id: 'u@x', type: 'user' });
    expect(principalFromClaims({ appid: 'a1' })).toEqual({ id: 'a1', type: 'app' });
    expect(principalFromClaims({})).toBeNull();
  });

  it('treats only the system identity of a customer-managed-key service as service-invoked', () => {
    expect(serviceOfManagedIdentity('/subscriptions/s/resourcegroups/rg/providers/Microsoft.Storage/storageAccounts/acct')).toBe('Microsoft.Storage/storageAccounts');
    expect(serviceOfManagedIdentity('/subscriptions/s/resourcegroups/rg/providers/Microsoft.Compute/virtualMachines/vm1')).toBeNull();
    expect(serviceOfManagedIdentity('/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1')).toBeNull();
    expect(serviceOfManagedIdentity(undefined)).toBeNull();
  });
});
