import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  capmarket?: {
    /** The capmarket gateway's base URL, e.g. https://capmarket.example.com (no /v1). */
    baseUrl: string;
    /**
     * A bearer token of the gateway. The scaffolder action orders for this token's team; the
     * entity provider sees every team's resources with an admin token, its own team's otherwise.
     * @visibility secret
     */
    token: string;
    /** How long one call to the gateway may take, long-polls aside, in milliseconds (default 30000). */
    requestTimeoutMs?: number;
    /** The catalog entity provider's settings. */
    catalog?: {
      /** How often the provider reads the gateway (default every 5 minutes). */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * The owner of every capability's API entity, e.g. group:default/platform; by default the
       * owner of its newest version's contract when it offers the capability, else the first of
       * its producers in id order.
       */
      apiOwner?: string;
    };
  };
}
