//! What the server-rendered inbox shows, computed from store records: chat rows, number chips
//! and health banners. The wording and markup match what `assets/js/list.js` and
//! `assets/js/health.js` render for live updates, so the scripts take over without a jump.

use coexist_core::inbox::InboxStatus;
use coexist_core::message::Origin;
use coexist_core::number::{Health, HistoryImportState, InactivityLevel};
use coexist_core::status::DeliveryStatus;
use coexist_core::store::{ChatRecord, ContactSummary, MessagePreview, NumberRecord};
use coexist_core::time::{HOUR_MS, MINUTE_MS, Timestamp};
use coexist_core::window::{ServiceWindow, WindowState};
use time::{OffsetDateTime, UtcOffset};

use super::icons;

/// Below this much time left, the window chip turns amber.
const SOON_MS: i64 = 2 * HOUR_MS;

/// How the viewer's clock reads times: their UTC offset (from the `cx_tzo` cookie) and now.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LocalTime {
    pub(crate) now: Timestamp,
    pub(crate) offset: UtcOffset,
}

impl LocalTime {
    fn local(&self, t: Timestamp) -> Option<OffsetDateTime> {
        let nanos = i128::from(t.millis()) * 1_000_000;
        OffsetDateTime::from_unix_timestamp_nanos(nanos)
            .ok()
            .map(|d| d.to_offset(self.offset))
    }

    /// The chat row's time label: `14:05`, `Yesterday`, `Mon`, `12 Mar`, `12 Mar 2025`.
    pub(crate) fn list_time(&self, t: Timestamp) -> String {
        let (Some(at), Some(now)) = (self.local(t), self.local(self.now)) else {
            return String::new();
        };
        let days = now.date().to_julian_day() - at.date().to_julian_day();
        if days <= 0 {
            return format!("{:02}:{:02}", at.hour(), at.minute());
        }
        if days == 1 {
            return "Yesterday".to_owned();
        }
        if days < 7 {
            let weekday = at.weekday().to_string();
            return weekday[..3].to_owned();
        }
        let month = at.month().to_string();
        let month = &month[..3];
        if at.year() == now.year() {
            format!("{} {month}", at.day())
        } else {
            format!("{} {month} {}", at.day(), at.year())
        }
    }
}

/// `+1 650 555 0123` for digits; the input otherwise (as `util.js` `phone`).
pub(crate) fn phone(digits: &str) -> String {
    let all_digits = digits.bytes().all(|b| b.is_ascii_digit());
    if !all_digits || !(8..=15).contains(&digits.len()) {
        return digits.to_owned();
    }
    if digits.len() == 11 && digits.starts_with('1') {
        return format!("+1 {} {} {}", &digits[1..4], &digits[4..7], &digits[7..]);
    }
    let rest = &digits[2..];
    let mut grouped = String::new();
    let mut i = 0;
    // Groups of three while at least three more digits follow, like the JS regex.
    while rest.len() - i >= 6 {
        grouped.push_str(&rest[i..i + 3]);
        grouped.push(' ');
        i += 3;
    }
    grouped.push_str(&rest[i..]);
    format!("+{} {grouped}", &digits[..2])
}

/// The name people know a contact by.
pub(crate) fn contact_name(c: &ContactSummary) -> String {
    c.name
        .clone()
        .or_else(|| c.profile_name.clone())
        .or_else(|| c.wa_id.as_deref().map(phone))
        .or_else(|| c.user_id.clone())
        .unwrap_or_else(|| "Unknown".to_owned())
}

/// Up to two initials (as `util.js` `initials`).
pub(crate) fn initials(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let letters: String = match words.as_slice() {
        [] => "?".to_owned(),
        [one] => one.chars().take(2).collect(),
        [first, .., last] => first.chars().take(1).chain(last.chars().take(1)).collect(),
    };
    letters.to_uppercase()
}

/// The avatar colour class of an id (as `util.js` `hue`).
pub(crate) fn hue(id: &str) -> u32 {
    let mut n: u32 = 0;
    for unit in id.encode_utf16() {
        n = n.wrapping_mul(31).wrapping_add(u32::from(unit));
    }
    n % 8
}

/// `23 h`, `45 min`.
fn short_duration(ms: i64) -> String {
    let minutes = ms / MINUTE_MS;
    if minutes < 60 {
        format!("{} min", minutes.max(1))
    } else {
        format!("{} h", minutes / 60)
    }
}

/// The service-window chip of a row.
pub(crate) struct WindowChip {
    pub(crate) class: &'static str,
    pub(crate) icon: &'static str,
    pub(crate) label: String,
    pub(crate) title: &'static str,
    pub(crate) closes_at_ms: String,
}

fn window_chip(chat: &ChatRecord, now: Timestamp) -> WindowChip {
    let window = ServiceWindow {
        last_customer_message_at: chat.last_customer_message_at,
    };
    match window.state(now) {
        WindowState::Open {
            closes_at,
            remaining_ms,
        } => WindowChip {
            class: if remaining_ms < SOON_MS {
                "win-soon"
            } else {
                "win-open"
            },
            icon: icons::CLOCK,
            label: format!("{} left", short_duration(remaining_ms)),
            title: "Time left to reply freely (Meta’s 24-hour customer service window)",
            closes_at_ms: closes_at.millis().to_string(),
        },
        WindowState::Closed { closed_at } => WindowChip {
            class: "win-closed",
            icon: icons::LOCK,
            label: "Templates only".to_owned(),
            title: "The 24-hour window is closed: only approved templates can be sent",
            closes_at_ms: closed_at
                .map(|t| t.millis().to_string())
                .unwrap_or_default(),
        },
    }
}

/// Who wrote the last message, before its text.
pub(crate) struct Who {
    pub(crate) class: &'static str,
    pub(crate) icon: Option<&'static str>,
    pub(crate) label: String,
}

/// The preview line of a row.
pub(crate) struct Preview {
    pub(crate) who: Option<Who>,
    pub(crate) tick: Option<Tick>,
    pub(crate) deleted: bool,
    pub(crate) text: String,
}

/// A delivery tick.
pub(crate) struct Tick {
    pub(crate) class: &'static str,
    pub(crate) status: &'static str,
    pub(crate) label: &'static str,
    pub(crate) icon: &'static str,
}

fn tick(status: DeliveryStatus) -> Tick {
    let (icon, label) = match status {
        DeliveryStatus::Pending => (icons::CLOCK, "Waiting to send"),
        DeliveryStatus::Accepted => (icons::CLOCK, "Accepted by Meta, not sent yet"),
        DeliveryStatus::Sent => (icons::CHECK, "Sent"),
        DeliveryStatus::Delivered => (icons::CHECKS, "Delivered"),
        DeliveryStatus::Read => (icons::CHECKS, "Read"),
        DeliveryStatus::Played => (icons::CHECKS, "Played"),
        DeliveryStatus::Failed => (icons::ALERT, "Not delivered"),
    };
    let class = match status {
        DeliveryStatus::Read | DeliveryStatus::Played => "read",
        other => other.as_str(),
    };
    Tick {
        class,
        status: status.as_str(),
        label,
        icon,
    }
}

/// A label for a message type without text (as `thread.js` `kindLabel`).
pub(crate) fn kind_label(kind: &str) -> String {
    let known = match kind {
        "image" => "Photo",
        "video" => "Video",
        "audio" => "Audio",
        "voice" => "Voice message",
        "document" => "Document",
        "sticker" => "Sticker",
        "location" => "Location",
        "contacts" => "Contact card",
        "reaction" => "Reaction",
        "interactive" => "Interactive reply",
        "button" => "Button reply",
        "order" => "Order",
        "template" => "Template",
        "unsupported" => "Unsupported message",
        "media_placeholder" => "Media",
        "system" => "System message",
        "" => "Message",
        other => return other.replace('_', " "),
    };
    known.to_owned()
}

fn preview(last: Option<&MessagePreview>) -> Preview {
    let Some(last) = last else {
        return Preview {
            who: None,
            tick: None,
            deleted: false,
            text: "No messages yet".to_owned(),
        };
    };
    let who = match last.origin {
        Origin::BusinessApp => Some(Who {
            class: "phone",
            icon: Some(icons::PHONE),
            label: "Phone:".to_owned(),
        }),
        Origin::Api => Some(Who {
            class: "agent",
            icon: None,
            label: "Agent:".to_owned(),
        }),
        Origin::History => Some(Who {
            class: "history",
            icon: Some(icons::HISTORY),
            label: "History:".to_owned(),
        }),
        Origin::Customer => None,
    };
    let outbound = last.direction == coexist_core::message::Direction::Outbound;
    Preview {
        who,
        tick: last.status.filter(|_| outbound).map(tick),
        deleted: last.revoked,
        text: if last.revoked {
            "Message deleted".to_owned()
        } else {
            last.text.clone().unwrap_or_else(|| kind_label(&last.kind))
        },
    }
}

/// The inbox-status chip of a row.
pub(crate) struct StatusChip {
    pub(crate) class: &'static str,
    pub(crate) icon: &'static str,
    pub(crate) label: String,
}

/// The assignee of a row.
pub(crate) struct AssigneeView {
    pub(crate) name: String,
    pub(crate) initials: String,
    pub(crate) hue: u32,
}

/// One row of the chat list.
pub(crate) struct RowView {
    pub(crate) id: String,
    pub(crate) href: String,
    pub(crate) name: String,
    pub(crate) initials: String,
    pub(crate) hue: u32,
    pub(crate) unread: i64,
    pub(crate) active: bool,
    pub(crate) time_iso: String,
    pub(crate) time_label: String,
    pub(crate) preview: Preview,
    pub(crate) window: WindowChip,
    pub(crate) status: Option<StatusChip>,
    pub(crate) labels: Vec<String>,
    pub(crate) more_labels: usize,
    /// `(…0001, To +1 555 010 0001)` when the organization has several numbers.
    pub(crate) number: Option<(String, String)>,
    pub(crate) assignee: Option<AssigneeView>,
}

fn status_chip(chat: &ChatRecord, clock: &LocalTime) -> Option<StatusChip> {
    match chat.status {
        InboxStatus::Snoozed => Some(StatusChip {
            class: "st-snoozed",
            icon: icons::SNOOZE,
            label: match chat.snoozed_until {
                Some(until) => format!("Snoozed · {}", clock.list_time(until)),
                None => "Snoozed".to_owned(),
            },
        }),
        InboxStatus::Resolved => Some(StatusChip {
            class: "st-resolved",
            icon: icons::RESOLVE,
            label: "Resolved".to_owned(),
        }),
        InboxStatus::Pending => Some(StatusChip {
            class: "st-pending",
            icon: icons::BOT,
            label: "Bot".to_owned(),
        }),
        InboxStatus::Open => None,
    }
}

/// Everything a row needs besides the chat.
pub(crate) struct RowContext<'a> {
    pub(crate) clock: LocalTime,
    pub(crate) active: Option<&'a str>,
    pub(crate) query: &'a str,
    /// Numbers when the organization has more than one: (id, digits or phone number id, label).
    pub(crate) numbers: &'a [(String, String, String)],
}

impl RowView {
    pub(crate) fn of(chat: &ChatRecord, ctx: &RowContext<'_>) -> RowView {
        let id = chat.id.to_string();
        let name = contact_name(&chat.contact);
        let avatar_id = chat.contact.id.to_string();
        let labels: Vec<String> = chat.labels.iter().take(2).cloned().collect();
        RowView {
            href: format!("/chats/{id}{}", ctx.query),
            active: ctx.active == Some(id.as_str()),
            initials: initials(&name),
            hue: hue(&avatar_id),
            unread: chat.unread_count,
            time_iso: chat
                .last_message_at
                .map(|t| t.to_rfc3339())
                .unwrap_or_default(),
            time_label: chat
                .last_message_at
                .map(|t| ctx.clock.list_time(t))
                .unwrap_or_default(),
            preview: preview(chat.last_message.as_ref()),
            window: window_chip(chat, ctx.clock.now),
            status: status_chip(chat, &ctx.clock),
            more_labels: chat.labels.len().saturating_sub(2),
            labels,
            number: ctx
                .numbers
                .iter()
                .find(|(nid, _, _)| *nid == chat.number_id.to_string())
                .map(|(_, digits, label)| {
                    let last4: String = digits
                        .chars()
                        .rev()
                        .take(4)
                        .collect::<Vec<_>>()
                        .into_iter()
                        .rev()
                        .collect();
                    (format!("…{last4}"), format!("To {label}"))
                }),
            assignee: chat.assignee.as_ref().map(|a| AssigneeView {
                initials: initials(&a.name),
                hue: hue(&format!("u{}", a.id)),
                name: a.name.clone(),
            }),
            name,
            id,
        }
    }
}

/// A number in the top bar.
pub(crate) struct NumberChip {
    pub(crate) lifecycle: &'static str,
    pub(crate) label: String,
    pub(crate) state_label: &'static str,
}

/// A health banner.
pub(crate) struct Banner {
    pub(crate) class: &'static str,
    pub(crate) role: &'static str,
    pub(crate) icon: &'static str,
    pub(crate) title: String,
    pub(crate) detail: String,
    pub(crate) progress: Option<i64>,
    /// `(phase, what arrived)` of a running history import.
    pub(crate) phases: Vec<(&'static str, String)>,
}

fn lifecycle_label(lifecycle: &str) -> &'static str {
    match lifecycle {
        "onboarding" => "Connecting",
        "syncing" => "Importing history",
        "live" => "Live",
        "at_risk" => "At risk",
        "disconnected" => "Disconnected",
        "offboarded" => "Offboarded",
        _ => "Unknown",
    }
}

/// How a number is named on screen.
pub(crate) fn number_label(n: &NumberRecord) -> String {
    n.display_phone_number
        .as_deref()
        .map(phone)
        .unwrap_or_else(|| n.phone_number_id.clone())
}

pub(crate) fn number_chip(n: &NumberRecord, health: &Health) -> NumberChip {
    NumberChip {
        lifecycle: health.lifecycle,
        label: number_label(n),
        state_label: lifecycle_label(health.lifecycle),
    }
}

/// The banners of one number, most urgent first (as `health.js` `banners`).
pub(crate) fn banners(n: &NumberRecord, health: &Health) -> Vec<Banner> {
    let label = number_label(n);
    let mut out = Vec::new();
    if matches!(health.lifecycle, "disconnected" | "offboarded") {
        let why = match &health.disconnection {
            Some(d) => match &d.reason {
                Some(reason) => format!("{} (Meta’s reason: {reason}.)", d.explanation),
                None => d.explanation.to_owned(),
            },
            None => health.warnings.first().cloned().unwrap_or_default(),
        };
        out.push(Banner {
            class: "danger",
            role: "alert",
            icon: icons::PLUG,
            title: format!("{label} is disconnected from WhatsApp."),
            detail: format!("{why} Messages cannot be sent until it is connected again."),
            progress: None,
            phases: Vec::new(),
        });
    }
    if let Some(a) = health
        .app_activity
        .filter(|a| a.level != InactivityLevel::Ok)
    {
        let critical = a.level == InactivityLevel::Critical;
        let plural = if a.days_until_disconnect == 1 {
            ""
        } else {
            "s"
        };
        out.push(Banner {
            class: if critical { "critical" } else { "warn" },
            role: if critical { "alert" } else { "status" },
            icon: icons::WARN,
            title: format!(
                "The WhatsApp Business App on {label} was last opened {} days ago.",
                a.inactive_days
            ),
            detail: format!(
                "Meta disconnects a coexistence number after about 14 days without the app being opened: {} day{plural} left. Ask the owner to open the app on the phone.",
                a.days_until_disconnect
            ),
            progress: None,
            phases: Vec::new(),
        });
    }
    if health.history_stalled {
        let progress = health.history.progress.unwrap_or(0);
        let detail = health
            .warnings
            .iter()
            .find(|w| w.starts_with("The history import has stalled"))
            .cloned()
            .unwrap_or_default();
        out.push(Banner {
            class: "warn",
            role: "status",
            icon: icons::HISTORY,
            title: format!("The chat history import of {label} has stalled at {progress}%."),
            detail,
            progress: Some(progress),
            phases: history_phases(&health.history),
        });
    } else if health.history.state == HistoryImportState::InProgress {
        let progress = health.history.progress.unwrap_or(0);
        out.push(Banner {
            class: "info",
            role: "status",
            icon: icons::HISTORY,
            title: format!("Importing the chat history of {label}: {progress}%"),
            detail: "Imported messages are shown as history: they do not count as unread, notify no one and never open the 24-hour window.".to_owned(),
            progress: Some(progress),
            phases: history_phases(&health.history),
        });
    }
    out
}

/// What arrived per history phase (as `health.js` `historyLine`).
fn history_phases(history: &coexist_core::number::HistoryImport) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> =
        [(0, "Last day"), (1, "Days 1–90"), (2, "Days 90–180")]
            .into_iter()
            .map(|(phase, label)| {
                let text = match history.phases.get(&phase) {
                    Some(p) => format!(
                        "{} chunk{} · {} messages",
                        p.chunks,
                        if p.chunks == 1 { "" } else { "s" },
                        thousands(p.messages)
                    ),
                    None => "waiting".to_owned(),
                };
                (label, text)
            })
            .collect();
    if history.media_pending > 0 {
        out.push((
            "Media",
            format!("{} files still to download", history.media_pending),
        ));
    }
    out
}

/// `12,345` (as `toLocaleString('en')`).
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use coexist_core::time::Timestamp;
    use time::UtcOffset;

    use super::{LocalTime, hue, initials, phone, short_duration};

    #[test]
    fn names_and_numbers_read_like_the_scripts_show_them() {
        assert_eq!(phone("16505550123"), "+1 650 555 0123");
        assert_eq!(phone("447700900123"), "+44 770 090 0123");
        assert_eq!(phone("abc"), "abc");
        assert_eq!(initials("Ada Lovelace"), "AL");
        assert_eq!(initials("ada"), "AD");
        assert_eq!(initials("Jean-Luc de la Cruz"), "JC");
        assert_eq!(initials(""), "?");
        // The same hash as util.js: "12" → (49 * 31 + 50) % 8.
        assert_eq!(hue("12"), (49 * 31 + 50) % 8);
    }

    #[test]
    fn list_times_are_local_and_relative_to_now() {
        // 2026-03-04 (a Wednesday) 10:00 UTC.
        let now = Timestamp::parse_rfc3339("2026-03-04T10:00:00Z").unwrap();
        let utc = LocalTime {
            now,
            offset: UtcOffset::UTC,
        };
        let at = |s: &str| utc.list_time(Timestamp::parse_rfc3339(s).unwrap());
        assert_eq!(at("2026-03-04T08:05:00Z"), "08:05");
        assert_eq!(at("2026-03-03T23:00:00Z"), "Yesterday");
        assert_eq!(at("2026-03-01T12:00:00Z"), "Sun");
        assert_eq!(at("2026-02-12T12:00:00Z"), "12 Feb");
        assert_eq!(at("2025-12-31T12:00:00Z"), "31 Dec 2025");
        let plus_two = LocalTime {
            now,
            offset: UtcOffset::from_hms(2, 0, 0).unwrap(),
        };
        let late = Timestamp::parse_rfc3339("2026-03-03T23:00:00Z").unwrap();
        assert_eq!(plus_two.list_time(late), "01:00");
    }

    #[test]
    fn short_durations_round_down() {
        assert_eq!(short_duration(23 * 3_600_000 + 59 * 60_000), "23 h");
        assert_eq!(short_duration(45 * 60_000), "45 min");
        assert_eq!(short_duration(10_000), "1 min");
    }
}
