// The console: ring and migrations refreshed every 2 s, the ops/s chart every second, a query box and a
// paged key browser. All through one WebSocket (api.js).

import { AmDbSocket, text } from './api.js';
import { drawRing } from './ring.js';
import { OpsChart } from './chart.js';

const $ = (id) => document.getElementById(id);
const db = new AmDbSocket((up) => {
  $('conn').textContent = up ? 'connected' : 'disconnected';
  $('conn').className = 'conn ' + (up ? 'up' : 'down');
  if (up) refreshCluster();
});
const chart = new OpsChart($('ops-chart'));

async function refreshCluster() {
  try {
    const view = await db.call('cluster');
    $('node-id').textContent = view.self;
    $('epoch').textContent = `table epoch ${view.epoch}`;
    drawRing($('ring'), $('members'), view);
    $('lost').textContent = view.lost ? `${view.lost} partitions LOST: ${view.lostPartitions.slice(0, 20).join(', ')}` : '';
    showMigrations(view);
    showStorage(view.info || {});
    showReplication(view.info || {});
  } catch (e) { /* disconnected: the status badge says so */ }
}

function showMigrations(view) {
  const m = view.migrationProgress || {};
  const box = $('migration-progress');
  box.replaceChildren();
  if ('migrations_done' in m && 'migrations_outgoing' in m) {
    const total = m.migrations_done + m.migrations_outgoing;
    const pct = total ? (100 * m.migrations_done) / total : 100;
    const bar = document.createElement('div');
    bar.className = 'bar';
    bar.innerHTML = `<div style="width:${pct.toFixed(1)}%"></div>`;
    const label = document.createElement('p');
    label.textContent = `${m.migrations_done}/${total} partitions moved from this node · ` +
      `${m.migration_keys_sent ?? 0} keys, ${m.migration_bytes_sent ?? 0} bytes sent · ` +
      `${m.migration_keys_per_s ?? 0} keys/s`;
    box.append(bar, label);
  } else {
    box.innerHTML = '<p class="muted">this node reports no migration progress</p>';
  }
  $('migrations').replaceChildren(...view.migrations.map((x) => {
    const li = document.createElement('li');
    li.textContent = `partition ${x.partition}: ${x.from} → ${x.to}`;
    return li;
  }));
  if (!view.migrations.length) $('migrations').innerHTML = '<li class="muted">no partitions moving</li>';
}

// Copies: the factor, partitions short of copies, and the copies this node is making (rate, what is left, ETA).
function showReplication(info) {
  const running = Number(info.replication_copies_running || 0);
  const eta = Number(info.replication_copy_eta_s);
  const rows = [
    ['replication', `${info.replication_factor} copies, min in-sync ${info.min_in_sync}`],
    ['under-replicated', `${info.partitions_under_replicated} of ${info.partitions} partitions`],
    ['copying from here', running === 0 ? 'nothing' : `${running} partitions, ${info.replication_copy_keys_left} keys `
      + `left at ${(Number(info.replication_copy_bytes_per_s) / 1e6).toFixed(1)} MB/s `
      + `(${info.replication_copy_keys_per_s} keys/s), ETA ${eta < 0 ? 'unknown' : eta + ' s'}`],
    ['copied so far', `${info.replication_copy_keys} keys, ${(Number(info.replication_copy_bytes) / 1e6).toFixed(1)} MB`],
  ];
  showTerms($('replication'), rows);
}

// This node's durability: mode, where its data lives, log and fsync figures, snapshots, last recovery.
function showStorage(info) {
  const rows = info.durability === 'none' || !info.durability
    ? [['durability', 'none: memory only, a restart loses every key']]
    : [
      ['durability', info.durability],
      ['data', info.data_dir],
      ['log on disk', `${(Number(info.log_bytes) / 1e6).toFixed(1)} MB`],
      ['fsyncs', `${info.fsyncs} (p99 ${info.fsync_p99_us} µs, ${info.writes_per_fsync} writes each)`],
      ['snapshots', `${info.snapshots_done} done` + (Number(info.snapshot_running) > 0
        ? `, one running (${info.snapshot_entries_written} entries written)` : '')],
      ['last recovery', `${info.recovered_keys} keys, ${info.recovered_records} log records in ${info.recovery_ms} ms`],
    ];
  if (Number(info.storage_full_shards) > 0) rows.push(['DISK FULL', 'writes are refused (STORAGE_FULL)']);
  showTerms($('storage'), rows);
}

// Fills a <dl> with [term, description] rows.
function showTerms(list, rows) {
  list.replaceChildren(...rows.flatMap(([k, v]) => {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    return [dt, dd];
  }));
}

async function sampleOps() {
  try {
    const s = await db.call('stats');
    chart.add(s.opsPerSec);
    $('ops-now').textContent = Math.round(s.opsPerSec).toLocaleString();
  } catch (e) { /* disconnected */ }
}

function show(result, isError) {
  $('query-result').textContent = typeof result === 'string' ? result : JSON.stringify(result, null, 2);
  $('query-result').className = 'result' + (isError ? ' error' : '');
}

$('query').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const op = $('query-op').value;
  const key = $('query-key').value;
  try {
    if (op === 'get') {
      const r = await db.call('get', { key });
      show(r.found ? text(r, 'value') : '(not found)');
    } else if (op === 'put') {
      await db.call('put', { key, value: $('query-value').value });
      show('OK');
    } else if (op === 'delete') {
      const r = await db.call('delete', { key });
      show(r.existed ? 'deleted' : '(there was no value)');
    } else {
      const r = await db.call('scan', { prefix: key, limit: 20 });
      show(r.entries.map((e) => `${text(e, 'key')} = ${text(e, 'value')}`).join('\n') || '(no keys)');
    }
  } catch (e) {
    show(`ERROR ${e.name}: ${e.message}`, true);
  }
});

let nextStart = null;
async function browse(start) {
  const prefix = $('browse-prefix').value;
  try {
    const args = start == null ? { prefix, limit: 25 } : { start, end: prefixEnd(prefix), limit: 25 };
    if (start != null && args.end === '') delete args.end;
    const page = await db.call('scan', args);
    $('keys').tBodies[0].replaceChildren(...page.entries.map((e) => {
      const tr = document.createElement('tr');
      for (const f of ['key', 'value']) {
        const td = document.createElement('td');
        td.textContent = text(e, f);
        tr.appendChild(td);
      }
      return tr;
    }));
    nextStart = page.next;
    $('browse-next').disabled = nextStart == null || page.encoding === 'base64';
  } catch (e) {
    const row = document.createElement('tr');
    const cell = document.createElement('td');
    cell.colSpan = 2;
    cell.textContent = `ERROR ${e.name}: ${e.message}`; // text, never markup: messages can echo node ids
    row.appendChild(cell);
    $('keys').tBodies[0].replaceChildren(row);
  }
}

// The end of a prefix range for text prefixes (the key browser pages by start/end after the first page).
function prefixEnd(prefix) {
  if (!prefix) return '';
  const last = prefix.codePointAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCodePoint(last + 1);
}

$('browse').addEventListener('submit', (ev) => { ev.preventDefault(); browse(null); });
$('browse-next').addEventListener('click', () => browse(nextStart));

setInterval(sampleOps, 1000);
setInterval(refreshCluster, 2000);
