// The live stream: an EventSource on /api/v1/stream. Every event has an id (its stream
// position); when the connection drops the browser reconnects by itself and sends
// Last-Event-ID, so the server replays whatever was missed. If the browser gives up (an HTTP
// error, or the server ended the stream), we reconnect ourselves with ?after=<last id>, backing
// off. Nothing is lost either way: events are read from the store, not from memory.

const KINDS = [
  'message.created', 'message.updated', 'chat.updated', 'chat.merged', 'contact.updated', 'number.updated',
  'history.progress', 'webhook.error', 'note.created', 'notification.created', 'status.updated',
  'template.updated', 'typing',
];

export class LiveStream {
  /** `after`: the stream head when the page was rendered. `onEvent(kind, event)`;
   *  `onState('live' | 'connecting' | 'down')`. */
  constructor({ after, onEvent, onState }) {
    this.lastId = after != null ? String(after) : null;
    this.onEvent = onEvent;
    this.onState = onState || (() => {});
    this.source = null;
    this.retryMs = 1000;
    this.timer = null;
    this.stopped = false;
  }

  url() {
    return this.lastId != null ? `/api/v1/stream?after=${encodeURIComponent(this.lastId)}` : '/api/v1/stream';
  }

  start() {
    this.stopped = false;
    this.open();
  }

  open() {
    clearTimeout(this.timer);
    this.onState('connecting');
    const source = new EventSource(this.url());
    this.source = source;
    source.onopen = () => {
      this.retryMs = 1000;
      this.onState('live');
    };
    const handle = (e) => this.handle(e);
    for (const kind of KINDS) source.addEventListener(kind, handle);
    source.onmessage = handle;
    // The server's `error` event: it could not read the store and ends the stream; the
    // reconnect below resumes after the last event we saw.
    source.addEventListener('error', (e) => {
      if (e.data) console.warn('stream error event', e.data);
    });
    source.onerror = () => {
      if (this.source !== source) return;
      if (source.readyState === EventSource.CLOSED) {
        this.scheduleReopen();
      } else {
        this.onState('down');
      }
    };
  }

  handle(e) {
    if (e.lastEventId) this.lastId = e.lastEventId;
    let event = null;
    try {
      event = JSON.parse(e.data);
    } catch {
      return;
    }
    this.onEvent(e.type, event);
  }

  scheduleReopen() {
    if (this.stopped) return;
    this.onState('down');
    this.source = null;
    this.timer = setTimeout(() => this.open(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 30000);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.source) this.source.close();
    this.source = null;
  }
}
