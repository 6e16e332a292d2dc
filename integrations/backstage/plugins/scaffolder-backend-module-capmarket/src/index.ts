/**
 * The capmarket scaffolder module: the capmarket:request action.
 *
 * @packageDocumentation
 */
export { scaffolderModuleCapmarket as default } from './module';
export * from './requestAction';
