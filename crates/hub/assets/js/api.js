// The REST API client: same-origin fetch with the session cookie, the CSRF header on every
// non-GET request, JSON in and out, and errors as `ApiError` with the server's stable code.

import { uuid } from './util.js';

let csrfToken = null;

/** An error answer: HTTP status plus the API's `{"error": {"code", "message"}}`. */
export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message || `request failed (${status})`);
    this.status = status;
    this.code = code || 'http_error';
    this.body = body;
  }
}

/** Sets the CSRF token (from `GET /api/v1/me`). */
export function setCsrf(token) {
  csrfToken = token;
}

/** Where to go to sign in again, coming back here afterwards. */
export function loginUrl() {
  const next = location.pathname + location.search;
  return `/login?next=${encodeURIComponent(next)}`;
}

/** Calls the API. `body` is sent as JSON unless it is FormData. Resolves to the parsed JSON (or
 *  null for an empty answer); rejects with ApiError. A 401 sends the browser to the login page. */
export async function api(method, path, body, { headers = {}, signal } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers }, credentials: 'same-origin', signal };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) init.headers['X-CSRF-Token'] = csrfToken;
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'The hub cannot be reached. Check the connection and try again.');
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (response.ok) return json;
  if (response.status === 401 && !path.startsWith('/auth/')) {
    location.assign(loginUrl());
  }
  const err = json && json.error ? json.error : {};
  throw new ApiError(response.status, err.code, err.message || text.slice(0, 200), json);
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body, opts) => api('POST', path, body ?? {}, opts);
export const put = (path, body, opts) => api('PUT', path, body, opts);
export const patch = (path, body, opts) => api('PATCH', path, body, opts);
export const del = (path, opts) => api('DELETE', path, undefined, opts);

/** `path?k=v&...`, skipping empty values. */
export function withQuery(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** Sends a message to a chat in Meta's shape; the key makes a retried click send once. */
export function sendMessage(chatId, message, key = uuid()) {
  return post(`/api/v1/chats/${chatId}/messages`, message, { headers: { 'Idempotency-Key': key } });
}

/** Uploads a file for an attachment on a number: `{id, mime_type, size, sha256}`. */
export function uploadMedia(file, numberId) {
  const form = new FormData();
  if (numberId) form.append('number_id', String(numberId));
  form.append('file', file, file.name);
  return api('POST', '/api/v1/media', form);
}

/** The URL a media id is served at. */
export function mediaUrl(id) {
  return `/api/v1/media/${encodeURIComponent(id)}`;
}
