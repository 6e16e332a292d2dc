import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { clientFromConfig } from '@capmarket/backstage-plugin-capmarket-node';
import { CapmarketEntityProvider } from './CapmarketEntityProvider';

/** Every 5 minutes, each run given at most 3, starting a few seconds after the catalog. */
export const DEFAULT_SCHEDULE = {
  frequency: { minutes: 5 },
  timeout: { minutes: 3 },
  initialDelay: { seconds: 15 },
} as const;

/**
 * The catalog module that adds the capmarket entity provider, configured by {@code capmarket.baseUrl},
 * {@code capmarket.token} and {@code capmarket.catalog.schedule} / {@code capmarket.catalog.apiOwner}.
 */
export const catalogModuleCapmarket = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'capmarket',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({ catalog, config, logger, scheduler }) {
        const settings = config.getOptionalConfig('capmarket.catalog');
        const schedule = settings?.has('schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(settings.getConfig('schedule'))
          : DEFAULT_SCHEDULE;
        catalog.addEntityProvider(
          new CapmarketEntityProvider({
            client: clientFromConfig(config),
            logger,
            taskRunner: scheduler.createScheduledTaskRunner(schedule),
            apiOwner: settings?.getOptionalString('apiOwner'),
          }),
        );
      },
    });
  },
});
