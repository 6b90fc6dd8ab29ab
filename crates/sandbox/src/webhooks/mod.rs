//! Webhooks: building Meta-shaped payloads (`builder`), batching them in sandbox time
//! (`outbox`), and delivering them signed, at least once, with retries and faults (`delivery`).

pub(crate) mod builder;
pub(crate) mod delivery;
pub(crate) mod outbox;

pub(crate) use builder::Change;

/// One update ("change") on its way to the webhook URL.
#[derive(Clone, Debug)]
pub(crate) struct Update {
    /// `entry[].id`.
    pub(crate) entry_id: String,
    /// The number the update is about (phone-scoped fields); batches never mix numbers.
    pub(crate) phone_number_id: Option<String>,
    /// `entry[].time` in Unix seconds, for the fields whose entries carry it.
    pub(crate) entry_time_s: Option<i64>,
    /// `changes[]` element.
    pub(crate) change: Change,
    /// History chunks travel alone (they can be large); everything else may share a POST.
    pub(crate) batchable: bool,
}

impl Update {
    /// The key updates must share to be batched into one POST.
    pub(crate) fn batch_key(&self) -> (String, Option<String>, bool) {
        (
            self.entry_id.clone(),
            self.phone_number_id.clone(),
            self.entry_time_s.is_some(),
        )
    }
}
