// The template picker: what the composer becomes when Meta's 24-hour window is closed. It lists
// the number's APPROVED templates, asks for each parameter, previews the message as the customer
// will see it, and sends it.

import { get, sendMessage, withQuery } from './api.js';
import { icon } from './icons.js';
import { emit } from './state.js';
import { clear, h, uuid } from './util.js';

/** Templates per number, kept until a `template.updated` event. */
const cache = new Map();

export function forgetTemplates() {
  cache.clear();
}

async function templatesFor(numberId) {
  const key = String(numberId);
  if (!cache.has(key)) {
    const p = get(withQuery('/api/v1/templates', { number_id: numberId, status: 'APPROVED' }))
      .then((r) => (r.data || []).filter((t) => String(t.status || '').toUpperCase() === 'APPROVED'))
      .catch((e) => {
        cache.delete(key);
        throw e;
      });
    cache.set(key, p);
  }
  return cache.get(key);
}

/** The `{{…}}` placeholders of a text, each once, in order. */
export function placeholders(text) {
  const names = [];
  for (const m of String(text || '').matchAll(/\{\{\s*([^{}\s]+)\s*\}\}/g)) if (!names.includes(m[1])) names.push(m[1]);
  return names;
}

function component(t, type) {
  return (t.components || []).find((c) => String(c.type || '').toUpperCase() === type) || null;
}

/** Example values Meta kept with the template, per placeholder. */
function examples(c, part) {
  const ex = (c && c.example) || {};
  const out = {};
  const positional = part === 'header' ? ex.header_text : (ex.body_text || [])[0];
  (positional || []).forEach((v, i) => { out[String(i + 1)] = v; });
  for (const n of ex[`${part}_text_named_params`] || []) out[n.param_name] = n.example;
  return out;
}

/** What a template asks for; `unsupported` names what the picker cannot fill yet. */
export function describe(t) {
  const header = component(t, 'HEADER');
  const body = component(t, 'BODY');
  const format = header ? String(header.format || 'TEXT').toUpperCase() : null;
  return {
    header,
    body,
    footer: component(t, 'FOOTER'),
    buttons: component(t, 'BUTTONS'),
    named: String(t.parameter_format || '').toUpperCase() === 'NAMED',
    headerParams: header && format === 'TEXT' ? placeholders(header.text) : [],
    bodyParams: body ? placeholders(body.text) : [],
    unsupported: header && format !== 'TEXT' ? `a ${format.toLowerCase()} header` : null,
    examples: { header: examples(header, 'header'), body: examples(body, 'body') },
  };
}

/** Meta's `template` object for a send. */
export function templateMessage(t, d, values) {
  const params = (names, part) => names.map((n) => {
    const p = { type: 'text', text: values[`${part}:${n}`] || '' };
    if (d.named) p.parameter_name = n;
    return p;
  });
  const components = [];
  if (d.headerParams.length) components.push({ type: 'header', parameters: params(d.headerParams, 'header') });
  if (d.bodyParams.length) components.push({ type: 'body', parameters: params(d.bodyParams, 'body') });
  const template = { name: t.name, language: { code: t.language } };
  if (components.length) template.components = components;
  return { type: 'template', template };
}

/** Text with its placeholders filled (missing ones marked). */
function filled(text, part, values) {
  const out = [];
  let last = 0;
  for (const m of String(text || '').matchAll(/\{\{\s*([^{}\s]+)\s*\}\}/g)) {
    out.push(text.slice(last, m.index));
    const v = values[`${part}:${m[1]}`];
    out.push(h('span', { class: `param${v ? '' : ' missing'}`, text: v || `{{${m[1]}}}` }));
    last = m.index + m[0].length;
  }
  out.push(String(text || '').slice(last));
  return out;
}

export class TemplatePicker {
  constructor(el, chat, { onSent }) {
    this.el = el;
    this.chat = chat;
    this.onSent = onSent;
    this.templates = [];
    this.selected = null;
    this.values = {};
    this.key = uuid();
    clear(el).append(h('div', { class: 'picker' }, this.closedNote(), h('p', { class: 'muted', text: 'Loading templates…' })));
    templatesFor(chat.number_id).then((list) => {
      this.templates = list;
      this.render();
    }).catch((e) => {
      clear(el).append(h('div', { class: 'picker' }, this.closedNote(), h('p', { class: 'composer-error', text: `Templates could not be loaded: ${e.message}` })));
    });
  }

  closedNote() {
    return h('div', { class: 'picker-closed', role: 'note' }, icon('lock'),
      h('span', null, h('strong', { text: 'The 24-hour window is closed. ' }), 'WhatsApp only lets you start the conversation again with an approved template.'));
  }

  choose(id) {
    this.selected = this.templates.find((t) => String(t.id) === String(id)) || null;
    this.values = {};
    this.key = uuid();
    this.render();
  }

  render() {
    const form = h('form', { class: 'picker-form', 'aria-label': 'Send a template', onsubmit: (e) => { e.preventDefault(); this.send(); } });
    const select = h('select', { id: 'template-select', 'aria-label': 'Template', onchange: (e) => this.choose(e.target.value) },
      h('option', { value: '', text: this.templates.length ? 'Choose a template…' : 'No approved templates for this number' }));
    for (const t of this.templates) {
      const d = describe(t);
      select.append(h('option', { value: t.id, disabled: Boolean(d.unsupported), selected: this.selected && this.selected.id === t.id,
        text: `${t.name} · ${t.language} · ${String(t.category || '').toLowerCase()}${d.unsupported ? ` (needs ${d.unsupported})` : ''}` }));
    }
    form.append(h('label', { class: 'field' }, h('span', { text: 'Template' }), select));
    const preview = h('div', { class: 'picker-preview', 'aria-live': 'polite' }, h('div', { class: 'caption', text: 'Preview' }));
    if (this.selected) {
      const d = describe(this.selected);
      form.append(h('div', { class: 'tpl-meta', text: `${this.selected.category || ''} template · ${this.selected.language}` }));
      const input = (part, name) => {
        const ex = d.examples[part][name];
        const el = h('input', { type: 'text', required: true, name: `${part}:${name}`, value: this.values[`${part}:${name}`] || '',
          placeholder: ex ? `e.g. ${ex}` : '', 'aria-label': `${part === 'header' ? 'Header' : 'Body'} parameter {{${name}}}` });
        el.addEventListener('input', () => {
          this.values[`${part}:${name}`] = el.value;
          this.renderPreview(preview, d);
        });
        return h('label', { class: 'field' }, h('span', null, `{{${name}}} `, h('span', { class: 'hint', text: part === 'header' ? 'header' : 'body' })), el);
      };
      for (const n of d.headerParams) form.append(input('header', n));
      for (const n of d.bodyParams) form.append(input('body', n));
      if (!d.headerParams.length && !d.bodyParams.length) form.append(h('p', { class: 'muted small', text: 'This template has no parameters.' }));
      this.renderPreview(preview, d);
    } else {
      preview.append(h('p', { class: 'muted small', text: 'Pick a template to see what the customer will receive.' }));
    }
    const send = h('button', { type: 'submit', class: 'btn primary', id: 'template-send', disabled: !this.selected }, icon('send'), 'Send template');
    form.append(h('div', { class: 'composer-error', role: 'alert' }));
    clear(this.el).append(h('div', { class: 'picker' }, this.closedNote(), form, preview,
      h('div', { class: 'picker-actions' }, h('span', { class: 'muted small', text: 'Templates may be charged by Meta (marketing, utility).' }), send)));
    send.addEventListener('click', (e) => {
      e.preventDefault();
      this.send();
    });
  }

  renderPreview(preview, d) {
    clear(preview).append(h('div', { class: 'caption', text: 'Preview' }));
    const bubble = h('div', { class: 'tpl-bubble' });
    if (d.header && String(d.header.format || 'TEXT').toUpperCase() === 'TEXT') bubble.append(h('div', { class: 'h' }, filled(d.header.text, 'header', this.values)));
    if (d.body) bubble.append(h('div', { class: 'text' }, filled(d.body.text, 'body', this.values)));
    if (d.footer) bubble.append(h('div', { class: 'f', text: d.footer.text }));
    const buttons = (d.buttons && d.buttons.buttons) || [];
    if (buttons.length) bubble.append(h('div', { class: 'buttons' }, buttons.map((b) => h('span', { text: b.text }))));
    preview.append(bubble);
  }

  async send() {
    const t = this.selected;
    if (!t) return;
    const d = describe(t);
    const missing = [...d.headerParams.map((n) => `header:${n}`), ...d.bodyParams.map((n) => `body:${n}`)].filter((k) => !this.values[k]);
    const error = this.el.querySelector('.composer-error');
    if (missing.length) {
      error.textContent = `Fill in ${missing.map((k) => `{{${k.split(':')[1]}}}`).join(', ')} first.`;
      return;
    }
    const button = this.el.querySelector('#template-send');
    button.disabled = true;
    try {
      const message = await sendMessage(this.chat.id, templateMessage(t, d, this.values), this.key);
      this.onSent(message);
      emit('toast', { text: `Template “${t.name}” sent` });
      this.choose('');
    } catch (e) {
      button.disabled = false;
      error.textContent = e.message;
    }
  }
}
