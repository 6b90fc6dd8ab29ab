// The inbox page: takes over from the server-rendered first paint, then keeps everything live
// from the event stream. Phone-sized screens show the list or the chat, one at a time.

import { get, post, setCsrf } from './api.js';
import { closeChat, initChat, onStreamEvent, openChat, openMenu } from './chat.js';
import { refreshNumbers, renderHealth } from './health.js';
import { SHORTCUTS, initKeys } from './keys.js';
import { initList, loadFirstPage, markActive, refreshChat, refreshFirstPage, refreshLabels, renderList } from './list.js';
import { initNotify, loadNotifications, onNotificationEvent, toast } from './notify.js';
import { initPanel } from './panel.js';
import { forgetTemplates } from './picker.js';
import { emit, on, removeChat, state } from './state.js';
import { LiveStream } from './stream.js';
import { avatar, clear, coalesce, h, rememberTimezone, setServerNow } from './util.js';

const boot = JSON.parse(document.getElementById('boot').textContent);

function setView(view) {
  document.body.dataset.view = view;
}

function chatIdFromPath(path) {
  const m = /^\/chats\/(\d+)$/.exec(path);
  return m ? m[1] : null;
}

const refreshNumbersSoon = coalesce(() => refreshNumbers());

function onEvent(kind, event) {
  switch (kind) {
    case 'chat.updated':
      if ((event.data?.fields || []).includes('labels')) refreshLabels('labels');
      if (event.chat_id) refreshChat(String(event.chat_id));
      onStreamEvent(kind, event);
      break;
    case 'chat.merged':
      onChatMerged(event);
      break;
    case 'message.created':
    case 'message.updated':
      if (event.chat_id) refreshChat(String(event.chat_id));
      onStreamEvent(kind, event);
      break;
    case 'note.created':
      onStreamEvent(kind, event);
      break;
    case 'notification.created':
      onNotificationEvent(event);
      break;
    case 'contact.updated':
      if (event.chat_id) refreshChat(String(event.chat_id));
      else refreshFirstPage('contacts');
      emit('contact:changed', (event.data && event.data.contact_id) || null);
      break;
    case 'number.updated':
    case 'history.progress':
      refreshNumbersSoon('numbers');
      break;
    case 'template.updated':
      forgetTemplates();
      break;
    default:
      break;
  }
}

/** A customer's two numbers became one contact: the event's chat was folded into
 *  `data.into_chat_id` and no longer exists. The list drops it; an agent reading it follows. */
function onChatMerged(event) {
  const gone = event.chat_id != null ? String(event.chat_id) : null;
  const into = event.data?.into_chat_id != null ? String(event.data.into_chat_id) : null;
  if (gone) removeChat(gone);
  if (!into) return;
  refreshChat(into);
  if (gone && state.openChatId === gone) {
    history.replaceState({ chat: into }, '', `/chats/${into}${location.search}`);
    openChat(into, { replace: true });
  }
}

function onStreamState(s) {
  document.body.dataset.stream = s;
  const el = document.getElementById('conn-state');
  el.classList.toggle('down', s === 'down');
  clear(el);
  if (s === 'down') el.append(h('span', { text: 'Reconnecting…' }));
}

function fillHelp() {
  const dl = document.getElementById('shortcut-list');
  clear(dl);
  for (const [key, what] of SHORTCUTS) {
    dl.append(h('dt', null, key.split(' ').map((k) => h('kbd', { text: k }))), h('dd', { text: what }));
  }
  document.getElementById('help-close')?.addEventListener('click', () => document.getElementById('help-dialog').close());
}

function renderMe() {
  const btn = document.getElementById('me-btn');
  if (!btn || !state.me) return;
  clear(btn).append(avatar(state.me.name, `u${state.me.id}`, 'sm'), h('span', { class: 'me-name', text: state.me.name }));
  btn.setAttribute('aria-label', `Signed in as ${state.me.name}. Account menu.`);
}

function initAccountMenu() {
  const btn = document.getElementById('me-btn');
  btn?.addEventListener('click', () => {
    openMenu(btn, (menu, close) => {
      menu.append(h('div', { class: 'menu-title', text: state.me ? state.me.email : '' }),
        h('button', { type: 'button', role: 'menuitem', onclick: () => { close(); signOut('/auth/logout'); } }, 'Sign out'),
        h('button', { type: 'button', role: 'menuitem', onclick: () => { close(); signOut('/auth/logout-all'); } }, 'Sign out everywhere'));
    });
  });
}

async function signOut(path) {
  try {
    await post(path);
  } finally {
    location.assign('/login');
  }
}

function initNavigation() {
  on('open-chat', (id) => openChat(id));
  on('nav:chat', () => setView('chat'));
  on('nav:list', () => {
    setView('list');
    if (location.pathname !== '/') history.pushState({}, '', `/${location.search}`);
    closeChat();
  });
  window.addEventListener('popstate', () => {
    const id = chatIdFromPath(location.pathname);
    if (id) {
      openChat(id, { replace: true });
    } else {
      setView('list');
      closeChat();
    }
  });
}

async function loadReferenceData() {
  const quiet = (p) => p.catch((e) => {
    if (e.status !== 404) console.warn(e);
    return { data: [] };
  });
  const [users, numbers, canned, labels] = await Promise.all([
    quiet(get('/api/v1/users')), quiet(get('/api/v1/numbers')), quiet(get('/api/v1/canned-responses')), quiet(get('/api/v1/labels')),
  ]);
  state.users = users.data || [];
  state.numbers = numbers.data || [];
  state.canned = canned.data || [];
  state.labels = labels.data || [];
  renderHealth();
}

async function start() {
  rememberTimezone();
  setServerNow(boot.server_now_ms);
  Object.assign(state.filter, boot.filter || {});
  setView(boot.open_chat ? 'chat' : 'list');
  initList({ onOpen: (id, opts) => openChat(id, opts) });
  initChat();
  initPanel();
  initNotify();
  initKeys();
  initNavigation();
  initAccountMenu();
  fillHelp();
  const me = await get('/api/v1/me');
  setCsrf(me.csrf_token);
  state.me = me.user;
  state.org = me.org;
  renderMe();
  // The stream starts where the server-rendered page was taken, so nothing between the first
  // paint and now is missed; replayed events only cause idempotent re-reads.
  new LiveStream({ after: boot.stream_head, onEvent, onState: onStreamState }).start();
  await loadReferenceData();
  await loadFirstPage();
  if (boot.open_chat) {
    await openChat(String(boot.open_chat), { replace: true });
  } else {
    markActive(null);
  }
  loadNotifications();
  document.body.dataset.ready = 'true';
}

start().catch((e) => {
  console.error(e);
  renderList();
  toast({ text: `The inbox could not start: ${e.message}`, error: true });
});
