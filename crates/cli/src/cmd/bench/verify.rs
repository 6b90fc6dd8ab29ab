//! A benchmark that loses data is not a result: after the hub is killed (SIGKILL, no graceful
//! shutdown), its data directory is opened with the store and every wamid the hub answered 200
//! for must be there exactly once, with nothing else besides.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use coexist_core::ids::OrgId;
use coexist_core::page::Limit;
use coexist_core::store::{ChatFilter, Store};
use coexist_core::time::Timestamp;
use store::{SqliteOptions, SqliteStore};

/// Opens the hub's database (after the hub is gone) and its default organization.
pub(crate) async fn open(data_dir: &Path) -> anyhow::Result<(Arc<dyn Store>, OrgId)> {
    let path = data_dir.join(hub::config::DATABASE_FILE);
    let opened =
        tokio::task::spawn_blocking(move || SqliteStore::open(&path, SqliteOptions::default()))
            .await
            .context("opening the store")?;
    let store: Arc<dyn Store> = Arc::new(opened.context("opening the hub's database")?);
    let org = store
        .ensure_org(hub::config::DEFAULT_ORG_NAME, Timestamp(0))
        .await
        .context("the default organization")?;
    Ok((store, org))
}

/// Every wamid in `acknowledged` is stored exactly once, and the store holds `expected_total`
/// messages in all (so nothing unexpected either). Returns how many were checked.
pub(crate) async fn acknowledged_exactly_once(
    store: &Arc<dyn Store>,
    org: OrgId,
    acknowledged: &[String],
    expected_total: u64,
) -> anyhow::Result<usize> {
    // Lookups in parallel batches: the store has a pool of readers.
    for batch in acknowledged.chunks(256) {
        let mut lookups = Vec::with_capacity(batch.len());
        for wamid in batch {
            let (store, wamid) = (store.clone(), wamid.clone());
            lookups.push(tokio::spawn(async move {
                let found = store.find_messages_by_wamid(org, &wamid).await;
                (wamid, found)
            }));
        }
        for lookup in lookups {
            let (wamid, found) = lookup.await.context("a lookup task panicked")?;
            let found = found.with_context(|| format!("looking up {wamid}"))?;
            if found.len() != 1 {
                bail!("acknowledged {wamid} is stored {} times", found.len());
            }
        }
    }
    let total = total_messages(store, org).await?;
    if total != expected_total {
        bail!("the store holds {total} messages; {expected_total} were sent");
    }
    Ok(acknowledged.len())
}

/// The sum of every chat's message count.
pub(crate) async fn total_messages(store: &Arc<dyn Store>, org: OrgId) -> anyhow::Result<u64> {
    let mut total = 0u64;
    let mut cursor: Option<String> = None;
    loop {
        let page = store
            .list_chats(
                org,
                ChatFilter::default(),
                Limit::new(Some(200)),
                cursor.as_deref(),
            )
            .await
            .context("listing chats")?;
        total += page
            .data
            .iter()
            .map(|c| c.message_count.max(0) as u64)
            .sum::<u64>();
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(total),
        }
    }
}
