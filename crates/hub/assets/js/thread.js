// A chat's thread: every message with its provenance shown plainly (customer, sent from the
// phone app, an agent by name, a bot, imported history), delivery ticks, edited and deleted
// markers, quoted replies, media inline, day separators, private notes between the messages,
// and older messages loaded as the agent scrolls up.

import { get, mediaUrl, withQuery } from './api.js';
import { icon } from './icons.js';
import { state, userById } from './state.js';
import { append, bytes, clock, coalesce, contactName, dayLabel, fullTime, h, ms } from './util.js';

const PAGE = 50;
const STICK_PX = 80;

const KIND_LABELS = {
  image: 'Photo', video: 'Video', audio: 'Audio', voice: 'Voice message', document: 'Document',
  sticker: 'Sticker', location: 'Location', contacts: 'Contact card', reaction: 'Reaction',
  interactive: 'Interactive reply', button: 'Button reply', order: 'Order', template: 'Template',
  unsupported: 'Unsupported message', media_placeholder: 'Media', system: 'System message',
};

/** A short label for a message type without text. */
export function kindLabel(type) {
  return KIND_LABELS[type] || (type ? type.replace(/_/g, ' ') : 'Message');
}

const TICKS = {
  pending: ['clock', 'Waiting to send'],
  accepted: ['clock', 'Accepted by Meta, not sent yet'],
  sent: ['check', 'Sent'],
  delivered: ['checks', 'Delivered'],
  read: ['checks', 'Read'],
  played: ['checks', 'Played'],
  failed: ['alert', 'Not delivered'],
};

/** The delivery tick of an outbound message. */
export function statusTick(status, size = '') {
  const [name, label] = TICKS[status] || TICKS.pending;
  const cls = status === 'read' || status === 'played' ? 'read' : status === 'failed' ? 'failed' : status;
  const el = h('span', { class: `tick ${cls}`, role: 'img', 'aria-label': label, title: label, dataset: { status } });
  el.append(icon(name, size));
  return el;
}

/** Who asked for an API send: `author` on the message or on its outbox side (`send.author`),
 *  `{kind: 'user' | 'bot' | 'token', id, name}`. */
export function authorOf(m) {
  const a = m.author || (m.send && m.send.author) || null;
  if (a && !a.name && a.kind === 'user') {
    const user = userById(a.id);
    if (user) return { ...a, name: user.name };
  }
  return a;
}

/** Which bubble style and label a message gets. */
export function provenance(m, chat) {
  if (m.origin === 'history') {
    const side = m.direction === 'inbound' ? contactName(chat && chat.contact) : 'the business';
    return { cls: 'history', icon: 'history', label: `Imported history · ${side}` };
  }
  if (m.origin === 'business_app') return { cls: 'phone', icon: 'phone', label: 'Sent from the phone app' };
  if (m.origin === 'api') {
    const a = authorOf(m);
    if (a && a.kind === 'bot') return { cls: 'bot', icon: 'bot', label: a.name ? `Bot · ${a.name}` : 'Bot' };
    if (a && a.name && a.kind !== 'token') return { cls: 'agent', icon: 'user', label: a.name, key: `agent:${a.id}` };
    return { cls: 'agent', icon: 'send', label: a && a.name ? `API · ${a.name}` : 'Sent through the API' };
  }
  return { cls: 'customer', icon: 'user', label: `${contactName(chat && chat.contact)} · customer` };
}

function editorName(editor) {
  return editor === 'business_app' ? 'the phone app' : 'the customer';
}

/** Where a message's media is: `media: {id, mime_type, filename, size, state}` when the hub
 *  lists it, else Meta's media id in the content (the id `GET /api/v1/media/{id}` takes). */
function mediaOf(m) {
  const media = m.media || {};
  const content = m.content || {};
  return {
    id: media.id || content.id || null,
    state: media.state || media.status || (m.media_pending ? 'pending' : null),
    filename: media.filename || content.filename || null,
    mime: media.mime_type || content.mime_type || null,
    size: media.size,
  };
}

function mediaPlaceholder(kind, why) {
  const name = kind === 'document' ? 'file' : kind === 'audio' ? 'mic' : kind === 'video' ? 'video' : 'image';
  return h('div', { class: 'media-pending' }, icon(name), `${kindLabel(kind)} · ${why}`);
}

/** Images, stickers, audio and video players, document links. */
function renderMedia(m) {
  const kind = m.type;
  if (!['image', 'video', 'audio', 'document', 'sticker', 'media_placeholder'].includes(kind)) return null;
  const media = mediaOf(m);
  if (!media.id || media.state === 'pending') return mediaPlaceholder(kind, media.state === 'pending' ? 'not downloaded yet' : 'not available');
  if (media.state === 'failed') return mediaPlaceholder(kind, 'could not be downloaded');
  const url = mediaUrl(media.id);
  const alt = (m.content && m.content.caption) || `${kindLabel(kind)} from ${m.direction === 'inbound' ? 'the customer' : 'the business'}`;
  const fallback = (el) => {
    el.addEventListener('error', () => el.closest('.media')?.replaceWith(mediaPlaceholder(kind, 'not available yet')), { once: true });
    return el;
  };
  switch (kind) {
    case 'image':
    case 'sticker':
    case 'media_placeholder':
      return h('a', { class: `media ${kind}`, href: url, target: '_blank', rel: 'noopener' }, fallback(h('img', { src: url, alt, loading: 'lazy' })));
    case 'video':
      return h('div', { class: 'media' }, fallback(h('video', { src: url, controls: true, preload: 'metadata', 'aria-label': alt })));
    case 'audio':
      return h('div', { class: 'media' }, fallback(h('audio', { src: url, controls: true, preload: 'metadata', 'aria-label': m.content && m.content.voice ? 'Voice message' : 'Audio' })));
    default: {
      const name = media.filename || 'Document';
      return h('a', { class: 'doc', href: url, download: name }, icon('file', 'lg'),
        h('span', null, h('span', { class: 'name', text: name }), h('br'), h('span', { class: 'size', text: [media.mime, bytes(media.size)].filter(Boolean).join(' · ') })));
    }
  }
}

function renderText(m) {
  if (['image', 'video', 'audio', 'document', 'sticker'].includes(m.type)) {
    const caption = m.content && m.content.caption;
    return caption ? h('div', { class: 'text', text: caption }) : null;
  }
  if (m.text) return h('div', { class: 'text', text: m.text });
  return h('div', { class: 'kind-tag', text: kindLabel(m.type) });
}

function renderMeta(m, view) {
  const meta = h('div', { class: 'meta' });
  if (m.edited_at) {
    const title = m.original_text ? `Edited by ${editorName(m.edited_by)}. Original: ${m.original_text}` : `Edited by ${editorName(m.edited_by)}`;
    meta.append(h('button', { class: 'edited', type: 'button', title, 'aria-expanded': view.expanded.has(String(m.id)) ? 'true' : 'false', onclick: () => view.toggleOriginal(m.id) }, 'edited'));
  }
  meta.append(h('time', { datetime: m.timestamp, title: fullTime(ms(m.timestamp)), text: clock(ms(m.timestamp)) }));
  if (m.direction === 'outbound' && m.status) meta.append(statusTick(m.status, 'sm'));
  return meta;
}

function describeError(e) {
  return `${e.title || 'error'}${e.code ? ` (${e.code})` : ''}${e.details ? `. ${e.details}` : ''}`;
}

/** Meta's error on a failed message; for a send still being retried, why it waits. */
function renderError(m) {
  const send = m.send || {};
  if (m.status === 'failed') {
    const e = m.error || send.last_error;
    const text = e ? `Not delivered: ${describeError(e)}` : 'Not delivered.';
    return h('div', { class: 'msg-error', role: 'note' }, icon('alert', 'sm'), h('span', { text }));
  }
  if (m.status === 'pending' && (send.note || send.last_error)) {
    const text = send.note || `Retrying after: ${describeError(send.last_error)}`;
    return h('div', { class: 'msg-error', role: 'note' }, icon('clock', 'sm'), h('span', { text }));
  }
  return null;
}

function renderQuote(m, view) {
  if (!m.reply_to) return null;
  const quoted = view.byWamid(m.reply_to);
  if (!quoted) {
    view.fetchQuoted(m.reply_to);
    return h('div', { class: 'quote' }, h('strong', { text: 'Reply to an earlier message' }));
  }
  const who = provenance(quoted, view.chat).label;
  const text = quoted.revoked_at ? 'Deleted message' : quoted.text || kindLabel(quoted.type);
  return h('button', { class: 'quote', type: 'button', title: 'Show the quoted message', onclick: () => view.highlight(String(quoted.id)) },
    h('strong', { text: who }), text);
}

/** One message element (the group's label only on the first of a group). */
function renderMessage(m, view, groupStart) {
  const p = provenance(m, view.chat);
  const side = m.direction === 'inbound' ? 'in' : 'out';
  const revoked = Boolean(m.revoked_at);
  const bubble = h('div', { class: 'bubble' });
  if (revoked) {
    bubble.append(h('div', { class: 'deleted-note' }, icon('ban', 'sm'), `Deleted by ${editorName(m.revoked_by)}`));
    bubble.append(h('details', null, h('summary', { text: 'Show what it said' }), renderText(m)));
  } else {
    append(bubble, [renderQuote(m, view), renderMedia(m), renderText(m)]);
    if (view.expanded.has(String(m.id)) && m.original_text) {
      bubble.append(h('div', { class: 'original' }, h('strong', { text: 'Original: ' }), m.original_text));
    }
  }
  append(bubble, [renderMeta(m, view), renderError(m)]);
  if (!revoked && m.wamid) {
    bubble.append(h('div', { class: 'msg-actions' },
      h('button', { class: 'icon-btn', type: 'button', 'aria-label': 'Reply to this message', title: 'Reply (r)', onclick: () => view.onReply(m) }, icon('reply'))));
  }
  return h('div', {
    class: `msg ${side} ${p.cls}${groupStart ? ' group-start' : ''}${revoked ? ' revoked' : ''}`,
    id: `m-${m.id}`, dataset: { id: String(m.id), origin: m.origin, status: m.status || '' },
  }, groupStart ? h('div', { class: 'who' }, icon(p.icon, 'sm'), p.label) : null, bubble);
}

function highlightMentions(body) {
  const parts = [];
  const re = /@([\p{L}\p{N}._@+-]+)/gu;
  let last = 0;
  for (const match of body.matchAll(re)) {
    const token = match[1].toLowerCase();
    const user = state.users.find((u) => u.email.toLowerCase() === token || u.name.toLowerCase().split(' ')[0] === token
      || u.name.toLowerCase().replace(/\s+/g, '') === token);
    if (!user) continue;
    parts.push(body.slice(last, match.index), h('span', { class: 'mention', title: match[0], text: `@${user.name}` }));
    last = match.index + match[0].length;
  }
  parts.push(body.slice(last));
  return parts;
}

function renderNote(n) {
  const author = n.author || {};
  return h('div', { class: 'msg note', id: `n-${n.id}`, dataset: { noteId: String(n.id) } },
    h('div', { class: 'who' }, icon('lock', 'sm'), `Private note · ${author.name || 'someone'}`),
    h('div', { class: 'bubble' }, h('div', { class: 'text' }, highlightMentions(n.body || '')),
      h('div', { class: 'meta' }, h('time', { datetime: n.created_at, title: fullTime(ms(n.created_at)), text: `${clock(ms(n.created_at))} · only agents see this` }))));
}

const byTime = (a, b) => a.t - b.t || a.tie - b.tie;

export class Thread {
  /** `el`: the scrolling container; `chat`: the chat; `onReply(message)`; `announce(text)`. */
  constructor(el, chat, { onReply, announce }) {
    this.el = el;
    this.chat = chat;
    this.onReply = onReply;
    this.announce = announce || (() => {});
    this.messages = new Map();
    this.notes = new Map();
    this.quoted = new Map();
    this.expanded = new Set();
    this.nodes = new Map();
    this.cursor = null;
    this.hasMore = true;
    this.loadingOlder = false;
    this.refreshMessage = coalesce((id) => this.fetchMessage(id));
    this.stuck = true;
    el.addEventListener('scroll', () => this.onScroll());
    // An image that finishes loading grows the thread: stay at the bottom if we were there.
    el.addEventListener('load', () => {
      if (this.stuck) this.scrollToBottom();
    }, true);
  }

  async loadInitial() {
    const [page, notes] = await Promise.all([
      get(withQuery(`/api/v1/chats/${this.chat.id}/messages`, { limit: PAGE })),
      get(`/api/v1/chats/${this.chat.id}/notes`).catch(() => ({ data: [] })),
    ]);
    for (const m of page.data) this.messages.set(String(m.id), m);
    for (const n of notes.data || []) this.notes.set(String(n.id), n);
    this.cursor = page.next_cursor;
    this.hasMore = Boolean(page.next_cursor);
    this.render();
    this.scrollToBottom();
  }

  async loadOlder() {
    if (this.loadingOlder || !this.hasMore) return false;
    this.loadingOlder = true;
    try {
      const page = await get(withQuery(`/api/v1/chats/${this.chat.id}/messages`, { limit: PAGE, cursor: this.cursor }));
      const fromBottom = this.el.scrollHeight - this.el.scrollTop;
      for (const m of page.data) this.messages.set(String(m.id), m);
      this.cursor = page.next_cursor;
      this.hasMore = Boolean(page.next_cursor);
      this.render();
      this.el.scrollTop = this.el.scrollHeight - fromBottom;
      return true;
    } finally {
      this.loadingOlder = false;
    }
  }

  onScroll() {
    this.stuck = this.atBottom();
    if (this.el.scrollTop < 240) this.loadOlder().catch((e) => console.warn('older messages', e));
    if (this.atBottom()) this.el.querySelector('.new-below')?.remove();
  }

  atBottom() {
    return this.el.scrollHeight - this.el.scrollTop - this.el.clientHeight < STICK_PX;
  }

  scrollToBottom() {
    this.el.scrollTop = this.el.scrollHeight;
    this.stuck = true;
  }

  byWamid(wamid) {
    for (const m of this.messages.values()) if (m.wamid === wamid) return m;
    return this.quoted.get(wamid) || null;
  }

  async fetchQuoted(wamid) {
    if (this.quoted.has(wamid)) return;
    this.quoted.set(wamid, null);
    try {
      const found = await get(withQuery('/api/v1/messages', { wamid }));
      const m = (found.data || []).find((x) => String(x.chat_id) === String(this.chat.id)) || found.data[0];
      if (m) {
        this.quoted.set(wamid, m);
        this.render();
      }
    } catch (e) {
      console.warn('quoted message', e);
    }
  }

  async fetchMessage(id) {
    try {
      this.upsert(await get(`/api/v1/messages/${id}`));
    } catch (e) {
      if (e.status !== 404) console.warn('message refresh failed', id, e);
    }
  }

  /** Adds or replaces a message (a live event or our own send). */
  upsert(m) {
    if (String(m.chat_id) !== String(this.chat.id)) return;
    const id = String(m.id);
    const isNew = !this.messages.has(id);
    const stick = this.atBottom();
    this.messages.set(id, m);
    this.render();
    if (stick || (isNew && m.direction === 'outbound' && m.origin === 'api')) {
      this.scrollToBottom();
    } else if (isNew) {
      this.showNewBelow();
    }
    if (isNew && m.direction === 'inbound') {
      this.announce(`New message from ${contactName(this.chat.contact)}: ${m.text || kindLabel(m.type)}`);
    }
  }

  addNote(n) {
    if (String(n.chat_id) !== String(this.chat.id)) return;
    const stick = this.atBottom();
    this.notes.set(String(n.id), n);
    this.render();
    if (stick) this.scrollToBottom();
  }

  showNewBelow() {
    if (this.el.querySelector('.new-below')) return;
    this.el.append(h('button', { class: 'new-below', type: 'button', onclick: () => this.scrollToBottom() }, 'New messages ↓'));
  }

  toggleOriginal(id) {
    const key = String(id);
    if (this.expanded.has(key)) this.expanded.delete(key);
    else this.expanded.add(key);
    this.render();
  }

  /** Scrolls to a message (loading older pages until it is there) and flashes it. */
  async highlight(id) {
    for (let i = 0; i < 20 && !this.messages.has(String(id)) && this.hasMore; i += 1) {
      if (!(await this.loadOlder())) break;
    }
    const el = this.el.querySelector(`#m-${CSS.escape(String(id))}`);
    if (!el) return;
    el.scrollIntoView({ block: 'center' });
    el.classList.remove('highlight');
    void el.offsetWidth;
    el.classList.add('highlight');
  }

  /** Time-ordered items: messages (by Meta's timestamp) and notes (by creation). */
  items() {
    const items = [];
    for (const m of this.messages.values()) items.push({ t: ms(m.timestamp), tie: Number(m.id), m });
    for (const n of this.notes.values()) items.push({ t: ms(n.created_at), tie: Number.MAX_SAFE_INTEGER, n });
    return items.sort(byTime);
  }

  render() {
    const nodes = [];
    nodes.push(h('div', { class: 'thread-top', text: this.hasMore ? 'Scroll up for older messages' : 'Start of the conversation' }));
    const items = this.items();
    let lastDay = null;
    let prevKey = null;
    let seenHistory = false;
    for (const item of items) {
      const day = dayLabel(item.t);
      if (day !== lastDay) {
        nodes.push(h('div', { class: 'day-sep', role: 'separator' }, h('span', { text: day })));
        lastDay = day;
        prevKey = null;
      }
      if (item.n) {
        nodes.push(renderNote(item.n));
        prevKey = null;
        continue;
      }
      const m = item.m;
      if (m.origin === 'history') {
        seenHistory = true;
      } else if (seenHistory) {
        nodes.push(h('div', { class: 'sys-sep', role: 'separator' }, icon('history', 'sm'), 'Imported history ends here · live messages below'));
        seenHistory = false;
      }
      const p = provenance(m, this.chat);
      const key = `${m.direction}|${p.key || p.label}`;
      nodes.push(this.messageNode(m, p, key !== prevKey));
      prevKey = key;
    }
    if (items.length === 0) nodes.push(h('div', { class: 'thread-top', text: 'No messages yet.' }));
    const pendingNew = this.el.querySelector('.new-below');
    this.el.replaceChildren(...nodes, ...(pendingNew ? [pendingNew] : []));
  }

  /** A message's element, reused while nothing it shows changed, so images are not fetched
   *  again and a playing audio or video keeps playing when something else in the thread moves. */
  messageNode(m, p, groupStart) {
    const id = String(m.id);
    const media = mediaOf(m);
    const send = m.send || {};
    const sig = [m.status, m.edited_at, m.revoked_at, m.text, media.id, media.state, send.note,
      m.error && m.error.code, groupStart, this.expanded.has(id), m.reply_to ? Boolean(this.byWamid(m.reply_to)) : '',
      p.label, dayLabel(ms(m.timestamp))].join('|');
    const cached = this.nodes.get(id);
    if (cached && cached.sig === sig) return cached.node;
    const node = renderMessage(m, this, groupStart);
    this.nodes.set(id, { sig, node });
    return node;
  }

  /** The newest message the customer sent, for "reply" with r. */
  lastInbound() {
    let best = null;
    for (const m of this.messages.values()) {
      if (m.direction === 'inbound' && m.origin === 'customer' && (!best || ms(m.timestamp) > ms(best.timestamp))) best = m;
    }
    return best;
  }
}
