//! Edits and revokes of earlier messages, recorded once per (number, event wamid) in
//! `message_events` and applied to the original message.
//!
//! Edits apply in Meta's timestamp order: an older edit that arrives after a newer one is kept
//! as an event (marked `superseded`) but does not overwrite the newer text. The text before the
//! first edit stays in `original_text`; each applied edit keeps the text and content it replaced
//! in its event's data. A revoke keeps the content, for the record.

use coexist_core::ingest::{Amendment, AmendmentKind};
use coexist_core::message::Editor;
use rusqlite::params;
use serde_json::{Map, Value, json};

use super::events::{CHAT_UPDATED, MESSAGE_UPDATED, Subject};
use super::numbers::NumberCtx;
use super::{Ingest, insert_new};
use crate::sqlite::error::{DbError, DbResult};
use crate::sqlite::fts;
use crate::sqlite::rows::parse_editor;

/// An amendment waiting to be applied.
struct Pending {
    id: i64,
    kind: String,
    by: Editor,
    ts: i64,
    data: Map<String, Value>,
}

/// The state of the message being amended.
struct Target {
    id: i64,
    kind: String,
    text: Option<String>,
    content: Option<String>,
    edited_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl Ingest<'_> {
    pub(super) fn amendment(&mut self, a: &Amendment) -> DbResult<()> {
        let business = a.by == Editor::BusinessApp;
        let n = self.number(&a.number, business)?;
        let (kind, data) = match &a.kind {
            AmendmentKind::Edit {
                message_type,
                text,
                content,
            } => (
                "edit",
                json!({ "message_type": message_type, "text": text, "content": content }),
            ),
            AmendmentKind::Revoke => ("revoke", json!({})),
        };
        let Some(id) = self.insert_amendment(n, a, kind, &data)? else {
            return Ok(());
        };
        if business {
            self.app_activity(n, a.timestamp)?;
        }
        let Some((message, chat)) = self.find_message(n.id, &a.target_wamid)? else {
            return Ok(());
        };
        let Value::Object(data) = data else {
            return Ok(());
        };
        let pending = Pending {
            id,
            kind: kind.to_owned(),
            by: a.by,
            ts: a.timestamp.0,
            data,
        };
        self.apply_amendment(message, pending)?;
        let subject = Subject {
            message: Some(message),
            ..Self::chat_subject(n, chat)
        };
        let change = if kind == "edit" { "edit" } else { "revoke" };
        self.events.touch(MESSAGE_UPDATED, message, subject, change);
        if self.is_last_message(chat, message)? {
            self.events.touch(CHAT_UPDATED, chat, subject, change);
        }
        Ok(())
    }

    fn insert_amendment(
        &self,
        n: NumberCtx,
        a: &Amendment,
        kind: &str,
        data: &Value,
    ) -> DbResult<Option<i64>> {
        insert_new(
            self.conn,
            "INSERT INTO message_events (org_id, number_id, target_wamid, kind, by_whom,
                 event_wamid, ts, data, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
            params![
                n.org,
                n.id,
                a.target_wamid,
                kind,
                a.by.as_str(),
                a.event_wamid,
                a.timestamp.0,
                data.to_string(),
                self.at.0
            ],
        )
    }

    fn load_target(&self, message: i64) -> DbResult<Target> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, kind, text, content, edited_at, revoked_at FROM messages WHERE id = ?1",
            )?
            .query_row([message], |r| {
                Ok(Target {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    text: r.get(2)?,
                    content: r.get(3)?,
                    edited_at: r.get(4)?,
                    revoked_at: r.get(5)?,
                })
            })?)
    }

    /// Applies one amendment to message `message` and marks the event applied.
    fn apply_amendment(&mut self, message: i64, mut p: Pending) -> DbResult<()> {
        let target = self.load_target(message)?;
        let applies = match p.kind.as_str() {
            "edit" => target.edited_at.is_none_or(|at| p.ts >= at),
            _ => target.revoked_at.is_none(),
        };
        if !applies {
            p.data.insert("superseded".to_owned(), Value::Bool(true));
        } else if p.kind == "edit" {
            self.apply_edit(&target, &mut p)?;
        } else {
            self.conn
                .prepare_cached(
                    "UPDATE messages SET revoked_at = ?2, revoked_by = ?3 WHERE id = ?1",
                )?
                .execute(params![target.id, p.ts, p.by.as_str()])?;
        }
        self.conn
            .prepare_cached(
                "UPDATE message_events SET target_id = ?2, applied = 1, data = ?3 WHERE id = ?1",
            )?
            .execute(params![p.id, target.id, Value::Object(p.data).to_string()])?;
        Ok(())
    }

    fn apply_edit(&self, target: &Target, p: &mut Pending) -> DbResult<()> {
        let previous_content = match &target.content {
            Some(c) => serde_json::from_str(c)?,
            None => Value::Null,
        };
        let kind = p
            .data
            .get("message_type")
            .and_then(Value::as_str)
            .unwrap_or(&target.kind)
            .to_owned();
        let text = p
            .data
            .get("text")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let content = p
            .data
            .get("content")
            .filter(|c| !c.is_null())
            .map(Value::to_string);
        self.conn
            .prepare_cached(
                "UPDATE messages SET kind = ?2, text = ?3, content = ?4,
                     original_text = CASE WHEN edited_at IS NULL THEN text ELSE original_text END,
                     edited_at = ?5, edited_by = ?6
                 WHERE id = ?1",
            )?
            .execute(params![target.id, kind, text, content, p.ts, p.by.as_str()])?;
        fts::queue(
            self.conn,
            target.id,
            target.text.as_deref(),
            text.as_deref(),
        )?;
        p.data
            .insert("previous_type".to_owned(), Value::from(target.kind.clone()));
        p.data
            .insert("previous_text".to_owned(), target.text.clone().into());
        p.data
            .insert("previous_content".to_owned(), previous_content);
        Ok(())
    }

    /// Applies the amendments that arrived before message `id` (its wamid), oldest first.
    pub(super) fn apply_pending_amendments(
        &mut self,
        n: NumberCtx,
        id: i64,
        wamid: &str,
    ) -> DbResult<()> {
        let pending = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, kind, by_whom, ts, data FROM message_events
                 WHERE number_id = ?1 AND target_wamid = ?2 AND target_id IS NULL
                 ORDER BY ts, id",
            )?;
            let rows = stmt.query_map(params![n.id, wamid], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        for (event, kind, by, ts, data) in pending {
            let Value::Object(data) = serde_json::from_str(&data)? else {
                return Err(DbError::corrupt("amendment data is not an object"));
            };
            let by = parse_editor(&by).map_err(DbError::corrupt)?;
            let p = Pending {
                id: event,
                kind,
                by,
                ts,
                data,
            };
            self.apply_amendment(id, p)?;
        }
        Ok(())
    }
}
