import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSchedulerServiceTaskScheduleDefinitionFromConfig } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { readCapmarketConfig } from '@capmarket/backstage-plugin-capmarket-node';
import { parse } from 'yaml';

describe('examples/app-config.yaml', () => {
  const config = new ConfigReader(parse(readFileSync(join(__dirname, '..', '..', '..', 'examples', 'app-config.yaml'), 'utf8')));

  it('is read by the modules: the gateway, a token from the environment, a schedule and an API owner', () => {
    expect(readCapmarketConfig(config)).toEqual({
      baseUrl: 'https://capmarket.example.com',
      token: '${CAPMARKET_TOKEN}',
      requestTimeoutMs: 30000,
    });
    expect(readSchedulerServiceTaskScheduleDefinitionFromConfig(config.getConfig('capmarket.catalog.schedule'))).toEqual({
      frequency: { minutes: 5 },
      timeout: { minutes: 3 },
      initialDelay: { seconds: 15 },
    });
    expect(config.getString('capmarket.catalog.apiOwner')).toBe('group:default/platform');
  });
});
