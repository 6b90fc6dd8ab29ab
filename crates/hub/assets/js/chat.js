// The open chat: its header (who, which number, the service window countdown), the inbox
// actions (assign, resolve / reopen, snooze, labels), the thread and the composer; kept live by
// the stream.

import { get, post, put } from './api.js';
import { Composer } from './composer.js';
import { icon } from './icons.js';
import { markActive, refreshChat, windowInfo } from './list.js';
import { emit, getChat, numberById, on, state, upsertChat } from './state.js';
import { Thread } from './thread.js';
import { avatar, clear, contactName, duration, h, listTime, phone } from './util.js';

let root;
let current = null;

/** Opens a small menu under `button`; `build(menu, close)` fills it. Escape, a click outside or
 *  choosing an item closes it and gives focus back to the button. A popup that holds more than
 *  menu items (a field, a button, text) is a `dialog` named `label`, not a `menu`: a menu may only
 *  own menu items. */
export function openMenu(button, build, { role = 'menu', label = null } = {}) {
  const existing = button.parentElement.querySelector(':scope > .menu');
  if (existing) {
    existing.remove();
    button.setAttribute('aria-expanded', 'false');
    return;
  }
  const menu = h('div', { class: 'menu', role, 'aria-label': label });
  const close = (refocus = true) => {
    menu.remove();
    button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('mousedown', outside, true);
    if (refocus) button.focus();
  };
  const outside = (e) => {
    if (!menu.contains(e.target) && e.target !== button && !button.contains(e.target)) close(false);
  };
  menu.addEventListener('keydown', (e) => {
    const items = [...menu.querySelectorAll('button, input, a')];
    const i = items.indexOf(document.activeElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length];
      next?.focus();
    }
  });
  build(menu, close);
  button.parentElement.append(menu);
  button.setAttribute('aria-expanded', 'true');
  document.addEventListener('mousedown', outside, true);
  menu.querySelector('button, input, a')?.focus();
}

function menuItem(label, onChoose, { iconName, checked } = {}) {
  return h('button', { type: 'button', role: checked === undefined ? 'menuitem' : 'menuitemcheckbox', 'aria-checked': checked === undefined ? null : String(checked), onclick: onChoose },
    iconName ? icon(iconName) : null, h('span', { text: label }), checked ? h('span', { class: 'check' }, icon('check', 'sm')) : null);
}

function toast(text, error = false) {
  emit('toast', { text, error });
}

/** Runs an inbox action and applies the chat it answers (or re-reads the chat). */
async function act(promise, done) {
  try {
    const answer = await promise;
    if (answer && answer.id && answer.contact) upsertChat(answer);
    else if (current) refreshChat(current.chat.id);
    if (done) toast(done);
  } catch (e) {
    toast(e.message, true);
  }
}

export function assignTo(userId) {
  if (!current) return;
  const who = userId ? (String(userId) === String(state.me?.id) ? 'you' : state.users.find((u) => String(u.id) === String(userId))?.name) : null;
  act(post(`/api/v1/chats/${current.chat.id}/assign`, { user_id: userId ? String(userId) : null }), who ? `Assigned to ${who}` : 'Unassigned');
}

export function assignToMe() {
  if (state.me) assignTo(state.me.id);
}

export function toggleResolved() {
  if (!current) return;
  const resolved = current.chat.status === 'resolved';
  act(post(`/api/v1/chats/${current.chat.id}/${resolved ? 'reopen' : 'resolve'}`), resolved ? 'Reopened' : 'Resolved');
}

function snoozeChoices() {
  const at = (d) => d;
  const inHours = (n) => at(new Date(Date.now() + n * 3600 * 1000));
  const tomorrow = new Date();
  tomorrow.setDate(tomorrow.getDate() + 1);
  tomorrow.setHours(9, 0, 0, 0);
  const monday = new Date();
  monday.setDate(monday.getDate() + ((8 - monday.getDay()) % 7 || 7));
  monday.setHours(9, 0, 0, 0);
  return [['In 1 hour', inHours(1)], ['In 3 hours', inHours(3)], ['Tomorrow, 09:00', tomorrow], ['Next Monday, 09:00', monday]];
}

function snoozeUntil(date) {
  act(post(`/api/v1/chats/${current.chat.id}/snooze`, { until: date.toISOString() }), `Snoozed until ${listTime(date.getTime())}`);
}

function buildSnoozeMenu(menu, close) {
  menu.append(h('div', { class: 'menu-title', id: 'snooze-title', text: 'Snooze until' }));
  const items = h('div', { role: 'menu', 'aria-labelledby': 'snooze-title' });
  for (const [label, date] of snoozeChoices()) items.append(menuItem(label, () => { close(); snoozeUntil(date); }));
  menu.append(items);
  const input = h('input', { type: 'datetime-local', id: 'snooze-at', 'aria-label': 'Snooze until a date and time' });
  menu.append(h('hr'), h('div', { class: 'field' }, h('label', { for: 'snooze-at', text: 'Pick a time' }), input),
    h('button', { type: 'button', class: 'btn small primary', onclick: () => {
      const d = new Date(input.value);
      if (Number.isNaN(d.getTime())) return toast('Pick a date and time first', true);
      close();
      snoozeUntil(d);
    } }, 'Snooze'));
}

function buildAssignMenu(menu, close) {
  const assignee = current.chat.assignee;
  menu.append(h('div', { class: 'menu-title', text: 'Assign to' }));
  menu.append(menuItem('Me', () => { close(); assignToMe(); }, { iconName: 'user' }));
  for (const u of state.users) {
    if (state.me && String(u.id) === String(state.me.id)) continue;
    menu.append(menuItem(u.name, () => { close(); assignTo(u.id); }, { checked: Boolean(assignee && String(assignee.id) === String(u.id)) }));
  }
  if (assignee) menu.append(h('hr'), menuItem('Unassign', () => { close(); assignTo(null); }, { iconName: 'x' }));
}

async function setLabels(labels) {
  await act(put(`/api/v1/chats/${current.chat.id}/labels`, { labels }));
}

function buildLabelMenu(menu, close) {
  const mine = new Set(current.chat.labels || []);
  const known = new Set([...state.labels.map((l) => l.label || l.name || l), ...mine]);
  menu.append(h('div', { class: 'menu-title', id: 'labels-title', text: 'Labels' }));
  const items = h('div', { role: 'menu', 'aria-labelledby': 'labels-title' });
  if (known.size) menu.append(items);
  for (const label of [...known].sort()) {
    items.append(menuItem(label, () => {
      if (mine.has(label)) mine.delete(label);
      else mine.add(label);
      close();
      setLabels([...mine]);
    }, { checked: mine.has(label) }));
  }
  const input = h('input', { type: 'text', maxlength: '32', placeholder: 'New label, Enter to add', 'aria-label': 'New label' });
  input.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const label = input.value.trim();
    if (!label) return;
    mine.add(label);
    close();
    setLabels([...mine]);
  });
  menu.append(h('hr'), input);
}

export function openLabels() {
  const button = root.querySelector('[data-action="labels"]');
  if (button) openMenu(button, buildLabelMenu, LABELS_POPUP);
}

export function openSnooze() {
  const button = root.querySelector('[data-action="snooze"]');
  if (button) openMenu(button, buildSnoozeMenu, SNOOZE_POPUP);
}

// Snooze and labels also hold a field: dialogs holding a menu (see `openMenu`).
const SNOOZE_POPUP = { role: 'dialog', label: 'Snooze' };
const LABELS_POPUP = { role: 'dialog', label: 'Labels' };

function actionButton(action, iconName, label, onclick, extra = {}) {
  return h('button', { type: 'button', class: 'btn small', dataset: { action }, onclick, 'aria-haspopup': extra.menu || null, 'aria-expanded': extra.menu ? 'false' : null, title: extra.title || label },
    icon(iconName), h('span', { class: 'lbl', text: label }));
}

function dropdown(button) {
  return h('div', { class: 'dropdown' }, button);
}

function renderHeader(chat) {
  const name = contactName(chat.contact);
  const number = numberById(chat.number_id);
  const sub = [phone(chat.contact && chat.contact.wa_id)];
  if (chat.contact && chat.contact.name && chat.contact.profile_name && chat.contact.profile_name !== chat.contact.name) sub.push(`~${chat.contact.profile_name}`);
  if (number) sub.push(`to ${phone(number.display_phone_number) || number.phone_number_id}`);
  const resolved = chat.status === 'resolved';
  const assign = actionButton('assign', 'assign', chat.assignee ? chat.assignee.name : 'Assign', (e) => openMenu(e.currentTarget, buildAssignMenu), { menu: 'menu', title: 'Assign (a assigns to you)' });
  return h('header', { class: 'chat-head' },
    h('button', { class: 'icon-btn back', type: 'button', 'aria-label': 'Back to the chat list', onclick: () => emit('nav:list') }, icon('back')),
    avatar(name, chat.contact && chat.contact.id ? chat.contact.id : chat.id),
    h('div', { class: 'chat-title' }, h('h1', { id: 'chat-title', text: name }), h('div', { class: 'sub', text: sub.filter(Boolean).join(' · ') })),
    h('div', { class: 'chat-actions' },
      dropdown(assign),
      actionButton('resolve', resolved ? 'reopen' : 'resolve', resolved ? 'Reopen' : 'Resolve', toggleResolved, { title: resolved ? 'Reopen (e)' : 'Resolve (e)' }),
      dropdown(actionButton('snooze', 'snooze', 'Snooze', (e) => openMenu(e.currentTarget, buildSnoozeMenu, SNOOZE_POPUP), { menu: 'dialog', title: 'Snooze (z)' })),
      dropdown(actionButton('labels', 'tag', 'Labels', (e) => openMenu(e.currentTarget, buildLabelMenu, LABELS_POPUP), { menu: 'dialog', title: 'Labels (l)' })),
      h('button', { class: 'icon-btn', type: 'button', id: 'panel-toggle', 'aria-label': 'Contact details (i)', title: 'Contact details (i)', 'aria-pressed': String(!document.getElementById('panel').hidden), onclick: () => emit('panel:toggle') }, icon('panel'))));
}

function windowText(chat) {
  const w = windowInfo(chat);
  if (w.open) return { cls: w.cls === 'win-soon' ? 'soon' : 'open', iconName: 'clock', text: `${duration(w.left)} left to reply freely` };
  return { cls: 'closed', iconName: 'lock', text: 'Window closed: only templates can be sent' };
}

function renderWindowBar(chat) {
  const w = windowText(chat);
  const extras = [];
  if (chat.status === 'snoozed') extras.push(h('span', { class: 'chip st-snoozed' }, icon('snooze'), `Snoozed until ${listTime(Date.parse(chat.snoozed_until))}`));
  if (chat.status === 'resolved') extras.push(h('span', { class: 'chip st-resolved' }, icon('resolve'), 'Resolved'));
  for (const label of chat.labels || []) {
    extras.push(h('span', { class: 'chip label-chip' }, label,
      h('button', { type: 'button', 'aria-label': `Remove label ${label}`, onclick: () => setLabels((chat.labels || []).filter((l) => l !== label)) }, '×')));
  }
  return h('div', { class: `window-bar ${w.cls}`, id: 'window-bar', role: 'status' }, icon(w.iconName), h('span', { class: 'wtext', text: w.text }), h('span', { class: 'labels' }, extras));
}

function updateChrome(chat) {
  if (!current) return;
  current.chat = chat;
  current.thread.chat = chat;
  root.querySelector('.chat-head')?.replaceWith(renderHeader(chat));
  root.querySelector('.window-bar')?.replaceWith(renderWindowBar(chat));
  current.composer.setChat(chat);
}

function markRead(chat, force = false) {
  if ((!force && !chat.unread_count) || document.visibilityState !== 'visible') return;
  post(`/api/v1/chats/${chat.id}/read`).catch((e) => console.warn('mark read failed', e));
}

/** Opens a chat in the main pane. `opts.highlight`: a message id to scroll to. */
export async function openChat(id, opts = {}) {
  id = String(id);
  const same = current && String(current.chat.id) === id;
  state.openChatId = id;
  markActive(id);
  emit('nav:chat', id);
  if (!opts.replace && location.pathname !== `/chats/${id}`) history.pushState({ chat: id }, '', `/chats/${id}${location.search}`);
  if (same) {
    if (opts.highlight) current.thread.highlight(opts.highlight);
    return;
  }
  current?.composer.destroy();
  current = null;
  clear(root).append(h('div', { class: 'chat-empty' }, h('p', { text: 'Loading…' })));
  let chat;
  try {
    chat = getChat(id) || (await get(`/api/v1/chats/${id}`));
  } catch (e) {
    clear(root).append(h('div', { class: 'chat-empty' }, icon('alert'), h('h2', { text: 'This chat cannot be shown' }), h('p', { text: e.message })));
    return;
  }
  if (state.openChatId !== id) return;
  const threadEl = h('div', { class: 'thread', id: 'thread', role: 'region', 'aria-label': 'Messages', tabindex: '0' });
  const composerEl = h('div', { class: 'composer' });
  clear(root).append(renderHeader(chat), renderWindowBar(chat), threadEl, composerEl);
  const thread = new Thread(threadEl, chat, { onReply: (m) => current?.composer.replyTo(m), announce: (t) => emit('announce', t) });
  const composer = new Composer(composerEl, chat, { onSent: (m) => thread.upsert(m), onNote: (n) => thread.addNote(n) });
  current = { chat, thread, composer };
  emit('chat:opened', chat);
  refreshChat(id);
  try {
    await thread.loadInitial();
    if (opts.highlight) thread.highlight(opts.highlight);
  } catch (e) {
    toast(`Messages could not be loaded: ${e.message}`, true);
  }
  markRead(chat);
}

/** Closes the chat pane (phone-sized screens go back to the list). */
export function closeChat() {
  current?.composer.destroy();
  current = null;
  state.openChatId = null;
  markActive(null);
  clear(root).append(emptyState());
}

function emptyState() {
  return h('div', { class: 'chat-empty' }, icon('chat'), h('h2', { text: 'Pick a chat' }),
    h('p', { text: 'Messages from customers, the phone app, colleagues and bots appear here as they happen.' }),
    h('p', { class: 'small' }, 'Press ', h('kbd', { text: '?' }), ' for keyboard shortcuts.'));
}

export function currentChat() {
  return current ? current.chat : null;
}

export function composer() {
  return current ? current.composer : null;
}

export function thread() {
  return current ? current.thread : null;
}

/** A stream event about the open chat. */
export function onStreamEvent(kind, event) {
  if (!current || String(event.chat_id) !== String(current.chat.id)) return;
  if ((kind === 'message.created' || kind === 'message.updated') && event.message_id) {
    current.thread.refreshMessage(String(event.message_id));
    if (kind === 'message.created' && event.data && event.data.direction === 'inbound') markRead(current.chat, true);
  } else if (kind === 'note.created') {
    get(`/api/v1/chats/${current.chat.id}/notes`).then((notes) => {
      for (const n of notes.data || []) current?.thread.addNote(n);
    }).catch((e) => console.warn('notes', e));
  }
}

export function initChat() {
  root = document.getElementById('chat');
  if (!root.querySelector('.chat-empty')) clear(root).append(emptyState());
  on('chat:changed', (chat) => {
    if (current && String(chat.id) === String(current.chat.id)) updateChrome(chat);
  });
  setInterval(() => {
    if (!current) return;
    root.querySelector('.window-bar')?.replaceWith(renderWindowBar(current.chat));
    current.composer.setChat(current.chat);
  }, 15000);
  document.addEventListener('visibilitychange', () => current && markRead(current.chat));
}
