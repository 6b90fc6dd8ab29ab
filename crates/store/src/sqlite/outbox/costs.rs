//! The facts the cost report needs (each message's pricing as its status webhooks gave it, and
//! the phone-app messages), the organization's sending settings, and what a read receipt names.

use coexist_core::ids::{ChatId, NumberId, OrgId};
use coexist_core::store::{
    AppMessageCount, InboundRef, PricedMessage, SendingSettings, StoreError,
};
use coexist_core::time::{DAY_MS, Timestamp};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use crate::sqlite::error::{DbError, DbResult};
use crate::sqlite::read::chats;

/// Each message's first status with pricing in `[from, to)` (Meta puts pricing on `sent` and on
/// one of `delivered`/`read`, both with the same pricing), and whether it was delivered.
pub(crate) fn priced(
    conn: &Connection,
    org: OrgId,
    from: Timestamp,
    to: Timestamp,
) -> DbResult<Vec<PricedMessage>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.number_id, p.recipient_id, p.ts, p.pricing_category, p.pricing_type, p.billable,
             EXISTS (SELECT 1 FROM statuses d WHERE d.number_id = p.number_id
                 AND d.wamid = p.wamid AND d.status IN ('delivered', 'read', 'played'))
         FROM statuses p
         WHERE p.org_id = ?1 AND p.ts >= ?2 AND p.ts < ?3
             AND (p.pricing_type IS NOT NULL OR p.billable IS NOT NULL)
             AND NOT EXISTS (SELECT 1 FROM statuses q WHERE q.number_id = p.number_id
                 AND q.wamid = p.wamid
                 AND (q.pricing_type IS NOT NULL OR q.billable IS NOT NULL)
                 AND (q.ts, q.id) < (p.ts, p.id))
         ORDER BY p.ts, p.id",
    )?;
    let rows = stmt.query_map(params![org.0, from.0, to.0], |r| {
        Ok(PricedMessage {
            number_id: NumberId(r.get(0)?),
            recipient: r.get(1)?,
            priced_at: Timestamp(r.get(2)?),
            category: r.get(3)?,
            pricing_type: r.get(4)?,
            billable: r.get(5)?,
            delivered: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Phone-app messages per number and UTC day in `[from, to)`.
pub(crate) fn app_counts(
    conn: &Connection,
    org: OrgId,
    from: Timestamp,
    to: Timestamp,
) -> DbResult<Vec<AppMessageCount>> {
    let mut stmt = conn.prepare_cached(
        "SELECT number_id, (ts / ?4) * ?4 AS day, count(*) FROM messages
         WHERE org_id = ?1 AND origin = 'business_app' AND ts >= ?2 AND ts < ?3
         GROUP BY number_id, day ORDER BY day, number_id",
    )?;
    let rows = stmt.query_map(params![org.0, from.0, to.0, DAY_MS], |r| {
        Ok(AppMessageCount {
            number_id: NumberId(r.get(0)?),
            day: Timestamp(r.get(1)?),
            count: r.get::<_, i64>(2)?.max(0) as u64,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The organization's settings (defaults for what was never set).
pub(crate) fn settings(conn: &Connection, org: OrgId) -> DbResult<SendingSettings> {
    let raw: String = conn
        .prepare_cached("SELECT settings FROM orgs WHERE id = ?1")?
        .query_row([org.0], |r| r.get(0))
        .optional()?
        .ok_or(DbError(StoreError::NotFound))?;
    let value: Value = serde_json::from_str(&raw)?;
    let defaults = SendingSettings::default();
    Ok(SendingSettings {
        read_receipts: value
            .get("read_receipts")
            .and_then(Value::as_bool)
            .unwrap_or(defaults.read_receipts),
    })
}

/// Changes the organization's settings (other keys of `orgs.settings` are kept).
pub(crate) fn set_settings(
    conn: &Connection,
    org: OrgId,
    settings: SendingSettings,
) -> DbResult<()> {
    let changed = conn
        .prepare_cached(
            "UPDATE orgs SET settings = json_set(settings, '$.read_receipts', json(?2))
             WHERE id = ?1",
        )?
        .execute(params![
            org.0,
            if settings.read_receipts {
                "true"
            } else {
                "false"
            }
        ])?;
    if changed == 0 {
        return Err(DbError(StoreError::NotFound));
    }
    Ok(())
}

/// The newest live customer message of `chat`.
pub(crate) fn newest_inbound(
    conn: &Connection,
    org: OrgId,
    chat: ChatId,
) -> DbResult<Option<InboundRef>> {
    if !chats::exists(conn, org, chat)? {
        return Err(DbError(StoreError::NotFound));
    }
    Ok(conn
        .prepare_cached(
            "SELECT m.wamid, m.number_id, n.phone_number_id FROM messages m
             JOIN numbers n ON n.id = m.number_id
             WHERE m.chat_id = ?1 AND m.origin = 'customer' AND m.wamid IS NOT NULL
             ORDER BY m.ts DESC, m.id DESC LIMIT 1",
        )?
        .query_row([chat.0], |r| {
            Ok(InboundRef {
                wamid: r.get(0)?,
                number_id: NumberId(r.get(1)?),
                phone_number_id: r.get(2)?,
            })
        })
        .optional()?)
}
