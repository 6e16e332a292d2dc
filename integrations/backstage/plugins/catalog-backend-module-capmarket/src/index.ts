/**
 * The capmarket catalog module: capabilities as APIs, producers as Groups, live resources as Resources.
 *
 * @packageDocumentation
 */
export { catalogModuleCapmarket as default } from './module';
export { DEFAULT_SCHEDULE } from './module';
export * from './CapmarketEntityProvider';
export * from './entities';
