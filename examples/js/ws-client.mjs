// AmDb from Node.js 20 over the WebSocket JSON API (docs/WEBSOCKET.md): put, get, and a watch on a prefix.
// Usage: node ws-client.mjs [ws://127.0.0.1:8080/v1/ws]   (add ?token=T when the node runs with --auth-token)
// Node 20 has no global WebSocket, hence the small `ws` package (npm ci in this directory).
import WebSocket from 'ws';

const url = process.argv[2] ?? 'ws://127.0.0.1:8080/v1/ws';
const socket = new WebSocket(url);
const pending = new Map();
let nextId = 1;
const events = [];
let onEvent = () => {};

// Replies carry the request's id; watch events carry the watch request's id and a "watch" field.
socket.on('message', (data) => {
  const msg = JSON.parse(data.toString());
  if (msg.event) {
    events.push(msg);
    onEvent();
    return;
  }
  const call = pending.get(msg.id);
  pending.delete(msg.id);
  if (msg.ok) call.resolve(msg.result); else call.reject(new Error(`${msg.error.name}: ${msg.error.message}`));
});

function call(op, fields = {}) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    socket.send(JSON.stringify({ id, op, ...fields }));
  });
}

function eventsArrived(n) {
  return new Promise((resolve) => {
    onEvent = () => { if (events.length >= n) resolve(); };
    onEvent();
  });
}

await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });

const { watch } = await call('watch', { prefix: 'js:' });
console.log(`watching prefix js: as ${watch}`);
await call('put', { key: 'js:greeting', value: 'hello from node' });
const got = await call('get', { key: 'js:greeting' });
console.log(`get js:greeting -> ${got.value}`);
await call('delete', { key: 'js:greeting' });
await eventsArrived(2);
for (const e of events) console.log(`event ${e.event} ${e.key}${e.value == null ? '' : ' = ' + e.value}`);
try {
  await call('get', { key: '' });
} catch (e) {
  console.log(`error reply: ${e.message.split(':')[0]}`);
}
socket.close();
