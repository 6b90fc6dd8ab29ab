//! Read receipts and the typing indicator (META.md §6.2.7). Meta has one call for both: mark an
//! inbound message read (which marks the earlier ones read too), optionally with
//! `typing_indicator`, which shows "typing…" until the reply or for 25 seconds. So the typing
//! indicator always sends a read receipt as well, and an organization that turned read receipts
//! off gets no typing indicator either.
//!
//! These are direct Graph calls, not outbox entries: they carry no content, are safe to repeat,
//! and are worthless if late.

use coexist_core::ids::{ChatId, OrgId};
use coexist_core::store::StoreError;
use meta::graph::messages::MarkReadRequest;
use meta::ids::Wamid;

use super::Sending;
use crate::graph::GraphError;

/// What a read receipt (or typing indicator) did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Receipt {
    /// Meta marked the chat read up to this message.
    Sent {
        /// The newest inbound message, now read.
        wamid: String,
        /// Whether the typing indicator was shown too.
        typing: bool,
    },
    /// The organization turned read receipts off: nothing was sent.
    Disabled,
    /// The customer has not written in this chat: nothing to mark.
    NothingToMark,
}

/// Why a read receipt could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    /// No such chat in the organization.
    #[error("chat not found")]
    NotFound,
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
    /// Meta refused or could not be reached.
    #[error(transparent)]
    Graph(#[from] GraphError),
}

impl From<StoreError> for ReceiptError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ReceiptError::NotFound,
            other => ReceiptError::Store(other),
        }
    }
}

/// Marks the chat's inbound messages read at Meta, when the organization allows read receipts.
/// Called when an agent opens (reads) the chat.
pub async fn mark_chat_read(
    sending: &Sending,
    org: OrgId,
    chat: ChatId,
) -> Result<Receipt, ReceiptError> {
    receipt(sending, org, chat, false).await
}

/// Shows the typing indicator (with a read receipt, as Meta requires) while an agent writes.
pub async fn show_typing(
    sending: &Sending,
    org: OrgId,
    chat: ChatId,
) -> Result<Receipt, ReceiptError> {
    receipt(sending, org, chat, true).await
}

async fn receipt(
    sending: &Sending,
    org: OrgId,
    chat: ChatId,
    typing: bool,
) -> Result<Receipt, ReceiptError> {
    let newest = sending.store.newest_inbound(org, chat).await?;
    if !sending.store.sending_settings(org).await?.read_receipts {
        return Ok(Receipt::Disabled);
    }
    let Some(newest) = newest else {
        return Ok(Receipt::NothingToMark);
    };
    let wamid = Wamid::parse(newest.wamid.clone())
        .map_err(|e| GraphError::Url(format!("stored wamid {:?}: {e}", newest.wamid)))?;
    let mut request = MarkReadRequest::new(wamid);
    if typing {
        request = request.with_typing();
    }
    sending
        .graph
        .mark_read(&newest.phone_number_id, &request)
        .await?;
    Ok(Receipt::Sent {
        wamid: newest.wamid,
        typing,
    })
}
