// Small helpers shared by every module: building DOM safely (text is always set as text, never
// parsed as HTML), time and duration labels, names and avatars.

/** Creates an element. `props`: attributes (`class`, `aria-*`, `data-*`, ...), `on*` listeners
 *  (functions), `text` for textContent; `children` are nodes, strings (as text) or falsy. */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2).toLowerCase(), value);
      } else if (key === 'text') {
        el.textContent = String(value);
      } else if (key === 'dataset') {
        Object.assign(el.dataset, value);
      } else if (key === 'value' && 'value' in el) {
        el.value = value;
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

/** Appends children (nodes, strings, nested arrays; falsy ones are skipped). */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Removes every child. */
export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** The server's clock minus the browser's, in ms (the page says what the server's now was). */
let skew = 0;
export function setServerNow(serverMs) {
  if (Number.isFinite(serverMs)) skew = serverMs - Date.now();
}
/** Now, as the server counts it. */
export function now() {
  return Date.now() + skew;
}

const pad = (n) => String(n).padStart(2, '0');
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function startOfDay(ms) {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Whole local days between two instants (0 = same day). */
export function daysApart(a, b) {
  return Math.round((startOfDay(b) - startOfDay(a)) / 86400000);
}

/** `14:05`. */
export function clock(ms) {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The time label of a chat row: `14:05`, `Yesterday`, `Mon`, `12 Mar`, `12 Mar 2025`. */
export function listTime(ms) {
  if (!Number.isFinite(ms)) return '';
  const days = daysApart(ms, now());
  const d = new Date(ms);
  if (days <= 0) return clock(ms);
  if (days === 1) return 'Yesterday';
  if (days < 7) return WEEKDAYS[d.getDay()].slice(0, 3);
  const sameYear = d.getFullYear() === new Date(now()).getFullYear();
  return `${d.getDate()} ${MONTHS[d.getMonth()]}${sameYear ? '' : ` ${d.getFullYear()}`}`;
}

/** A day separator: `Today`, `Yesterday`, `Monday 2 March 2026`. */
export function dayLabel(ms) {
  const days = daysApart(ms, now());
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  const d = new Date(ms);
  const month = d.toLocaleString('en', { month: 'long' });
  return `${WEEKDAYS[d.getDay()]} ${d.getDate()} ${month} ${d.getFullYear()}`;
}

/** A full date and time for tooltips. */
export function fullTime(ms) {
  return `${dayLabel(ms)}, ${clock(ms)}`;
}

/** `23 h 12 min`, `45 min`, `under a minute`. */
export function duration(ms) {
  const minutes = Math.floor(ms / 60000);
  if (minutes < 1) return 'under a minute';
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}

/** Short form for chat rows: `23 h`, `45 min`. */
export function shortDuration(ms) {
  const minutes = Math.floor(ms / 60000);
  if (minutes < 60) return `${Math.max(minutes, 1)} min`;
  return `${Math.floor(minutes / 60)} h`;
}

/** `3 days ago`, `just now`. */
export function ago(ms) {
  const diff = now() - ms;
  const minutes = Math.floor(diff / 60000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? 'yesterday' : `${days} days ago`;
}

/** Parses an RFC 3339 time to ms; NaN when absent. */
export function ms(rfc3339) {
  return rfc3339 ? Date.parse(rfc3339) : NaN;
}

/** `+1 650 555 0123` for digits; the input otherwise. */
export function phone(digits) {
  if (!digits) return '';
  if (!/^\d{8,15}$/.test(digits)) return digits;
  if (digits.length === 11 && digits.startsWith('1')) {
    return `+1 ${digits.slice(1, 4)} ${digits.slice(4, 7)} ${digits.slice(7)}`;
  }
  // Country codes vary in length; two digits then groups of three reads well enough.
  const rest = digits.slice(2).replace(/(\d{3})(?=\d{3,})/g, '$1 ');
  return `+${digits.slice(0, 2)} ${rest}`;
}

/** The name people know a contact by: the phone book's, else the WhatsApp profile's, else
 *  the number. */
export function contactName(contact) {
  if (!contact) return 'Unknown';
  return contact.name || contact.profile_name || phone(contact.wa_id) || contact.user_id || 'Unknown';
}

/** Up to two initials. */
export function initials(name) {
  const words = String(name || '?').replace(/[^\p{L}\p{N} ]/gu, ' ').trim().split(/\s+/);
  const letters = words.length > 1 ? words[0][0] + words[words.length - 1][0] : (words[0] || '?').slice(0, 2);
  return (letters || '?').toUpperCase();
}

/** A stable avatar colour class for an id. */
export function hue(id) {
  let n = 0;
  for (const c of String(id)) n = (n * 31 + c.charCodeAt(0)) >>> 0;
  return `hue-${n % 8}`;
}

/** An avatar circle. */
export function avatar(name, id, size = '') {
  return h('span', { class: `avatar ${size} ${hue(id)}`.trim(), 'aria-hidden': 'true', text: initials(name) });
}

/** A random UUID (v4) for idempotency keys; works outside secure contexts too. */
export function uuid() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Runs `fn` at most once per animation frame per key, with the latest arguments. */
export function coalesce(fn) {
  const pending = new Map();
  return (key, ...args) => {
    const had = pending.has(key);
    pending.set(key, args);
    if (had) return;
    setTimeout(() => {
      const latest = pending.get(key);
      pending.delete(key);
      fn(key, ...latest);
    }, 0);
  };
}

/** `1.2 MB`. */
export function bytes(n) {
  if (!Number.isFinite(n)) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Whether an element is an input where typed keys belong to the user, not to shortcuts. */
export function isTyping(el) {
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

/** Sets the `cx_tzo` cookie (minutes east of UTC) so server-rendered times use local time. */
export function rememberTimezone() {
  const offset = -new Date().getTimezoneOffset();
  document.cookie = `cx_tzo=${offset}; path=/; max-age=31536000; samesite=lax`;
}
