//! The kiosk config loader: the TOML file an IT officer edits, and the
//! `MOTCUA_<KEY>` environment overrides.

use motcua_engine::{Config, EngineError};

use crate::{Outcome, Violation, ensure, text};

/// The environment part of an input: `key=value` lines after the first NUL
/// byte, answered for `MOTCUA_<KEY>` (any case).
fn env_lookup(env: &str, name: &str) -> Option<String> {
    let key = name.strip_prefix("MOTCUA_")?;
    env.lines().find_map(|line| line.split_once('=').filter(|(k, _)| k.trim().eq_ignore_ascii_case(key)).map(|(_, v)| v.to_owned()))
}

fn is_http_url(url: &str) -> bool {
    (url.starts_with("http://") || url.starts_with("https://")) && !url.ends_with('/') && !url.contains(char::is_whitespace)
}

/// `Config::parse`: the file's text (before the first NUL) with the
/// environment after it. An accepted config holds only values the kiosk can
/// use; a refusal is `config_invalid` naming its key, in both languages.
pub fn kiosk_config(data: &[u8]) -> Outcome {
    let (file, env) = match data.iter().position(|b| *b == 0) {
        Some(i) => (data.get(..i).unwrap_or_default(), data.get(i + 1..).unwrap_or_default()),
        None => (data, &[][..]),
    };
    let (file, env) = (text(file), text(env));
    match Config::parse(&file, |name| env_lookup(&env, name)) {
        Ok(c) => {
            let id_ok = c.kiosk_id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
            ensure!((1..=64).contains(&c.kiosk_id.len()) && id_ok, "kiosk_id {:?} accepted", c.kiosk_id);
            let code_ok = c.kiosk_code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            ensure!((1..=4).contains(&c.kiosk_code.len()) && code_ok, "kiosk_code {:?} accepted", c.kiosk_code);
            ensure!(is_http_url(&c.central_url), "central_url {:?} accepted", c.central_url);
            ensure!(is_http_url(&c.lookup_base_url), "lookup_base_url {:?} accepted", c.lookup_base_url);
            ensure!(!c.token.is_empty() && !c.center_id.is_empty(), "an empty token or center accepted");
            ensure!((10..=600).contains(&c.idle_timeout_s), "idle_timeout_s {} accepted", c.idle_timeout_s);
            let hex_ok = c.admin_pin_sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            ensure!(c.admin_pin_sha256.len() == 64 && hex_ok, "admin pin hash {:?} accepted", c.admin_pin_sha256);
            let budget = c.online_budget.as_millis();
            ensure!((200..=30_000).contains(&budget), "online_budget_ms {budget} accepted");
            ensure!((1..=3600).contains(&c.heartbeat.as_secs()), "heartbeat {:?} accepted", c.heartbeat);
            if let Some(p) = &c.dossier_code_pattern {
                ensure!(motcua_domain::DossierCodeRules::with_pattern(p).is_ok(), "pattern {p:?} accepted but does not compile");
            }
        }
        Err(e @ EngineError::ConfigInvalid { .. }) => {
            ensure!(e.code() == "config_invalid", "code {} for a config error", e.code());
            if let EngineError::ConfigInvalid { key, expected, .. } = &e {
                ensure!(!key.is_empty() && !expected.is_empty(), "a config error without its key or expectation: {e}");
            }
            ensure!(!e.message_vi().trim().is_empty(), "no Vietnamese message");
            ensure!(!e.message_en().trim().is_empty(), "no English message");
        }
        Err(e) => return Err(Violation(format!("a config error that is not config_invalid: {e}"))),
    }
    Ok(())
}
