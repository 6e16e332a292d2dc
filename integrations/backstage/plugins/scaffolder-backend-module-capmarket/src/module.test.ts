import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint, TemplateAction } from '@backstage/plugin-scaffolder-node';
import { liveGateway } from '../../../test/liveGateway';
import scaffolderModuleCapmarket from './index';

describe('scaffolderModuleCapmarket', () => {
  it('adds capmarket:request, configured from app-config', async () => {
    const gateway = liveGateway();
    const actions: TemplateAction<any, any, any>[] = [];
    const backend = await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions: (...added: TemplateAction<any, any, any>[]) => actions.push(...added) }]],
      features: [
        scaffolderModuleCapmarket,
        mockServices.rootConfig.factory({ data: { capmarket: { baseUrl: gateway.baseUrl, token: gateway.consumerToken } } }),
      ],
    });
    try {
      expect(actions.map(a => a.id)).toEqual(['capmarket:request']);
      expect(Object.keys((actions[0].schema?.input as any).properties)).toEqual(
        expect.arrayContaining(['capability', 'version', 'parameters', 'priority', 'preferences', 'ttl', 'waitFor', 'timeoutSeconds']),
      );
    } finally {
      await backend.stop();
    }
  });

  it('does not start without capmarket.token, and says so', async () => {
    await expect(startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions: () => {} }]],
      features: [scaffolderModuleCapmarket, mockServices.rootConfig.factory({ data: { capmarket: { baseUrl: 'http://127.0.0.1:1' } } })],
    })).rejects.toThrow(/capmarket\.token/);
  });
});
