import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { clientFromConfig } from '@capmarket/backstage-plugin-capmarket-node';
import { createCapmarketRequestAction } from './requestAction';

/** The scaffolder module that adds {@code capmarket:request}, configured by {@code capmarket.baseUrl} and {@code capmarket.token}. */
export const scaffolderModuleCapmarket = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'capmarket',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, config }) {
        scaffolder.addActions(createCapmarketRequestAction({ client: clientFromConfig(config) }));
      },
    });
  },
});
