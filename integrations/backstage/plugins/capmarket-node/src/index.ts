/**
 * The capmarket gateway client and configuration shared by the capmarket Backstage modules.
 *
 * @packageDocumentation
 */
export * from './CapmarketClient';
export * from './config';
