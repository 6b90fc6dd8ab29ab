//! `@mentions` in notes: `@` followed by a user's full name or email address, compared without
//! regard to case (`@ana lima`, `@Ana Lima`, `@ana@example.com` all mention Ana Lima).
//!
//! - An `@` counts only at the start of the text or after a character that is not a letter or
//!   digit, so the `@` inside `bob@example.com` mentions nobody.
//! - The name must end at a word boundary (`@Ana` does not mention "Ana Lima", and `@Anabel`
//!   does not mention "Ana"); a trailing full stop or comma is a boundary.
//! - When two users' names both fit (`Ana` and `Ana Lima`), the longer one wins.

use crate::ids::UserId;

/// A user who can be mentioned.
#[derive(Debug, Clone, Copy)]
pub struct Mentionable<'a> {
    /// Their id.
    pub id: UserId,
    /// Their display name.
    pub name: &'a str,
    /// Their email address.
    pub email: &'a str,
}

/// The users `body` mentions, each once, in order of first mention.
pub fn mentions(body: &str, users: &[Mentionable<'_>]) -> Vec<UserId> {
    let mut found = Vec::new();
    let mut previous: Option<char> = None;
    for (i, c) in body.char_indices() {
        let starts = c == '@' && previous.is_none_or(|p| !p.is_alphanumeric());
        previous = Some(c);
        if !starts {
            continue;
        }
        let rest = &body[i + c.len_utf8()..];
        if let Some(id) = longest_match(rest, users)
            && !found.contains(&id)
        {
            found.push(id);
        }
    }
    found
}

/// The user whose name or email is the longest case-insensitive prefix of `rest` ending at a
/// boundary.
fn longest_match(rest: &str, users: &[Mentionable<'_>]) -> Option<UserId> {
    users
        .iter()
        .flat_map(|u| [u.name, u.email].map(|alias| (u.id, alias)))
        .filter_map(|(id, alias)| prefix_len(rest, alias).map(|len| (len, id)))
        .max_by_key(|(len, _)| *len)
        .map(|(_, id)| id)
}

/// The byte length of `alias` at the start of `rest` (ignoring case), if it ends at a boundary.
fn prefix_len(rest: &str, alias: &str) -> Option<usize> {
    let alias = alias.trim().to_lowercase();
    if alias.is_empty() {
        return None;
    }
    let mut lowered = String::new();
    for (i, c) in rest.char_indices() {
        lowered.extend(c.to_lowercase());
        if lowered == alias {
            let end = i + c.len_utf8();
            return at_boundary(&rest[end..]).then_some(end);
        }
        if !alias.starts_with(&lowered) {
            return None;
        }
    }
    None
}

/// Whether a mention may end just before `after`.
fn at_boundary(after: &str) -> bool {
    let mut chars = after.chars();
    match chars.next() {
        None => true,
        Some(c) if c.is_alphanumeric() || matches!(c, '@' | '_' | '-') => false,
        // "@ana@example.com." ends a sentence; "@ana@example.com.br" is another address.
        Some('.') => chars.next().is_none_or(|n| !n.is_alphanumeric()),
        Some(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::{Mentionable, mentions};
    use crate::ids::UserId;

    fn team() -> Vec<Mentionable<'static>> {
        vec![
            Mentionable {
                id: UserId(1),
                name: "Ana",
                email: "ana@example.com",
            },
            Mentionable {
                id: UserId(2),
                name: "Ana Lima",
                email: "lima@example.com",
            },
            Mentionable {
                id: UserId(3),
                name: "Bruno",
                email: "bruno@example.com",
            },
        ]
    }

    fn ids(body: &str) -> Vec<i64> {
        mentions(body, &team())
            .into_iter()
            .map(UserId::get)
            .collect()
    }

    #[test]
    fn names_and_emails_mention_ignoring_case() {
        assert_eq!(ids("@bruno can you call?"), [3]);
        assert_eq!(ids("ping @BRUNO@EXAMPLE.COM."), [3]);
        assert_eq!(ids("(@Ana) and @ana lima, please"), [1, 2]);
    }

    #[test]
    fn the_longest_fitting_name_wins() {
        assert_eq!(ids("@Ana Lima: look"), [2]);
        assert_eq!(ids("@Ana Limada"), [1]);
    }

    #[test]
    fn words_and_addresses_do_not_mention_by_accident() {
        assert_eq!(ids("mail bruno@example.com"), Vec::<i64>::new());
        assert_eq!(
            ids("@Brunop @anabel @ana@example.com.br"),
            Vec::<i64>::new()
        );
        assert_eq!(ids("@ nobody @"), Vec::<i64>::new());
    }

    #[test]
    fn each_user_is_mentioned_once_in_order() {
        assert_eq!(ids("@Bruno @Ana @bruno"), [3, 1]);
    }
}
