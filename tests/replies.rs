//! Golden replies: every command in both languages against the shipped content, at a pinned
//! instant. A reply that changes shows up as a diff; run with `UPDATE_GOLDEN=1` to accept it
//! after reading the diff (for instance when organizers edit `commands/`).

mod common;

use common::*;
use convoca::console::render;
use convoca::engine::{Button, Tone, Visibility};
use convoca::locale::Locale;

const NOW: &str = "2026-11-28T15:00:00Z";

fn golden(name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_GOLDEN=1 once", path.display()));
    assert_eq!(actual, expected, "reply for {name} differs from {}", path.display());
}

#[tokio::test]
async fn every_command_in_both_languages() {
    let engine = engine_on(&shipped()).await;
    let cases = [
        ("help", "/help"),
        ("mission", "/mission"),
        ("meeting", "/meeting"),
        ("campaigns", "/campaign"),
        ("campaign-jilamito", "/campaign jilamito"),
        ("campaign-unknown", "/campaign honduras"),
        ("coyuntura", "/coyuntura"),
        ("coyuntura-named", "/coyuntura guatemala-2024-07"),
        ("coyuntura-unknown", "/coyuntura guatemala-2023"),
        ("unknown-command", "/meetign"),
    ];
    for (name, text) in cases {
        for locale in Locale::ALL {
            let reply = ask(&engine, text, locale, at(NOW)).await;
            golden(&format!("{name}.{}", locale.tag()), &render(&reply));
        }
    }
}

#[tokio::test]
async fn spanish_replies_are_spanish_and_english_ones_english() {
    let engine = engine_on(&shipped()).await;
    let es = render(&ask(&engine, "/campaign jilamito", Locale::Es, at(NOW)).await);
    assert!(es.contains("Alto a la represa de Jilamito"), "{es}");
    assert!(es.contains("Qué puedes hacer"), "{es}");
    assert!(es.contains("/apuntarme jilamito") || es.contains("/signup jilamito"), "{es}");
    let en = render(&ask(&engine, "/campaign jilamito", Locale::En, at(NOW)).await);
    assert!(en.contains("Stop the Jilamito dam"), "{en}");
    assert!(!en.contains("Qué puedes"), "{en}");
}

#[tokio::test]
async fn jilamito_names_its_partners_actions_and_link() {
    let engine = engine_on(&shipped()).await;
    let reply = ask(&engine, "/campaign jilamito", Locale::En, at(NOW)).await;
    let text = render(&reply);
    for needle in [
        "School of the Americas Watch",
        "Witness for Peace Solidarity Collective",
        "petition",
        "https://masspeaceaction.org/honduras-and-the-jilamito-project/",
        "/signup jilamito",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    assert_eq!(reply.visibility, Visibility::Public);
    let signups = reply.buttons.iter().filter(|b| matches!(b, Button::SignUp { .. })).count();
    assert_eq!(signups, 3, "one sign-up button per call to action");
    let withdraws = reply.buttons.iter().filter(|b| matches!(b, Button::Withdraw { .. })).count();
    assert_eq!(withdraws, 3, "and a way to take each back");
}

#[tokio::test]
async fn unknown_campaign_lists_the_real_ones() {
    let engine = engine_on(&shipped()).await;
    let reply = ask(&engine, "/campaign jilamto", Locale::En, at(NOW)).await;
    let text = render(&reply);
    assert_eq!(reply.tone, Tone::Refusal);
    assert!(text.contains("There is no campaign called `jilamto`"), "{text}");
    assert!(text.contains("Did you mean `/campaign jilamito`?"), "{text}");
    for slug in ["jilamito", "berta-caceres-act", "monroe-doctrine", "cuba-sst", "stop-arms-to-mexico"] {
        assert!(text.contains(slug), "{slug} missing from\n{text}");
    }
}

#[tokio::test]
async fn members_only_link_never_in_public_replies() {
    let dir = copy_of_shipped();
    let path = dir.path().join("meetings/monthly.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("link = \"\"", "link = \"https://zoom.example/j/123\"")).unwrap();
    let engine = engine_on(dir.path()).await;
    // A member anywhere, and an organizer in a channel: no link.
    let member = render(&ask(&engine, "/meeting", Locale::En, at(NOW)).await);
    assert!(!member.contains("zoom.example"), "{member}");
    let mut in_channel = request("/meeting", Locale::En, at(NOW));
    in_channel.organizer = true;
    in_channel.channel = Some("general".into());
    assert!(!render(&engine.handle(&in_channel).await).contains("zoom.example"));
    // An organizer asking privately sees it.
    let mut private = request("/meeting", Locale::En, at(NOW));
    private.organizer = true;
    assert!(render(&engine.handle(&private).await).contains("https://zoom.example/j/123"));
}

#[tokio::test]
async fn huge_input_gets_a_short_refusal() {
    let engine = engine_on(&shipped()).await;
    let huge = format!("/campaign {}", "x".repeat(100_000));
    let reply = ask(&engine, &huge, Locale::En, at(NOW)).await;
    let text = render(&reply);
    assert_eq!(reply.tone, Tone::Refusal);
    assert!(text.contains("too long"), "{text}");
    assert!(text.len() < 300, "refusal should be short, was {} bytes", text.len());
}

#[tokio::test]
async fn matrix_users_are_shown_bang_commands() {
    let engine = engine_on(&shipped()).await;
    let req = request("!help", Locale::En, at(NOW)).asked_on(&convoca::matrix::ABILITIES);
    let text = render(&engine.handle(&req).await);
    assert!(text.contains("`!meeting [meeting]`"), "{text}");
    assert!(!text.contains("`/meeting`"), "{text}");
}
