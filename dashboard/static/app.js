'use strict';
// The dashboard: a client of the server's /v1 API. It keeps no state on the
// server; the list is polled, a watched program's events and map snapshots
// are streamed.

const tokenKey = 'nomia.token';
const pollMillis = 2000;
const $ = (id) => document.getElementById(id);

// el builds an element; children are nodes or text (never parsed as HTML, so
// event data cannot inject markup).
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('data-')) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) e.append(c);
  return e;
}

// ---- errors: the server's one-line message, shown as it is ----

class APIError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function showError(err) {
  const msg = err instanceof Error ? err.message : String(err);
  $('error').textContent = msg.split('\n')[0];
  $('error').hidden = false;
}

function clearError() {
  $('error').hidden = true;
  $('error').textContent = '';
}

// ---- the API ----

function authHeaders() {
  const token = sessionStorage.getItem(tokenKey);
  return token ? { Authorization: 'Bearer ' + token } : {};
}

// failure turns an error answer into an APIError carrying the server's
// {"error": "..."} line, and asks for a token on 401.
async function failure(res, what) {
  let msg = `${what}: HTTP ${res.status}`;
  try {
    const doc = JSON.parse(await res.text());
    if (doc && typeof doc.error === 'string') msg = doc.error;
  } catch (_) { /* not JSON: keep the status line */ }
  if (res.status === 401) askToken(msg);
  return new APIError(res.status, msg);
}

// call sends one API request; body, when given, is a JSON string.
async function call(method, path, body, signal) {
  const headers = authHeaders();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body, signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new APIError(0, `${method} ${path}: the server did not answer (${e.message}); is nomia serve running?`);
  }
  if (!res.ok) throw await failure(res, `${method} ${path}`);
  if (res.status === 204) return null;
  return res.json();
}

const programPath = (name, rest) => '/v1/programs/' + encodeURIComponent(name) + (rest || '');

// ---- the token ----

function askToken(msg) {
  stopPolling();
  $('app').hidden = true;
  $('login').hidden = false;
  $('forget').hidden = true;
  if (msg) showError(msg);
  $('token').focus();
}

$('login').addEventListener('submit', (ev) => {
  ev.preventDefault();
  sessionStorage.setItem(tokenKey, $('token').value.trim());
  $('token').value = '';
  begin();
});

$('forget').addEventListener('click', () => {
  sessionStorage.removeItem(tokenKey);
  unwatch();
  askToken('');
});

// ---- the program list ----

let pollTimer = null;

function stopPolling() {
  clearTimeout(pollTimer);
  pollTimer = null;
}

// begin shows the dashboard once the server accepts the token (or needs none).
async function begin() {
  stopPolling();
  try {
    await refresh();
  } catch (e) {
    if (e.status !== 401) {
      showError(e);
      pollTimer = setTimeout(begin, pollMillis); // the server may be starting
    }
    return;
  }
  clearError();
  $('login').hidden = true;
  $('app').hidden = false;
  $('forget').hidden = !sessionStorage.getItem(tokenKey);
  schedule();
}

function schedule() {
  stopPolling();
  pollTimer = setTimeout(async () => {
    try {
      await refresh();
    } catch (e) {
      if (e.status === 401) return; // askToken took over
      showError(e);
    }
    if (!$('app').hidden) schedule();
  }, pollMillis);
}

async function refresh() {
  const [list, health] = await Promise.all([
    call('GET', '/v1/programs'),
    fetch('/healthz').then((r) => r.json()).catch(() => null),
  ]);
  if (health) $('health').textContent = `version ${health.version}`;
  renderPrograms(list.programs);
}

const sum = (obj) => Object.values(obj || {}).reduce((a, b) => a + b, 0);

// programRow builds a program's row; its buttons depend on its state.
function programRow(p) {
  const c = p.counters || {};
  const state = el('td', { class: 'state-' + p.state, title: p.error || '' }, p.state);
  if (p.error) state.append(': ' + p.error);
  return el('tr', { 'data-name': p.name, 'data-state': p.state, class: p.name === watched?.name ? 'watched' : '' },
    el('td', {}, p.name), state, el('td', {}, p.object || ''),
    el('td', { class: 'num' }, String(c.events ?? 0)),
    el('td', { class: 'num', title: JSON.stringify(c.lost || {}) }, String(sum(c.lost))),
    el('td', { class: 'num' }, String(c.decode_errors ?? 0)),
    el('td', { class: 'num' }, String(c.paused ?? 0)),
    el('td', { class: 'num' }, String(c.overwritten ?? 0)),
    el('td', {}, p.started && !p.started.startsWith('0001') ? new Date(p.started).toLocaleString() : ''),
    el('td', {}, ...actions(p)));
}

// renderPrograms updates the list in place: a row whose state is unchanged
// keeps its buttons (a click or hover in progress is not lost to the poll),
// and only cells whose text changed are replaced.
function renderPrograms(programs) {
  const body = $('programs').tBodies[0];
  const old = new Map(Array.from(body.rows, (r) => [r.dataset.name, r]));
  const rows = programs.map((p) => {
    const fresh = programRow(p);
    const row = old.get(p.name);
    if (!row || row.dataset.state !== p.state) return fresh;
    const cells = Array.from(fresh.cells).slice(0, -1); // all but the buttons
    cells.forEach((cell, i) => {
      if (row.cells[i].textContent !== cell.textContent || row.cells[i].title !== cell.title) row.cells[i].replaceWith(cell);
    });
    row.classList.toggle('watched', p.name === watched?.name);
    return row;
  });
  if (rows.length !== body.rows.length || rows.some((r, i) => body.rows[i] !== r)) body.replaceChildren(...rows);
  $('no-programs').hidden = programs.length > 0;
  if (watched) {
    const p = programs.find((q) => q.name === watched.name);
    if (p) renderDetails(p);
  }
}

function actions(p) {
  const button = (action, label, fn) => {
    const b = el('button', { type: 'button', 'data-action': action, 'data-name': p.name }, label);
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await fn();
        clearError();
        await refresh();
      } catch (e) {
        showError(e);
      } finally {
        b.disabled = false;
      }
    });
    return b;
  };
  const out = [];
  if (p.state !== 'failed') out.push(button('watch', 'Watch', async () => watch(p.name)));
  if (p.state === 'running') out.push(button('pause', 'Pause', () => call('POST', programPath(p.name, '/pause'))));
  if (p.state === 'paused') out.push(button('resume', 'Resume', () => call('POST', programPath(p.name, '/resume'))));
  out.push(button('stop', 'Stop', () => call('DELETE', programPath(p.name))));
  return out;
}

// ---- starting a program ----

// splitArgs splits a flags line as a shell would for simple cases: spaces
// separate, single or double quotes keep spaces, a backslash escapes.
function splitArgs(line) {
  const args = [];
  let cur = '', inArg = false, quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = '';
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inArg = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inArg = true;
    } else if (/\s/.test(ch)) {
      if (inArg) args.push(cur);
      cur = '';
      inArg = false;
    } else {
      cur += ch;
      inArg = true;
    }
  }
  if (quote) throw new Error(`flags: unclosed ${quote} quote: close it`);
  if (inArg) args.push(cur);
  return args;
}

// options reads the runner options the user filled in.
function options() {
  const opts = {};
  const text = { iface: 'opt-iface', cgroup: 'opt-cgroup', binary: 'opt-binary' };
  for (const [k, id] of Object.entries(text)) {
    const v = $(id).value.trim();
    if (v) opts[k] = v;
  }
  const num = { pid: 'opt-pid', freq: 'opt-freq', ringbuf_size: 'opt-ringbuf' };
  for (const [k, id] of Object.entries(num)) {
    const v = $(id).value.trim();
    if (v) opts[k] = Number(v);
  }
  return opts;
}

// startBody builds the POST /v1/programs body. An uploaded package is
// spliced in as the file's own text, checked to be JSON, so that nothing in
// it is rewritten by a round trip through JavaScript numbers.
async function startBody() {
  const file = $('start-file').files[0];
  const source = $('start-source').value.trim();
  if (!file === !source) throw new Error('start: choose a package file or type a reference, not both');
  const req = {};
  const name = $('start-name').value.trim();
  if (name) req.name = name;
  const args = splitArgs($('start-args').value);
  if (args.length) req.args = args;
  const opts = options();
  if (Object.keys(opts).length) req.options = opts;
  if (source) {
    req.source = source;
    return JSON.stringify(req);
  }
  const text = await file.text();
  try {
    JSON.parse(text);
  } catch (e) {
    throw new Error(`package file ${file.name}: not JSON (${e.message}): choose a package.json from nomia build`);
  }
  const rest = JSON.stringify(req);
  return '{"package":' + text + (rest === '{}' ? '}' : ',' + rest.slice(1));
}

$('start').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const button = $('start-button');
  button.disabled = true;
  try {
    const p = await call('POST', '/v1/programs', await startBody());
    clearError();
    $('start').reset();
    await refresh();
    watch(p.name);
  } catch (e) {
    showError(e);
  } finally {
    button.disabled = false;
  }
});

// ---- watching one program: details, events, map snapshots ----

let watched = null;

function unwatch() {
  if (watched) watched.abort.abort();
  watched = null;
  $('watch').hidden = true;
  for (const tr of document.querySelectorAll('#programs tr.watched')) tr.classList.remove('watched');
}

$('unwatch').addEventListener('click', unwatch);

$('clear-events').addEventListener('click', () => {
  if (!watched) return;
  watched.events = [];
  renderEvents(true);
});

function watch(name) {
  unwatch();
  watched = { name, abort: new AbortController(), events: [], columns: [], lastSeq: 0, total: 0, gaps: 0, drawn: 0, frame: 0 };
  $('watch-name').textContent = name;
  $('watch-status').textContent = 'connecting…';
  $('details').replaceChildren();
  $('maps').replaceChildren(el('p', { class: 'muted' }, 'No map snapshot yet.'));
  $('events').tHead.rows[0].replaceChildren();
  $('events').tBodies[0].replaceChildren();
  $('event-count').textContent = '';
  $('watch').hidden = false;
  for (const tr of document.querySelectorAll('#programs tr')) tr.classList.toggle('watched', tr.dataset.name === name);
  const w = watched;
  streamEvents(w);
  streamMaps(w);
  call('GET', programPath(name), undefined, w.abort.signal).then(renderDetails, () => {});
}

function renderDetails(p) {
  const items = [];
  for (const a of p.programs || []) items.push(el('li', {}, `${a.name} at ${a.section}` + (a.id ? ` (id ${a.id})` : '')));
  for (const s of p.skipped || []) items.push(el('li', { class: 'muted' }, `${s.name} at ${s.section} skipped: ${s.reason}`));
  for (const n of p.notes || []) items.push(el('li', { class: 'muted' }, n));
  const maps = (p.maps || []).map((m) => `${m.name} (${m.type}${m.view ? ', ' + m.view : ''})`).join(', ');
  if ((p.args || []).length) items.unshift(el('li', {}, 'flags: ' + p.args.join(' ')));
  $('details').replaceChildren(el('ul', {}, ...items), el('p', { class: 'muted' }, maps ? 'maps: ' + maps : ''));
  if (watched && watched.name === p.name && !(p.event_maps || []).length && watched.total === 0) {
    $('event-count').textContent = '(none: this program sends no events, only the maps above)';
  }
}

// stream reads one SSE endpoint until the program ends or the watch is
// closed; a dropped connection is retried, resuming where it stopped.
async function stream(w, path, onEvent) {
  for (;;) {
    try {
      const res = await fetch(path(), { headers: authHeaders(), signal: w.abort.signal });
      if (!res.ok) throw await failure(res, 'GET ' + path());
      let ended = false;
      await nomiaSSE.read(res, (type, data, id) => {
        if (type === 'end') ended = true;
        onEvent(type, data, id);
      });
      if (ended) return;
    } catch (e) {
      if (e.name === 'AbortError' || w !== watched) return;
      if (e.status >= 400 && e.status < 500) {
        status(w, e.message);
        return;
      }
    }
    if (w !== watched) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function status(w, text) {
  if (w === watched) $('watch-status').textContent = text;
}

function streamEvents(w) {
  const path = () => programPath(w.name, '/events') + (w.lastSeq ? '?after=' + w.lastSeq : '');
  stream(w, path, (type, data, id) => {
    if (type === 'event') {
      const ev = JSON.parse(data);
      w.lastSeq = ev.seq;
      w.total++;
      w.events.push(ev);
      // A hidden tab draws no frames: trim here too, so memory stays bounded.
      if (w.events.length > 2 * rowCap()) trim(w, rowCap());
      drawSoon(w);
    } else if (type === 'gap') {
      w.gaps += JSON.parse(data).missed;
      drawSoon(w);
    } else if (type === 'end') {
      const p = JSON.parse(data);
      status(w, `${w.name} stopped` + (p.error ? `: ${p.error}` : '') + '; its last events stay below.');
    }
  });
  status(w, 'streaming events');
}

function streamMaps(w) {
  stream(w, () => programPath(w.name, '/snapshots?interval=1s'), (type, data) => {
    if (type === 'maps' && w === watched) renderMaps(JSON.parse(data));
  });
}

// drawSoon redraws at most once per animation frame, however fast events
// arrive.
function drawSoon(w) {
  if (w.frame) return;
  w.frame = requestAnimationFrame(() => {
    w.frame = 0;
    if (w === watched) renderEvents(false);
  });
}

function rowCap() {
  const n = Number($('row-cap').value);
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : 500;
}

const cellText = (v) => (v === undefined ? '' : nomiaMaps.show(v));

// trim keeps the newest cap events; those dropped may have been drawn.
function trim(w, cap) {
  if (w.events.length <= cap) return;
  w.drawn = Math.max(0, w.drawn - (w.events.length - cap));
  w.events.splice(0, w.events.length - cap);
}

// renderEvents shows the newest events first, at most rowCap rows; new rows
// are added to the top, and the table is rebuilt only when a field appears
// that no column shows yet.
function renderEvents(full) {
  const w = watched;
  const cap = rowCap();
  trim(w, cap);
  const fresh = w.events.slice(full ? 0 : w.drawn);
  for (const ev of fresh) {
    for (const k of Object.keys(ev.data && typeof ev.data === 'object' ? ev.data : { value: 0 })) {
      if (!w.columns.includes(k)) {
        w.columns.push(k);
        full = true;
      }
    }
  }
  const body = $('events').tBodies[0];
  const row = (ev) => {
    const data = ev.data && typeof ev.data === 'object' ? ev.data : { value: ev.data };
    return el('tr', {}, el('td', { class: 'num' }, String(ev.seq)), el('td', {}, ev.time.slice(11, 23)),
      el('td', {}, ev.map), ...w.columns.map((k) => el('td', {}, cellText(data[k]))));
  };
  if (full) {
    $('events').tHead.rows[0].replaceChildren(...['seq', 'time', 'map', ...w.columns].map((c) => el('th', {}, c)));
    body.replaceChildren(...w.events.slice().reverse().map(row));
  } else {
    body.prepend(...fresh.reverse().map(row));
    while (body.rows.length > cap) body.lastChild.remove();
  }
  w.drawn = w.events.length;
  let count = `${w.total} received, ${body.rows.length} shown`;
  if (w.gaps) count += `, ${w.gaps} missed (the server's buffer moved on)`;
  $('event-count').textContent = '(' + count + ')';
}

// renderMaps draws a snapshot: histograms as text, other maps as tables.
function renderMaps(snap) {
  const out = [];
  for (const m of snap.maps) {
    out.push(el('h4', {}, m.name));
    if (m.entries.length === 0) {
      out.push(el('p', { class: 'muted' }, 'empty'));
    } else if (m.entries.some((e) => e.hist)) {
      out.push(el('pre', { class: 'hist', 'data-map': m.name }, nomiaMaps.histograms(m.entries)));
    } else {
      out.push(mapTable(m));
    }
  }
  if (out.length === 0) out.push(el('p', { class: 'muted' }, 'This program reports through no map.'));
  out.push(el('p', { class: 'muted' }, 'as of ' + new Date(snap.time).toLocaleTimeString()));
  $('maps').replaceChildren(...out);
}

function mapTable(m) {
  const rows = m.entries.map((e) => new Map(nomiaMaps.fields(e)));
  const cols = [];
  for (const r of rows) for (const k of r.keys()) if (!cols.includes(k)) cols.push(k);
  const cell = (v) => el('td', {}, v === undefined ? '' : nomiaMaps.show(v));
  return el('table', { 'data-map': m.name },
    el('thead', {}, el('tr', {}, ...cols.map((c) => el('th', {}, c)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...cols.map((c) => cell(r.get(c)))))));
}

begin();
