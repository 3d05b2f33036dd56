// The console's one connection to the node: the JSON WebSocket protocol of docs/WEBSOCKET.md.
// call(op, fields) returns a Promise of the result (rejected with the error object); replies are matched
// by id, so calls may overlap. Reconnects after a drop; calls made while disconnected fail at once.

export class AmDbSocket {
  constructor(onStatus) {
    this.onStatus = onStatus;
    this.pending = new Map();
    this.nextId = 1;
    this.connect();
  }

  url() {
    const token = new URLSearchParams(location.search).get('token');
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}/v1/ws${token ? '?token=' + encodeURIComponent(token) : ''}`;
  }

  connect() {
    this.ws = new WebSocket(this.url());
    this.ws.onopen = () => this.onStatus(true);
    this.ws.onclose = () => {
      this.onStatus(false);
      for (const [, p] of this.pending) p.reject({ name: 'CONNECTION_LOST', message: 'the WebSocket closed' });
      this.pending.clear();
      setTimeout(() => this.connect(), 1000);
    };
    this.ws.onmessage = (m) => this.receive(JSON.parse(m.data));
  }

  receive(msg) {
    const p = this.pending.get(msg.id);
    if (!p) return; // a watch event or a reply to nobody: the console does not watch
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result); else p.reject(msg.error);
  }

  call(op, fields = {}) {
    if (this.ws.readyState !== WebSocket.OPEN) {
      return Promise.reject({ name: 'CONNECTION_LOST', message: 'not connected' });
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, op, ...fields }));
    });
  }
}

/** Shows a byte field as text: base64 objects (binary keys) are decoded and non-printables escaped. */
export function text(obj, field) {
  const v = obj[field];
  if (v == null || obj.encoding !== 'base64') return v;
  const bytes = atob(v);
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    out += c >= 0x20 && c < 0x7f ? bytes[i] : '\\x' + c.toString(16).padStart(2, '0');
  }
  return out;
}
