// The chat list: views (mine / unassigned / all), filters by number, status and label, rows with
// unread counts, a preview that says who wrote the last message, the time left in the service
// window; live reordering; more rows on scroll; message search.

import { get, withQuery } from './api.js';
import { icon } from './icons.js';
import { appendChats, emit, getChat, numberById, on, setChats, state, upsertChat } from './state.js';
import { authorOf, kindLabel, statusTick } from './thread.js';
import { avatar, clear, coalesce, contactName, h, listTime, ms, now, phone, shortDuration } from './util.js';

const PAGE = 50;
/** Below this the window chip turns amber. */
const SOON_MS = 2 * 3600 * 1000;

let listEl;
let openChat = () => {};

/** What the window chip of a chat says now. */
export function windowInfo(chat) {
  const w = chat.service_window || {};
  const closes = ms(w.closes_at);
  const left = w.state === 'open' && Number.isFinite(closes) ? closes - now() : 0;
  if (left > 0) return { open: true, left, closesAt: closes, cls: left < SOON_MS ? 'win-soon' : 'win-open' };
  return { open: false, left: 0, closesAt: closes, cls: 'win-closed' };
}

function windowChip(chat) {
  const w = windowInfo(chat);
  const chip = h('span', { class: `chip win ${w.cls}`, dataset: { closesAt: Number.isFinite(w.closesAt) ? String(w.closesAt) : '' } });
  fillWindowChip(chip, w);
  return chip;
}

function fillWindowChip(chip, w) {
  clear(chip);
  chip.className = `chip win ${w.cls}`;
  if (w.open) {
    chip.append(icon('clock'), `${shortDuration(w.left)} left`);
    chip.title = 'Time left to reply freely (Meta’s 24-hour customer service window)';
  } else {
    chip.append(icon('lock'), 'Templates only');
    chip.title = 'The 24-hour window is closed: only approved templates can be sent';
  }
}

/** Who wrote the last message, as the preview's prefix. */
function previewWho(last) {
  switch (last.origin) {
    case 'business_app':
      return h('span', { class: 'who phone' }, icon('phone', 'sm'), 'Phone:');
    case 'api': {
      const author = authorOf(last);
      if (author && author.kind === 'bot') return h('span', { class: 'who bot' }, 'Bot:');
      if (author && state.me && String(author.id) === String(state.me.id)) return h('span', { class: 'who agent' }, 'You:');
      return h('span', { class: 'who agent' }, `${author && author.name ? author.name.split(' ')[0] : 'Agent'}:`);
    }
    case 'history':
      return h('span', { class: 'who history' }, icon('history', 'sm'), 'History:');
    default:
      return null;
  }
}

function preview(chat) {
  const last = chat.last_message;
  const el = h('span', { class: 'row-preview' });
  if (!last) {
    el.append(h('span', { class: 'ptext', text: 'No messages yet' }));
    return el;
  }
  const who = previewWho(last);
  if (who) el.append(who);
  if (last.direction === 'outbound' && last.status) el.append(statusTick(last.status, 'sm'));
  if (last.revoked) {
    el.append(icon('ban', 'sm'), h('span', { class: 'ptext deleted', text: 'Message deleted' }));
  } else {
    const text = last.text || kindLabel(last.type);
    el.append(h('span', { class: 'ptext', text }));
  }
  return el;
}

function statusChip(chat) {
  switch (chat.status) {
    case 'snoozed': {
      const until = ms(chat.snoozed_until);
      const label = Number.isFinite(until) ? `Snoozed · ${listTime(until)}` : 'Snoozed';
      return h('span', { class: 'chip st-snoozed' }, icon('snooze'), label);
    }
    case 'resolved':
      return h('span', { class: 'chip st-resolved' }, icon('resolve'), 'Resolved');
    case 'pending':
      return h('span', { class: 'chip st-pending' }, icon('bot'), 'Bot');
    default:
      return null;
  }
}

function labelChips(chat) {
  const labels = chat.labels || [];
  const shown = labels.slice(0, 2).map((l) => h('span', { class: 'chip label-chip', text: l }));
  if (labels.length > 2) shown.push(h('span', { class: 'chip label-chip', text: `+${labels.length - 2}` }));
  return shown;
}

/** One row; the server renders the same markup for the first paint. */
export function renderRow(chat) {
  const id = String(chat.id);
  const name = contactName(chat.contact);
  const unread = chat.unread_count > 0;
  const active = state.openChatId === id;
  const number = state.numbers.length > 1 ? numberById(chat.number_id) : null;
  const assignee = chat.assignee;
  const link = h('a', { class: 'row-link', href: `/chats/${id}${location.search}`, 'aria-current': active ? 'true' : null },
    avatar(name, chat.contact && chat.contact.id ? chat.contact.id : id),
    h('span', { class: 'row-main' },
      h('span', { class: 'row-top' },
        h('span', { class: 'row-name', text: name }),
        assignee ? h('span', { class: 'assignee-chip', title: `Assigned to ${assignee.name}` }, avatar(assignee.name, `u${assignee.id}`, 'xs'),
          h('span', { class: 'visually-hidden', text: `Assigned to ${assignee.name}` })) : null,
        h('time', { class: 'row-time', datetime: chat.last_message_at || '', text: listTime(ms(chat.last_message_at)) })),
      preview(chat),
      h('span', { class: 'row-meta' },
        windowChip(chat),
        statusChip(chat),
        labelChips(chat),
        number ? h('span', { class: 'chip', title: `To ${phone(number.display_phone_number)}`, text: `…${String(number.display_phone_number || number.phone_number_id).slice(-4)}` }) : null,
        h('span', { class: 'grow' }),
        unread ? h('span', { class: 'unread-badge' }, String(chat.unread_count), h('span', { class: 'visually-hidden', text: ' unread' })) : null)));
  link.addEventListener('click', (e) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    openChat(id);
  });
  return h('li', { class: `chat-row${unread ? ' unread' : ''}${active ? ' active' : ''}`, dataset: { chatId: id } }, link);
}

function rowEl(id) {
  return listEl.querySelector(`li[data-chat-id="${CSS.escape(String(id))}"]`);
}

/** The tab title counts unread customer messages in the loaded chats. */
function updateTitle() {
  let unread = 0;
  for (const chat of state.chats.values()) unread += chat.unread_count || 0;
  document.title = `${unread ? `(${unread}) ` : ''}Inbox · coexist`;
}

/** Renders every row of the current view. */
export function renderList() {
  updateTitle();
  clear(listEl);
  if (state.order.length === 0) {
    listEl.append(h('li', { class: 'empty' }, 'No chats in this view.'));
    return;
  }
  for (const id of state.order) listEl.append(renderRow(getChat(id)));
  appendSentinel();
}

let observer = null;
function appendSentinel() {
  listEl.querySelector('.list-more')?.remove();
  if (!state.nextCursor) return;
  const more = h('li', { class: 'list-more', text: 'Loading more chats…' });
  listEl.append(more);
  observer?.disconnect();
  observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) loadMore();
  }, { root: listEl });
  observer.observe(more);
}

let loadingMore = false;
async function loadMore() {
  if (loadingMore || !state.nextCursor) return;
  loadingMore = true;
  try {
    const page = await get(withQuery('/api/v1/chats', { ...filterParams(), limit: PAGE, cursor: state.nextCursor }));
    appendChats(page.data, page.next_cursor);
  } catch (e) {
    console.warn('loading more chats failed', e);
  } finally {
    loadingMore = false;
  }
}

export function filterParams() {
  const f = state.filter;
  return { view: f.view, status: f.status, label: f.label, number_id: f.number_id };
}

/** Loads the first page of the current view. */
export async function loadFirstPage() {
  const page = await get(withQuery('/api/v1/chats', { ...filterParams(), limit: PAGE }));
  setChats(page.data, page.next_cursor);
}

/** Changes the view or a filter, keeps the URL in step and reloads the list. */
export async function setFilter(change) {
  Object.assign(state.filter, change);
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filterParams())) if (v && !(k === 'view' && v === 'all')) params.set(k, v);
  const search = params.toString() ? `?${params}` : '';
  history.replaceState(history.state, '', `${location.pathname}${search}`);
  syncFilterControls();
  await loadFirstPage();
}

function syncFilterControls() {
  for (const a of document.querySelectorAll('.views a')) {
    if (a.dataset.view === state.filter.view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const set = (id, v) => {
    const el = document.getElementById(id);
    if (el) el.value = v || '';
  };
  set('f-number', state.filter.number_id);
  set('f-status', state.filter.status);
  set('f-label', state.filter.label);
}

/** The label filter's choices: the labels in use with their counts (as the server renders
 *  them), and the chosen one even when no chat carries it any more. */
function renderLabelOptions() {
  const select = document.getElementById('f-label');
  if (!select) return;
  const chosen = state.filter.label || '';
  const options = [h('option', { value: '', text: 'Any label' })];
  for (const l of state.labels) options.push(h('option', { value: l.label, text: `${l.label} (${l.count})` }));
  if (chosen && !state.labels.some((l) => l.label === chosen)) options.push(h('option', { value: chosen, text: `${chosen} (0)` }));
  select.replaceChildren(...options);
  select.value = chosen;
}

/** Re-reads the labels in use (after a chat's labels changed), for the filter and the label
 *  menu. */
export const refreshLabels = coalesce(async () => {
  try {
    const answer = await get('/api/v1/labels');
    state.labels = answer.data || [];
    renderLabelOptions();
  } catch (e) {
    console.warn('refreshing the labels failed', e);
  }
});

/** Re-reads one chat and moves its row; several changes in a row cost one read. */
export const refreshChat = coalesce(async (id) => {
  try {
    const chat = await get(`/api/v1/chats/${id}`);
    upsertChat(chat);
  } catch (e) {
    if (e.status !== 404) console.warn('refreshing chat failed', id, e);
  }
});

/** Re-reads the first page and updates its rows in place (after a change that names no chat,
 *  such as the phone's address book renaming contacts). */
export const refreshFirstPage = coalesce(async () => {
  try {
    const page = await get(withQuery('/api/v1/chats', { ...filterParams(), limit: PAGE }));
    for (const chat of page.data) upsertChat(chat);
  } catch (e) {
    console.warn('refreshing the list failed', e);
  }
});

function onUpsert({ id, moved, isNew }) {
  const chat = getChat(id);
  if (!chat) return;
  updateTitle();
  listEl.querySelector('.empty')?.remove();
  const row = renderRow(chat);
  const old = rowEl(id);
  const index = state.order.indexOf(id);
  if (old && !moved) {
    old.replaceWith(row);
  } else {
    old?.remove();
    const after = index > 0 ? rowEl(state.order[index - 1]) : null;
    if (after) after.after(row);
    else listEl.prepend(row);
  }
  if (moved || isNew) row.classList.add('flash');
}

/** A chat left the view; when it was the last one, the list says the view is empty. */
function onRemove(id) {
  rowEl(id)?.remove();
  updateTitle();
  if (state.order.length === 0 && !listEl.querySelector('.empty')) renderList();
}

/** Moves the selection by `delta` rows and opens that chat (j / k). */
export function selectRelative(delta) {
  if (state.order.length === 0) return;
  const current = state.order.indexOf(state.openChatId);
  const next = current < 0 ? 0 : Math.min(Math.max(current + delta, 0), state.order.length - 1);
  const id = state.order[next];
  openChat(id);
  rowEl(id)?.scrollIntoView({ block: 'nearest' });
}

/** Marks the open chat's row. */
export function markActive(id) {
  for (const li of listEl.querySelectorAll('li.active')) {
    li.classList.remove('active');
    li.querySelector('a')?.removeAttribute('aria-current');
  }
  const li = id ? rowEl(id) : null;
  if (li) {
    li.classList.add('active');
    li.querySelector('a')?.setAttribute('aria-current', 'true');
  }
}

/** Updates every window countdown (called every 30 s). */
export function tickCountdowns() {
  for (const li of listEl.querySelectorAll('li[data-chat-id]')) {
    const chat = getChat(li.dataset.chatId);
    const chip = li.querySelector('.chip.win');
    if (chat && chip) fillWindowChip(chip, windowInfo(chat));
  }
}

/** While search results show, live list changes wait (the list is re-rendered on clearing). */
let searching = false;

function clearSearch() {
  searching = false;
  const input = document.getElementById('search');
  if (input) input.value = '';
  renderList();
}

async function search(q) {
  const results = await get(withQuery('/api/v1/messages', { q, limit: 30 }));
  searching = true;
  clear(listEl);
  listEl.append(h('li', { class: 'list-more' }, `Messages matching “${q}”`,
    h('button', { class: 'btn ghost small', type: 'button', onclick: clearSearch }, 'Clear')));
  if (!results.data.length) listEl.append(h('li', { class: 'empty', text: 'No messages match.' }));
  for (const m of results.data) {
    const chat = getChat(m.chat_id);
    const who = chat ? contactName(chat.contact) : `Chat ${m.chat_id}`;
    const link = h('a', { class: 'row-link', href: `/chats/${m.chat_id}` },
      h('span', { class: 'row-main' },
        h('span', { class: 'row-top' }, h('span', { class: 'row-name', text: who }),
          h('time', { class: 'row-time', text: listTime(ms(m.timestamp)) })),
        h('span', { class: 'row-preview' }, h('span', { class: 'ptext', text: m.text || kindLabel(m.type) }))));
    link.addEventListener('click', (e) => {
      e.preventDefault();
      openChat(String(m.chat_id), { highlight: String(m.id) });
    });
    listEl.append(h('li', { class: 'chat-row' }, link));
  }
}

/** Wires the list to the page. `onOpen(id, opts)` opens a chat. */
export function initList({ onOpen }) {
  listEl = document.getElementById('chat-list');
  openChat = onOpen;
  const unlessSearching = (fn) => (arg) => {
    if (!searching) fn(arg);
  };
  on('list:reset', () => {
    searching = false;
    renderList();
  });
  on('list:append', unlessSearching(() => {
    for (const id of state.order) if (!rowEl(id)) listEl.append(renderRow(getChat(id)));
    appendSentinel();
  }));
  on('list:upsert', unlessSearching(onUpsert));
  on('list:remove', unlessSearching(onRemove));
  for (const a of document.querySelectorAll('.views a')) {
    a.addEventListener('click', (e) => {
      e.preventDefault();
      setFilter({ view: a.dataset.view });
    });
  }
  const bind = (id, key) => document.getElementById(id)?.addEventListener('change', (e) => setFilter({ [key]: e.target.value }));
  bind('f-number', 'number_id');
  bind('f-status', 'status');
  bind('f-label', 'label');
  const form = document.getElementById('search-form');
  form?.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = document.getElementById('search').value.trim();
    if (q) search(q).catch((err) => emit('toast', { text: err.message, error: true }));
    else clearSearch();
  });
  document.getElementById('search')?.addEventListener('input', (e) => {
    if (searching && !e.target.value) clearSearch();
  });
  setInterval(tickCountdowns, 30000);
}
