//! The session cookie, and what a request's headers say about where it comes from.
//!
//! `convoca_dashboard=<session key>`: `HttpOnly` (no script reads it), `SameSite=Strict`
//! (no other site's page or link sends it), `Path=/dashboard` (sent to the dashboard only,
//! never to the public pages and feeds), `Max-Age` the session's lifetime, and `Secure`
//! when the bot is reached over HTTPS: its public URL says `https://`, or the proxy in
//! front of it says `X-Forwarded-Proto: https`.

use axum::http::{HeaderMap, HeaderValue, header};

use crate::store::SessionKey;

/// The cookie's name.
pub const NAME: &str = "convoca_dashboard";

/// The session key a request's cookie holds, if it holds one of the right form.
pub(super) fn session_of(headers: &HeaderMap) -> Option<SessionKey> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == NAME)
        .and_then(|(_, value)| SessionKey::parse(value.trim()))
}

/// `Set-Cookie` for a new session of `seconds`.
pub(super) fn set(key: &SessionKey, seconds: i64, secure: bool) -> HeaderValue {
    cookie(key.expose(), seconds, secure)
}

/// `Set-Cookie` that makes the browser forget the session.
pub(super) fn clear(secure: bool) -> HeaderValue {
    cookie("", 0, secure)
}

fn cookie(value: &str, seconds: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!("{NAME}={value}; Path=/dashboard; Max-Age={seconds}; HttpOnly; SameSite=Strict{secure}");
    // Only hex digits, digits and fixed words: always a valid header value.
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("convoca_dashboard=; Max-Age=0"))
}

/// Whether the browser reached the bot over HTTPS: `public_url` is `https://` (what members
/// are given), or the request came through a TLS proxy that says so.
pub(super) fn over_https(public_url: Option<&str>, headers: &HeaderMap) -> bool {
    let public = public_url.is_some_and(|u| u.trim().to_ascii_lowercase().starts_with("https://"));
    let forwarded = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').next().is_some_and(|p| p.trim().eq_ignore_ascii_case("https")));
    public || forwarded
}

/// Whether the browser says another site made this request (`Sec-Fetch-Site` neither
/// `same-origin` nor `none`):
/// a page elsewhere posting a link's token would sign its reader into a dashboard that is
/// not theirs, so such a post opens nothing. Browsers that do not send the header are taken
/// at their word; the token is still the secret.
pub(super) fn from_another_site(headers: &HeaderMap) -> bool {
    // Only this site's own page (`same-origin`) or the person themselves (`none`, or a
    // browser too old to say): a sibling subdomain (`same-site`) could otherwise sign a
    // browser into its own group's dashboard.
    headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| !v.eq_ignore_ascii_case("same-origin") && !v.eq_ignore_ascii_case("none"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, value.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_cookie_is_for_the_dashboard_only_and_never_for_scripts_or_other_sites() {
        let key = SessionKey::parse(&"ab".repeat(32)).unwrap();
        let set = set(&key, 43200, false);
        assert_eq!(
            set.to_str().unwrap(),
            format!("convoca_dashboard={}; Path=/dashboard; Max-Age=43200; HttpOnly; SameSite=Strict", "ab".repeat(32))
        );
        assert!(super::set(&key, 1, true).to_str().unwrap().ends_with("; Secure"));
        assert!(clear(false).to_str().unwrap().starts_with("convoca_dashboard=; Path=/dashboard; Max-Age=0;"));
    }

    #[test]
    fn the_session_is_read_from_among_other_cookies_and_only_in_its_form() {
        let key = "cd".repeat(32);
        let h = headers(&[("cookie", "a=1"), ("cookie", &format!("theme=dark; {NAME}={key}; b=2"))]);
        assert_eq!(session_of(&h).map(|k| k.expose().to_string()), Some(key));
        assert_eq!(session_of(&headers(&[("cookie", "convoca_dashboard=../../x")])), None);
        assert_eq!(session_of(&headers(&[("cookie", "xconvoca_dashboard=1")])), None);
    }

    #[test]
    fn https_is_told_by_the_public_url_or_the_proxy() {
        assert!(over_https(Some("https://bot.example.org"), &HeaderMap::new()));
        assert!(!over_https(Some("http://127.0.0.1:8080"), &HeaderMap::new()));
        assert!(over_https(None, &headers(&[("x-forwarded-proto", "https")])));
        assert!(!over_https(None, &headers(&[("x-forwarded-proto", "http")])));
        assert!(from_another_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!from_another_site(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!from_another_site(&headers(&[("sec-fetch-site", "none")])));
        assert!(from_another_site(&headers(&[("sec-fetch-site", "same-site")])), "a sibling subdomain");
        assert!(!from_another_site(&HeaderMap::new()));
    }
}
