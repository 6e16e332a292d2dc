import { Config } from '@backstage/config';
import { CapmarketClient } from './CapmarketClient';

/** The {@code capmarket} section of app-config. */
export type CapmarketConfig = {
  baseUrl: string;
  token: string;
  requestTimeoutMs?: number;
};

/**
 * Reads {@code capmarket.baseUrl} and {@code capmarket.token} (usually {@code ${CAPMARKET_TOKEN}},
 * so that the token comes from the environment).
 *
 * @throws Error naming the key when one is missing or invalid
 */
export function readCapmarketConfig(config: Config): CapmarketConfig {
  const section = config.getConfig('capmarket');
  const baseUrl = section.getString('baseUrl');
  const token = section.getString('token');
  const requestTimeoutMs = section.getOptionalNumber('requestTimeoutMs');
  return { baseUrl, token, requestTimeoutMs };
}

/** A client for the gateway that app-config names. */
export function clientFromConfig(config: Config): CapmarketClient {
  return new CapmarketClient(readCapmarketConfig(config));
}
