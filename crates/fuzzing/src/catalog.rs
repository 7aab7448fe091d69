//! The catalog file import (`motcua-central catalog import FILE`): TOML
//! written by a center's IT officer, parsed and validated before anything
//! touches the database.

use std::collections::HashSet;

use motcua_central::catalog_file::{CatalogFileError, FORMAT, parse, validate};

use crate::{Outcome, ensure, text};

fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    (1..=64).contains(&b.len())
        && b.first().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// `catalog_file::parse` then `validate`: a refusal lists at least one
/// problem, each with its place; an accepted file has the format, valid ids,
/// and service letters a ticket number can carry.
pub fn catalog_file(data: &[u8]) -> Outcome {
    let input = text(data);
    let file = match parse(&input) {
        Ok(file) => file,
        Err(CatalogFileError::Parse(msg)) => {
            ensure!(!msg.trim().is_empty(), "a parse error without a message");
            return Ok(());
        }
        Err(e) => return Err(crate::Violation(format!("parse failed with a non-parse error: {e}"))),
    };
    let existing: HashSet<String> = ["vp-tinh".to_string()].into();
    match validate(&file, &existing) {
        Ok(()) => {
            ensure!(file.format == FORMAT, "format {} accepted", file.format);
            let ids =
                file.centers.iter().map(|x| &x.id).chain(file.services.iter().map(|x| &x.id)).chain(file.counters.iter().map(|x| &x.id));
            for id in ids {
                ensure!(valid_id(id), "invalid id {id:?} accepted");
            }
            for s in &file.services {
                let l = s.letter.as_bytes();
                ensure!((1..=2).contains(&l.len()) && l.iter().all(u8::is_ascii_uppercase), "service letter {:?} accepted", s.letter);
                ensure!(!s.name.trim().is_empty(), "blank service name accepted");
            }
            for c in &file.centers {
                ensure!(jiff::tz::TimeZone::get(&c.time_zone).is_ok(), "unknown time zone {:?} accepted", c.time_zone);
            }
        }
        Err(CatalogFileError::Invalid(errors)) => {
            ensure!(!errors.is_empty(), "refused without a reason");
            for e in &errors {
                ensure!(e.contains(": ") && !e.starts_with(':'), "a problem without its place: {e:?}");
            }
        }
        Err(e) => return Err(crate::Violation(format!("validate failed with a non-validation error: {e}"))),
    }
    Ok(())
}
