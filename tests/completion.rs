//! What is offered as one types an option (Discord's autocomplete), read from where each
//! option's declaration says its names come from.

mod common;

use common::*;
use convoca::engine::catalog;
use convoca::locale::Locale;

fn values(found: &[(String, String)]) -> Vec<&str> {
    found.iter().map(|(_, v)| v.as_str()).collect()
}

#[tokio::test]
async fn each_declared_source_offers_the_content_names() {
    let engine = engine_on(&shipped()).await;
    let none: Vec<(String, String)> = Vec::new();
    let campaigns = engine.complete("signup", "campaign", "jil", &none, Locale::En).await;
    assert_eq!(values(&campaigns), ["jilamito"]);
    assert!(campaigns[0].0.contains("Jilamito"), "{campaigns:?}");
    // An action is offered from the campaign given in the same command.
    let given = vec![("campaign".to_string(), "Jilamito".to_string())];
    let actions = engine.complete("signup", "action", "", &given, Locale::En).await;
    let jilamito = engine.content().current().campaign("jilamito").unwrap().actions.len();
    assert_eq!(actions.len(), jilamito, "{actions:?}");
    assert!(engine.complete("signup", "action", "", &none, Locale::En).await.is_empty(), "no campaign, no actions");
    let meetings = engine.complete("going", "meeting", "mon", &none, Locale::Es).await;
    assert_eq!(values(&meetings), ["monthly"]);
    assert!(meetings[0].0.contains("Reunión"), "in the asker's language: {meetings:?}");
    let briefings = engine.complete("coyuntura", "briefing", "", &none, Locale::En).await;
    assert_eq!(briefings.len(), engine.content().current().briefings.len());
    // An option with no source, or a command that does not exist, offers nothing.
    assert!(engine.complete("addmeeting", "title", "", &none, Locale::En).await.is_empty());
    assert!(engine.complete("nosuch", "campaign", "", &none, Locale::En).await.is_empty());
}

#[tokio::test]
async fn every_option_that_suggests_offers_something_on_the_shipped_content() {
    let engine = engine_on(&shipped()).await;
    let given = vec![("campaign".to_string(), "jilamito".to_string())];
    for spec in catalog::ALL {
        for option in spec.options.iter().filter(|o| o.suggest.is_some()) {
            let found = engine.complete(spec.name.0, option.name.0, "", &given, Locale::En).await;
            assert!(!found.is_empty(), "/{} {} offers nothing", spec.name.0, option.name.0);
        }
    }
}
