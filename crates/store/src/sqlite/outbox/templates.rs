//! Templates from the Graph API (sync and create), in the table webhooks also update. Status and
//! category stay newer-wins: a sync's status counts as of the sync's time, a webhook's as of
//! Meta's event time.

use coexist_core::ids::OrgId;
use coexist_core::store::{TemplateDefinition, TemplateFilter, TemplateRecord};
use coexist_core::time::Timestamp;
use rusqlite::{Connection, Row, params};
use serde_json::Value;

use crate::sqlite::error::DbResult;
use crate::sqlite::rows::ts;

/// Upserts the templates one Graph listing (or create) returned.
pub(crate) fn upsert(
    conn: &Connection,
    org: OrgId,
    waba_id: &str,
    templates: &[TemplateDefinition],
    now: Timestamp,
) -> DbResult<u64> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO templates (org_id, waba_id, template_id, name, language, category, status,
             components, parameter_format, status_at, category_at, synced_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?10, ?10)
         ON CONFLICT (waba_id, template_id) DO UPDATE SET
             name = excluded.name,
             language = excluded.language,
             components = excluded.components,
             parameter_format = ifnull(excluded.parameter_format, parameter_format),
             status = CASE WHEN excluded.status IS NOT NULL
                 AND (status_at IS NULL OR excluded.status_at >= status_at)
                 THEN excluded.status ELSE status END,
             status_at = CASE WHEN excluded.status IS NOT NULL
                 AND (status_at IS NULL OR excluded.status_at >= status_at)
                 THEN excluded.status_at ELSE status_at END,
             category = CASE WHEN excluded.category IS NOT NULL
                 AND (category_at IS NULL OR excluded.category_at >= category_at)
                 THEN excluded.category ELSE category END,
             category_at = CASE WHEN excluded.category IS NOT NULL
                 AND (category_at IS NULL OR excluded.category_at >= category_at)
                 THEN excluded.category_at ELSE category_at END,
             synced_at = excluded.synced_at,
             updated_at = excluded.updated_at",
    )?;
    let mut n = 0;
    for t in templates {
        n += stmt.execute(params![
            org.0,
            waba_id,
            t.id,
            t.name,
            t.language,
            t.category.as_deref().map(str::to_ascii_uppercase),
            t.status.as_deref().map(str::to_ascii_uppercase),
            t.components.to_string(),
            t.parameter_format.as_deref().map(str::to_ascii_uppercase),
            now.0,
        ])? as u64;
    }
    Ok(n)
}

const COLUMNS: &str = "template_id, waba_id, name, language, category, status, reason,
    parameter_format, components, updated_at";

fn template_row(r: &Row<'_>) -> rusqlite::Result<TemplateRecord> {
    let components: Option<String> = r.get(8)?;
    Ok(TemplateRecord {
        id: r.get(0)?,
        waba_id: r.get(1)?,
        name: r.get(2)?,
        language: r.get(3)?,
        category: r.get(4)?,
        status: r.get(5)?,
        reason: r.get(6)?,
        parameter_format: r.get(7)?,
        components: components.and_then(|c| serde_json::from_str::<Value>(&c).ok()),
        updated_at: ts(r, 9)?,
    })
}

/// Templates of `org`, by name then language.
pub(crate) fn list(
    conn: &Connection,
    org: OrgId,
    filter: &TemplateFilter,
) -> DbResult<Vec<TemplateRecord>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM templates WHERE org_id = ?1
             AND (?2 IS NULL OR waba_id = ?2)
             AND (?3 IS NULL OR upper(status) = upper(?3))
         ORDER BY name, language, template_id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![org.0, filter.waba_id, filter.status], template_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The template `name` in `language` on `waba_id`; an approved one first, then the newest.
pub(crate) fn find(
    conn: &Connection,
    org: OrgId,
    waba_id: &str,
    name: &str,
    language: &str,
) -> DbResult<Option<TemplateRecord>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM templates
         WHERE org_id = ?1 AND waba_id = ?2 AND name = ?3
             AND replace(language, '-', '_') = replace(?4, '-', '_')
         ORDER BY upper(status) = 'APPROVED' DESC, updated_at DESC LIMIT 1"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query_map(params![org.0, waba_id, name, language], template_row)?;
    Ok(rows.next().transpose()?)
}
