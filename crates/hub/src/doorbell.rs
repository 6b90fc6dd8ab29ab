//! The doorbell: after each commit the webhook handler rings it with the new stream head, and
//! every live stream waiting on it wakes up and re-reads from the store since its own position.
//!
//! The doorbell carries only a position, never the events themselves, so a missed or coalesced
//! ring costs one extra read and never an event. [`WatchDoorbell`] serves one process; a
//! NATS-backed implementation can replace it for several hubs sharing a database (it would feed
//! a local watch from its subscription).

use coexist_core::ids::Position;
use tokio::sync::watch;

/// Tells live readers that the stream moved.
pub trait Doorbell: Send + Sync + 'static {
    /// Announces that the stream head is now at least `head`. Never moves backwards.
    fn ring(&self, head: Position);

    /// A listener that wakes on every ring after this call.
    fn subscribe(&self) -> Listener;
}

/// One reader's end of a doorbell.
#[derive(Debug)]
pub struct Listener {
    rx: watch::Receiver<Position>,
}

impl Listener {
    /// Wraps a watch receiver; the rings it has not seen yet are the ones it will report.
    pub fn from_watch(rx: watch::Receiver<Position>) -> Self {
        Listener { rx }
    }

    /// Waits for the next ring and returns the head it announced. Several rings while nobody
    /// waited are reported once, with the latest head. `None` once the doorbell is gone.
    pub async fn rung(&mut self) -> Option<Position> {
        self.rx.changed().await.ok()?;
        Some(*self.rx.borrow_and_update())
    }

    /// The latest head announced.
    pub fn head(&self) -> Position {
        *self.rx.borrow()
    }
}

/// A doorbell for the readers of one process, on a `tokio::sync::watch`.
#[derive(Debug)]
pub struct WatchDoorbell {
    tx: watch::Sender<Position>,
}

impl WatchDoorbell {
    /// A doorbell whose head starts at `head` (the store's head at start).
    pub fn new(head: Position) -> Self {
        WatchDoorbell {
            tx: watch::Sender::new(head),
        }
    }
}

impl Doorbell for WatchDoorbell {
    fn ring(&self, head: Position) {
        // Two webhook requests may commit and ring in either order; the head only moves forward.
        self.tx.send_if_modified(|current| {
            let newer = head > *current;
            if newer {
                *current = head;
            }
            newer
        });
    }

    fn subscribe(&self) -> Listener {
        Listener::from_watch(self.tx.subscribe())
    }
}

#[cfg(test)]
mod tests {
    use coexist_core::ids::Position;

    use super::{Doorbell, WatchDoorbell};

    #[tokio::test]
    async fn a_listener_wakes_once_for_several_rings_with_the_latest_head() {
        let bell = WatchDoorbell::new(Position(0));
        let mut listener = bell.subscribe();
        bell.ring(Position(3));
        bell.ring(Position(5));
        assert_eq!(listener.rung().await, Some(Position(5)));
    }

    #[tokio::test]
    async fn the_head_never_moves_backwards() {
        let bell = WatchDoorbell::new(Position(0));
        bell.ring(Position(7));
        let listener = bell.subscribe();
        bell.ring(Position(4));
        assert_eq!(listener.head(), Position(7));
        assert!(!listener.rx.has_changed().unwrap());
    }

    #[tokio::test]
    async fn a_listener_ends_when_the_doorbell_is_gone() {
        let bell = WatchDoorbell::new(Position(0));
        let mut listener = bell.subscribe();
        drop(bell);
        assert_eq!(listener.rung().await, None);
    }
}
