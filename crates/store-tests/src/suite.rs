//! The contract tests, by area.

pub mod account;
pub mod amendments;
pub mod history;
pub mod inbox;
pub mod messages;
pub mod numbers;
pub mod onboarding;
pub mod orgs;
pub mod outbox;
pub mod phonebook;
pub mod reads;
pub mod records;
pub mod renumber;
pub mod requests;
pub mod seeded;
pub mod sending;
pub mod statuses;
