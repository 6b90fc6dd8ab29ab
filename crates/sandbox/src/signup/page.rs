//! The pages: the stand-in for Meta's signup window (a real QR code, the number, the history
//! choice, "Scan with the phone"), and the phone's confirmation screen the QR code leads to.
//!
//! The window posts to its opener what Meta's does: the session-logging message
//! `{"type": "WA_EMBEDDED_SIGNUP", "event": …, "data": …, "version": 3}` (META.md §10.3), and,
//! standing in for `FB.login`'s callback, `{"type": "FB_LOGIN_RESPONSE", "status":
//! "connected", "authResponse": {"code": …}}`. It learns a scan made elsewhere (the phone page,
//! the control API) by polling its session.

use qrcode::QrCode;
use qrcode::render::svg;

use super::{Prospect, Session};
use crate::config::NumberMode;

/// HTML-escapes text for element content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A QR code of `data` as inline SVG (without the XML declaration).
pub(crate) fn qr_svg(data: &str) -> String {
    match QrCode::new(data.as_bytes()) {
        Ok(code) => {
            let image = code
                .render::<svg::Color<'_>>()
                .min_dimensions(220, 220)
                .quiet_zone(true)
                .build();
            match image.find("<svg") {
                Some(at) => image[at..].to_owned(),
                None => image,
            }
        }
        Err(e) => format!("<p>cannot draw the QR code: {}</p>", esc(&e.to_string())),
    }
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1c1e21;background:#f0f2f5}\
main{max-width:460px;margin:0 auto;padding:20px}\
.card{background:#fff;border-radius:10px;padding:20px;box-shadow:0 1px 3px #0002}\
.tag{font-size:12px;color:#65676b;margin-bottom:8px}\
h1{font-size:20px;margin:0 0 10px}\
#qr{display:flex;justify-content:center;margin:14px 0}#qr svg{width:220px;height:220px}\
label{display:block;margin:8px 0}select{width:100%;padding:6px;font:inherit}\
button{font:inherit;padding:8px 14px;border-radius:6px;border:1px solid #ccd0d5;background:#fff;cursor:pointer}\
button.primary{background:#1877f2;color:#fff;border-color:#1877f2}\
.row{display:flex;gap:8px;margin-top:14px}\
#status{margin-top:12px;min-height:1.4em}.bad{color:#b3261e}.good{color:#1b7f3b}\
ul{padding-left:20px}";

/// The signup window.
pub(crate) fn popup(session: &Session, prospects: &[&Prospect], base: &str) -> String {
    let coexistence = session.coexistence;
    let title = if coexistence {
        "Connect your WhatsApp Business app"
    } else {
        "Add a phone number to the WhatsApp Cloud API"
    };
    let explain = if coexistence {
        "Scan this code with the phone that runs WhatsApp Business for this number, then confirm <b>Connect to the Business Platform</b>. Your chats stay on the phone; the app gets the API next to it."
    } else {
        "Choose the number to add. Meta sends it a verification code; scanning stands in for typing it. The number works only through the API afterwards."
    };
    let options: String = prospects
        .iter()
        .map(|p| {
            let selected = session.phone_hint.as_deref() == Some(p.display_phone_number.as_str());
            format!(
                "<option value=\"{v}\"{s}>+{v} · {n}</option>",
                v = esc(&p.display_phone_number),
                n = esc(&p.verified_name),
                s = if selected { " selected" } else { "" }
            )
        })
        .collect();
    let phone_url = format!("{base}/_sandbox/signup/{}/phone", session.id);
    let history = if coexistence {
        "<label><input type=\"checkbox\" id=\"share\" checked> Share my chat history (up to 6 months) with this business platform</label>"
    } else {
        ""
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>{STYLE}</style></head>\
<body data-session=\"{id}\" data-origin=\"{origin}\" data-base=\"{base_attr}\"><main><div class=\"card\">\
<div class=\"tag\">coexist sandbox · stands in for Meta's Embedded Signup window</div>\
<h1>{title}</h1><p>{explain}</p>\
<label>Phone number <select id=\"phone\">{options}</select></label>\
<div id=\"qr\" aria-label=\"QR code to scan with the phone\">{qr}</div>\
{history}\
<div class=\"row\"><button class=\"primary\" id=\"scan\" type=\"button\">Scan with the phone</button>\
<button id=\"cancel\" type=\"button\">Cancel</button></div>\
<div id=\"status\" role=\"status\"></div></div></main><script>{script}</script></body></html>",
        id = esc(&session.id),
        origin = esc(session.origin.as_deref().unwrap_or("")),
        base_attr = esc(base),
        qr = qr_svg(&phone_url),
        script = POPUP_JS,
    )
}

const POPUP_JS: &str = r#"
const d = document.body.dataset;
const api = `${d.base}/_sandbox/signup/${d.session}`;
const status = document.getElementById('status');
let over = false;
function post(messages) {
  if (!window.opener) return;
  for (const m of messages) window.opener.postMessage(m, d.origin || '*');
}
function show(text, cls) { status.textContent = text; status.className = cls || ''; }
function finished(s) {
  if (over) return; over = true;
  post([s.event, {type: 'FB_LOGIN_RESPONSE', status: 'connected', authResponse: {code: s.code}}]);
  show('Connected. This window closes by itself.', 'good');
  setTimeout(() => window.close(), 400);
}
function refused(s) {
  over = true;
  status.innerHTML = '';
  const p = document.createElement('p'); p.className = 'bad';
  p.textContent = `Meta cannot connect +${s.display_phone_number}:`;
  const ul = document.createElement('ul');
  for (const r of s.reasons) { const li = document.createElement('li'); li.textContent = r; ul.append(li); }
  status.append(p, ul);
  document.getElementById('scan').disabled = true;
  document.getElementById('cancel').textContent = 'Close';
  document.getElementById('cancel').onclick = () => {
    post([{type: 'WA_EMBEDDED_SIGNUP', event: 'CANCEL', version: 3,
           data: {error_message: s.reasons.join(' '), error_id: 'SANDBOX_INELIGIBLE', session_id: d.session}}]);
    window.close();
  };
}
function settle(s) {
  if (s.state === 'finished') finished(s);
  else if (s.state === 'refused') refused(s);
  else if (s.state === 'cancelled') { over = true; show('Cancelled.'); }
}
async function poll() {
  if (over) return;
  try { settle(await (await fetch(api)).json()); } catch (e) { /* try again */ }
  if (!over) setTimeout(poll, 500);
}
document.getElementById('scan').onclick = async () => {
  show('Scanning…');
  const share = document.getElementById('share');
  const body = {phone_number: document.getElementById('phone').value, share_history: share ? share.checked : true};
  await fetch(`${api}/scan`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)});
  settle(await (await fetch(api)).json());
};
document.getElementById('cancel').onclick = async () => {
  over = true;
  await fetch(`${api}/cancel`, {method: 'POST'});
  post([{type: 'WA_EMBEDDED_SIGNUP', event: 'CANCEL', version: 3, data: {current_step: 'QR_CODE_SCAN'}}]);
  window.close();
};
poll();
"#;

/// The phone's screen after scanning: confirm the connection.
pub(crate) fn phone(session: &Session, prospect: Option<&Prospect>, base: &str) -> String {
    let number = prospect.map_or_else(
        || "this phone".to_owned(),
        |p| format!("+{} ({})", p.display_phone_number, p.verified_name),
    );
    let what = match prospect.map(|p| p.mode) {
        Some(NumberMode::CloudApi) => "Verify this number for the WhatsApp Cloud API.",
        _ => {
            "Connect this WhatsApp Business app to the Business Platform. Disappearing messages, view once and live location are turned off; broadcast lists become read-only."
        }
    };
    // Our own address and a session id of letters and digits: safe inside the script.
    let api = format!("{base}/_sandbox/signup/{}", session.id);
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Phone</title>\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>{STYLE}</style></head>\
<body><main><div class=\"card\"><div class=\"tag\">coexist sandbox · the business's phone</div>\
<h1>{number}</h1><p>{what}</p>\
<label><input type=\"checkbox\" id=\"share\" checked> Share chat history</label>\
<div class=\"row\"><button class=\"primary\" id=\"confirm\" type=\"button\">Confirm</button></div>\
<div id=\"status\" role=\"status\"></div></div></main><script>\
document.getElementById('confirm').onclick = async () => {{\
const r = await fetch('{api}/scan', {{method: 'POST', headers: {{'content-type': 'application/json'}},\
 body: JSON.stringify({{share_history: document.getElementById('share').checked}})}});\
const s = document.getElementById('status'); s.textContent = r.ok ? 'Connected.' : (await r.json()).error.message;\
}};</script></body></html>",
        number = esc(&number),
    )
}
