//! `POST /{phone_number_id}/smb_app_data`: the one-shot contacts and history exports of a
//! coexistence number (META.md §5.4–5.5).
//!
//! History goes out in phases by age at onboarding (0: day 0–1, 1: day 1–90, 2: day 90–180),
//! each split into chunks whose `chunk_order` is their place in the phase but which are
//! delivered **out of order**; `progress` counts delivered messages and reaches 100 on the last
//! chunk. Media appears as `media_placeholder`, then media of the last 14 days follows in
//! separate `history` webhooks carrying `value.messages[]`.

use rand::seq::SliceRandom;

use crate::error::GraphFailure;
use crate::state::phone::ChatMessage;
use crate::state::waba::SyncRequest;
use crate::webhooks::builder::{
    self, ChunkOut, ErrorOut, HistoryMessageOut, MediaOut, StateSyncOut,
};
use crate::world::{Task, World};

const DAY_MS: u64 = 86_400_000;
const SYNC_DEADLINE_MS: u64 = DAY_MS;
const MEDIA_FOLLOWUPS_PER_WEBHOOK: usize = 10;

/// The two sync types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SyncType {
    Contacts,
    History,
}

impl SyncType {
    pub(crate) fn parse(s: &str) -> Option<SyncType> {
        match s {
            "smb_app_state_sync" => Some(SyncType::Contacts),
            "history" => Some(SyncType::History),
            _ => None,
        }
    }
}

/// One history message with its thread, before chunking.
struct Item<'a> {
    thread: &'a str,
    message: &'a ChatMessage,
}

impl World {
    /// Accepts a sync request (once per type, within 24 h of onboarding) and schedules the
    /// export. Returns the `request_id`.
    pub(crate) fn smb_app_data(
        &mut self,
        pnid: &str,
        sync: SyncType,
    ) -> Result<String, GraphFailure> {
        let number = self
            .numbers
            .get(pnid)
            .ok_or_else(|| GraphFailure::unknown_object(pnid))?;
        if !number.is_coexistence() {
            return Err(GraphFailure::invalid_parameter(
                "Invalid parameter: this phone number is not on the WhatsApp Business app (coexistence)",
            ));
        }
        self.check_number_can_send(pnid)?;
        let number = &self.numbers[pnid];
        let already = match sync {
            SyncType::Contacts => number.contacts_sync.is_some(),
            SyncType::History => number.history_sync.is_some(),
        };
        if already {
            return Err(GraphFailure::new(
                2593107,
                "You have exceeded the maximum number of times to call the synchronization api for this phone number.",
            ));
        }
        let onboarded_at = number.onboarded_at.unwrap_or(0);
        if self.now > onboarded_at + SYNC_DEADLINE_MS {
            return Err(GraphFailure::new(
                2593108,
                "Synchronization request can only be made within 24 hours of onboarding",
            ));
        }
        let request = SyncRequest {
            request_id: self.ids.token(24),
            at: self.now,
        };
        let request_id = request.request_id.clone();
        let number = self.numbers.get_mut(pnid).expect("checked");
        match sync {
            SyncType::Contacts => number.contacts_sync = Some(request),
            SyncType::History => number.history_sync = Some(request),
        }
        match sync {
            SyncType::Contacts => self.export_contacts(pnid),
            SyncType::History => self.export_history(pnid),
        }
        Ok(request_id)
    }

    fn export_contacts(&mut self, pnid: &str) {
        let items: Vec<StateSyncOut> = self.phones[pnid]
            .contacts
            .iter()
            .map(|(number, c)| StateSyncOut {
                phone_number: number.clone(),
                names: Some((c.full_name.clone(), c.first_name.clone())),
                timestamp_s: self.now_s(),
            })
            .collect();
        let per = self.cfg.history.contacts_per_webhook.max(1);
        for chunk in items.chunks(per) {
            let meta = self.meta_of(pnid).expect("number exists");
            let change = builder::state_sync(meta, chunk);
            let mut update = self.phone_update(pnid, change);
            update.batchable = false;
            self.emit(update);
        }
    }

    fn export_history(&mut self, pnid: &str) {
        if !self.phones[pnid].history_sharing {
            let error = ErrorOut {
                code: 2593109,
                details: "History sharing is turned off by the business".to_owned(),
                href: false,
            };
            let meta = self.meta_of(pnid).expect("number exists");
            let change = builder::history_declined(meta, &error);
            let mut update = self.phone_update(pnid, change);
            update.batchable = false;
            return self.emit(update);
        }
        let (chunks, media) = self.plan_history(pnid);
        let interval = self.cfg.history.chunk_interval_ms;
        // `Task::Emit` goes through `emit`, which adds any delay fault itself.
        let mut due = self.now;
        for chunk in &chunks {
            let meta = self.meta_of(pnid).expect("number exists");
            let change = builder::history_chunk(meta, chunk);
            self.schedule_unbatched(pnid, change, due);
            due += interval;
        }
        due += self.cfg.history.media_followup_delay_ms;
        for group in media.chunks(MEDIA_FOLLOWUPS_PER_WEBHOOK) {
            let meta = self.meta_of(pnid).expect("number exists");
            let change = builder::history_media(meta, group);
            self.schedule_unbatched(pnid, change, due);
        }
    }

    fn schedule_unbatched(&mut self, pnid: &str, change: crate::webhooks::Change, due: u64) {
        let mut update = self.phone_update(pnid, change);
        update.batchable = false;
        self.tasks.push(due, Task::Emit(Box::new(update)));
    }

    /// The chunks in delivery order, and the media follow-ups `(from, id, timestamp, content)`.
    fn plan_history(&mut self, pnid: &str) -> (Vec<ChunkOut>, Vec<MediaOut>) {
        let number = &self.numbers[pnid];
        let t0 = number.onboarded_at.unwrap_or(self.now);
        let business = number.display_phone_number.clone();
        let phone = &self.phones[pnid];
        let mut phases: [Vec<Item<'_>>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        let mut media = Vec::new();
        for (thread, chat) in &phone.chats {
            for message in chat.iter().filter(|m| !m.revoked && m.at <= t0) {
                let age = t0 - message.at;
                let phase = match age {
                    a if a < DAY_MS => 0,
                    a if a < 90 * DAY_MS => 1,
                    a if a < 180 * DAY_MS => 2,
                    _ => continue,
                };
                phases[phase].push(Item { thread, message });
                if message.is_media() && age < 14 * DAY_MS {
                    let from = if message.from_business {
                        business.clone()
                    } else {
                        thread.clone()
                    };
                    media.push((
                        from,
                        message.wamid.clone(),
                        (message.at / 1_000) as i64,
                        message.content.clone(),
                    ));
                }
            }
        }
        let total: usize = phases.iter().map(Vec::len).sum();
        let per = self.cfg.history.chunk_messages.max(1);
        let mut planned: Vec<(u8, u32, Vec<&Item<'_>>)> = Vec::new();
        for (phase, items) in phases.iter().enumerate() {
            let mut chunks: Vec<(u8, u32, Vec<&Item<'_>>)> = items
                .chunks(per)
                .enumerate()
                .map(|(i, c)| (phase as u8, i as u32 + 1, c.iter().collect()))
                .collect();
            shuffle_out_of_order(&mut chunks, &mut self.latency_rng);
            planned.extend(chunks);
        }
        let mut delivered = 0usize;
        let chunks = planned
            .into_iter()
            .map(|(phase, chunk_order, items)| {
                delivered += items.len();
                ChunkOut {
                    phase,
                    chunk_order,
                    progress: ((delivered * 100) / total.max(1)) as u8,
                    threads: group_threads(&items, &business),
                }
            })
            .collect();
        (chunks, media)
    }
}

/// Shuffles, and makes sure two or more chunks never come out in their natural order.
fn shuffle_out_of_order<T>(chunks: &mut [T], rng: &mut rand_chacha::ChaCha20Rng)
where
    T: HasOrder,
{
    if chunks.len() < 2 {
        return;
    }
    chunks.shuffle(rng);
    if chunks.windows(2).all(|w| w[0].order() < w[1].order()) {
        chunks.swap(0, 1);
    }
}

trait HasOrder {
    fn order(&self) -> u32;
}

impl<A, C> HasOrder for (A, u32, C) {
    fn order(&self) -> u32 {
        self.1
    }
}

/// Consecutive messages of the same thread become one `threads[]` element.
fn group_threads(items: &[&Item<'_>], business: &str) -> Vec<(String, Vec<HistoryMessageOut>)> {
    let mut threads: Vec<(String, Vec<HistoryMessageOut>)> = Vec::new();
    for item in items {
        let m = item.message;
        let out = HistoryMessageOut {
            from: if m.from_business {
                business.to_owned()
            } else {
                item.thread.to_owned()
            },
            id: m.wamid.clone(),
            timestamp_s: (m.at / 1_000) as i64,
            content: (!m.is_media()).then(|| m.content.clone()),
            status: m.status.clone(),
        };
        match threads.last_mut() {
            Some((id, messages)) if id == item.thread => messages.push(out),
            _ => threads.push((item.thread.to_owned(), vec![out])),
        }
    }
    threads
}
