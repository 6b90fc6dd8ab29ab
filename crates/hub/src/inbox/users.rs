//! Creating users: checks every input, hashes the password (Argon2id) off the async workers,
//! stores the user. What the API's `POST /api/v1/users`, `coexist admin user create` and the
//! demo use.

use coexist_core::ids::OrgId;
use coexist_core::inbox::{Email, InputError, PersonName, Role};
use coexist_core::store::{NewUser, Store, StoreError, UserRecord};
use coexist_core::time::Timestamp;

use crate::auth::passwords::{self, PasswordError};

/// A user to create, as people type it.
#[derive(Debug, Clone, Copy)]
pub struct UserInput<'a> {
    /// Sign-in email (normalized to lowercase).
    pub email: &'a str,
    /// Display name.
    pub name: &'a str,
    /// `admin` or `agent`.
    pub role: Role,
    /// The password (at least 8 characters).
    pub password: &'a str,
}

/// Why a user was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    /// The email or name does not fit its rule.
    #[error(transparent)]
    Invalid(#[from] InputError),
    /// The password does not fit the policy.
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// Another user signs in with this email.
    #[error("email: {0} is already used by another user")]
    EmailTaken(String),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

/// Creates a user of `org` who signs in with `input.email` and `input.password`.
pub async fn create_user(
    store: &dyn Store,
    org: OrgId,
    input: UserInput<'_>,
    now: Timestamp,
) -> Result<UserRecord, CreateUserError> {
    let email = Email::parse(input.email)?;
    let name = PersonName::parse(input.name)?;
    passwords::check_policy(input.password)?;
    let password = input.password.to_owned();
    let password_hash = tokio::task::spawn_blocking(move || passwords::hash(&password))
        .await
        .map_err(|e| PasswordError::Hash(e.to_string()))??;
    let user = NewUser {
        email: email.clone(),
        name,
        role: input.role,
        password_hash,
    };
    store
        .create_user(org, user, now)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => CreateUserError::EmailTaken(email.to_string()),
            other => CreateUserError::Store(other),
        })
}
