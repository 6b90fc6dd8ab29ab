// Notifications (mentions in notes, chats assigned to me), toasts, and the screen-reader
// announcer for live messages.

import { get, post, withQuery } from './api.js';
import { icon } from './icons.js';
import { openMenu } from './chat.js';
import { emit, getChat, on, state } from './state.js';
import { ago, clear, contactName, h, ms } from './util.js';

let badge;
let button;

function describe(n) {
  const who = n.by ? n.by.name : 'An integration';
  const chat = getChat(n.chat_id);
  const where = chat ? contactName(chat.contact) : `chat ${n.chat_id}`;
  return n.kind === 'mention' ? `${who} mentioned you in a note on ${where}` : `${who} assigned ${where} to you`;
}

function setCount() {
  const unread = state.notifications.filter((n) => !n.read_at).length;
  badge.hidden = unread === 0;
  badge.textContent = String(unread);
  button.setAttribute('aria-label', unread ? `Notifications, ${unread} unread` : 'Notifications');
}

export async function loadNotifications() {
  try {
    const answer = await get(withQuery('/api/v1/notifications', { limit: 30 }));
    state.notifications = answer.data || [];
    setCount();
  } catch (e) {
    if (e.status !== 404) console.warn('notifications', e);
  }
}

async function openNotification(n, close) {
  close();
  if (!n.read_at) {
    n.read_at = new Date().toISOString();
    setCount();
    post(`/api/v1/notifications/${n.id}/read`).catch((e) => console.warn('mark notification read', e));
  }
  emit('open-chat', String(n.chat_id));
}

function buildMenu(menu, close) {
  menu.classList.add('notif-panel');
  menu.append(h('div', { class: 'menu-title', text: 'Notifications' }));
  if (!state.notifications.length) menu.append(h('p', { class: 'muted small', text: 'Nothing yet. Mentions in notes and chats assigned to you show up here.' }));
  for (const n of state.notifications) {
    menu.append(h('button', { type: 'button', class: `notif-item${n.read_at ? '' : ' unread'}`, onclick: () => openNotification(n, close) },
      h('span', { text: describe(n) }), h('span', { class: 'when', text: ago(ms(n.created_at)) })));
  }
}

/** A `notification.created` event: only the addressee cares. */
export async function onNotificationEvent(event) {
  const data = event.data || {};
  const target = data.user_id ?? (data.notification && data.notification.user_id);
  if (!state.me || String(target) !== String(state.me.id)) return;
  await loadNotifications();
  const n = state.notifications.find((x) => !x.read_at);
  if (n) toast({ text: describe(n), action: { label: 'Open', run: () => openNotification(n, () => {}) } });
}

/** Shows a message for a few seconds (errors stay longer). */
export function toast({ text, error = false, action = null }) {
  const box = document.getElementById('toasts');
  const el = h('div', { class: `toast${error ? ' error' : ''}`, role: error ? 'alert' : 'status' }, icon(error ? 'alert' : 'info', 'sm'), h('span', { text }));
  if (action) el.append(h('button', { type: 'button', onclick: () => { el.remove(); action.run(); } }, action.label));
  box.append(el);
  setTimeout(() => el.remove(), error ? 9000 : 5000);
}

export function initNotify() {
  button = document.getElementById('notif-btn');
  badge = document.getElementById('notif-count');
  button.addEventListener('click', () => openMenu(button, buildMenu, { role: 'dialog', label: 'Notifications' }));
  on('toast', toast);
  const announcer = document.getElementById('announcer');
  on('announce', (text) => {
    clear(announcer);
    announcer.textContent = text;
  });
}
