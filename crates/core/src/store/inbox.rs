//! People and the shared inbox: users, sessions, assignment, labels, notes, canned responses
//! (issue "The shared inbox").

use async_trait::async_trait;

/// Persistence of the inbox side. Grows with the web inbox.
#[async_trait]
pub trait InboxStore: Send + Sync + 'static {}
