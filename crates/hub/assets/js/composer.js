// The composer. Inside the service window: free text, attachments, reply-to, canned responses
// (`/shortcut`). Outside it: the template picker. In every case: private notes with @mentions.

import { post, sendMessage, uploadMedia } from './api.js';
import { icon } from './icons.js';
import { windowInfo } from './list.js';
import { TemplatePicker } from './picker.js';
import { emit, state } from './state.js';
import { kindLabel, provenance } from './thread.js';
import { bytes, clear, h, uuid } from './util.js';

const TYPING_EVERY_MS = 8000;

/** Meta's message type for an attachment of this MIME type. */
function mediaKind(mime) {
  if (/^image\/(jpeg|png)$/.test(mime)) return 'image';
  if (mime === 'image/webp') return 'sticker';
  if (/^video\//.test(mime)) return 'video';
  if (/^audio\//.test(mime)) return 'audio';
  return 'document';
}

/** A suggestion popup under a textarea (canned responses, mentions). */
class Suggest {
  constructor(anchor, onPick) {
    this.anchor = anchor;
    this.onPick = onPick;
    this.items = [];
    this.index = 0;
    this.el = null;
  }

  show(items, render) {
    this.items = items;
    this.index = 0;
    this.el?.remove();
    if (!items.length) {
      this.el = null;
      return;
    }
    this.el = h('ul', { class: 'suggest', role: 'listbox', id: `suggest-${uuid().slice(0, 8)}` });
    items.forEach((item, i) => {
      const li = h('li', { role: 'option', 'aria-selected': i === 0 ? 'true' : 'false', onmousedown: (e) => { e.preventDefault(); this.pick(i); } }, render(item));
      this.el.append(li);
    });
    this.anchor.append(this.el);
  }

  hide() {
    this.el?.remove();
    this.el = null;
    this.items = [];
  }

  get open() {
    return Boolean(this.el);
  }

  move(delta) {
    if (!this.el) return;
    this.index = (this.index + delta + this.items.length) % this.items.length;
    [...this.el.children].forEach((li, i) => li.setAttribute('aria-selected', i === this.index ? 'true' : 'false'));
    this.el.children[this.index]?.scrollIntoView({ block: 'nearest' });
  }

  pick(i = this.index) {
    const item = this.items[i];
    this.hide();
    if (item !== undefined) this.onPick(item);
  }

  /** Handles navigation keys; true when the key was used. */
  key(e) {
    if (!this.open) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      this.move(e.key === 'ArrowDown' ? 1 : -1);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      this.pick();
    } else if (e.key === 'Escape') {
      this.hide();
    } else {
      return false;
    }
    e.preventDefault();
    e.stopPropagation();
    return true;
  }
}

export class Composer {
  /** `onSent(message)` gets the 202's message; `onNote(note)` the new note. */
  constructor(el, chat, { onSent, onNote }) {
    this.el = el;
    this.chat = chat;
    this.onSent = onSent;
    this.onNote = onNote;
    this.mode = 'reply';
    this.replyingTo = null;
    this.attachment = null;
    this.lastTyping = 0;
    this.picker = null;
    this.windowOpen = windowInfo(chat).open;
    this.render();
  }

  destroy() {
    this.picker = null;
    clear(this.el);
  }

  /** The chat changed (live); the window may have opened or closed. */
  setChat(chat) {
    this.chat = chat;
    const open = windowInfo(chat).open;
    if (open !== this.windowOpen) {
      this.windowOpen = open;
      if (this.mode === 'reply') this.render();
    }
  }

  focus() {
    (this.el.querySelector('textarea') || this.el.querySelector('select'))?.focus();
  }

  /** `r`: reply (to a message when given), switching to the reply tab. */
  replyTo(message) {
    if (this.mode !== 'reply') this.setMode('reply');
    if (message && this.windowOpen) {
      this.replyingTo = message;
      this.render();
    }
    this.focus();
  }

  setMode(mode) {
    this.mode = mode;
    this.render();
    this.focus();
  }

  render() {
    const draft = this.el.querySelector('textarea')?.value || '';
    clear(this.el);
    this.el.classList.toggle('note-mode', this.mode === 'note');
    const tab = (mode, label, cls) => h('button', { type: 'button', role: 'tab', class: cls, 'aria-selected': String(this.mode === mode), onclick: () => this.setMode(mode) }, label);
    this.el.append(h('div', { class: 'composer-tabs', role: 'tablist', 'aria-label': 'Compose' },
      tab('reply', this.windowOpen ? 'Reply' : 'Template', ''), tab('note', 'Private note', 'note-tab')));
    if (this.mode === 'note') {
      this.renderTextBox('note', draft);
    } else if (this.windowOpen) {
      this.renderTextBox('reply', draft);
    } else {
      const holder = h('div', { class: 'picker-holder' });
      this.el.append(holder);
      this.picker = new TemplatePicker(holder, this.chat, { onSent: (m) => this.onSent(m) });
    }
  }

  renderTextBox(kind, draft) {
    const note = kind === 'note';
    if (!note && this.replyingTo) {
      const p = provenance(this.replyingTo, this.chat);
      this.el.append(h('div', { class: 'reply-chip' }, icon('reply', 'sm'), h('strong', { text: p.label }),
        h('span', { class: 'txt', text: this.replyingTo.text || kindLabel(this.replyingTo.type) }),
        h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Cancel the reply', onclick: () => { this.replyingTo = null; this.render(); this.focus(); } }, icon('x', 'sm'))));
    }
    if (!note && this.attachment) {
      const a = this.attachment;
      this.el.append(h('div', { class: 'attach-chip' }, icon(a.kind === 'image' ? 'image' : 'file', 'sm'),
        h('span', { class: 'txt', text: `${a.file.name} · ${bytes(a.file.size)}${a.uploaded ? '' : ' · uploading…'}` }),
        h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Remove the attachment', onclick: () => { this.attachment = null; this.render(); } }, icon('x', 'sm'))));
    }
    const label = note ? 'Private note (only agents see it; @name notifies)' : 'Message to the customer';
    const textarea = h('textarea', { rows: '1', id: 'composer-input', 'aria-label': label,
      placeholder: note ? 'Write a private note… @ to mention a colleague' : 'Type a message… / for canned responses', value: draft });
    const main = h('div', { class: 'composer-main' }, textarea);
    const suggest = new Suggest(main, (item) => this.insertSuggestion(textarea, item));
    textarea.addEventListener('input', () => {
      this.autosize(textarea);
      this.suggest(textarea, suggest, note);
      if (!note) this.typing();
    });
    textarea.addEventListener('keydown', (e) => {
      if (suggest.key(e)) return;
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.submit(textarea);
      } else if (e.key === 'Escape') {
        textarea.blur();
      }
    });
    textarea.addEventListener('blur', () => setTimeout(() => suggest.hide(), 150));
    if (!note) textarea.addEventListener('paste', (e) => this.pasteFile(e));
    const box = h('div', { class: 'composer-box' });
    if (!note) {
      const file = h('input', { type: 'file', class: 'visually-hidden', tabindex: '-1', 'aria-hidden': 'true', onchange: (e) => e.target.files[0] && this.attach(e.target.files[0]) });
      box.append(file, h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Attach a file', title: 'Attach a file', onclick: () => file.click() }, icon('clip')));
    }
    box.append(main, h('button', { type: 'button', class: 'btn primary send', onclick: () => this.submit(textarea) },
      icon(note ? 'note' : 'send'), h('span', { class: 'lbl', text: note ? 'Add note' : 'Send' })));
    this.el.append(box, h('div', { class: 'composer-error', role: 'alert' }));
    this.el.append(h('div', { class: 'composer-hint' },
      h('span', null, h('kbd', { text: 'Enter' }), note ? ' adds the note' : ' sends'),
      h('span', null, h('kbd', { text: 'Shift' }), '+', h('kbd', { text: 'Enter' }), ' new line'),
      note ? h('span', null, h('kbd', { text: '@' }), ' mentions') : h('span', null, h('kbd', { text: '/' }), ' canned responses')));
    this.autosize(textarea);
  }

  autosize(textarea) {
    textarea.style.height = 'auto';
    textarea.style.height = `${Math.min(textarea.scrollHeight + 2, 180)}px`;
  }

  error(text) {
    const el = this.el.querySelector('.composer-error');
    if (el) el.textContent = text || '';
  }

  /** Canned responses after a leading `/`, colleagues after `@` in notes. */
  suggest(textarea, suggest, note) {
    const before = textarea.value.slice(0, textarea.selectionStart);
    if (!note) {
      const m = /^\/([a-z0-9_-]*)$/.exec(before);
      if (!m) return suggest.hide();
      const q = m[1];
      const items = state.canned.filter((c) => c.shortcut.startsWith(q) || (q && c.body.toLowerCase().includes(q))).slice(0, 8);
      return suggest.show(items.map((c) => ({ kind: 'canned', c })), ({ c }) => [h('span', { class: 'sc', text: `/${c.shortcut}` }), h('span', { class: 'body', text: c.body })]);
    }
    const m = /(^|\s)@([\p{L}\p{N}._-]*)$/u.exec(before);
    if (!m) return suggest.hide();
    const q = m[2].toLowerCase();
    const items = state.users.filter((u) => !state.me || String(u.id) !== String(state.me.id))
      .filter((u) => u.name.toLowerCase().includes(q) || u.email.toLowerCase().startsWith(q)).slice(0, 8);
    return suggest.show(items.map((u) => ({ kind: 'user', u, q })), ({ u }) => [h('strong', { text: u.name }), h('span', { class: 'body', text: u.email })]);
  }

  insertSuggestion(textarea, item) {
    const pos = textarea.selectionStart;
    const before = textarea.value.slice(0, pos);
    const after = textarea.value.slice(pos);
    let start;
    let insert;
    if (item.kind === 'canned') {
      start = 0;
      insert = item.c.body;
    } else {
      start = before.lastIndexOf('@');
      insert = `@${item.u.email} `;
    }
    textarea.value = before.slice(0, start) + insert + after;
    const caret = start + insert.length;
    textarea.setSelectionRange(caret, caret);
    textarea.focus();
    this.autosize(textarea);
  }

  typing() {
    const t = Date.now();
    if (t - this.lastTyping < TYPING_EVERY_MS) return;
    this.lastTyping = t;
    post(`/api/v1/chats/${this.chat.id}/typing`).catch(() => {});
  }

  pasteFile(e) {
    const file = [...(e.clipboardData?.files || [])][0];
    if (!file) return;
    e.preventDefault();
    this.attach(file);
  }

  async attach(file) {
    const a = { file, kind: mediaKind(file.type), uploaded: null };
    this.attachment = a;
    this.render();
    try {
      a.uploaded = await uploadMedia(file, this.chat.number_id);
      if (this.attachment === a) this.render();
    } catch (e) {
      if (this.attachment === a) this.attachment = null;
      this.render();
      this.error(`The file could not be uploaded: ${e.message}`);
    }
  }

  /** Meta's request for what the composer holds. */
  buildMessages(text) {
    const context = this.replyingTo && this.replyingTo.wamid ? { message_id: this.replyingTo.wamid } : undefined;
    const out = [];
    const a = this.attachment;
    if (a) {
      const media = { id: a.uploaded.id };
      if (a.kind === 'document') media.filename = a.file.name;
      const captionable = a.kind !== 'audio' && a.kind !== 'sticker';
      if (text && captionable) media.caption = text;
      out.push({ type: a.kind, [a.kind]: media, ...(context ? { context } : {}) });
      if (text && !captionable) out.push({ type: 'text', text: { body: text } });
    } else if (text) {
      out.push({ type: 'text', text: { body: text }, ...(context ? { context } : {}) });
    }
    return out;
  }

  async submit(textarea) {
    const text = textarea.value.trim();
    this.error('');
    if (this.mode === 'note') return this.submitNote(textarea, text);
    if (this.attachment && !this.attachment.uploaded) return this.error('Wait for the upload to finish.');
    const messages = this.buildMessages(text);
    if (!messages.length) return;
    const button = this.el.querySelector('.send');
    button.disabled = true;
    try {
      for (const message of messages) this.onSent(await sendMessage(this.chat.id, message));
      textarea.value = '';
      this.replyingTo = null;
      this.attachment = null;
      this.render();
      this.focus();
    } catch (e) {
      button.disabled = false;
      this.sendFailed(e);
    }
  }

  sendFailed(e) {
    if (e.code === 'outside_service_window') {
      this.windowOpen = false;
      this.render();
      emit('toast', { text: 'The 24-hour window has closed: send a template instead.', error: true });
      return;
    }
    this.error(e.message);
  }

  async submitNote(textarea, body) {
    if (!body) return;
    try {
      const note = await post(`/api/v1/chats/${this.chat.id}/notes`, { body });
      this.onNote(note);
      textarea.value = '';
      this.autosize(textarea);
    } catch (e) {
      this.error(e.message);
    }
  }
}
