//! The few icons the server-rendered page draws, as inline SVG. They are the same drawings as
//! `assets/js/icons.js` (a test keeps them in step), so a row looks the same before and after
//! the scripts re-render it.

macro_rules! icon {
    ($name:ident, $paths:literal) => {
        pub(crate) const $name: &str = concat!(
            r#"<svg class="i" viewBox="0 0 24 24" aria-hidden="true" focusable="false">"#,
            $paths,
            "</svg>"
        );
    };
}

icon!(
    CLOCK,
    r#"<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>"#
);
icon!(CHECK, r#"<path d="M4 12.5l5.5 5.5L20 7"/>"#);
icon!(
    CHECKS,
    r#"<path d="M1.5 12.5l5 5 10-10"/><path d="M11.5 16.5l1 1 10-10"/>"#
);
icon!(
    ALERT,
    r#"<circle cx="12" cy="12" r="9"/><path d="M12 7v6"/><path d="M12 16.5v.5"/>"#
);
icon!(
    PHONE,
    r#"<rect x="6" y="2" width="12" height="20" rx="2.5"/><path d="M11 18h2"/>"#
);
icon!(
    HISTORY,
    r#"<path d="M3 12a9 9 0 1 0 2.6-6.4"/><path d="M3 4v5h5"/><path d="M12 7v5l3 2"/>"#
);
icon!(
    LOCK,
    r#"<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>"#
);
icon!(
    SNOOZE,
    r#"<circle cx="12" cy="13" r="8"/><path d="M12 9v4l2 2"/><path d="M5 3L2 6M22 6l-3-3"/>"#
);
icon!(
    RESOLVE,
    r#"<circle cx="12" cy="12" r="9"/><path d="M8 12l3 3 5-6"/>"#
);
icon!(
    BOT,
    r#"<rect x="4" y="8" width="16" height="12" rx="3"/><path d="M12 4v4"/><circle cx="12" cy="3.5" r="1"/><path d="M9 14h.01M15 14h.01"/><path d="M2 13v3M22 13v3"/>"#
);
icon!(
    PLUG,
    r#"<path d="M9 2v6M15 2v6"/><path d="M6 8h12v4a6 6 0 0 1-12 0z"/><path d="M12 18v4"/>"#
);
icon!(
    WARN,
    r#"<path d="M10.3 3.9L1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z"/><path d="M12 9v4"/><path d="M12 17v.01"/>"#
);
icon!(
    SEARCH,
    r#"<circle cx="11" cy="11" r="7"/><path d="M21 21l-5-5"/>"#
);
icon!(
    BELL,
    r#"<path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9"/><path d="M10.3 21a2 2 0 0 0 3.4 0"/>"#
);
icon!(
    KEYBOARD,
    r#"<rect x="2" y="6" width="20" height="12" rx="2"/><path d="M6 10h.01M10 10h.01M14 10h.01M18 10h.01M7 14h10"/>"#
);
icon!(
    CHAT,
    r#"<path d="M21 11.5a8.4 8.4 0 0 1-9 8.4 8.5 8.5 0 0 1-3.8-.9L3 21l1.9-5.7A8.4 8.4 0 0 1 12 3a8.4 8.4 0 0 1 9 8.5z"/>"#
);
icon!(
    BAN,
    r#"<circle cx="12" cy="12" r="9"/><path d="M5.6 5.6l12.8 12.8"/>"#
);
icon!(X, r#"<path d="M18 6L6 18M6 6l12 12"/>"#);

#[cfg(test)]
mod tests {
    /// `(js name, markup)` of every icon above.
    const ALL: &[(&str, &str)] = &[
        ("clock", super::CLOCK),
        ("check", super::CHECK),
        ("checks", super::CHECKS),
        ("alert", super::ALERT),
        ("phone", super::PHONE),
        ("history", super::HISTORY),
        ("lock", super::LOCK),
        ("snooze", super::SNOOZE),
        ("resolve", super::RESOLVE),
        ("bot", super::BOT),
        ("plug", super::PLUG),
        ("warn", super::WARN),
        ("search", super::SEARCH),
        ("bell", super::BELL),
        ("keyboard", super::KEYBOARD),
        ("chat", super::CHAT),
        ("ban", super::BAN),
        ("x", super::X),
    ];

    #[test]
    fn server_icons_are_the_scripts_icons() {
        let js = include_str!("../../assets/js/icons.js");
        for (name, markup) in ALL {
            let inner = markup
                .split_once('>')
                .and_then(|(_, rest)| rest.strip_suffix("</svg>"))
                .unwrap();
            let line = format!("  {name}: '{inner}',");
            assert!(js.contains(&line), "icons.js has no {line}");
        }
    }
}
