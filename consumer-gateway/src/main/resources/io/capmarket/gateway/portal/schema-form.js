// A form generated from a JSON Schema: objects become fieldsets, arrays lists with add and
// remove, enums selects, booleans checkboxes, numbers number inputs. Every input carries the
// path the API names in its problem details (parameters.backup.window, parameters.extensions[0]),
// so each violation the API reports is shown next to its field.

import { el } from './format.js';

let unique = 0;

/** Renders the form for a schema into container; returns {value(), showErrors(errors)}. */
export function schemaForm(container, schema) {
  const root = objectFields(schema || {}, 'parameters');
  container.replaceChildren(root.node);
  return {
    value: () => root.value(),
    showErrors: (errors) => showErrors(container, errors)
  };
}

function objectFields(schema, path) {
  const required = new Set(schema.required || []);
  const fields = Object.entries(schema.properties || {}).map(([name, prop]) =>
    ({ name, field: field(prop || {}, path + '.' + name, name, required.has(name)) }));
  const node = el('div', { class: 'fields' }, fields.map(f => f.field.node));
  return {
    node,
    value: () => {
      const result = {};
      for (const { name, field: f } of fields) {
        const v = f.value();
        if (v !== undefined) result[name] = v;
      }
      return result;
    }
  };
}

function field(prop, path, label, required) {
  const type = Array.isArray(prop.type) ? prop.type.find(t => t !== 'null') : prop.type;
  if (type === 'object' || (!type && prop.properties)) return objectField(prop, path, label, required);
  if (type === 'array') return arrayField(prop, path, label, required);
  return scalarField(prop, type || 'string', path, label, required);
}

function objectField(prop, path, label, required) {
  const inner = objectFields(prop, path);
  const node = el('fieldset', { class: 'object', 'data-path': path },
    el('legend', { text: label + (required ? ' *' : '') }),
    prop.description ? el('p', { class: 'hint', text: prop.description }) : null,
    inner.node,
    el('p', { class: 'field-error', role: 'alert', 'data-error-for': path }));
  return {
    node,
    value: () => {
      const v = inner.value();
      return Object.keys(v).length || required ? v : undefined;
    }
  };
}

function arrayField(prop, path, label, required) {
  const items = [];
  const list = el('ol', { class: 'items' });
  const legend = label + (required ? ' *' : '');
  const itemSchema = prop.items || { type: 'string' };
  const add = el('button', { type: 'button', class: 'secondary', 'data-add-for': path, text: 'Add ' + label + ' item' });
  // after a removal, later items move up: their paths (and their descendants') are renamed by prefix
  const renumber = () => items.forEach((item, i) => {
    const from = item.path;
    const to = `${path}[${i}]`;
    if (from === to) return;
    item.node.querySelectorAll('[data-path], [data-error-for]').forEach(n => {
      for (const attribute of ['data-path', 'data-error-for']) {
        const value = n.getAttribute(attribute);
        if (value && value.startsWith(from)) n.setAttribute(attribute, to + value.substring(from.length));
      }
    });
    item.path = to;
  });
  add.addEventListener('click', () => {
    if (prop.maxItems !== undefined && items.length >= prop.maxItems) return;
    const itemPath = `${path}[${items.length}]`;
    const inner = field(itemSchema, itemPath, label + ' ' + (items.length + 1), true);
    const remove = el('button', { type: 'button', class: 'secondary', 'aria-label': 'Remove ' + label + ' ' + (items.length + 1), text: 'Remove' });
    const item = { node: el('li', {}, inner.node, remove), value: inner.value, path: itemPath };
    remove.addEventListener('click', () => {
      items.splice(items.indexOf(item), 1);
      item.node.remove();
      renumber();
      add.focus();
    });
    items.push(item);
    list.append(item.node);
    const first = item.node.querySelector('input, select');
    if (first) first.focus();
  });
  const bounds = [prop.minItems !== undefined ? 'at least ' + prop.minItems : null,
    prop.maxItems !== undefined ? 'at most ' + prop.maxItems : null].filter(Boolean).join(', ');
  const node = el('fieldset', { class: 'array', 'data-path': path },
    el('legend', { text: legend }),
    el('p', { class: 'hint', text: [prop.description, bounds ? bounds + ' items' : null].filter(Boolean).join(' — ') || null }),
    list, add,
    el('p', { class: 'field-error', role: 'alert', 'data-error-for': path }));
  return {
    node,
    value: () => {
      const values = items.map(item => item.value()).filter(v => v !== undefined);
      return values.length || required ? values : undefined;
    }
  };
}

function scalarField(prop, type, path, label, required) {
  const id = 'field-' + (++unique);
  const hintId = id + '-hint';
  const errorId = id + '-error';
  let input;
  if (Array.isArray(prop.enum)) {
    input = el('select', {});
    // an optional choice can be left out: an empty first option sends nothing
    const values = required ? prop.enum : [''].concat(prop.enum);
    values.forEach(value => input.append(el('option', { value: String(value), text: value === '' ? '(none)' : String(value) })));
    if (prop.default !== undefined) input.value = String(prop.default);
  } else if (type === 'boolean') {
    input = el('input', { type: 'checkbox' });
    input.checked = prop.default === true;
  } else {
    const numeric = type === 'integer' || type === 'number';
    input = el('input', { type: numeric ? 'number' : 'text' });
    if (prop.minimum !== undefined) input.min = prop.minimum;
    if (prop.maximum !== undefined) input.max = prop.maximum;
    if (type === 'integer') input.step = 1;
    if (type === 'number') input.step = 'any';
    if (prop.pattern) input.pattern = prop.pattern;
    if (prop.minLength !== undefined) input.minLength = prop.minLength;
    if (prop.maxLength !== undefined) input.maxLength = prop.maxLength;
    if (prop.default !== undefined) input.value = prop.default;
  }
  input.id = id;
  input.name = path;
  input.dataset.path = path;
  input.dataset.type = type;
  input.required = required && type !== 'boolean';
  const hint = hintText(prop, type);
  input.setAttribute('aria-describedby', (hint ? hintId + ' ' : '') + errorId);
  const node = el('div', { class: 'field' + (type === 'boolean' ? ' check' : '') },
    el('label', { for: id, text: label + (required ? ' *' : '') }),
    input,
    hint ? el('span', { class: 'hint', id: hintId, text: hint }) : null,
    el('span', { class: 'field-error', id: errorId, role: 'alert', 'data-error-for': path }));
  return { node, value: () => scalarValue(input, type) };
}

function hintText(prop, type) {
  const parts = [];
  if (prop.description) parts.push(prop.description);
  if (prop.minimum !== undefined && prop.maximum !== undefined) parts.push(`${prop.minimum} to ${prop.maximum}`);
  else if (prop.minimum !== undefined) parts.push('at least ' + prop.minimum);
  else if (prop.maximum !== undefined) parts.push('at most ' + prop.maximum);
  if (prop.pattern) parts.push('pattern ' + prop.pattern);
  if (type === 'integer' && !parts.length) parts.push('a whole number');
  return parts.join(' — ');
}

function scalarValue(input, type) {
  if (type === 'boolean') return input.checked;
  if (input.value === '') return undefined;
  if (type === 'integer' || type === 'number') return Number(input.value);
  return input.value;
}

/**
 * Shows each {field, value, rule} next to the input of that path (or its nearest enclosing
 * object or list); answers the errors that match no field, for a message above the form.
 */
function showErrors(container, errors) {
  container.querySelectorAll('[data-error-for]').forEach(n => { n.textContent = ''; });
  container.querySelectorAll('[aria-invalid]').forEach(n => n.removeAttribute('aria-invalid'));
  const unplaced = [];
  let first = null;
  for (const error of errors) {
    let path = error.field || '';
    let target = null;
    while (path && !(target = container.querySelector(`[data-error-for="${CSS.escape(path)}"]`))) {
      path = path.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
      if (!/[.[]/.test(path)) break;
    }
    if (!target) {
      unplaced.push(error);
      continue;
    }
    const text = error.rule + (error.value != null ? ` (was ${error.value})` : '');
    target.textContent = target.textContent ? target.textContent + '; ' + text : text;
    const input = container.querySelector(`[data-path="${CSS.escape(path)}"]`);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      first = first || input;
    }
  }
  if (first && first.focus) first.focus();
  return unplaced;
}
