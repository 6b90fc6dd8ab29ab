//! One step's action, picked by weight from what customers, the owner, the API and Meta do.

use rand::Rng;
use rand::seq::SliceRandom;
use serde_json::{Value, json};

use super::world::{Author, Remembered, World, pick};

const TEXTS: [&str; 8] = [
    "Hi, is my order 4211 on its way?",
    "Hola, ¿tienen macetas de barro?",
    "Ich hätte gern zwölf Rosen 🌹",
    "Thanks!",
    "日本語のメッセージです",
    "Can I pick it up at 5pm?",
    "The \"blue\" one, please \\ thanks",
    "👍",
];
const EMOJIS: [&str; 4] = ["👍", "❤️", "😂", "🙏"];

#[derive(Debug, Clone, Copy)]
enum Action {
    CustomerText,
    Burst,
    CustomerReply,
    CustomerReaction,
    CustomerImage,
    CustomerEdit,
    CustomerRevoke,
    CustomerReads,
    CustomerRenames,
    PhoneEcho,
    PhoneEditOrRevoke,
    AddressBook,
    ApiSend,
    AgentSend,
    ForcedStatus,
    DirectStatuses,
    NewFaults,
    AccountEvent,
}

const WEIGHTS: [(Action, u32); 18] = [
    (Action::CustomerText, 30),
    (Action::Burst, 6),
    (Action::CustomerReply, 6),
    (Action::CustomerReaction, 5),
    (Action::CustomerImage, 5),
    (Action::CustomerEdit, 4),
    (Action::CustomerRevoke, 3),
    (Action::CustomerReads, 4),
    (Action::CustomerRenames, 2),
    (Action::PhoneEcho, 14),
    (Action::PhoneEditOrRevoke, 4),
    (Action::AddressBook, 4),
    (Action::ApiSend, 3),
    (Action::AgentSend, 8),
    (Action::ForcedStatus, 3),
    (Action::DirectStatuses, 5),
    (Action::NewFaults, 3),
    (Action::AccountEvent, 1),
];

impl World {
    /// One action, or (now and then) a hub restart with traffic while it is down.
    pub(super) async fn act(&mut self) {
        if self.rng.random_bool(self.config.restart_probability) {
            return self.restart().await;
        }
        let total: u32 = WEIGHTS.iter().map(|(_, w)| w).sum();
        let mut roll = self.rng.random_range(0..total);
        let action = WEIGHTS
            .iter()
            .find(|(_, w)| {
                let hit = roll < *w;
                roll = roll.saturating_sub(*w);
                hit
            })
            .map_or(Action::CustomerText, |(a, _)| *a);
        self.perform(action).await;
    }

    async fn perform(&mut self, action: Action) {
        match action {
            Action::CustomerText => self.customer_text().await,
            Action::Burst => {
                // Several people at once: with a batch window they share webhook POSTs.
                for _ in 0..self.rng.random_range(2..=8) {
                    self.customer_text().await;
                }
            }
            Action::CustomerReply => self.customer_reply(false).await,
            Action::CustomerReaction => self.customer_reply(true).await,
            Action::CustomerImage => self.customer_image().await,
            Action::CustomerEdit => self.customer_amend(true).await,
            Action::CustomerRevoke => self.customer_amend(false).await,
            Action::CustomerReads => self.customer_reads().await,
            Action::CustomerRenames => self.customer_renames().await,
            Action::PhoneEcho => self.phone_echo().await,
            Action::PhoneEditOrRevoke => self.phone_amend().await,
            Action::AddressBook => self.address_book().await,
            Action::ApiSend => self.api_send().await,
            Action::AgentSend => self.agent_send().await,
            Action::ForcedStatus => self.forced_status().await,
            Action::DirectStatuses => self.direct_statuses().await,
            Action::NewFaults => self.new_faults().await,
            Action::AccountEvent => self.account_event().await,
        }
    }

    /// A customer and the number they write to (mostly the coexistence one).
    fn someone(&mut self) -> (String, String) {
        let wa_id = pick(&mut self.rng, &self.customers).clone();
        let number = if self.rng.random_bool(0.8) {
            self.coex.clone()
        } else {
            self.cloud.clone()
        };
        (wa_id, number)
    }

    fn recent(&mut self, filter: impl Fn(&Remembered) -> bool) -> Option<Remembered> {
        let candidates: Vec<&Remembered> = self
            .messages
            .iter()
            .rev()
            .take(60)
            .filter(|m| filter(m))
            .collect();
        if candidates.is_empty() {
            return None;
        }
        Some((*pick(&mut self.rng, &candidates)).clone())
    }

    async fn customer_text(&mut self) {
        let (wa_id, number) = self.someone();
        let text = *pick(&mut self.rng, &TEXTS);
        let said = self
            .app
            .sandbox
            .customer(&wa_id)
            .on(&number)
            .says(text)
            .await;
        if let Some(wamid) = self.outcome(&format!("{wa_id} → {number}: {text}"), said) {
            self.remember(Author::Customer, &number, &wa_id, wamid, true);
        }
    }

    async fn customer_image(&mut self) {
        let (wa_id, number) = self.someone();
        let sent = self
            .app
            .sandbox
            .customer(&wa_id)
            .on(&number)
            .sends_image("a photo")
            .await;
        if let Some(wamid) = self.outcome(&format!("{wa_id} → {number}: an image"), sent) {
            self.remember(Author::Customer, &number, &wa_id, wamid, false);
        }
    }

    /// A reply to (or a reaction on) a recent message of the business.
    async fn customer_reply(&mut self, reaction: bool) {
        let Some(target) = self.recent(|m| m.author != Author::Customer) else {
            return self.customer_text().await;
        };
        let customer = self.app.sandbox.customer(&target.wa_id).on(&target.number);
        let (what, result) = if reaction {
            let emoji = *pick(&mut self.rng, &EMOJIS);
            ("reacts to", customer.reacts(&target.wamid, emoji).await)
        } else {
            (
                "replies to",
                customer.replies(&target.wamid, "Yes, that one").await,
            )
        };
        let line = format!("{} {what} {}", target.wa_id, target.wamid);
        if let Some(wamid) = self.outcome(&line, result) {
            self.remember(
                Author::Customer,
                &target.number,
                &target.wa_id,
                wamid,
                !reaction,
            );
        }
    }

    /// A customer edits or deletes one of their recent messages (Meta's windows may refuse).
    async fn customer_amend(&mut self, edit: bool) {
        let Some(target) = self.recent(|m| m.author == Author::Customer && m.text) else {
            return;
        };
        let customer = self.app.sandbox.customer(&target.wa_id).on(&target.number);
        let result = if edit {
            customer.edits(&target.wamid, "edited: make it two").await
        } else {
            customer.revokes(&target.wamid).await
        };
        let verb = if edit { "edits" } else { "revokes" };
        self.outcome(&format!("{} {verb} {}", target.wa_id, target.wamid), result);
    }

    async fn customer_reads(&mut self) {
        let (wa_id, number) = self.someone();
        let read = self
            .app
            .sandbox
            .customer(&wa_id)
            .on(&number)
            .reads_everything()
            .await;
        self.outcome(
            &format!("{wa_id} reads the business's messages on {number}"),
            read,
        );
    }

    async fn customer_renames(&mut self) {
        let (wa_id, _) = self.someone();
        let name = format!(
            "{} {}",
            pick(&mut self.rng, &["Ana", "Bjørn", "Chloé", "Dai"]),
            self.step
        );
        let renamed = self.app.sandbox.customer(&wa_id).renames(&name).await;
        self.outcome(&format!("{wa_id} is now called {name}"), renamed);
    }

    /// The owner types on the phone (a text, sometimes an image).
    async fn phone_echo(&mut self) {
        let wa_id = pick(&mut self.rng, &self.customers).clone();
        let phone = self.app.sandbox.phone();
        let (text, result) = if self.rng.random_bool(0.85) {
            (true, phone.echo(&wa_id, "Your order ships today ✓").await)
        } else {
            (false, phone.echo_image(&wa_id, "the new pots").await)
        };
        if let Some(wamid) = self.outcome(&format!("the phone writes to {wa_id}"), result) {
            let coex = self.coex.clone();
            self.remember(Author::Phone, &coex, &wa_id, wamid, text);
        }
    }

    async fn phone_amend(&mut self) {
        let Some(target) = self.recent(|m| m.author == Author::Phone && m.text) else {
            return;
        };
        let phone = self.app.sandbox.phone();
        let (verb, result) = if self.rng.random_bool(0.6) {
            (
                "edits",
                phone
                    .edits(&target.wamid, "Your order ships tomorrow")
                    .await,
            )
        } else {
            ("revokes", phone.revokes(&target.wamid).await)
        };
        self.outcome(&format!("the phone {verb} {}", target.wamid), result);
    }

    async fn address_book(&mut self) {
        let wa_id = pick(&mut self.rng, &self.customers).clone();
        let phone = self.app.sandbox.phone();
        let (what, result) = if self.rng.random_bool(0.7) {
            let name = format!("Client {wa_id} ({})", self.step);
            ("adds", phone.add_contact(&wa_id, &name).await)
        } else {
            ("removes", phone.remove_contact(&wa_id).await)
        };
        self.outcome(&format!("address book: {what} {wa_id}"), result);
    }

    /// An agent answers through the hub's REST API; the outbox hands it to Meta and its
    /// statuses come back. Now and then the client repeats an `Idempotency-Key`: the hub must
    /// answer with the same message (and send it once).
    async fn agent_send(&mut self) {
        let chats = self.app.chats().await;
        // Mostly chats whose customer service window is open; sometimes any (Meta's rules
        // refuse free-form text outside it, and the hub must say so before Meta does).
        let open: Vec<Value> = chats
            .iter()
            .filter(|c| c["service_window"]["state"] == "open" || self.rng.random_bool(0.1))
            .cloned()
            .collect();
        if open.is_empty() {
            return;
        }
        let chat = pick(&mut self.rng, &open).clone();
        let chat_id = chat["id"].as_str().unwrap_or_default().to_owned();
        let reused = self
            .idempotency
            .iter()
            .filter(|(_, (chat, _))| *chat == chat_id)
            .map(|(key, _)| key.clone())
            .next_back()
            .filter(|_| self.rng.random_bool(0.25));
        let key = reused
            .clone()
            .unwrap_or_else(|| format!("sim-{}-{}", self.step, self.idempotency.len()));
        let body = json!({"type": "text", "text": {"body": "Thanks for waiting, an agent here."}});
        let response = self.app.send_message(&chat_id, &body, &key).await;
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            self.stats.refused += 1;
            self.note(format!(
                "an agent sends into chat {chat_id}: refused ({status} {answer})"
            ));
            return;
        }
        let id = answer["id"].as_str().unwrap_or_default().to_owned();
        match self.idempotency.get(&key) {
            Some((_, first)) if *first != id => {
                self.violation = Some(format!(
                    "Idempotency-Key {key} gave message {first}, then {id}"
                ));
            }
            _ => {
                self.idempotency
                    .insert(key.clone(), (chat_id.clone(), id.clone()));
            }
        }
        self.app.run_outbox_until_idle().await;
        let message = self.app.get_json(&format!("/api/v1/messages/{id}")).await;
        let again = if reused.is_some() {
            " (same key again)"
        } else {
            ""
        };
        self.note(format!(
            "an agent sends message {id} into chat {chat_id}{again}: {}",
            message["status"]
        ));
        let wa_id = chat["contact"]["wa_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if let (Some(wamid), Some(number)) =
            (message["wamid"].as_str(), self.phone_number_id(&chat).await)
        {
            self.remember(Author::Api, &number, &wa_id, wamid.to_owned(), true);
        }
    }

    /// Meta's phone number id of a chat's number.
    async fn phone_number_id(&self, chat: &Value) -> Option<String> {
        let number = self
            .app
            .get_json(&format!("/api/v1/numbers/{}", chat["number_id"].as_str()?))
            .await;
        number["phone_number_id"].as_str().map(str::to_owned)
    }

    /// A send through the Graph API straight from the test (no hub): its statuses reach the
    /// hub for a message it does not have, which must not create one.
    async fn api_send(&mut self) {
        let (wa_id, number) = self.someone();
        let sent = self
            .app
            .sandbox
            .api_send_text(&number, &wa_id, "We got your message")
            .await;
        if let Some(wamid) = self.outcome(&format!("API send {number} → {wa_id}"), sent) {
            self.remember(Author::Api, &number, &wa_id, wamid, true);
        }
    }

    /// Meta delivers a status out of order (a `delivered` after `read`, a late `sent`).
    async fn forced_status(&mut self) {
        let Some(target) = self.recent(|m| m.author == Author::Api) else {
            return;
        };
        let status = *pick(&mut self.rng, &["sent", "delivered", "read"]);
        let forced = self.app.sandbox.force_status(&target.wamid, status).await;
        self.outcome(
            &format!("Meta sends {status} for {} now", target.wamid),
            forced,
        );
    }

    async fn new_faults(&mut self) {
        let faults = World::random_faults(&mut self.rng);
        let set = self.app.sandbox.faults(&faults).await;
        self.outcome(&format!("faults: {faults:?}"), set);
    }

    /// The owner disconnects the coexistence number, or reconnects it.
    async fn account_event(&mut self) {
        let coex = self.coex.clone();
        if self.coex_connected {
            let done = self.app.sandbox.disconnect(&coex).await;
            if self
                .outcome("the owner disconnects the number", done)
                .is_some()
            {
                self.coex_connected = false;
            }
        } else {
            let done = self.app.sandbox.reconnect(&coex).await;
            if self.outcome("the number is reconnected", done).is_some() {
                self.coex_connected = true;
            }
        }
    }

    /// Stops the hub, lets traffic and time hit it while it is down (the sandbox retries with
    /// backoff), and starts it again on the same data directory.
    async fn restart(&mut self) {
        self.note("the hub stops".to_owned());
        self.app.stop_hub().await;
        self.stats.restarts += 1;
        for _ in 0..self.rng.random_range(0..=3) {
            self.customer_text().await;
        }
        let down = self.rng.random_range(0..=600);
        self.app.sandbox.advance(down).await;
        self.app.start_hub().await;
        self.note(format!("the hub starts again after {down} s down"));
    }

    /// Status webhooks for business messages the phone sent or the history brought, posted by
    /// the simulation itself: shuffled, duplicated, split over several requests (the sandbox
    /// only emits statuses for API sends; see `sandbox-requests.md`, item 1).
    async fn direct_statuses(&mut self) {
        let acknowledged = self.ledger.acknowledged().clone();
        let targets: Vec<Remembered> = self
            .messages
            .iter()
            .filter(|m| matches!(m.author, Author::Phone | Author::History))
            .filter(|m| acknowledged.contains(&m.wamid))
            .cloned()
            .collect();
        if targets.is_empty() {
            return;
        }
        let mut statuses = Vec::new();
        for _ in 0..self.rng.random_range(1..=3) {
            let target = pick(&mut self.rng, &targets).clone();
            for status in ["sent", "delivered", "read", "delivered"] {
                if self.rng.random_bool(0.6) {
                    statuses.push((target.clone(), status));
                }
            }
        }
        statuses.shuffle(&mut self.rng);
        for part in statuses.chunks(3) {
            let body = self.status_webhook(part);
            let bytes = serde_json::to_vec(&body).expect("json");
            let status = self.app.post_webhook(bytes).await.status();
            self.stats.direct_status_webhooks += 1;
            self.ledger.record_direct(&body, status.is_success());
            let listed: Vec<String> = part
                .iter()
                .map(|(m, s)| format!("{s} {}", m.wamid))
                .collect();
            self.note(format!(
                "direct statuses [{}] → {status}",
                listed.join(", ")
            ));
        }
    }

    fn status_webhook(&self, statuses: &[(Remembered, &str)]) -> Value {
        let now_s = (self.app.sandbox.now_ms() / 1_000).to_string();
        let display = self.app.sandbox.display_number(&self.coex);
        let statuses: Vec<Value> = statuses
            .iter()
            .map(|(m, s)| json!({"id": m.wamid, "status": s, "timestamp": now_s, "recipient_id": m.wa_id}))
            .collect();
        json!({"object": "whatsapp_business_account", "entry": [{
            "id": self.app.sandbox.handle().waba_id(),
            "changes": [{"field": "messages", "value": {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": display, "phone_number_id": self.coex},
                "statuses": statuses}}]}]})
    }
}
