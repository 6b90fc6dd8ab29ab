// Number health: a chip per number in the top bar (coexistence state, phone-app activity,
// history import) and a banner when something needs attention: the history import running
// (or stalled: nothing for hours),
// the phone app not opened for 10 and 12 days (Meta disconnects at about 14), a disconnection.

import { get } from './api.js';
import { icon } from './icons.js';
import { openMenu } from './chat.js';
import { emit, state } from './state.js';
import { ago, clear, h, ms, phone } from './util.js';

const LIFECYCLE = {
  onboarding: 'Connecting', syncing: 'Importing history', live: 'Live', at_risk: 'At risk',
  disconnected: 'Disconnected', offboarded: 'Offboarded',
};
const PHASES = { 0: 'Last day', 1: 'Days 1–90', 2: 'Days 90–180' };

export function numberLabel(n) {
  return phone(n.display_phone_number) || n.phone_number_id;
}

function historyLine(hist) {
  const parts = [];
  for (const phase of [0, 1, 2]) {
    const p = (hist.phases || {})[phase] || (hist.phases || {})[String(phase)];
    parts.push(h('span', null, h('strong', { text: `${PHASES[phase]}: ` }),
      p ? `${p.chunks} chunk${p.chunks === 1 ? '' : 's'} · ${Number(p.messages).toLocaleString('en')} messages` : 'waiting'));
  }
  if (hist.media_pending) parts.push(h('span', null, h('strong', { text: 'Media: ' }), `${hist.media_pending} files still to download`));
  return h('div', { class: 'phases' }, parts);
}

/** The banners one number needs, most urgent first. */
export function banners(n) {
  const health = n.health || {};
  const label = numberLabel(n);
  const out = [];
  const activity = health.app_activity;
  if (health.lifecycle === 'disconnected' || health.lifecycle === 'offboarded') {
    const d = health.disconnection;
    const why = d ? d.explanation : (health.warnings || [])[0] || '';
    out.push({ cls: 'danger', iconName: 'plug', title: `${label} is disconnected from WhatsApp.`,
      detail: `${why}${d && d.reason ? ` (Meta’s reason: ${d.reason}.)` : ''} Messages cannot be sent until it is connected again.` });
  }
  if (activity && activity.level !== 'ok') {
    const critical = activity.level === 'critical';
    out.push({ cls: critical ? 'critical' : 'warn', iconName: 'warn',
      title: `The WhatsApp Business App on ${label} was last opened ${activity.inactive_days} days ago.`,
      detail: `Meta disconnects a coexistence number after about 14 days without the app being opened: ${activity.days_until_disconnect} day${activity.days_until_disconnect === 1 ? '' : 's'} left. Ask the owner to open the app on the phone.` });
  }
  const hist = health.history || {};
  if (health.history_stalled) {
    const stalled = (health.warnings || []).find((w) => w.startsWith('The history import has stalled')) || '';
    out.push({ cls: 'warn', iconName: 'history', title: `The chat history import of ${label} has stalled at ${hist.progress ?? 0}%.`, progress: hist.progress ?? 0, history: hist,
      detail: stalled });
  } else if (hist.state === 'in_progress') {
    out.push({ cls: 'info', iconName: 'history', title: `Importing the chat history of ${label}: ${hist.progress ?? 0}%`, progress: hist.progress ?? 0, history: hist,
      detail: 'Imported messages are shown as history: they do not count as unread, notify no one and never open the 24-hour window.' });
  }
  return out;
}

function renderBanner(b) {
  const body = h('div', { class: 'banner-body' }, h('strong', { text: b.title }));
  if (b.progress !== undefined) body.append(h('progress', { class: 'progress', value: String(b.progress), max: '100', 'aria-label': 'History import' }));
  body.append(h('div', { class: 'banner-detail', text: b.detail }));
  if (b.history) body.append(historyLine(b.history));
  return h('div', { class: `banner ${b.cls}`, role: b.cls === 'danger' || b.cls === 'critical' ? 'alert' : 'status' }, icon(b.iconName), body);
}

function chipDetails(menu, n) {
  const health = n.health || {};
  const activity = health.app_activity;
  const hist = health.history || {};
  const line = (k, v) => h('div', { class: 'small' }, h('strong', { text: `${k}: ` }), v);
  menu.append(h('div', { class: 'menu-title', text: numberLabel(n) }),
    h('div', { class: 'dialog-body' },
      line('Mode', n.mode === 'coexistence' ? 'Coexistence (WhatsApp Business App + Cloud API)' : 'Cloud API only'),
      line('State', LIFECYCLE[health.lifecycle] || health.lifecycle || n.state),
      activity ? line('Phone app last opened', `${activity.inactive_days} day${activity.inactive_days === 1 ? '' : 's'} ago (${activity.days_until_disconnect} left before Meta disconnects)`) : null,
      n.mode === 'coexistence' ? line('History import', hist.state === 'complete' ? 'complete' : hist.state === 'declined' ? 'declined by the owner' : hist.state === 'in_progress' ? `${hist.progress ?? 0}%${health.history_stalled ? ', stalled' : ''}` : 'not started') : null,
      health.last_webhook_at ? line('Last webhook', ago(ms(health.last_webhook_at))) : null,
      (health.warnings || []).map((w) => h('p', { class: 'small', text: w }))));
}

function renderChips() {
  const el = document.getElementById('numbers');
  if (!el) return;
  clear(el);
  for (const n of state.numbers) {
    const lifecycle = (n.health && n.health.lifecycle) || n.state;
    const button = h('button', { type: 'button', class: `number-chip ${lifecycle}`, 'aria-haspopup': 'dialog', 'aria-expanded': 'false',
      'aria-label': `${numberLabel(n)}: ${LIFECYCLE[lifecycle] || lifecycle}. Show details.` },
      h('span', { class: 'dot' }), numberLabel(n), h('span', { class: 'state', text: LIFECYCLE[lifecycle] || lifecycle }));
    button.addEventListener('click', () => openMenu(button, (menu) => chipDetails(menu, n), { role: 'dialog', label: numberLabel(n) }));
    el.append(h('div', { class: 'dropdown' }, button));
  }
}

export function renderHealth() {
  const el = document.getElementById('health');
  if (!el) return;
  clear(el);
  for (const n of state.numbers) for (const b of banners(n)) el.append(renderBanner(b));
  renderChips();
}

/** Re-reads the numbers (after `number.updated` / `history.progress`). */
export async function refreshNumbers() {
  try {
    const numbers = await get('/api/v1/numbers');
    state.numbers = numbers.data || [];
    renderHealth();
    emit('numbers:changed');
  } catch (e) {
    console.warn('numbers', e);
  }
}
