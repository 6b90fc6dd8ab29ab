//! The shared inbox's application side:
//! - [`users`]: creating users with a password (the API, `coexist admin user create` and the demo
//!   call [`users::create_user`]);
//! - [`live`]: waking live streams after an inbox change committed;
//! - [`snoozes`]: storing and announcing the end of snoozes whose time has passed.
//!
//! The rules are core's (`coexist_core::inbox`); persistence is the store's (`InboxStore`);
//! the HTTP routes live in `http::api`.

pub(crate) mod live;
pub mod snoozes;
pub mod users;
