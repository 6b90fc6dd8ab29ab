//! What each actor may do: [`authorize`] is the one place that decides, from the actor's kind
//! and role and the action. Deny by default: a new action is refused to everyone until a line
//! here allows it. Finer roles (supervisor, auditor) and scoped tokens extend this function.

use coexist_core::inbox::Role;

use super::actor::{Actor, ActorKind};
use crate::http::ApiError;

/// Something an API caller asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read the organization's numbers, contacts, chats, messages, users, labels, stream.
    Read,
    /// Work a chat: assign, resolve, reopen, snooze, label, mark read, write notes.
    WorkChats,
    /// Change a contact's attributes.
    EditContacts,
    /// Create, change and delete the organization's canned responses.
    ManageCannedResponses,
    /// Create users.
    ManageUsers,
    /// Connect numbers, request their one-time syncs, read the audit trail.
    ManageNumbers,
    /// Read and mark one's own notifications (people only).
    OwnNotifications,
    /// Sign out of one's own sessions (people only).
    OwnSessions,
}

/// Why an action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// The role does not allow it.
    Role,
    /// Only a signed-in person can do it (not an integration's token).
    PeopleOnly,
}

/// Whether `actor` may do `action`.
pub fn authorize(actor: &Actor, action: Action) -> Result<(), Denied> {
    let person = matches!(actor.kind, ActorKind::User { .. });
    let allowed = match (action, actor.role()) {
        (Action::OwnNotifications | Action::OwnSessions, _) if !person => {
            return Err(Denied::PeopleOnly);
        }
        (Action::ManageUsers | Action::ManageNumbers, Role::Admin) => true,
        (Action::ManageUsers | Action::ManageNumbers, Role::Agent) => false,
        (
            Action::Read
            | Action::WorkChats
            | Action::EditContacts
            | Action::ManageCannedResponses
            | Action::OwnNotifications
            | Action::OwnSessions,
            Role::Admin | Role::Agent,
        ) => true,
    };
    if allowed { Ok(()) } else { Err(Denied::Role) }
}

impl From<Denied> for ApiError {
    fn from(d: Denied) -> Self {
        let message = match d {
            Denied::Role => "your role does not allow this",
            Denied::PeopleOnly => "only a signed-in user can do this, not an API token",
        };
        ApiError::new(axum::http::StatusCode::FORBIDDEN, "forbidden", message)
    }
}

#[cfg(test)]
mod tests {
    use coexist_core::ids::{OrgId, SessionId, TokenId, UserId};
    use coexist_core::inbox::Role;

    use super::{Action, Denied, authorize};
    use crate::auth::actor::{Actor, ActorKind};

    fn user(role: Role) -> Actor {
        Actor {
            org: OrgId(1),
            kind: ActorKind::User {
                id: UserId(1),
                role,
                session: SessionId(1),
                csrf_token: String::new(),
            },
        }
    }

    fn token(role: Role) -> Actor {
        Actor {
            org: OrgId(1),
            kind: ActorKind::Token {
                id: TokenId(1),
                role,
            },
        }
    }

    const ALL: [Action; 8] = [
        Action::Read,
        Action::WorkChats,
        Action::EditContacts,
        Action::ManageCannedResponses,
        Action::ManageUsers,
        Action::ManageNumbers,
        Action::OwnNotifications,
        Action::OwnSessions,
    ];

    /// The whole matrix, written out: a change to the policy must change this table.
    #[test]
    fn the_matrix_of_actors_and_actions() {
        let allowed =
            |a: &Actor| -> Vec<bool> { ALL.iter().map(|x| authorize(a, *x).is_ok()).collect() };
        assert_eq!(allowed(&user(Role::Admin)), [true; 8]);
        assert_eq!(
            allowed(&user(Role::Agent)),
            [true, true, true, true, false, false, true, true]
        );
        assert_eq!(
            allowed(&token(Role::Admin)),
            [true, true, true, true, true, true, false, false]
        );
        assert_eq!(
            allowed(&token(Role::Agent)),
            [true, true, true, true, false, false, false, false]
        );
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(
            authorize(&user(Role::Agent), Action::ManageUsers),
            Err(Denied::Role)
        );
        assert_eq!(
            authorize(&token(Role::Admin), Action::OwnNotifications),
            Err(Denied::PeopleOnly)
        );
    }
}
