// Keyboard shortcuts for the common actions, and the `?` help that lists them. Keys typed into
// a field belong to the field.

import { assignToMe, composer, currentChat, openLabels, openSnooze, thread, toggleResolved } from './chat.js';
import { selectRelative, setFilter } from './list.js';
import { emit } from './state.js';
import { isTyping } from './util.js';

/** On a phone-sized screen the list and the chat are separate views; Escape goes back. */
const PHONE = window.matchMedia('(max-width: 760px)');

export const SHORTCUTS = [
  ['j', 'Next chat'],
  ['k', 'Previous chat'],
  ['r', 'Reply (Shift+R quotes the customer’s last message)'],
  ['n', 'Write a private note'],
  ['a', 'Assign the chat to me'],
  ['e', 'Resolve, or reopen a resolved chat'],
  ['z', 'Snooze'],
  ['l', 'Labels'],
  ['i', 'Contact details'],
  ['/', 'Search messages (in the composer: canned responses)'],
  ['1 2 3', 'Mine · Unassigned · All'],
  ['Esc', 'Leave the composer, close a menu (on a phone: back to the list)'],
  ['?', 'This help'],
];

function needsChat(fn) {
  return () => {
    if (currentChat()) fn();
  };
}

const ACTIONS = {
  j: () => selectRelative(1),
  k: () => selectRelative(-1),
  r: needsChat(() => composer()?.replyTo(null)),
  R: needsChat(() => composer()?.replyTo(thread()?.lastInbound())),
  n: needsChat(() => composer()?.setMode('note')),
  a: needsChat(assignToMe),
  e: needsChat(toggleResolved),
  z: needsChat(openSnooze),
  l: needsChat(openLabels),
  i: needsChat(() => emit('panel:toggle')),
  '/': () => document.getElementById('search')?.focus(),
  1: () => setFilter({ view: 'mine' }),
  2: () => setFilter({ view: 'unassigned' }),
  3: () => setFilter({ view: 'all' }),
  '?': () => openHelp(),
};

export function openHelp() {
  const dialog = document.getElementById('help-dialog');
  if (dialog && !dialog.open) dialog.showModal();
}

export function initKeys() {
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'Escape') {
      // An open dialog or menu takes Escape for itself.
      if (document.querySelector('dialog[open], .menu')) return;
      if (isTyping(document.activeElement)) {
        document.activeElement.blur();
      } else if (document.body.dataset.view === 'chat' && PHONE.matches) {
        emit('nav:list');
      }
      return;
    }
    if (isTyping(e.target)) return;
    const action = ACTIONS[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  });
  document.getElementById('help-btn')?.addEventListener('click', openHelp);
}
