//! Before the days: months of chats on the phone, onboarding, and the contacts and history
//! exports (whose chunks then trickle in, out of order, during the first steps).

use rand::Rng;
use serde_json::{Value, json};

use super::SimFailure;
use super::world::{Author, World, pick};

/// Statuses the phone shows for the business's old messages (`history_context.status`).
const HISTORY_STATUSES: [&str; 6] = ["READ", "READ", "DELIVERED", "SENT", "ERROR", "PLAYED"];

impl World {
    pub(super) async fn prelude(&mut self) -> Result<(), SimFailure> {
        self.seed_old_threads().await;
        // Customers write while the number is still on the app only: no webhook, but it is
        // part of the history export (phase 0).
        for _ in 0..self.rng.random_range(0..=4) {
            let wa_id = pick(&mut self.rng, &self.customers).clone();
            let said = self
                .app
                .sandbox
                .customer(&wa_id)
                .says("Are you open today?")
                .await;
            if let Some(wamid) = self.outcome(&format!("{wa_id} writes to the app only"), said) {
                self.remember(Author::Customer, &self.coex.clone(), &wa_id, wamid, true);
            }
        }
        let onboarded = self.app.sandbox.onboard(&self.coex).await;
        self.coex_connected = self
            .outcome("the coexistence number is onboarded", onboarded)
            .is_some();
        for wa_id in self.customers.clone().iter().take(3) {
            let name = format!("Client {wa_id}");
            let added = self.app.sandbox.phone().add_contact(wa_id, &name).await;
            self.outcome(&format!("address book: add {wa_id}"), added);
        }
        for sync in ["smb_app_state_sync", "history"] {
            let requested = self.app.sandbox.request_sync(&self.coex, sync).await;
            self.outcome(&format!("{sync} export requested"), requested);
        }
        self.check().await
    }

    /// Old threads on the phone: up to 170 days back, texts and images from both sides.
    async fn seed_old_threads(&mut self) {
        let mut threads = Vec::new();
        let mut authors: Vec<Vec<bool>> = Vec::new();
        for wa_id in self.customers.clone() {
            if !self.rng.random_bool(0.7) {
                continue;
            }
            let (messages, from_business) = self.old_messages();
            threads.push(json!({"wa_id": wa_id, "name": format!("Old friend {wa_id}"), "messages": messages}));
            authors.push(from_business);
        }
        if threads.is_empty() {
            return;
        }
        let seeded = self
            .app
            .sandbox
            .phone()
            .seed_history(json!({"threads": threads}))
            .await;
        let Some(answer) = self.outcome(
            &format!("{} old threads on the phone", threads.len()),
            seeded,
        ) else {
            return;
        };
        let coex = self.coex.clone();
        for (thread, from_business) in answer["threads"]
            .as_array()
            .into_iter()
            .flatten()
            .zip(authors)
        {
            let wa_id = thread["wa_id"].as_str().unwrap_or_default().to_owned();
            let wamids = thread["wamids"].as_array().cloned().unwrap_or_default();
            for (wamid, business) in wamids.iter().zip(from_business) {
                if let (Some(wamid), true) = (wamid.as_str(), business) {
                    self.remember(Author::History, &coex, &wa_id, wamid.to_owned(), true);
                }
            }
        }
    }

    fn old_messages(&mut self) -> (Vec<Value>, Vec<bool>) {
        let count = self.rng.random_range(2..=12);
        let mut messages = Vec::new();
        let mut from_business = Vec::new();
        for i in 0..count {
            let business = self.rng.random_bool(0.5);
            let days_ago: f64 = self.rng.random_range(0.05..170.0);
            let message = if self.rng.random_bool(0.15) {
                json!({"type": "image", "image": {"caption": format!("photo {i}")}})
            } else {
                json!({"type": "text", "text": {"body": format!("old message {i}: ¿qué tal? ✓")}})
            };
            let mut item = json!({"from": if business { "business" } else { "customer" },
                                  "days_ago": days_ago, "message": message});
            if business {
                item["status"] = json!(pick(&mut self.rng, &HISTORY_STATUSES));
            }
            messages.push(item);
            from_business.push(business);
        }
        (messages, from_business)
    }
}
