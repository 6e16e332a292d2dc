import { KubernetesValidatorFunctions } from '@backstage/catalog-model';
import { entityName, groupRef } from './entities';

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
