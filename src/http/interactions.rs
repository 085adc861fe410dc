//! `POST /discord/interactions`: Discord's HTTP way in. Signed requests only; the same
//! answers as over the gateway.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serenity::all::Interaction;

use super::AppState;
use crate::discord::{Answer, Via};

/// Verifies, answers, and sends any follow-up in the background.
pub async fn handle(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some((bot, verifier)) = &state.discord else {
        return (StatusCode::NOT_FOUND, "Discord interactions are not configured here").into_response();
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Err(why) = verifier.check(header("x-signature-ed25519"), header("x-signature-timestamp"), &body, Utc::now())
    {
        tracing::warn!(%why, "Discord interactions: request refused");
        return (StatusCode::UNAUTHORIZED, "invalid request signature").into_response();
    }
    let interaction: Interaction = match serde_json::from_slice(&body) {
        Ok(i) => i,
        Err(e) => {
            tracing::warn!(error = %e, "Discord interactions: unreadable interaction");
            return (StatusCode::BAD_REQUEST, "unreadable interaction").into_response();
        }
    };
    if let Err(why) = verifier.first_time(&interaction.id().to_string(), Utc::now()) {
        tracing::warn!(%why, "Discord interactions: request refused");
        return (StatusCode::CONFLICT, "interaction already received").into_response();
    }
    let Some(answer) = bot.answer(&interaction, Via::Http).await else {
        return StatusCode::NO_CONTENT.into_response();
    };
    let response = match answer {
        // Discord wants exactly {"type": 1} back for a PING.
        Answer::Respond(serenity::all::CreateInteractionResponse::Pong) => {
            return ([(axum::http::header::CONTENT_TYPE, "application/json")], r#"{"type":1}"#).into_response();
        }
        Answer::Respond(r) => r,
        Answer::Follow(r, follow) => {
            // The follow-up needs the response to be delivered first: send it right after.
            let http = std::sync::Arc::clone(bot.http());
            let interaction = interaction.clone();
            tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                let sent = match &interaction {
                    Interaction::Component(ci) => ci.create_followup(&http, *follow).await.map(|_| ()),
                    Interaction::Command(ci) => ci.create_followup(&http, *follow).await.map(|_| ()),
                    _ => Ok(()),
                };
                if let Err(e) = sent {
                    tracing::warn!(error = %e, "Discord interactions: follow-up not sent");
                }
            });
            r
        }
    };
    match serde_json::to_vec(&response) {
        Ok(json) => ([(axum::http::header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "Discord interactions: cannot write the response");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
