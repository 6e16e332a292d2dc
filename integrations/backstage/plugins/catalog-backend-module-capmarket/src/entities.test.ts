import { KubernetesValidatorFunctions } from '@backstage/catalog-model';
import { Capability } from '@capmarket/backstage-plugin-capmarket-node';
import { apiEntity, entityName, groupRef } from './entities';

describe('entityName', () => {
  it('keeps a valid name and makes any other one valid, keeping long names apart', () => {
    expect(entityName('postgres-database')).toBe('postgres-database');
    expect(entityName('team@example.com')).toBe('team-example.com');
    const long = 'a'.repeat(70);
    const other = `${'a'.repeat(69)}b`;
    for (const raw of ['team@example.com', '--x--', '@@@', long, other, 'é']) {
      expect(KubernetesValidatorFunctions.isValidObjectName(entityName(raw))).toBe(true);
    }
    expect(entityName(long)).not.toBe(entityName(other));
    expect(groupRef('demo-app')).toBe('group:default/demo-app');
  });
});

describe('apiEntity', () => {
  const offer = { version: 2, status: 'ACTIVE', attributes: {}, capacity: 10, leadTimeSloMs: 60_000 };
  const capability: Capability = {
    name: 'postgres-database',
    description: 'A PostgreSQL database',
    versions: [
      { version: 1, parameterSchema: {}, outputSchema: {}, deprecated: false, sunset: null, contractOwner: 'db-platform' },
      { version: 2, parameterSchema: { type: 'object' }, outputSchema: {}, deprecated: false, sunset: null, contractOwner: 'dba-eu' },
    ],
    offers: [{ ...offer, offerId: 'pg-eu', producerId: 'dba-eu' }, { ...offer, offerId: 'pg-platform', producerId: 'db-platform' }],
    updatedAt: '2026-12-07T18:00:00Z',
  };
  const withOwner = (contractOwner: string | null) =>
    ({ ...capability, versions: capability.versions.map(v => ({ ...v, contractOwner })) });

  it('is owned by the configured owner, else by its newest version\'s contract owner if it offers it, else by its first producer', () => {
    expect(apiEntity(capability, 'http://gateway.test', 'group:default/platform').spec?.owner).toBe('group:default/platform');
    expect(apiEntity(capability, 'http://gateway.test').spec?.owner).toBe('group:default/dba-eu');
    // a contract owner without an offer has no Group of this provider's: the first producer in id order owns the API
    expect(apiEntity(withOwner('offboarded-team'), 'http://gateway.test').spec?.owner).toBe('group:default/db-platform');
    expect(apiEntity(withOwner(null), 'http://gateway.test').spec?.owner).toBe('group:default/db-platform');
    expect(apiEntity({ ...capability, offers: [] }, 'http://gateway.test').spec?.owner).toBe('group:default/capmarket');
  });
});
