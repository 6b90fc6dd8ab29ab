//! The one-time history import: chunk bookkeeping, media follow-ups and a declined import.
//! The imported messages themselves are ordinary [`Change::Message`]s of origin `history`, which
//! the message path keeps quiet (no unread, no service window, no `message.created`).
//!
//! [`Change::Message`]: coexist_core::ingest::Change::Message

use coexist_core::ingest::{HistoryChunk, HistoryMedia, ValueError};
use coexist_core::number::HistoryImportState;
use rusqlite::{OptionalExtension, params};
use serde_json::json;

use super::Ingest;
use super::events::{CHAT_UPDATED, HISTORY_PROGRESS, MESSAGE_UPDATED, NUMBER_UPDATED, Subject};
use crate::sqlite::error::DbResult;
use crate::sqlite::fts;

impl Ingest<'_> {
    /// Records a chunk once per (number, phase, chunk_order) and advances the import's progress.
    pub(super) fn history_chunk(&mut self, h: &HistoryChunk) -> DbResult<()> {
        let n = self.number(&h.number, true)?;
        let new_chunk = self
            .conn
            .prepare_cached(
                "INSERT INTO history_chunks (number_id, phase, chunk_order, progress, messages,
                     received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                n.id,
                h.phase,
                h.chunk_order,
                h.progress,
                i64::try_from(h.messages).unwrap_or(i64::MAX),
                self.at.0
            ])?
            > 0;
        if !new_chunk {
            return Ok(());
        }
        let mut history = self.load_history(n.id)?;
        history.record_chunk(
            h.phase,
            h.chunk_order,
            h.progress,
            h.messages,
            true,
            self.at,
        );
        self.save_history(n.id, &history)?;
        let data = json!({
            "phase": h.phase,
            "chunk_order": h.chunk_order,
            "progress": history.progress,
            "messages": h.messages,
            "state": history.state,
        });
        self.events.push(HISTORY_PROGRESS, n.subject(), data);
        Ok(())
    }

    /// Fills a media placeholder with its content; stores the message if the placeholder never
    /// came. A message that is not a pending placeholder (already filled, or a live copy) stays.
    pub(super) fn history_media(&mut self, h: &HistoryMedia) -> DbResult<()> {
        let n = self.number(&h.number, true)?;
        let found: Option<(i64, i64, bool, Option<String>)> = self
            .conn
            .prepare_cached(
                "SELECT id, chat_id, media_pending, text FROM messages
                 WHERE number_id = ?1 AND wamid = ?2",
            )?
            .query_row(params![n.id, h.wamid], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let Some((message, chat, pending, old_text)) = found else {
            return self.message(&h.message).map(drop);
        };
        if !pending {
            return Ok(());
        }
        self.conn
            .prepare_cached(
                "UPDATE messages SET kind = ?2, text = ?3, content = ?4, media_pending = 0
                 WHERE id = ?1",
            )?
            .execute(params![
                message,
                h.kind,
                h.text,
                h.content.as_ref().map(|c| c.to_string())
            ])?;
        fts::queue(self.conn, message, old_text.as_deref(), h.text.as_deref())?;
        let subject = Subject {
            message: Some(message),
            ..Self::chat_subject(n, chat)
        };
        self.events
            .touch(MESSAGE_UPDATED, message, subject, "media");
        if self.is_last_message(chat, message)? {
            self.events.touch(CHAT_UPDATED, chat, subject, "media");
        }
        Ok(())
    }

    /// The business turned history sharing off (2593109): the import is declined and the error
    /// is listed with the other webhook errors.
    pub(super) fn history_declined(&mut self, e: &ValueError) -> DbResult<()> {
        let Some(n) = self.value_error(e, true)? else {
            return Ok(());
        };
        let mut history = self.load_history(n.id)?;
        if history.state != HistoryImportState::Declined {
            history.state = HistoryImportState::Declined;
            self.save_history(n.id, &history)?;
            self.events
                .touch(NUMBER_UPDATED, n.id, n.subject(), "history");
        }
        Ok(())
    }
}
