//! The shared inbox's rules, pure (no IO, no clock: `now` is a parameter):
//! - [`state`]: a chat's inbox status and the transitions agents make (assign, resolve, reopen,
//!   snooze, labels), and what a live customer message does to a resolved or snoozed chat.
//! - [`input`]: what the inbox accepts from people: emails, names, roles, labels, canned-response
//!   shortcuts, note bodies, contact-attribute patches.
//! - [`mentions`]: which users a note's `@name` / `@email` mentions.
//! - [`session`]: how long a signed-in session lives, and when repeated failed logins are
//!   refused.

pub mod input;
pub mod mentions;
pub mod session;
pub mod state;

pub use input::{
    AttributeError, Email, InputError, Label, NoteBody, PersonName, Role, Shortcut,
    apply_attribute_patch,
};
pub use mentions::{Mentionable, mentions};
pub use session::{LoginThrottle, SessionPolicy};
pub use state::{ChatChange, ChatChangeError, ChatUpdate, InboxState, InboxStatus};
