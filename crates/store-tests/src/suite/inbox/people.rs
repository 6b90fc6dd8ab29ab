//! Users, sessions and failed sign-ins.

use coexist_core::inbox::{Email, Role};
use coexist_core::store::{NewSession, StoreError};
use coexist_core::time::DAY_MS;

use super::{agent, user_in};
use crate::build::at;
use crate::fixture::{Fixture, StoreFactory};

/// An email signs in to one user in the whole deployment; users list by name, per
/// organization, and are found for sign-in by their (normalized) email.
pub async fn users_are_unique_by_email_and_listed_per_org(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let bruno = user_in(&f, f.org, "Bruno", Role::Admin).await;
    let ana = agent(&f, "Ana").await;
    assert_eq!(
        (ana.email.as_str(), ana.role),
        ("ana@example.com", Role::Agent)
    );
    let other = f.store.ensure_org("elsewhere", at(0)).await.unwrap();
    user_in(&f, other, "Carla", Role::Agent).await;
    let names: Vec<_> = f
        .store
        .list_users(f.org)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["Ana", "Bruno"]);
    let mut again = coexist_core::store::NewUser {
        email: Email::parse("ANA@example.com").unwrap(),
        name: coexist_core::inbox::PersonName::parse("Ana Two").unwrap(),
        role: Role::Agent,
        password_hash: "x".to_owned(),
    };
    let err = f
        .store
        .create_user(other, again.clone(), at(1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(ref m) if m.contains("ana@example.com")),
        "{err:?}"
    );
    again.email = Email::parse("ana2@example.com").unwrap();
    assert!(f.store.create_user(other, again, at(1)).await.is_ok());
    let login = f
        .store
        .find_login(&Email::parse("Bruno@Example.com").unwrap())
        .await
        .unwrap();
    let login = login.expect("bruno signs in");
    assert_eq!(login.user, bruno);
    assert!(login.password_hash.starts_with("$argon2id$"));
    let nobody = f
        .store
        .find_login(&Email::parse("nobody@example.com").unwrap())
        .await;
    assert!(nobody.unwrap().is_none());
    let err = f.store.get_user(other, ana.id).await.unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound),
        "another organization's user"
    );
    assert_eq!(f.store.get_org(f.org).await.unwrap().name, "acme");
}

/// A session is found by its hash until it is ended; "sign out everywhere" ends them all.
pub async fn sessions_live_until_ended(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let ana = agent(&f, "Ana").await;
    let new = |b: u8| NewSession {
        user: ana.id,
        hash: [b; 32],
        expires_at: at(7 * DAY_MS / 1_000),
    };
    let one = f.store.create_session(f.org, new(1), at(1)).await.unwrap();
    f.store.create_session(f.org, new(2), at(2)).await.unwrap();
    f.store.create_session(f.org, new(3), at(3)).await.unwrap();
    let found = f.store.find_session(&[1; 32]).await.unwrap().expect("live");
    assert_eq!((found.id, found.user.id), (one.id, ana.id));
    assert_eq!((found.created_at, found.last_seen_at), (at(1), at(1)));
    f.store.touch_session(one.id, at(60)).await.unwrap();
    f.store.touch_session(one.id, at(30)).await.unwrap();
    let touched = f.store.find_session(&[1; 32]).await.unwrap().unwrap();
    assert_eq!(touched.last_seen_at, at(60), "last seen never moves back");
    f.store.end_session(one.id, at(70)).await.unwrap();
    f.store.end_session(one.id, at(71)).await.unwrap();
    assert!(f.store.find_session(&[1; 32]).await.unwrap().is_none());
    assert_eq!(
        f.store
            .end_user_sessions(f.org, ana.id, at(80))
            .await
            .unwrap(),
        2
    );
    for b in [2, 3] {
        assert!(f.store.find_session(&[b; 32]).await.unwrap().is_none());
    }
    let other = f.store.ensure_org("elsewhere", at(0)).await.unwrap();
    let err = f
        .store
        .create_session(other, new(4), at(90))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    assert!(f.store.find_session(&[9; 32]).await.unwrap().is_none());
}

/// Failed sign-ins are counted per email within a window and forgotten on success.
pub async fn login_failures_are_counted_per_email(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let ana = Email::parse("ana@example.com").unwrap();
    let bob = Email::parse("bob@example.com").unwrap();
    for s in [1, 2, 3] {
        f.store.record_login_failure(&ana, at(s)).await.unwrap();
    }
    f.store.record_login_failure(&bob, at(2)).await.unwrap();
    assert_eq!(f.store.login_failures_since(&ana, at(0)).await.unwrap(), 3);
    assert_eq!(f.store.login_failures_since(&ana, at(2)).await.unwrap(), 2);
    f.store.clear_login_failures(&ana).await.unwrap();
    assert_eq!(f.store.login_failures_since(&ana, at(0)).await.unwrap(), 0);
    assert_eq!(f.store.login_failures_since(&bob, at(0)).await.unwrap(), 1);
}
