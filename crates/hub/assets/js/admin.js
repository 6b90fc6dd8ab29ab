// The admin pages: "Connect a number" (the preflight and starting an onboarding), an
// onboarding's page (opening Meta's Embedded Signup, or the sandbox's stand-in, and posting
// what it answers to the hub), and a number's page (requesting the one-time syncs, the 24-hour
// countdown, the history progress). Everything goes through the REST API.

import { ApiError, get, post, setCsrf } from './api.js';

const $ = (sel) => document.querySelector(sel);

function say(el, text, kind) {
  if (!el) return;
  el.textContent = text;
  el.className = kind ? `note ${kind}` : 'note';
}

function boot() {
  const el = document.getElementById('boot');
  return el ? JSON.parse(el.textContent) : {};
}

function message(e) {
  return e instanceof ApiError ? e.message : String(e);
}

// ---------- Connect a number ----------

function chosenMode() {
  const checked = document.querySelector('input[name="mode"]:checked');
  return checked ? checked.value : 'coexistence';
}

function showModeFields() {
  const cloud = chosenMode() === 'cloud_api';
  for (const el of document.querySelectorAll('.coexistence-only')) el.hidden = cloud;
  for (const el of document.querySelectorAll('.cloud-only')) el.hidden = !cloud;
}

function preflightBody() {
  const mode = chosenMode();
  const scope = mode === 'cloud_api' ? '.cloud-only' : '.coexistence-only';
  const confirmed = [...document.querySelectorAll(`${scope} input[name="confirmed"]:checked`)].map((i) => i.value);
  const body = { mode, phone: $('#phone').value, confirmed };
  if (mode === 'coexistence') body.app_version = $('#app-version').value;
  return body;
}

function renderReport(report) {
  const out = $('#preflight-result');
  out.innerHTML = '';
  const head = document.createElement('p');
  head.className = report.eligible ? 'note good' : 'note bad';
  head.id = 'preflight-verdict';
  head.textContent = report.eligible
    ? 'Eligible: every check passed.'
    : 'Not eligible yet. Nothing was changed; fix what is listed and check again.';
  const list = document.createElement('ul');
  list.className = 'checks';
  list.id = 'preflight-checks';
  for (const c of report.checks) {
    const li = document.createElement('li');
    li.className = `check ${c.verdict}`;
    li.dataset.check = c.check;
    const q = document.createElement('strong');
    q.textContent = `${c.verdict === 'pass' ? '✓' : c.verdict === 'fail' ? '✗' : '?'} ${c.question}`;
    const d = document.createElement('div');
    d.textContent = `${c.detail} (${c.source})`;
    li.append(q, d);
    list.append(li);
  }
  out.append(head, list);
}

function initConnect() {
  for (const r of document.querySelectorAll('input[name="mode"]')) r.addEventListener('change', showModeFields);
  showModeFields();
  $('#preflight-check').addEventListener('click', async () => {
    try {
      renderReport(await post('/api/v1/onboarding/preflight', preflightBody()));
    } catch (e) {
      say($('#preflight-result'), message(e), 'bad');
    }
  });
  $('#preflight-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const started = await post('/api/v1/onboardings', preflightBody());
      location.assign(`/admin/onboardings/${started.onboarding.id}`);
    } catch (e) {
      const report = e.body && e.body.error && e.body.error.preflight;
      if (report) renderReport(report);
      else say($('#preflight-result'), message(e), 'bad');
    }
  });
}

// ---------- An onboarding: the signup window ----------

/** Meta posts JSON strings from facebook.com; the sandbox posts objects. */
function parseMessage(data) {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}

function allowedOrigins(signup) {
  if (signup.mode === 'sandbox') return [new URL(signup.window_url).origin];
  return ['https://www.facebook.com', 'https://web.facebook.com'];
}

async function finish(id, event, code) {
  const status = $('#launch-status');
  say(status, 'Meta answered; finishing the onboarding…');
  const pin = $('#pin') ? $('#pin').value.trim() : undefined;
  try {
    await post(`/api/v1/onboardings/${id}/finish`, { event, code, pin });
  } catch (e) {
    say(status, message(e), 'bad');
    return;
  }
  location.reload();
}

/** Collects the finish (or cancel) event and the code, in whichever order they come. */
function listen(b) {
  const got = { event: null, code: null, done: false };
  const origins = allowedOrigins(b.signup);
  const settle = () => {
    if (got.done || !got.event) return;
    const cancelled = got.event.event === 'CANCEL';
    if (!cancelled && !got.code) return;
    got.done = true;
    finish(b.onboarding_id, got.event, got.code);
  };
  window.addEventListener('message', (ev) => {
    if (!origins.includes(ev.origin)) return;
    const data = parseMessage(ev.data);
    if (!data) return;
    if (data.type === 'WA_EMBEDDED_SIGNUP') got.event = data;
    if (data.type === 'FB_LOGIN_RESPONSE' && data.authResponse) got.code = data.authResponse.code;
    settle();
  });
  return (code) => {
    got.code = code;
    settle();
  };
}

function extras(b) {
  const extras = { setup: {}, sessionInfoVersion: '3' };
  if (b.mode === 'coexistence') extras.featureType = b.signup.coexistence_feature;
  return extras;
}

function openSandbox(b) {
  const s = b.signup;
  const url = new URL(s.window_url);
  url.searchParams.set('app_id', s.app_id);
  url.searchParams.set('config_id', s.config_id);
  if (b.mode === 'coexistence') url.searchParams.set('feature', s.coexistence_feature);
  url.searchParams.set('origin', location.origin);
  url.searchParams.set('phone', b.phone);
  return window.open(url.toString(), 'coexist-signup', 'popup,width=520,height=760');
}

function loadSdk(signup) {
  return new Promise((resolve, reject) => {
    if (window.FB) return resolve(window.FB);
    window.fbAsyncInit = () => {
      window.FB.init({ appId: signup.app_id, autoLogAppEvents: true, xfbml: false, version: 'v23.0' });
      resolve(window.FB);
    };
    const script = document.createElement('script');
    script.src = signup.sdk_url;
    script.async = true;
    script.crossOrigin = 'anonymous';
    script.onerror = () => reject(new Error("Meta's JS SDK could not be loaded."));
    document.head.append(script);
  });
}

function initOnboarding() {
  const b = boot();
  const launch = $('#launch-signup');
  if (launch) {
    const gotCode = listen(b);
    // Meta's SDK is loaded ahead so FB.login runs inside the click (popup blockers).
    const sdk = b.signup.mode === 'meta' ? loadSdk(b.signup) : null;
    if (sdk) sdk.catch((e) => say($('#launch-status'), e.message, 'bad'));
    launch.addEventListener('click', () => {
      if (b.mode === 'cloud_api' && !/^\d{6}$/.test(($('#pin') || {}).value || '')) {
        say($('#launch-status'), 'Type the six-digit PIN first: the number is registered with it.', 'bad');
        return;
      }
      if (b.signup.mode === 'sandbox') {
        if (!openSandbox(b)) say($('#launch-status'), 'The browser blocked the window: allow pop-ups for this page.', 'bad');
        else say($('#launch-status'), 'Waiting for the signup window…');
      } else if (b.signup.mode === 'meta' && window.FB) {
        window.FB.login((response) => {
          if (response.authResponse && response.authResponse.code) gotCode(response.authResponse.code);
        }, { config_id: b.signup.config_id, response_type: 'code', override_default_response_type: true, extras: extras(b) });
        say($('#launch-status'), "Waiting for Meta's signup window…");
      } else {
        say($('#launch-status'), b.signup.why || "Meta's JS SDK is not loaded yet; try again in a moment.", 'bad');
      }
    });
  }
  const resume = $('#resume-onboarding');
  if (resume) {
    resume.addEventListener('click', async () => {
      const pin = $('#pin') ? $('#pin').value.trim() : undefined;
      try {
        await post(`/api/v1/onboardings/${b.onboarding_id}/resume`, { pin });
        location.reload();
      } catch (e) {
        say($('#launch-status'), message(e), 'bad');
      }
    });
  }
  const cancel = $('#cancel-onboarding');
  if (cancel) {
    cancel.addEventListener('click', async () => {
      try {
        await post(`/api/v1/onboardings/${b.onboarding_id}/cancel`);
        location.assign('/admin/numbers');
      } catch (e) {
        say($('#launch-status'), message(e), 'bad');
      }
    });
  }
}

// ---------- A number: the one-time syncs ----------

function countdown(deadline, offsetMs) {
  const el = $('#countdown');
  if (!el || !deadline) return;
  const end = Date.parse(deadline);
  const tick = () => {
    const left = Math.max(0, end - (Date.now() + offsetMs));
    const h = Math.floor(left / 3_600_000);
    const m = Math.floor((left % 3_600_000) / 60_000);
    const s = Math.floor((left % 60_000) / 1000);
    el.textContent = `${h} h ${String(m).padStart(2, '0')} min ${String(s).padStart(2, '0')} s`;
    if (left === 0) el.textContent = 'no time';
  };
  tick();
  setInterval(tick, 1000);
}

function renderSync(s) {
  const li = document.getElementById(`sync-${s.kind}`);
  if (!li) return;
  li.dataset.state = s.state;
  li.className = `sync ${s.state}`;
  li.querySelector('.sync-state').textContent = s.state;
  li.querySelector('.sync-explanation').textContent = s.explanation;
  const box = li.querySelector('input[name="kind"]');
  if (box && !s.can_request) {
    const label = document.createElement('span');
    label.className = 'sync-label';
    label.textContent = box.parentElement.textContent.trim();
    box.parentElement.replaceWith(label);
  }
}

function renderStatus(v) {
  for (const s of v.syncs) renderSync(s);
  const button = $('#request-sync');
  if (button && !v.syncs.some((s) => s.can_request)) button.remove();
  const h = v.health.history;
  const progress = h.progress || 0;
  $('#history-progress').value = progress;
  $('#history-percent').textContent = `${progress}%`;
  const historyState = v.health.history_stalled ? 'stalled' : h.state;
  $('#history-state').textContent = historyState;
  $('#history').className = `history ${historyState}`;
  const labels = [['0', 'Last day'], ['1', 'Days 1–90'], ['2', 'Days 90–180']];
  const phases = $('#history-phases');
  phases.innerHTML = '';
  for (const [key, label] of labels) {
    const p = h.phases[key];
    const li = document.createElement('li');
    const strong = document.createElement('strong');
    strong.textContent = `${label}:`;
    li.append(strong, ` ${p ? `${p.chunks} chunks · ${p.messages} messages` : 'waiting'}`);
    phases.append(li);
  }
  if (v.number.contacts_synced_at) $('#contacts-synced').textContent = `Contacts last synced ${v.number.contacts_synced_at}.`;
  $('#lifecycle-title').textContent = v.lifecycle.title;
  $('#lifecycle-detail').textContent = v.lifecycle.detail;
}

function initNumber() {
  const b = boot();
  const id = document.body.dataset.number;
  countdown(b.deadline, (b.server_now_ms || Date.now()) - Date.now());
  const refresh = async () => {
    try {
      renderStatus(await get(`/api/v1/numbers/${id}/onboarding`));
    } catch (e) {
      /* the next poll tries again */
    }
  };
  setInterval(refresh, 2000);
  const form = $('#sync-form');
  if (!form) return;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const kinds = [...form.querySelectorAll('input[name="kind"]:checked')].map((i) => i.value);
    const out = $('#sync-result');
    out.innerHTML = '';
    const button = $('#request-sync');
    if (button) button.disabled = true;
    for (const kind of kinds) {
      const p = document.createElement('p');
      try {
        const answer = await post(`/api/v1/numbers/${id}/sync`, { kind });
        p.className = 'note good';
        p.textContent = answer.message;
      } catch (e) {
        p.className = 'note bad';
        p.textContent = message(e);
      }
      out.append(p);
    }
    await refresh();
  });
}

async function start() {
  try {
    const me = await get('/api/v1/me');
    setCsrf(me.csrf_token);
  } catch (e) {
    /* the API answers 401 and api.js goes to the login page */
  }
  const page = document.body.dataset.page;
  if (page === 'connect') initConnect();
  if (page === 'onboarding') initOnboarding();
  if (page === 'number') initNumber();
}

start();
