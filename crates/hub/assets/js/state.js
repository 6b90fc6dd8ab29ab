// What the page knows: the signed-in user, colleagues, numbers, the chats of the current view,
// the open chat. Modules change it through these functions and listen with `on`.

import { ms } from './util.js';

export const state = {
  me: null,
  org: null,
  users: [],
  numbers: [],
  chats: new Map(),
  order: [],
  nextCursor: null,
  filter: { view: 'all', status: '', label: '', number_id: '' },
  openChatId: null,
  canned: [],
  labels: [],
  notifications: [],
};

const listeners = new Map();

/** Subscribes to a named change; returns the unsubscribe function. */
export function on(name, fn) {
  if (!listeners.has(name)) listeners.set(name, new Set());
  listeners.get(name).add(fn);
  return () => listeners.get(name).delete(fn);
}

/** Tells every subscriber of `name`. */
export function emit(name, data) {
  for (const fn of listeners.get(name) || []) {
    try {
      fn(data);
    } catch (e) {
      console.error(`listener of ${name} failed`, e);
    }
  }
}

export function userById(id) {
  return state.users.find((u) => String(u.id) === String(id)) || null;
}

export function numberById(id) {
  return state.numbers.find((n) => String(n.id) === String(id)) || null;
}

/** Whether a chat belongs in the list under the current filter. */
export function matchesFilter(chat) {
  const f = state.filter;
  if (f.number_id && String(chat.number_id) !== String(f.number_id)) return false;
  if (f.status && chat.status && chat.status !== f.status) return false;
  if (f.label && !(chat.labels || []).includes(f.label)) return false;
  const assignee = chat.assignee ? String(chat.assignee.id) : null;
  if (f.view === 'mine' && (!state.me || assignee !== String(state.me.id))) return false;
  if (f.view === 'unassigned' && assignee) return false;
  return true;
}

/** Most recent activity first; chats without messages last. */
function compare(a, b) {
  const ta = ms(a.last_message_at);
  const tb = ms(b.last_message_at);
  const na = Number.isNaN(ta);
  const nb = Number.isNaN(tb);
  if (na !== nb) return na ? 1 : -1;
  if (!na && ta !== tb) return tb - ta;
  return Number(b.id) - Number(a.id);
}

/** Replaces the list with a first page from the server. */
export function setChats(chats, nextCursor) {
  state.chats = new Map(chats.map((c) => [String(c.id), c]));
  state.order = chats.map((c) => String(c.id));
  state.nextCursor = nextCursor || null;
  emit('list:reset');
}

/** Appends a further page (keeps the server's order). */
export function appendChats(chats, nextCursor) {
  const added = [];
  for (const c of chats) {
    const id = String(c.id);
    if (!state.chats.has(id)) {
      state.order.push(id);
      added.push(id);
    }
    state.chats.set(id, c);
  }
  state.nextCursor = nextCursor || null;
  emit('list:append', added);
}

/** Inserts or moves a chat after a live change, or drops it when it left the view. Returns
 *  `moved` when its position changed. */
export function upsertChat(chat) {
  const id = String(chat.id);
  const before = state.order.indexOf(id);
  if (!matchesFilter(chat)) {
    if (before >= 0) {
      state.order.splice(before, 1);
      state.chats.delete(id);
      emit('list:remove', id);
    }
    if (state.openChatId === id) emit('chat:changed', chat);
    return;
  }
  state.chats.set(id, chat);
  if (before >= 0) state.order.splice(before, 1);
  // A chat older than everything loaded stays out until the user scrolls to it.
  let index = state.order.findIndex((other) => compare(chat, state.chats.get(other)) < 0);
  if (index < 0) {
    if (state.nextCursor && before < 0) {
      state.chats.delete(id);
      return;
    }
    index = state.order.length;
  }
  state.order.splice(index, 0, id);
  emit('list:upsert', { id, moved: before !== index, isNew: before < 0 });
  if (state.openChatId === id) emit('chat:changed', chat);
}

/** Drops a chat that no longer exists (folded into another when a customer's two numbers
 *  became one contact). */
export function removeChat(id) {
  id = String(id);
  const at = state.order.indexOf(id);
  if (at >= 0) state.order.splice(at, 1);
  if (state.chats.delete(id) || at >= 0) emit('list:remove', id);
}

export function getChat(id) {
  return state.chats.get(String(id)) || null;
}
