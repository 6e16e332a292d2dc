import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Validator } from 'jsonschema';
import { parse } from 'yaml';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { liveGateway } from '../../../test/liveGateway';
import { ACTION_ID, createCapmarketRequestAction } from './requestAction';

const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');

type Step = { id: string; action: string; input: Record<string, unknown> };
type Template = {
  spec: { parameters: { properties: Record<string, { default?: unknown }> }[]; steps: Step[]; output: { text: { content: string }[] } };
};

/** What the scaffolder renders from `${{ parameters.x }}` when the user keeps every default. */
function render(value: unknown, defaults: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{\{ parameters\.(\w+) \}\}$/.exec(value);
    if (whole) {
      if (!(whole[1] in defaults)) {
        throw new Error(`the template uses parameters.${whole[1]}, which has no default`);
      }
      return defaults[whole[1]];
    }
    return value;
  }
  if (Array.isArray(value)) {
    return value.map(v => render(v, defaults));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, defaults)]));
  }
  return value;
}

describe('examples/template.yaml', () => {
  const template = parse(readFileSync(join(EXAMPLES, 'template.yaml'), 'utf8')) as Template;
  const step = template.spec.steps.find(s => s.action === ACTION_ID)!;
  const gateway = liveGateway();
  const action = createCapmarketRequestAction({ client: gateway.consumer });

  it('orders with an input the action\'s schema accepts', () => {
    expect(step).toBeDefined();
    const result = new Validator().validate(step.input, action.schema!.input as any);
    expect(result.errors.map(e => e.stack)).toEqual([]);
  });

  it('orders a postgres database with the form\'s defaults, and gets every output its text shows', async () => {
    const defaults = Object.fromEntries(template.spec.parameters.flatMap(page =>
      Object.entries(page.properties).map(([name, property]) => [name, property.default])));
    const ctx = createMockActionContext({ input: render(step.input, defaults) as any, task: { id: randomUUID() } });
    await action.handler(ctx as any);

    const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    expect(outputs.state).toBe('FULFILLED');
    const shown = [...template.spec.output.text[0].content.matchAll(/steps\.database\.output\.outputs\.(\w+)/g)].map(m => m[1]);
    expect(shown).toEqual(['host', 'port', 'passwordRef']);
    for (const name of shown) {
      expect(outputs.outputs[name]).toEqual(expect.any(String));
    }
    expect(outputs.outputs.host).toContain('eu-west');
  });
});
