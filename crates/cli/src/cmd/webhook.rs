//! `coexist webhook inspect [FILE|-]`: what coexist understands from one webhook body, as one
//! JSON line per event, for operators debugging their webhooks. Optionally checks the
//! `X-Hub-Signature-256` header value against the app secret.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use coexist_core::ingest::{AmendmentKind, Change, NumberRef, ReadError, read_webhook};
use coexist_core::time::Timestamp;
use serde_json::{Value, json};

/// `coexist webhook ...`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: WebhookCommand,
}

#[derive(Debug, clap::Subcommand)]
enum WebhookCommand {
    /// Print what coexist understands from one webhook body, one JSON line per event.
    ///
    /// Exit codes: 0 understood; 2 not JSON or not a WhatsApp webhook (a one-line error on
    /// stderr says where); 3 the signature does not match; 1 the input could not be read.
    Inspect(InspectArgs),
}

#[derive(Debug, clap::Args)]
struct InspectArgs {
    /// The body to read: a file, or `-` (the default) for standard input.
    #[arg(default_value = "-")]
    file: String,
    /// The app secret, to check the signature.
    #[arg(
        long,
        env = "COEXIST_APP_SECRET",
        hide_env_values = true,
        requires = "signature"
    )]
    app_secret: Option<String>,
    /// The `X-Hub-Signature-256` header value (`sha256=<hex>`).
    #[arg(long, requires = "app_secret")]
    signature: Option<String>,
}

pub(crate) fn run(args: Args) -> ExitCode {
    match args.command {
        WebhookCommand::Inspect(a) => inspect(a),
    }
}

fn inspect(args: InspectArgs) -> ExitCode {
    let body = match read_input(&args.file) {
        Ok(body) => body,
        Err(e) => {
            eprintln!("coexist webhook inspect: cannot read {}: {e}", args.file);
            return ExitCode::from(1);
        }
    };
    if let (Some(secret), Some(header)) = (&args.app_secret, &args.signature) {
        match meta::signature::verify(secret.as_bytes(), Some(header.as_str()), &body) {
            Ok(()) => eprintln!("signature: valid"),
            Err(e) => {
                eprintln!("signature: invalid: {e}");
                return ExitCode::from(3);
            }
        }
    }
    // The receive time only fills in times a payload lacks; inspecting is not ingesting.
    let changes = match read_webhook(&body, Timestamp(0)) {
        Ok(changes) => changes,
        Err(ReadError::NotJson(e)) => {
            eprintln!("not JSON: {e}");
            return ExitCode::from(2);
        }
        Err(e @ ReadError::NotWebhook(_)) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut out = std::io::stdout().lock();
    for change in &changes {
        if writeln!(out, "{}", describe(change)).is_err() {
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}

fn read_input(file: &str) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    if file == "-" {
        std::io::stdin().read_to_end(&mut body)?;
    } else {
        body = std::fs::read(PathBuf::from(file))?;
    }
    Ok(body)
}

fn number(n: &NumberRef) -> Value {
    json!({"phone_number_id": n.phone_number_id, "display_phone_number": n.display_phone_number})
}

/// One line describing a change, in the vocabulary of the REST API.
fn describe(change: &Change) -> Value {
    match change {
        Change::Message(m) => {
            let business = m.number.display_phone_number.clone();
            let (from, to) = match m.direction {
                coexist_core::message::Direction::Inbound => (m.contact.wa_id.clone(), business),
                coexist_core::message::Direction::Outbound => (business, m.contact.wa_id.clone()),
            };
            json!({
                "kind": "message", "number": number(&m.number), "wamid": m.wamid,
                "direction": m.direction, "origin": m.origin, "from": from, "to": to,
                "contact": m.contact, "type": m.kind, "text": m.text, "timestamp": m.timestamp,
                "reply_to": m.reply_to, "status": m.status, "media_placeholder": m.media_placeholder,
                "referral": m.referral, "errors": m.error.iter().collect::<Vec<_>>(),
            })
        }
        Change::Status(s) => json!({
            "kind": "status", "number": number(&s.number), "wamid": s.wamid, "direction": "outbound",
            "status": s.status, "recipient": s.contact.wa_id, "contact": s.contact, "timestamp": s.timestamp,
            "pricing": {"category": s.pricing_category, "type": s.pricing_type, "model": s.pricing_model, "billable": s.billable},
            "conversation": {"id": s.conversation_id, "origin": s.conversation_origin},
            "biz_opaque_callback_data": s.biz_opaque_callback_data, "errors": s.errors,
        }),
        Change::Amendment(a) => {
            let (kind, text, message_type) = match &a.kind {
                AmendmentKind::Edit {
                    text, message_type, ..
                } => ("edit", text.clone(), Some(message_type.clone())),
                AmendmentKind::Revoke => ("revoke", None, None),
            };
            json!({
                "kind": kind, "number": number(&a.number), "wamid": a.event_wamid, "target_wamid": a.target_wamid,
                "by": a.by, "contact": a.contact, "type": message_type, "text": text, "timestamp": a.timestamp,
            })
        }
        Change::UserNumberChange(c) => json!({
            "kind": "user_number_change", "number": number(&c.number), "wamid": c.wamid,
            "contact": c.contact, "new_wa_id": c.new_wa_id, "timestamp": c.timestamp,
        }),
        Change::ContactSync(c) => json!({
            "kind": "contact_sync", "number": number(&c.number), "action": c.action, "wa_id": c.wa_id,
            "name": c.full_name, "first_name": c.first_name, "timestamp": c.timestamp,
        }),
        Change::HistoryChunk(h) => json!({
            "kind": "history_chunk", "number": number(&h.number), "phase": h.phase,
            "chunk_order": h.chunk_order, "progress": h.progress, "messages": h.messages,
        }),
        Change::HistoryMedia(m) => json!({
            "kind": "history_media", "number": number(&m.number), "wamid": m.wamid, "origin": "history",
            "type": m.kind, "text": m.text,
        }),
        Change::HistoryDeclined(e) => json!({
            "kind": "history_declined", "number": e.number.as_ref().map(number), "errors": [e.error],
        }),
        Change::Account(a) => json!({
            "kind": "account_update", "event": a.event, "waba_id": a.waba_id,
            "display_phone_number": a.display_phone_number, "reason": a.reason, "initiated_by": a.initiated_by,
        }),
        Change::Template(t) => json!({
            "kind": "template", "field": t.field, "waba_id": t.waba_id, "template_id": t.template_id,
            "name": t.name, "language": t.language, "status": t.event, "category": t.category, "reason": t.reason,
        }),
        Change::Preference(p) => json!({
            "kind": "user_preference", "number": number(&p.number), "contact": p.contact,
            "category": p.category, "value": p.value, "timestamp": p.timestamp,
        }),
        Change::Error(e) => json!({
            "kind": "error", "field": e.field, "number": e.number.as_ref().map(number), "errors": [e.error],
        }),
        Change::Unparsed(u) => json!({
            "kind": "unparsed", "field": u.field, "reason": u.reason, "raw": u.raw,
        }),
    }
}
