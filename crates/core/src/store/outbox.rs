//! Sending: the outbox, templates, media and costs (issue "Sending under Meta's rules").

use async_trait::async_trait;

/// Persistence of the sending side. Grows with the outbox.
#[async_trait]
pub trait OutboxStore: Send + Sync + 'static {}
