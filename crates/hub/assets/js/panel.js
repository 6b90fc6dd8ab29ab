// The contact panel: the phone-book name and the WhatsApp profile name side by side, the
// number, consent, editable attributes, and the contact's other chats.

import { get, patch } from './api.js';
import { icon } from './icons.js';
import { emit, numberById, on } from './state.js';
import { ago, avatar, clear, contactName, fullTime, h, ms, phone } from './util.js';

const OPEN_KEY = 'coexist.panel';

let panel;
let chat = null;
let contact = null;
let loadSeq = 0;

function isOpen() {
  return !panel.hidden;
}

export function togglePanel(force) {
  const open = force === undefined ? panel.hidden : force;
  panel.hidden = !open;
  localStorage.setItem(OPEN_KEY, open ? '1' : '0');
  document.getElementById('panel-toggle')?.setAttribute('aria-pressed', String(open));
  if (open) load();
}

async function load() {
  if (!chat || !isOpen()) return;
  const contactId = chat.contact && chat.contact.id;
  const seq = ++loadSeq;
  clear(panel).append(head(), h('section', null, h('p', { class: 'muted', text: 'Loading…' })));
  try {
    const answer = await get(`/api/v1/contacts/${contactId}`);
    if (seq !== loadSeq) return;
    contact = answer;
    render();
  } catch (e) {
    if (seq !== loadSeq) return;
    contact = null;
    clear(panel).append(head(), h('section', null, h('p', { class: 'composer-error', text: `The contact could not be loaded: ${e.message}` })));
  }
}

function head() {
  return h('div', { class: 'panel-head' }, h('h2', { id: 'panel-title', text: 'Contact' }),
    h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close the contact panel', onclick: () => togglePanel(false) }, icon('x')));
}

function identity(c) {
  const dl = h('dl', { class: 'kv' });
  const row = (k, v) => v && dl.append(h('dt', { text: k }), h('dd', null, v));
  row('Phone book', c.name ? c.name : h('span', { class: 'muted', text: 'not in the phone’s address book' }));
  row('WhatsApp profile', c.profile_name || h('span', { class: 'muted', text: 'none shared' }));
  row('WhatsApp number', phone(c.wa_id) || null);
  row('User id', c.user_id || null);
  const number = numberById(c.number_id);
  row('Business number', number ? phone(number.display_phone_number) || number.phone_number_id : null);
  row('First seen', c.created_at ? h('time', { datetime: c.created_at, title: fullTime(ms(c.created_at)), text: ago(ms(c.created_at)) }) : null);
  if (c.removed_from_phone_at) row('Address book', h('span', { class: 'muted', text: `removed from the phone ${ago(ms(c.removed_from_phone_at))}` }));
  return dl;
}

function consent(c) {
  const out = [];
  const optedOut = c.marketing_opt_out || (c.consent && c.consent.marketing === 'opted_out');
  out.push(h('div', { class: `consent ${optedOut ? 'no' : 'ok'}` }, icon(optedOut ? 'ban' : 'resolve', 'sm'),
    optedOut ? 'Stopped marketing messages (templates of the marketing category are not sent)' : 'Marketing messages allowed'));
  if (c.consent && c.consent.opt_in_at) out.push(h('div', { class: 'muted small', text: `Opted in ${ago(ms(c.consent.opt_in_at))}${c.consent.source ? ` via ${c.consent.source}` : ''}` }));
  return out;
}

function attributeRow(key, value) {
  const k = h('input', { type: 'text', value: key, 'aria-label': 'Attribute name', placeholder: 'name' });
  const v = h('input', { type: 'text', value: typeof value === 'string' ? value : JSON.stringify(value ?? ''), 'aria-label': 'Attribute value', placeholder: 'value' });
  const row = h('div', { class: 'attr-row', dataset: { original: key } }, k, v);
  row.append(h('button', { type: 'button', class: 'icon-btn', 'aria-label': `Remove attribute ${key || ''}`.trim(), onclick: () => { row.hidden = true; row.dataset.removed = '1'; } }, icon('trash', 'sm')));
  return row;
}

async function saveAttributes(container, status) {
  const changes = {};
  for (const row of container.querySelectorAll('.attr-row')) {
    const [k, v] = row.querySelectorAll('input');
    const original = row.dataset.original;
    const key = k.value.trim();
    if (row.dataset.removed) {
      if (original) changes[original] = null;
      continue;
    }
    if (!key) continue;
    if (original && original !== key) changes[original] = null;
    if (!original || original !== key || JSON.stringify(contact.attributes[original]) !== JSON.stringify(v.value)) changes[key] = v.value;
  }
  if (!Object.keys(changes).length) {
    status.textContent = 'Nothing changed.';
    return;
  }
  try {
    const updated = await patch(`/api/v1/contacts/${contact.id}`, { attributes: changes });
    contact = { ...contact, ...updated, chats: updated.chats || contact.chats };
    render();
    emit('toast', { text: 'Contact saved' });
  } catch (e) {
    status.textContent = e.message;
  }
}

function attributes(c) {
  const container = h('div', { class: 'attrs' });
  for (const [k, v] of Object.entries(c.attributes || {})) container.append(attributeRow(k, v));
  const status = h('div', { class: 'composer-error', role: 'alert' });
  return [container,
    h('div', { class: 'chat-actions' },
      h('button', { type: 'button', class: 'btn small ghost', onclick: () => container.append(attributeRow('', '')) }, icon('plus', 'sm'), 'Add'),
      h('button', { type: 'button', class: 'btn small', onclick: () => saveAttributes(container, status) }, 'Save')),
    status];
}

function otherChats(c) {
  const list = (c.chats || []).filter((x) => !chat || String(x.id) !== String(chat.id));
  if (!list.length) return h('p', { class: 'muted small', text: 'No other chats with this contact.' });
  return h('ul', { class: 'other-chats' }, list.map((x) => {
    const number = numberById(x.number_id);
    const a = h('a', { href: `/chats/${x.id}` }, h('span', { text: number ? phone(number.display_phone_number) : `Number ${x.number_id}` }),
      h('span', { class: 'muted', text: x.last_message_at ? ago(ms(x.last_message_at)) : '' }));
    a.addEventListener('click', (e) => {
      e.preventDefault();
      emit('open-chat', String(x.id));
    });
    return h('li', null, a);
  }));
}

function render() {
  const c = contact;
  const name = contactName(c);
  clear(panel).append(head(),
    h('section', null, h('div', { class: 'contact-card' }, avatar(name, c.id),
      h('div', { class: 'names' }, h('div', { class: 'primary', text: name }),
        h('div', { class: 'secondary', text: c.profile_name && c.profile_name !== name ? `~${c.profile_name} on WhatsApp` : phone(c.wa_id) })))),
    h('section', { 'aria-labelledby': 'p-id' }, h('h3', { id: 'p-id', text: 'Identity' }), identity(c)),
    h('section', { 'aria-labelledby': 'p-consent' }, h('h3', { id: 'p-consent', text: 'Consent' }), consent(c)),
    h('section', { 'aria-labelledby': 'p-attrs' }, h('h3', { id: 'p-attrs', text: 'Attributes' }), attributes(c)),
    h('section', { 'aria-labelledby': 'p-chats' }, h('h3', { id: 'p-chats', text: 'Other chats' }), otherChats(c)));
}

export function initPanel() {
  panel = document.getElementById('panel');
  // On a phone the panel covers the chat: it opens only when asked.
  const small = window.matchMedia('(max-width: 760px)').matches;
  panel.hidden = small || localStorage.getItem(OPEN_KEY) !== '1';
  on('panel:toggle', () => togglePanel());
  on('chat:opened', (c) => {
    chat = c;
    load();
  });
  // A change that names no contact (the phone's address book) may concern this one too.
  on('contact:changed', (id) => {
    if (chat && chat.contact && (id === null || String(chat.contact.id) === String(id))) load();
  });
  on('chat:changed', (c) => {
    if (chat && String(c.id) === String(chat.id)) chat = c;
  });
}
