// ScaleManager dashboard. Every value from the server is put into the page as text (textContent, never
// innerHTML): instance ids and rule names are user data. The page refreshes its data every few seconds.
'use strict';

(function () {
  const REFRESH_MS = 5000;
  const view = document.getElementById('view');
  let refreshTimer = null;
  let currentRender = null;

  // ---- DOM and formatting helpers -------------------------------------------------------------------------------

  /** el('td', {class: 'x'}, 'text', child): strings become text nodes, so nothing is ever parsed as HTML. */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(e.dataset, v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function time(epochSeconds) {
    if (epochSeconds === null || epochSeconds === undefined) return '';
    return new Date(epochSeconds * 1000).toLocaleString();
  }

  function ago(epochSeconds) {
    if (!epochSeconds) return '';
    const s = Math.max(0, Math.round(Date.now() / 1000 - epochSeconds));
    if (s < 90) return s + ' s ago';
    if (s < 5400) return Math.round(s / 60) + ' min ago';
    if (s < 172800) return Math.round(s / 3600) + ' h ago';
    return Math.round(s / 86400) + ' d ago';
  }

  function num(v) {
    if (v === null || v === undefined) return '';
    return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
  }

  function status(s) {
    return el('span', {class: 'status ' + String(s)}, String(s).replace(/_/g, ' '));
  }

  function instanceLink(id) {
    return el('a', {href: '#/instance/' + encodeURIComponent(id), class: 'instance'}, id);
  }

  function notice(text, isError) {
    const n = document.getElementById('notice');
    n.textContent = text;
    n.className = isError ? 'error' : '';
    n.hidden = false;
    clearTimeout(notice.timer);
    notice.timer = setTimeout(() => { n.hidden = true; }, 6000);
  }

  // ---- the API ----------------------------------------------------------------------------------------------------

  /** The CSRF token set at sign-in: sent with every change, as the server requires from a signed-in browser. */
  function csrf() {
    const m = document.cookie.match(/(?:^|;\s*)sm_csrf=([^;]+)/);
    return m ? m[1] : '';
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error) || ('HTTP ' + status));
      this.status = status;
      this.body = body;
    }
  }

  async function api(method, path, body) {
    const headers = {'Accept': 'application/json'};
    if (method !== 'GET') headers['X-CSRF-Token'] = csrf();
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(path, {method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)});
    if (r.status === 204) return null;
    let json = null;
    try { json = await r.json(); } catch (e) { json = null; }
    if (r.status === 401 && method === 'GET') {
      location.assign('/login');
    }
    if (!r.ok) throw new ApiError(r.status, json);
    return json;
  }

  /** A GET that tells "this server has no such endpoint (yet)" apart: resolves to null on 404 or 405. */
  async function optional(path) {
    try {
      return await api('GET', path);
    } catch (e) {
      if (e.status === 404 || e.status === 405) return null;
      throw e;
    }
  }

  function describeError(e) {
    if (!(e instanceof ApiError)) return String(e.message || e);
    const details = (e.body && e.body.details || []).map(d => (d.line ? 'line ' + d.line + ' ' : '')
      + (d.field || d.rule || '') + ': ' + d.message);
    const who = e.status === 401 ? ' (sign in with a token)' : e.status === 403 ? ' (this token may not do that)' : '';
    return e.message + who + (details.length ? ' — ' + details.join('; ') : '');
  }

  async function change(method, path, body, done) {
    try {
      const r = await api(method, path, body);
      notice(done);
      return r;
    } catch (e) {
      notice(describeError(e), true);
      throw e;
    }
  }

  // ---- what the signed-in token may do ----------------------------------------------------------------------------

  /** GET /v1/whoami, asked once per page load: null when the server has no such endpoint (then nothing is disabled). */
  let caller = null;

  /** Why the caller may not change things (pauses, silences, reload, backtest), or null when it may. */
  function operateRefusal() {
    if (!caller || caller.may.includes('operate')) return null;
    return caller.name === 'anonymous' ? 'Sign in with a token that has scope operate to change this.'
      : 'The token \u2018' + caller.name + '\u2019 may ' + (caller.may.join(', ') || 'nothing')
        + ': changing this needs scope operate.';
  }

  /**
   * A control that changes something (a form or a button), disabled with the reason as its hint when the caller
   * may not operate: the server would refuse it anyway (403), so the page does not offer it.
   */
  function operate(node) {
    const refusal = operateRefusal();
    if (!refusal) return node;
    const controls = node.matches('button, input, textarea, select') ? [node]
      : node.querySelectorAll('button, input, textarea, select');
    for (const c of controls) {
      c.disabled = true;
      c.title = refusal;
    }
    node.classList.add('not-allowed');
    if (node.tagName === 'FORM') node.append(el('p', {class: 'hint'}, refusal));
    return node;
  }

  // ---- routing ----------------------------------------------------------------------------------------------------

  function route() {
    const hash = location.hash.replace(/^#\/?/, '') || 'fleet';
    const [path, query] = hash.split('?');
    const params = new URLSearchParams(query || '');
    const parts = path.split('/');
    return {name: parts[0], arg: parts.length > 1 ? decodeURIComponent(parts.slice(1).join('/')) : null, params};
  }

  function go(name, params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) if (v !== '' && v !== null && v !== undefined) q.set(k, v);
    const s = q.toString();
    location.hash = '#/' + name + (s ? '?' + s : '');
  }

  const views = {fleet: fleetView, instance: instanceView, actions: actionsView, decisions: decisionsView,
    alerts: alertsView, silences: silencesView, rules: rulesView};

  async function show() {
    clearInterval(refreshTimer);
    const r = route();
    const render = views[r.name] || fleetView;
    for (const a of document.querySelectorAll('nav a')) {
      a.classList.toggle('active', a.dataset.view === r.name || (r.name === 'instance' && a.dataset.view === 'fleet'));
    }
    currentRender = render;
    const live = document.getElementById('live');
    try {
      const refresh = await render(r);
      if (typeof refresh === 'function' && currentRender === render) {
        live.textContent = 'live';
        refreshTimer = setInterval(async () => {
          try {
            await refresh();
            live.textContent = 'live · ' + new Date().toLocaleTimeString();
          } catch (e) {
            live.textContent = 'refresh failed: ' + describeError(e);
          }
        }, REFRESH_MS);
      } else {
        live.textContent = '';
      }
    } catch (e) {
      view.replaceChildren(el('p', {class: 'error'}, 'Could not load this page: ' + describeError(e)));
    }
  }

  // ---- fleet ------------------------------------------------------------------------------------------------------

  const STATUSES = ['ok', 'firing', 'blocked', 'cooling_down', 'paused', 'dry_run', 'at_limit', 'needs_restart',
    'stopped_reporting'];

  async function fleetView(r) {
    const p = {instances: r.params.get('instances') || '', status: r.params.get('status') || '',
      sort: r.params.get('sort') || 'instance', order: r.params.get('order') || 'asc',
      page: Number(r.params.get('page') || 0), size: Number(r.params.get('size') || 50)};
    const started = performance.now();
    const glob = el('input', {name: 'instances', placeholder: 'web-*', value: p.instances, size: 18});
    const statusSelect = el('select', {name: 'status'}, el('option', {value: ''}, 'any status'),
      STATUSES.map(s => el('option', {value: s, selected: s === p.status}, s.replace(/_/g, ' '))));
    const form = el('form', {class: 'filters', id: 'fleet-filter', onsubmit: e => {
      e.preventDefault();
      go('fleet', {...p, instances: glob.value.trim(), status: statusSelect.value, page: 0});
    }}, el('label', {}, 'instances (glob)', glob), el('label', {}, 'status', statusSelect),
    el('button', {type: 'submit'}, 'Filter'));
    const summary = el('p', {class: 'muted', id: 'fleet-summary'});
    const table = el('table', {id: 'fleet'});
    const pager = el('div', {class: 'pager'});
    view.replaceChildren(el('h1', {}, 'Fleet'), form, summary, table, pager);

    function sortHeader(label, key) {
      const active = p.sort === key;
      const next = active && p.order === 'asc' ? 'desc' : 'asc';
      return el('th', {}, el('button', {type: 'button', class: 'sort', 'data-sort': key,
        onclick: () => go('fleet', {...p, sort: key, order: next, page: 0})},
      label + (active ? (p.order === 'asc' ? ' ▲' : ' ▼') : '')));
    }

    async function load() {
      const q = new URLSearchParams({sort: p.sort, order: p.order, page: p.page, size: p.size});
      if (p.instances) q.set('instances', p.instances);
      if (p.status) q.set('status', p.status);
      const fetchStart = performance.now();
      const data = await api('GET', '/v1/fleet?' + q);
      const fetched = performance.now();
      const watched = data.watched;
      const head = el('tr', {}, sortHeader('instance', 'instance'), sortHeader('status', 'status'),
        sortHeader('last seen', 'last_seen'),
        watched.map(t => sortHeader(t + ' (last hour)', 'value:' + t)),
        el('th', {}, 'size'), el('th', {}, 'last action'));
      const rows = data.instances.map(i => el('tr', {'data-instance': i.instance},
        el('td', {}, instanceLink(i.instance)),
        el('td', {title: i.status_why || ''}, status(i.status)),
        el('td', {title: time(i.last_seen)}, ago(i.last_seen)),
        watched.map(t => el('td', {}, el('span', {class: 'spark-cell'},
          window.SmCharts.sparkline(i.sparklines[t] || []), num(i.values[t])))),
        el('td', {}, i.size ? i.size.cpu + ' cpu · ' + i.size.ram + ' MiB · ' + i.size.storage + ' GiB' : '—'),
        el('td', {}, i.last_action ? [i.last_action.component + ' ' + (i.last_action.from ?? '?') + ' → '
          + (i.last_action.to ?? '?') + ' (' + i.last_action.rule + ') ', status(i.last_action.status)] : '—')));
      table.replaceChildren(el('thead', {}, head), el('tbody', {}, rows));
      const counts = Object.entries(data.statuses).filter(([, n]) => n > 0).map(([s, n]) => n + ' ' + s.replace(/_/g, ' '));
      const missing = (data.unanswered || []).map(u => u.manager);
      summary.textContent = data.total + ' instances match' + (counts.length ? ' · ' + counts.join(', ') : '')
        + (data.managers ? ' · from ' + data.managers + (data.managers === 1 ? ' manager' : ' managers') : '')
        + (missing.length ? ' · not answering, their instances are missing: ' + missing.join(', ') : '');
      const pages = Math.max(1, Math.ceil(data.total / p.size));
      pager.replaceChildren(
        el('button', {type: 'button', disabled: p.page <= 0, onclick: () => go('fleet', {...p, page: p.page - 1})}, '‹ previous'),
        el('span', {id: 'fleet-page'}, 'page ' + (p.page + 1) + ' of ' + pages),
        el('button', {type: 'button', disabled: p.page + 1 >= pages, onclick: () => go('fleet', {...p, page: p.page + 1})}, 'next ›'));
      window.smTimings = Object.assign(window.smTimings || {}, {fleetFetchMs: fetched - fetchStart,
        fleetRenderMs: performance.now() - fetched, fleetShownMs: performance.now() - started,
        fleetShownSinceNavigationMs: performance.now()});
      table.dataset.loaded = String(Date.now());
    }
    await load();
    return load;
  }

  // ---- instance ---------------------------------------------------------------------------------------------------

  const RANGES = {'1h': 3600, '6h': 6 * 3600, '24h': 86400, '7d': 7 * 86400};

  async function instanceView(r) {
    const id = r.arg;
    const range = r.params.get('range') || '1h';
    const customFrom = r.params.get('from');
    const customTo = r.params.get('to');
    const title = el('h1', {}, 'Instance ', el('span', {id: 'instance-id'}, id));
    const facts = el('p', {class: 'muted', id: 'instance-facts'});
    const ranges = el('div', {class: 'filters ranges'},
      Object.keys(RANGES).map(k => el('button', {type: 'button', class: k === range && !customFrom ? 'active' : '',
        onclick: () => go('instance/' + encodeURIComponent(id), {range: k})}, k)),
      customRangeForm(id, customFrom, customTo));
    const charts = el('div', {class: 'charts', id: 'charts'});
    const sizes = el('div', {id: 'sizes'});
    const why = el('div', {class: 'card', id: 'why'});
    const pause = pauseForm(id);
    const actions = el('div', {id: 'instance-actions'});
    const alerts = el('div', {id: 'instance-alerts'});
    view.replaceChildren(title, facts, ranges, charts, el('h2', {}, 'Size over time'), sizes,
      el('div', {class: 'grid2'}, el('div', {}, el('h2', {}, 'Why / why not'), why),
        el('div', {}, el('h2', {}, 'Pause this instance'), pause)),
      el('h2', {}, 'Actions'), actions, el('h2', {}, 'Alerts'), alerts);
    let drawn = null;

    async function load() {
      const now = Date.now() / 1000;
      const to = customTo ? Number(customTo) : now;
      const from = customFrom ? Number(customFrom) : to - (RANGES[range] || 3600);
      const q = new URLSearchParams({instance: id, from: from.toFixed(0), to: to.toFixed(0), points: 1000});
      const t0 = performance.now();
      const data = await api('GET', '/v1/history/chart?' + q);
      const t1 = performance.now();
      facts.textContent = (data.last_seen ? 'last report ' + ago(data.last_seen) + ' · ' : 'never reported · ')
        + data.samples + ' samples in range' + (data.step ? ' · one point per ' + data.step + ' s' : '');
      drawn = window.SmCharts.drawInstance(charts, data, drawn);
      window.SmCharts.drawSizes(sizes, data);
      const t2 = performance.now();
      window.smTimings = Object.assign(window.smTimings || {}, {chartFetchMs: t1 - t0, chartDrawMs: t2 - t1,
        chartSamples: data.samples});
      charts.dataset.loaded = String(Date.now());
      await Promise.all([loadWhy(data), loadActions(), loadAlerts()]);
    }

    async function loadWhy(chart) {
      const w = await optional('/v1/instances/' + encodeURIComponent(id) + '/why');
      if (w && Array.isArray(w.rules)) {
        why.replaceChildren(el('table', {id: 'why-table'}, el('thead', {}, el('tr', {}, el('th', {}, 'rule'),
          el('th', {}, 'outcome'), el('th', {}, 'reason'), el('th', {}, 'since'))),
        el('tbody', {}, w.rules.map(x => el('tr', {'data-rule': x.rule}, el('td', {}, x.rule),
          el('td', {}, status(x.outcome)), el('td', {class: 'wrap'}, x.reason || '',
            x.action ? ' (action ' + x.action + ')' : '', x.until ? ' until ' + time(x.until) : ''),
          el('td', {}, ago(x.since)))))));
        return;
      }
      // Without the decisions endpoint: the rules that apply and the latest action of each.
      const latest = await api('GET', '/v1/actions?' + new URLSearchParams({instance: id, limit: 50}));
      why.replaceChildren(el('p', {class: 'muted'}, 'This server does not record decisions yet: the rules that apply '
        + 'and their latest actions.'), el('table', {id: 'why-table'}, el('thead', {}, el('tr', {},
        el('th', {}, 'rule'), el('th', {}, 'when'), el('th', {}, 'latest action'))), el('tbody', {},
        chart.thresholds.filter((t, i, all) => all.findIndex(x => x.rule === t.rule) === i).map(t => {
          const a = latest.actions.find(x => x.rule === t.rule);
          return el('tr', {'data-rule': t.rule}, el('td', {}, t.rule), el('td', {}, t.condition + ' → ' + t.then), el('td', {class: 'wrap'}, a ? [actionStatus(a), ' ' + (a.reason || '') + ' '
            + ago(a.created_at)] : 'none'));
        }))));
    }

    async function loadActions() {
      const data = await api('GET', '/v1/actions?' + new URLSearchParams({instance: id, limit: 20}));
      actions.replaceChildren(actionsTable(data.actions, false));
    }

    async function loadAlerts() {
      const data = await api('GET', '/v1/alerts?' + new URLSearchParams({instance: id, limit: 20}));
      alerts.replaceChildren(alertsTable(data.alerts, false));
    }

    await load();
    // A custom range in the past does not move; the others follow the clock.
    return customTo ? null : load;
  }

  function customRangeForm(id, from, to) {
    const local = s => { const d = new Date(s * 1000); return new Date(d - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16); };
    const f = el('input', {type: 'datetime-local', name: 'from', value: from ? local(Number(from)) : ''});
    const t = el('input', {type: 'datetime-local', name: 'to', value: to ? local(Number(to)) : ''});
    return el('form', {class: 'inline', onsubmit: e => {
      e.preventDefault();
      const a = Date.parse(f.value) / 1000;
      const b = t.value ? Date.parse(t.value) / 1000 : Date.now() / 1000;
      if (!(a < b)) { notice('choose a start before the end', true); return; }
      go('instance/' + encodeURIComponent(id), {from: a.toFixed(0), to: b.toFixed(0)});
    }}, el('label', {}, 'from', f), el('label', {}, 'to', t), el('button', {type: 'submit'}, 'Show'));
  }

  function pauseForm(id) {
    const duration = el('input', {name: 'duration', value: '1h', size: 6});
    const rule = el('input', {name: 'rule', value: '*', size: 12});
    const comment = el('input', {name: 'comment', placeholder: 'why', size: 20});
    return operate(el('form', {class: 'card inline', id: 'pause-form', onsubmit: async e => {
      e.preventDefault();
      await change('POST', '/v1/pauses', {instances: id, rule: rule.value.trim() || '*',
        duration: duration.value.trim(), comment: comment.value}, 'Paused ' + id + ' for ' + duration.value);
    }}, el('label', {}, 'for', duration), el('label', {}, 'rule', rule), el('label', {}, 'comment', comment),
    el('button', {type: 'submit', class: 'primary'}, 'Pause')));
  }

  // ---- actions, decisions, alerts ---------------------------------------------------------------------------------

  // An action the manager refused before sending (refused_by: the shrink guard) is failed in the API, but it is no
  // failed command: it changed nothing and raised no alert, so it is not shown in the failure colour.
  function actionStatus(a) {
    return a.refused_by
      ? el('span', {class: 'status refused',
        title: 'failed: refused by the ' + a.refused_by + ' before anything was sent'}, 'refused: ' + a.refused_by)
      : status(a.status);
  }

  function actionsTable(list, withInstance) {
    return el('table', {class: 'actions'}, el('thead', {}, el('tr', {}, el('th', {}, 'id'),
      withInstance ? el('th', {}, 'instance') : null, el('th', {}, 'rule'), el('th', {}, 'change'),
      el('th', {}, 'status'), el('th', {}, 'created'), el('th', {}, 'reason / error'))),
    el('tbody', {}, list.map(a => el('tr', {'data-action': a.id}, el('td', {}, a.id),
      withInstance ? el('td', {}, instanceLink(a.instance)) : null, el('td', {}, a.rule),
      el('td', {}, a.component + ' ' + (a.from ?? '?') + ' → ' + (a.to ?? '?')), el('td', {}, actionStatus(a)),
      el('td', {title: time(a.created_at)}, ago(a.created_at)), el('td', {class: 'wrap'}, a.error || a.reason || '')))));
  }

  function alertsTable(list, withInstance) {
    return el('table', {class: 'alerts'}, el('thead', {}, el('tr', {}, el('th', {}, 'time'),
      el('th', {}, 'severity'), withInstance ? el('th', {}, 'instance') : null, el('th', {}, 'rule'),
      el('th', {}, 'message'))),
    el('tbody', {}, list.map(a => el('tr', {}, el('td', {title: time(a.time)}, ago(a.time)),
      el('td', {}, status(a.severity)), withInstance ? el('td', {}, a.instance ? instanceLink(a.instance) : '') : null,
      el('td', {}, a.rule || ''), el('td', {class: 'wrap'}, a.message)))));
  }

  function filterForm(name, params, fields) {
    const inputs = fields.map(([key, label, options]) => options
      ? el('select', {name: key}, el('option', {value: ''}, 'any'), options.map(o => el('option', {value: o, selected: params.get(key) === o}, o)))
      : el('input', {name: key, value: params.get(key) || '', placeholder: label}));
    return el('form', {class: 'filters', onsubmit: e => {
      e.preventDefault();
      const q = {};
      fields.forEach(([key], i) => { q[key] = inputs[i].value.trim(); });
      go(name, q);
    }}, fields.map(([, label], i) => el('label', {}, label, inputs[i])), el('button', {type: 'submit'}, 'Filter'));
  }

  async function actionsView(r) {
    const box = el('div');
    view.replaceChildren(el('h1', {}, 'Actions'), filterForm('actions', r.params, [['instance', 'instance'],
      ['status', 'status', ['pending', 'running', 'succeeded', 'failed', 'verifying', 'unverified', 'needs_restart']]]), box);
    async function load() {
      const q = new URLSearchParams({limit: 200});
      for (const k of ['instance', 'status']) if (r.params.get(k)) q.set(k, r.params.get(k));
      const data = await api('GET', '/v1/actions?' + q);
      box.replaceChildren(actionsTable(data.actions, true));
    }
    await load();
    return load;
  }

  async function decisionsView(r) {
    const box = el('div');
    view.replaceChildren(el('h1', {}, 'Decisions'), filterForm('decisions', r.params, [['instance', 'instance'],
      ['rule', 'rule'], ['outcome', 'outcome', ['fired', 'would_fire', 'not_held', 'stale', 'blocked', 'at_limit',
        'paused', 'outside_schedule', 'budget', 'guard', 'too_old']]]), box);
    async function load() {
      const q = new URLSearchParams({limit: 200});
      for (const k of ['instance', 'rule', 'outcome']) if (r.params.get(k)) q.set(k, r.params.get(k));
      const data = await optional('/v1/decisions?' + q);
      if (!data) {
        box.replaceChildren(el('p', {class: 'muted'}, 'This server does not record decisions yet; the Actions page '
          + 'lists what the rules did.'));
        return;
      }
      box.replaceChildren(el('table', {id: 'decisions'}, el('thead', {}, el('tr', {}, el('th', {}, 'time'),
        el('th', {}, 'instance'), el('th', {}, 'rule'), el('th', {}, 'outcome'), el('th', {}, 'reason'))),
      el('tbody', {}, data.decisions.map(d => el('tr', {}, el('td', {title: time(d.time)}, ago(d.time)),
        el('td', {}, instanceLink(d.instance)), el('td', {}, d.rule), el('td', {}, status(d.outcome)),
        el('td', {class: 'wrap'}, d.reason || ''))))));
    }
    await load();
    return load;
  }

  async function alertsView(r) {
    const box = el('div');
    view.replaceChildren(el('h1', {}, 'Alerts'), filterForm('alerts', r.params, [['instance', 'instance']]), box);
    async function load() {
      const q = new URLSearchParams({limit: 200});
      if (r.params.get('instance')) q.set('instance', r.params.get('instance'));
      const data = await api('GET', '/v1/alerts?' + q);
      box.replaceChildren(alertsTable(data.alerts, true));
    }
    await load();
    return load;
  }

  // ---- silences and pauses ----------------------------------------------------------------------------------------

  async function silencesView() {
    const silences = el('div', {id: 'silences'});
    const pauses = el('div', {id: 'pauses'});
    const sInstances = el('input', {name: 'instances', value: '*', size: 14});
    const sRule = el('input', {name: 'rule', placeholder: 'any rule', size: 12});
    const sDuration = el('input', {name: 'duration', value: '2h', size: 6});
    const sComment = el('input', {name: 'comment', placeholder: 'why', size: 20});
    const silenceForm = operate(el('form', {class: 'card inline', id: 'silence-form', onsubmit: async e => {
      e.preventDefault();
      const body = {instances: sInstances.value.trim(), duration: sDuration.value.trim(), comment: sComment.value};
      if (sRule.value.trim()) body.rule = sRule.value.trim();
      await change('POST', '/v1/silences', body, 'Silence created');
      await load();
    }}, el('label', {}, 'instances (glob)', sInstances), el('label', {}, 'rule', sRule),
    el('label', {}, 'for', sDuration), el('label', {}, 'comment', sComment),
    el('button', {type: 'submit', class: 'primary'}, 'Silence')));
    const pInstances = el('input', {name: 'instances', value: '*', size: 14});
    const pRule = el('input', {name: 'rule', value: '*', size: 12});
    const pDuration = el('input', {name: 'duration', value: '1h', size: 6});
    const pComment = el('input', {name: 'comment', placeholder: 'why', size: 20});
    const pauseCreate = operate(el('form', {class: 'card inline', id: 'pause-create', onsubmit: async e => {
      e.preventDefault();
      await change('POST', '/v1/pauses', {instances: pInstances.value.trim(), rule: pRule.value.trim() || '*',
        duration: pDuration.value.trim(), comment: pComment.value}, 'Pause created');
      await load();
    }}, el('label', {}, 'instances (glob)', pInstances), el('label', {}, 'rule', pRule),
    el('label', {}, 'for', pDuration), el('label', {}, 'comment', pComment),
    el('button', {type: 'submit', class: 'primary'}, 'Pause')));
    view.replaceChildren(el('h1', {}, 'Silences'), el('p', {class: 'muted'}, 'A silence keeps alerts from being sent; '
      + 'they are still recorded.'), silenceForm, silences, el('h1', {}, 'Pauses'),
    el('p', {class: 'muted'}, 'A paused rule does not act on the instances it covers.'), pauseCreate, pauses);

    async function load() {
      const s = await api('GET', '/v1/silences');
      silences.replaceChildren(el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'id'), el('th', {}, 'instances'),
        el('th', {}, 'rule'), el('th', {}, 'kind'), el('th', {}, 'ends'), el('th', {}, 'comment'), el('th', {}))),
      el('tbody', {}, s.silences.map(x => el('tr', {'data-silence': x.id}, el('td', {}, x.id), el('td', {}, x.instances),
        el('td', {}, x.rule || 'any'), el('td', {}, x.kind || 'any'), el('td', {}, time(x.ends_at)),
        el('td', {class: 'wrap'}, x.comment || ''), el('td', {}, operate(el('button', {type: 'button', class: 'expire',
          onclick: async () => { await change('DELETE', '/v1/silences/' + x.id, undefined, 'Silence ' + x.id + ' expired'); await load(); }},
        'Expire'))))))));
      const p = await optional('/v1/pauses');
      if (!p) {
        pauses.replaceChildren(el('p', {class: 'muted'}, 'This server has no pauses yet.'));
        pauseCreate.hidden = true;
        return;
      }
      pauses.replaceChildren(el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'id'), el('th', {}, 'instances'),
        el('th', {}, 'rule'), el('th', {}, 'until'), el('th', {}, 'comment'), el('th', {}, 'by'), el('th', {}))),
      el('tbody', {}, p.pauses.map(x => el('tr', {'data-pause': x.id}, el('td', {}, x.id), el('td', {}, x.instances),
        el('td', {}, x.rule), el('td', {}, time(x.until)), el('td', {class: 'wrap'}, x.comment || ''),
        el('td', {}, x.created_by || ''), el('td', {}, operate(el('button', {type: 'button', class: 'expire',
          onclick: async () => { await change('DELETE', '/v1/pauses/' + x.id, undefined, 'Pause ' + x.id + ' expired'); await load(); }},
        'Expire'))))))));
    }
    await load();
    return null;
  }

  // ---- rules ------------------------------------------------------------------------------------------------------

  async function rulesView() {
    const head = el('div', {class: 'card', id: 'ruleset'});
    const box = el('div');
    view.replaceChildren(el('h1', {}, 'Rules'), head, box, backtestForm());
    async function load() {
      const [loaded, activity] = await Promise.all([optional('/v1/rules'), api('GET', '/v1/rules/activity')]);
      head.replaceChildren(loaded
        ? el('p', {}, 'Ruleset ', el('code', {id: 'ruleset-hash'}, loaded.hash), ' loaded ',
          el('span', {id: 'ruleset-loaded', title: time(loaded.loaded_at)}, time(loaded.loaded_at)))
        : el('p', {class: 'muted'}, 'This server does not report the ruleset\'s hash yet.'),
      activity.dry_run_all ? el('p', {id: 'dry-run-all'}, status('dry_run'),
        ' manager.dry_run is on: no rule sends anything, each records what it would do.') : null,
      loaded ? operate(el('button', {type: 'button', id: 'reload', onclick: async () => {
        const r = await change('POST', '/v1/rules/reload', undefined, 'Ruleset reloaded');
        if (r) notice('Reloaded: ' + r.rules + ' rules, hash ' + r.hash);
        await load();
      }}, 'Reload the ruleset')) : null);
      box.replaceChildren(el('table', {id: 'rules'}, el('thead', {}, el('tr', {}, el('th', {}, 'rule'),
        el('th', {}, 'instances'), el('th', {}, 'definition'), el('th', {}, 'fired (24h)'),
        el('th', {}, 'would fire (24h, dry run)'), el('th', {}, 'dry run'),
        el('th', {}, 'line'))),
      el('tbody', {}, activity.rules.map(x => el('tr', {'data-rule': x.rule}, el('td', {}, x.rule),
        el('td', {}, x.instances), el('td', {class: 'wrap'}, x.description, x.enabled ? '' : ' (disabled)'),
        el('td', {class: 'fired'}, x.fired),
        el('td', {class: 'would-fire', title: 'held while in dry run: what it would have started'},
          x.would_fire ? x.would_fire + ' would fire' : '0'),
        el('td', {class: 'dry-run'}, x.dry_run ? 'yes' : 'no'),
        el('td', {}, x.line))))));
    }
    await load();
    return load;
  }

  /**
   * Backtest: a pasted ruleset replayed over a range of the EventLog by the server (POST /v1/rules/backtest), its
   * answer shown as the contract's result table (per rule: fired, instances, up, down, flaps, at limit, alerts) and
   * the would-be actions. Every rule name and instance id is put in as text.
   */
  function backtestForm() {
    const local = s => { const d = new Date(s * 1000); return new Date(d - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16); };
    const now = Date.now() / 1000;
    const rules = el('textarea', {name: 'rules', rows: 10, cols: 80, spellcheck: 'false',
      placeholder: 'rules:\n  - name: cpu-up\n    when: cpu > 80\n    for: 5m\n    then: cpu +1'});
    const from = el('input', {type: 'datetime-local', name: 'from', value: local(now - 86400)});
    const to = el('input', {type: 'datetime-local', name: 'to', value: local(now + 60)});
    const instances = el('input', {name: 'instances', value: '*', size: 14});
    const result = el('div', {id: 'backtest-result'});
    const run = el('button', {type: 'submit', class: 'primary'}, 'Backtest');
    const form = operate(el('form', {class: 'card', id: 'backtest-form', onsubmit: async e => {
      e.preventDefault();
      const a = Date.parse(from.value) / 1000;
      const b = Date.parse(to.value) / 1000;
      if (!(a < b)) { notice('choose a start before the end', true); return; }
      run.disabled = true;
      result.replaceChildren(el('p', {class: 'muted'}, 'Replaying…'));
      try {
        const r = await api('POST', '/v1/rules/backtest', {rules: rules.value, from: Math.floor(a), to: Math.ceil(b),
          instances: instances.value.trim() || '*'});
        result.replaceChildren(backtestResult(r));
      } catch (err) {
        result.replaceChildren(el('p', {class: 'error'}, describeError(err)));
      } finally {
        run.disabled = false;
      }
    }}, el('label', {}, 'ruleset (YAML, as in a rules file)', rules),
    el('div', {class: 'inline filters'}, el('label', {}, 'from', from), el('label', {}, 'to', to),
      el('label', {}, 'instances (glob)', instances), run)));
    return el('section', {id: 'backtest'}, el('h1', {}, 'Backtest'), el('p', {class: 'muted'}, 'What a ruleset would '
      + 'have done over the events stored for a range (at most 7 days here; longer ones with scalemanager rules '
      + 'backtest). Nothing is sent.'), form, result);
  }

  const BACKTEST_SHOWN_ACTIONS = 500;

  function backtestResult(r) {
    const shown = r.actions.slice(0, BACKTEST_SHOWN_ACTIONS);
    return el('div', {}, el('p', {id: 'backtest-summary'}, r.events + ' events replayed · ' + r.actions.length
      + ' would-be actions' + (r.actions.length > shown.length ? ' (the first ' + shown.length + ' below)' : '')),
    el('table', {id: 'backtest-rules'}, el('thead', {}, el('tr', {}, ['rule', 'fired', 'instances', 'up', 'down',
      'flaps', 'at limit', 'alerts', 'would fire'].map(h => el('th', {}, h)))),
    el('tbody', {}, r.rules.map(x => el('tr', {'data-rule': x.rule}, el('td', {}, x.rule), el('td', {class: 'fired'}, x.fired),
      el('td', {}, x.instances), el('td', {}, x.up), el('td', {}, x.down), el('td', {}, x.flaps),
      el('td', {}, x.at_limit), el('td', {}, x.alerts), el('td', {class: 'would-fire'}, x.would_fire))))),
    el('h2', {}, 'Would-be actions'),
    el('table', {id: 'backtest-actions'}, el('thead', {}, el('tr', {}, ['time', 'instance', 'rule', 'change']
      .map(h => el('th', {}, h)))),
    el('tbody', {}, shown.map(a => el('tr', {}, el('td', {}, time(a.time)), el('td', {}, instanceLink(a.instance)),
      el('td', {}, a.rule), el('td', {}, a.component + ' ' + a.from + ' → ' + a.to + (a.dry_run ? ' (dry run)' : '')))))));
  }

  // ---- start ------------------------------------------------------------------------------------------------------

  const signout = document.getElementById('signout');
  if (csrf()) {
    signout.hidden = false;
    signout.addEventListener('click', async () => {
      await api('DELETE', '/v1/session');
      location.assign('/login');
    });
  }
  window.addEventListener('hashchange', show);
  optional('/v1/whoami').catch(() => null).then(me => {
    caller = me;
    if (me) {
      const who = document.getElementById('caller');
      who.textContent = me.name + ' · ' + (me.may.join(', ') || 'no scope');
      who.hidden = false;
    }
    show();
  });
})();
